//! Prints how long parsing a large `.s` takes: `regex-syntax` compiled with the listing flags
//! (the corpus of `tests/corpus.rs`), parsed five times. `ci/bench-pipeline` runs it; a
//! measurement, never a test.

use std::time::Instant;

fn main() {
    let text = listings::package_assembly_text("regex-syntax").unwrap_or_else(|e| panic!("{e}"));
    let runs = 5;
    let started = Instant::now();
    let (mut functions, mut aliases, mut instructions) = (0, 0, 0);
    for _ in 0..runs {
        let program = listings::asm::Program::parse(&text).unwrap_or_else(|e| panic!("{e}"));
        functions = program.functions().len();
        aliases = program.functions().iter().filter(|f| f.alias_of.is_some()).count();
        instructions = program.instruction_count();
    }
    let each = started.elapsed().as_secs_f64() / f64::from(runs);
    let lines = text.lines().count();
    println!(
        "parse: {:.1} MB, {lines} lines, {functions} functions ({aliases} aliases), {instructions} instructions: {:.0} ms a parse ({} build of the listings library)",
        text.len() as f64 / 1e6,
        each * 1000.0,
        // The tests' build: the dev profile, which Cargo.toml sets to opt-level 2 for this library.
        if cfg!(debug_assertions) { "dev-profile (opt-level 2)" } else { "release" }
    );
}
