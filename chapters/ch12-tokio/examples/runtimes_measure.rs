//! The figures of the page's section "The same four slots in five runtimes":
//! `cargo run -p ch12-tokio --example runtimes_measure -- figures OUT`, which `ci/bench-cost`
//! runs to write `chapters/ch12-tokio/figures.toml`.
//!
//! With no argument it runs the same future once on each runtime, here, and says so: what a
//! reader can run without valgrind (and what `ci/valgrind-examples` runs under memcheck).
//!
//! It builds the program `runtimes_workload` with the listings' flags, so that the functions it
//! counts are the ones the listings show, and runs it under callgrind, counting after a warm-up
//! (chapter 9's way, `tools/figures`): a workload's whole loop, or one of the runtime's waker
//! functions. Each figure is per operation: the difference between a run of `2 * RUNS` and one
//! of `RUNS`, divided by `RUNS`, so that what a run does once cancels out.
//! `tests/runtimes_cost.rs` holds the page's claims against the file.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use figures::callgrind::Measured;
use figures::{Callgrind, Figures, Input, LockedPackage, MeasuredWith, Table, Value};

/// Each runtime: its name in the figures and the program's argument, how the table calls it,
/// and callgrind's names of its vtable's `clone`, `wake`, `wake_by_ref` and `drop`.
const RUNTIMES: [(&str, &str, [&str; 4]); 5] = [
    (
        "book",
        "the book's executor (chapter 4)",
        // std's `Wake` for chapter 4's `Task`: generic functions, whose legacy symbols carry no
        // type argument; the workload's one instance is `Task`'s.
        [
            "alloc::task::raw_waker::clone_waker",
            "alloc::task::raw_waker::wake",
            "alloc::task::raw_waker::wake_by_ref",
            "alloc::task::raw_waker::drop_waker",
        ],
    ),
    (
        "local_pool",
        "`futures`' `LocalPool`",
        [
            "futures_util::stream::futures_unordered::task::waker_ref::clone_arc_raw",
            "futures_util::stream::futures_unordered::task::waker_ref::wake_arc_raw",
            "futures_util::stream::futures_unordered::task::waker_ref::wake_by_ref_arc_raw",
            "futures_util::stream::futures_unordered::task::waker_ref::drop_arc_raw",
        ],
    ),
    (
        "tokio",
        "tokio, current-thread",
        [
            "tokio::runtime::task::waker::clone_waker",
            "tokio::runtime::task::waker::wake_by_val",
            "tokio::runtime::task::waker::wake_by_ref",
            "tokio::runtime::task::waker::drop_waker",
        ],
    ),
    (
        "async_task",
        "`async-task`, a thread-local queue",
        [
            "async_task::raw::RawTask<F,T,S,M>::clone_waker",
            "async_task::raw::RawTask<F,T,S,M>::wake",
            "async_task::raw::RawTask<F,T,S,M>::wake_by_ref",
            "async_task::raw::RawTask<F,T,S,M>::drop_waker",
        ],
    ),
    (
        "embassy",
        "`embassy-executor`, std thread",
        [
            "embassy_executor::raw::waker::clone",
            "embassy_executor::raw::waker::wake",
            "embassy_executor::raw::waker::wake",
            "embassy_executor::raw::waker::drop",
        ],
    ),
];

/// callgrind's names of the program's marker and of the function that holds a workload's loop.
const START_COUNTING: &str = "runtimes_workload::start_counting";
const COUNTED: &str = "runtimes_workload::counted";

/// Operations per callgrind run (see the module's docs).
const RUNS: u32 = 1000;

/// The sources the figures depend on: a change to any of them makes `figures.toml` stale. The
/// runtimes' module, not the whole library: the workload calls nothing else of it, so an edit of
/// another section does not make the figures stale (the crates' versions are `PACKAGES`); and
/// chapter 4's library, whose executor is the book's runtime.
const INPUTS: &[&str] = &[
    "chapters/ch04-executors/src/lib.rs",
    "chapters/ch12-tokio/src/runtimes.rs",
    "chapters/ch12-tokio/src/bin/runtimes_workload.rs",
    "chapters/ch12-tokio/examples/runtimes_measure.rs",
];

