//! The figures of the page's section "`async fn` in traits":
//! `cargo run -p ch10-async-today --example traits_measure -- figures OUT`, which `ci/bench-cost`
//! runs to write `chapters/ch10-async-today/figures.toml`.
//!
//! With no argument it makes each measured call once, here, and prints what each returned:
//! what a reader can run without valgrind (and what `ci/valgrind-examples` runs under memcheck).
//!
//! It builds the program `traits_workload` with the listings' flags, so that the functions it
//! counts are the ones the listings show, and runs it under callgrind once per figure, counting
//! inside the measured function and what it calls, after the warm-up call (chapter 9's way,
//! `tools/figures`). `tests/traits.rs` counts the same figures again and holds the page's
//! claims against both.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use figures::callgrind::Measured;
use figures::{Callgrind, Figures, Input, LockedPackage, MeasuredWith, Table, Value};

/// Each figure of the table: its name, the program's argument, the function counted, and how
/// the table calls it.
const COUNTED: [(&str, &str, &str, &str); 3] = [
    ("traits_get_static", "static", "ch10_async_today::get_static", "`get_static`: `Store`, an `async fn` in a trait"),
    ("traits_get_dyn", "dyn", "ch10_async_today::crates::get_dyn", "`get_dyn`: `#[async_trait]`, through `dyn`"),
    (
        "traits_get_boxed",
        "boxed",
        "ch10_async_today::crates::get_boxed",
        "`get_boxed`: `#[async_trait]`, the type in sight",
    ),
];

/// The C library's share of a call of `get_dyn`: the instructions inside `malloc` and `free`
/// (callgrind's names), counted in the same program.
const IN_THE_C_LIBRARY: [(&str, &str); 2] = [("traits_get_dyn_malloc", "malloc"), ("traits_get_dyn_free", "free")];

/// callgrind's name of the program's marker.
const START_COUNTING: &str = "traits_workload::start_counting";

/// Calls per callgrind run. A figure is the difference between a run of `2 * RUNS` calls and one
/// of `RUNS`, divided by `RUNS`: what the program does once, before the first call or on its way
/// out (the C library frees a little at exit), cancels out.
const RUNS: u32 = 1000;

/// The sources the figures depend on: a change to any of them makes `figures.toml` stale.
const INPUTS: &[&str] = &[
    "chapters/ch10-async-today/src/lib.rs",
    "chapters/ch10-async-today/src/bin/traits_workload.rs",
    "chapters/ch10-async-today/examples/traits_measure.rs",
];

/// The crates from crates.io whose code is measured: the future `#[async_trait]` writes.
const PACKAGES: &[&str] = &["async-trait"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => {
            call_each_once();
            Ok(())
        }
        ["figures", out] => measure(Path::new(out)),
        _ => Err(format!("unknown arguments {args:?}\nusage: traits_measure [figures OUT]")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn call_each_once() {
    use ch10_async_today::crates::{BoxedStore, get_boxed, get_dyn};
    let memory = ch10_async_today::Memory { base: 40 };
    let store: &dyn BoxedStore = &memory;
    println!("get_static: {}", ch10_async_today::get_static(&memory, 2));
    println!("get_dyn: {}", get_dyn(store, 2));
    println!("get_boxed: {}", get_boxed(&memory, 2));
    println!("`ci/bench-cost` counts their instructions");
}

fn measure(out: &Path) -> Result<(), String> {
    let workspace = listings::Workspace::this_checkout();
    let callgrind = Callgrind::find(workspace.kept()).map_err(|e| e.to_string())?;
    let program = listings::optimised_program(env!("CARGO_PKG_NAME"), "traits_workload").map_err(|e| e.to_string())?;
    let compiler = listings::Rustc::for_listings(&workspace).map_err(|e| e.to_string())?.version_line;

    let per_call = |function: &str, call: &str| -> Result<f64, String> {
        let measured = Measured { function, from: START_COUNTING };
        let count = |runs: u32| callgrind.count(&program, &["run", call, &runs.to_string()], &measured);
        let (once, twice) = (count(RUNS), count(2 * RUNS));
        let (once, twice) =
            (once.map_err(|e| format!("{function}: {e}"))?, twice.map_err(|e| format!("{function}: {e}"))?);
        Ok((twice as f64 - once as f64) / f64::from(RUNS))
    };
    let value =
        |per_call: f64| if per_call.fract() == 0.0 { Value::Count(per_call as u64) } else { Value::Decimal(per_call) };

    let mut values = BTreeMap::new();
    let mut rows = Vec::new();
    for (name, call, function, label) in COUNTED {
        let per_call = per_call(function, call)?;
        values.insert(name.to_owned(), value(per_call));
        let shown = if per_call.fract() == 0.0 { format!("{per_call}") } else { format!("{per_call:.1}") };
        rows.push(vec![label.to_owned(), shown]);
    }
    for (name, function) in IN_THE_C_LIBRARY {
        values.insert(name.to_owned(), value(per_call(function, "dyn")?));
    }
    let figures = Figures {
        provenance: MeasuredWith {
            compiler,
            valgrind: callgrind.version.clone(),
            cpu: figures::machine::cpu(),
            wall_clock: "not measured".to_owned(),
            command: "ci/bench-cost".to_owned(),
        },
        values,
        inputs: INPUTS
            .iter()
            .map(|path| Input::of(&workspace.root, path))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        packages: PACKAGES
            .iter()
            .map(|name| LockedPackage::of(&workspace.root, name))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        tables: vec![Table {
            name: "traits_calls".to_owned(),
            columns: vec!["one call of `get` and one poll".to_owned(), "instructions".to_owned()],
            rows,
        }],
    };
    figures.write(out).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
