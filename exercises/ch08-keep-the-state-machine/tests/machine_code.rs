//! `run_all` against what an executor's machine code looks like: the outputs, a poll through
//! the vtable with no dispatch of its own, and the resume function whole, with its jump table.

use std::path::{Path, PathBuf};

use ch08_keep_the_state_machine::{run_all, three_awaits};
use exercise_harness::poll_to_end;
use listings::{AsmListing, AsmOptions, CodegenFlags, Listing, asm_of_file};

const CRATE: &str = "ch08_keep_the_state_machine";

fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")
}

fn listing(function: &str) -> Result<AsmListing, listings::Error> {
    asm_of_file(&source(), CRATE, function, &AsmOptions::default(), &CodegenFlags::default())
}

/// Calls whose target comes from a register or from memory other than the global offset
/// table: calls through a vtable.
fn indirect_calls(listing: &Listing) -> Vec<String> {
    listing
        .instructions()
        .filter(|(mnemonic, operands)| *mnemonic == "call" && !operands.contains("rip") && !operands.contains("@PLT"))
        .map(|(mnemonic, operands)| format!("{mnemonic} {operands}"))
        .collect()
}

#[test]
fn it_gives_every_output_in_the_seeds_order() {
    let seeds = [1, 2, 3, 5, u64::MAX];
    let expected: Vec<u64> =
        seeds.iter().map(|&seed| poll_to_end(three_awaits(seed), 10).expect("three_awaits finishes").1).collect();
    assert_eq!(run_all(&seeds), expected, "run_all({seeds:?}): three_awaits' output for each seed, in order");
    assert_eq!(run_all(&[]), Vec::<u64>::new(), "run_all(&[]): no seed, no output");
}

#[test]
fn run_all_polls_through_the_vtable_and_has_no_dispatch_of_its_own() {
    let run_all = listing("run_all").unwrap_or_else(|e| panic!("{e}"));
    let tables = run_all.jump_tables();
    assert!(
        tables.is_empty(),
        "run_all has a jump table of {} entries: the resume function of three_awaits was inlined into it, and \
         its dispatch on the state with it. What in your run_all lets LLVM see which future each poll polls?\n{run_all}",
        tables[0].len()
    );
    let calls = indirect_calls(&run_all);
    assert!(
        !calls.is_empty(),
        "run_all calls nothing through a vtable: every poll was resolved at compile time.\n{run_all}"
    );
}

#[test]
fn the_resume_function_is_a_function_of_its_own_with_its_jump_table() {
    match listing("three_awaits::{{closure}}") {
        Ok(resume) => assert_eq!(
            resume.jump_tables().first().map(Vec::len),
            Some(6),
            "the resume function of three_awaits: unresumed, returned, panicked and three suspension points\n{resume}"
        ),
        Err(error) => panic!(
            "three_awaits::{{{{closure}}}} has no machine code of its own: it was inlined wherever it was polled, \
             and nothing refers to it. ({error})"
        ),
    }
}

#[test]
fn it_keeps_the_state_machine_without_black_box_or_inline_never() {
    let text = std::fs::read_to_string(source()).unwrap();
    let used: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .filter(|line| line.contains("black_box") || line.contains("inline(never)"))
        .collect();
    assert!(used.is_empty(), "those are chapter 8's other two ways; find the executor's: {used:#?}");
}