/// The crates whose code is measured.
const PACKAGES: &[&str] = &["tokio", "futures-executor", "futures-util", "async-task", "embassy-executor"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => {
            run_each_once();
            Ok(())
        }
        ["figures", out] => measure(Path::new(out)),
        _ => Err(format!("unknown arguments {args:?}\nusage: runtimes_measure [figures OUT]")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_each_once() {
    use ch12_tokio::runtimes::{
        yields_on_async_task, yields_on_book_executor, yields_on_embassy, yields_on_local_pool, yields_on_tokio,
    };
    yields_on_book_executor(3);
    yields_on_local_pool(3);
    yields_on_tokio(3);
    yields_on_async_task(3);
    yields_on_embassy(3);
    println!(
        "Yields {{ left: 3 }} ran to its end on the book's executor (chapter 4), LocalPool, tokio, async-task and embassy"
    );
    println!("`ci/bench-cost` counts their instructions");
}

fn measure(out: &Path) -> Result<(), String> {
    let workspace = listings::Workspace::this_checkout();
    let callgrind = Callgrind::find(workspace.kept()).map_err(|e| e.to_string())?;
    let program =
        listings::optimised_program(env!("CARGO_PKG_NAME"), "runtimes_workload").map_err(|e| e.to_string())?;
    let compiler = listings::Rustc::for_listings(&workspace).map_err(|e| e.to_string())?.version_line;

    let per_run = |runtime: &str, workload: &str, function: &str| -> Result<f64, String> {
        let measured = Measured { function, from: START_COUNTING };
        let count = |runs: u32| {
            callgrind
                .count(&program, &["run", runtime, workload, &runs.to_string()], &measured)
                .map_err(|e| format!("{runtime} {workload} {function}: {e}"))
        };
        let (once, twice) = (count(RUNS)?, count(2 * RUNS)?);
        Ok((twice as f64 - once as f64) / f64::from(RUNS))
    };
    let value = |figure: f64| if figure.fract() == 0.0 { Value::Count(figure as u64) } else { Value::Decimal(figure) };
    // To a tenth, without a trailing `.0` (963.985 is shown as 964, beside a whole 963).
    let shown = |figure: f64| {
        let tenths = format!("{figure:.1}");
        tenths.strip_suffix(".0").map(str::to_owned).unwrap_or(tenths)
    };

    let mut values = BTreeMap::new();
    let mut rows = Vec::new();
    for (runtime, label, [clone, wake, wake_by_ref, drop]) in RUNTIMES {
        let spawn = per_run(runtime, "spawn", COUNTED)?;
        let yielded = per_run(runtime, "yield", COUNTED)?;
        let woken_by_ref = per_run(runtime, "yield", wake_by_ref)?;
        // Each poll of `Slots` clones twice (one clone dropped, one woken by value).
        let cloned = per_run(runtime, "slots", clone)? / 2.0;
        // The book's executor makes a waker for each poll (`Waker::from` in chapter 4's
        // `Task::poll`) and drops it when the poll returns: two drops per poll of `Slots`, the
        // clone's and that one. The others lend the poll a waker they keep.
        let drops_per_poll = if runtime == "book" { 2.0 } else { 1.0 };
        let dropped = per_run(runtime, "slots", drop)? / drops_per_poll;
        let woken = per_run(runtime, "slots", wake)?;
        let figures = [
            ("spawn", spawn),
            ("yield", yielded),
            ("poll", yielded - woken_by_ref),
            ("wake_by_ref", woken_by_ref),
            ("clone", cloned),
            ("drop", dropped),
            ("wake", woken),
        ];
        let mut row = vec![label.to_owned()];
        for (name, figure) in figures {
            values.insert(format!("runtimes_{runtime}_{name}"), value(figure));
            row.push(shown(figure));
        }
        rows.push(row);
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
            name: "runtimes_cost".to_owned(),
            columns: [
                "runtime",
                "a task of one poll, spawned and run to its end",
                "per yield",
                "of which the rest: the poll and the scheduler",
                "of which `wake_by_ref`, called while the task runs",
                "`clone`",
                "`drop`",
                "`wake`",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        }],
    };
    figures.write(out).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
