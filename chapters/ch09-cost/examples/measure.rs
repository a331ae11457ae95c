//! The cost chapter's measurements: `cargo run -p ch09-cost --example measure`.
//!
//! With no argument it runs every workload of `ch09-cost-workloads` once, here, and prints the
//! sizes of the book's futures against the least a hand-written machine needs: what a reader
//! can see without valgrind (and what `ci/valgrind-examples` runs under memcheck).
//!
//! `figures OUT [--no-wall-clock]` makes every figure of the chapter and writes them to OUT
//! (`ci/bench-cost` writes `chapters/ch09-cost/figures.toml`). It builds the program `workload`
//! with the listings' flags, so that the functions it counts are the ones the listings show;
//! runs it under callgrind once per counted figure, counting only inside the measured function
//! and only after the warm-up; runs it natively for the wall-clock figures, in rounds that each
//! time every workload once, keeping the least, the median and the most of each; computes
//! the sizes, which the compiler decides before any optimisation; and builds chapter 8's C++
//! coroutine into `cpp/resume_three_awaits.cpp` with the pinned g++ and the listings' flags,
//! counts its resumes under callgrind the same way and reads the bytes of its frame.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Mutex;

use ch09_cost_workloads::{
    EXECUTORS, START_COUNTING, WAKER_OPERATIONS, WAKERS, WORKLOADS, YIELDS, counted, sizes, three_awaits_size,
    workload_named,
};
use figures::callgrind::Measured;
use figures::{Callgrind, Figures, Input, LockedPackage, MeasuredWith, Table, Value};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] => {
            run_everything_once();
            Ok(())
        }
        ["list"] => {
            list();
            Ok(())
        }
        ["figures", out] => regenerate(Path::new(out), true),
        ["figures", out, "--no-wall-clock"] => regenerate(Path::new(out), false),
        _ => Err(format!("unknown arguments {args:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: measure [list | figures OUT [--no-wall-clock]]";

fn run_everything_once() {
    for workload in WORKLOADS {
        (workload.run)();
    }
    println!("ran each of the {} workloads once; `ci/bench-cost` counts their instructions", WORKLOADS.len());
    println!();
    println!("{:<46} {:>6} {:>8}", "future", "rustc", "by hand");
    for size in sizes() {
        println!("{:<46} {:>6} {:>8}", size.name, size.rustc, size.by_hand);
    }
}

fn list() {
    for figure in counted() {
        println!("{}\t{}\t{}", figure.name, figure.workload, figure.function);
    }
}

/// The sources the figures depend on: a change to any of them makes `figures.toml` stale.
const INPUTS: &[&str] = &[
    "chapters/ch09-cost/src/lib.rs",
    "chapters/ch09-cost/examples/measure.rs",
    "chapters/ch09-cost/workloads/src/lib.rs",
    "chapters/ch09-cost/workloads/src/main.rs",
    "chapters/ch01-the-experiment/src/lib.rs",
    "chapters/ch03-wakers/src/lib.rs",
    "chapters/ch04-executors/src/lib.rs",
    "chapters/ch05-lowering/src/lib.rs",
    "chapters/ch08-machine-code/src/lib.rs",
    CPP_PROGRAM_SOURCE,
    "chapters/ch08-machine-code/cpp/three_awaits.cpp",
    "gxx-toolchain.toml",
];

/// The C++ workload: chapter 8's `three_awaits` coroutine, resumed through `resume_once`.
const CPP_PROGRAM: &str = "cpp/resume_three_awaits.cpp";
const CPP_PROGRAM_SOURCE: &str = "chapters/ch09-cost/cpp/resume_three_awaits.cpp";
/// callgrind's names of the function counted in it and of its start marker.
const CPP_RESUME: &str = "resume_once(std::__n4861::coroutine_handle<void>)";
const CPP_START_COUNTING: &str = "start_counting()";
/// Coroutines made, resumed and destroyed per callgrind run.
const CPP_RUNS: u32 = 100;

/// The crates from crates.io whose code is measured.
const PACKAGES: &[&str] = &["futures-core", "futures-executor", "futures-task", "futures-util"];

/// How many rounds of timings: each round times every workload once, so that the spread of a
/// figure covers the whole measurement, not a few consecutive runs of one workload.
const ROUNDS: usize = 7;

fn regenerate(out: &Path, wall_clock: bool) -> Result<(), String> {
    let root = listings::Workspace::this_checkout().root;
    let callgrind = Callgrind::find(listings::Workspace::this_checkout().kept()).map_err(|e| e.to_string())?;
    let program = listings::optimised_program("ch09-cost-workloads", "workload").map_err(|e| e.to_string())?;
    let rustc =
        listings::Rustc::for_listings(&listings::Workspace::this_checkout()).map_err(|e| e.to_string())?.version_line;
    let cpp_program = listings::cpp::gxx::executable("ch09-cost", CPP_PROGRAM).map_err(|e| e.to_string())?;
    let compiler = format!(
        "{rustc}, and for C++ {} ({})",
        listings::cpp::gxx::pinned().describe(),
        listings::cpp::gxx::FLAGS.join(" ")
    );

    let mut counts = count_all(&callgrind, &program)?;
    counts.extend(count_cpp(&callgrind, &cpp_program)?);
    let cpp_frame = cpp_frame_bytes(&cpp_program)?;
    let times = if wall_clock { time_all(&program)? } else { BTreeMap::new() };
    let mut figures = Figures {
        provenance: MeasuredWith {
            compiler,
            valgrind: callgrind.version.clone(),
            cpu: figures::machine::cpu(),
            wall_clock: if wall_clock {
                format!("least, median and most of {ROUNDS} rounds, each timing every workload once, natively")
            } else {
                "not measured".to_owned()
            },
            command: "ci/bench-cost".to_owned(),
        },
        values: BTreeMap::new(),
        inputs: INPUTS
            .iter()
            .map(|path| Input::of(&root, path))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        packages: PACKAGES
            .iter()
            .map(|name| LockedPackage::of(&root, name))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        tables: Vec::new(),
    };
    derive(&mut figures, &counts, &times);
    derive_cpp(&mut figures, &counts, cpp_frame);
    figures.write(out).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// Every counted figure, per run, two callgrind runs at a time.
fn count_all(callgrind: &Callgrind, program: &Path) -> Result<BTreeMap<&'static str, f64>, String> {
    let queue = Mutex::new(counted());
    let results = Mutex::new(BTreeMap::new());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let Some(figure) = queue.lock().unwrap().pop() else { break };
                    let workload = workload_named(figure.workload).expect("every counted figure names a workload");
                    let runs = workload.counted_runs.to_string();
                    let measured = Measured { function: figure.function, from: START_COUNTING };
                    match callgrind.count(program, &["run", workload.name, &runs], &measured) {
                        Ok(count) => {
                            results
                                .lock()
                                .unwrap()
                                .insert(figure.name, count as f64 / f64::from(workload.counted_runs));
                        }
                        Err(error) => failures.lock().unwrap().push(format!("{}: {error}", figure.name)),
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    if failures.is_empty() { Ok(results.into_inner().unwrap()) } else { Err(failures.join("\n")) }
}

/// The instructions of the C++ coroutine's first `n` resumes, per coroutine, for `n` from 1 to 4.
fn count_cpp(callgrind: &Callgrind, program: &Path) -> Result<BTreeMap<&'static str, f64>, String> {
    let mut counts = BTreeMap::new();
    for (resumes, name) in (1..=4).zip(["cpp_1_resumes", "cpp_2_resumes", "cpp_3_resumes", "cpp_4_resumes"]) {
        let measured = Measured { function: CPP_RESUME, from: CPP_START_COUNTING };
        let count = callgrind
            .count(program, &["run", &resumes.to_string(), &CPP_RUNS.to_string()], &measured)
            .map_err(|error| format!("{name}: {error}"))?;
        counts.insert(name, count as f64 / f64::from(CPP_RUNS));
    }
    Ok(counts)
}

/// The bytes `operator new` is asked for the C++ coroutine's frame, as the program prints them.
fn cpp_frame_bytes(program: &Path) -> Result<u64, String> {
    let output = Command::new(program).arg("frame").output().map_err(|e| format!("{}: {e}", program.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim().parse().map_err(|_| format!("`{} frame` printed {text:?}", program.display()))
}

/// The C++ table: chapter 8's `three_awaits` as a C++20 coroutine and as an `async fn`, resume
/// by resume and poll by poll, and their bytes.
fn derive_cpp(figures: &mut Figures, counts: &BTreeMap<&'static str, f64>, cpp_frame: u64) {
    let labels = [
        "1: from the start to the first await",
        "2: from the first await to the second",
        "3: from the second await to the third",
        "4: from the third await to the end",
    ];
    let mut rows = Vec::new();
    let mut before = [0.0; 2];
    for (index, label) in labels.iter().enumerate() {
        let polls = index + 1;
        let now = [
            counts[format!("cpp_{polls}_resumes").as_str()],
            counts[format!("count_poll_three_awaits_{polls}_polls").as_str()],
        ];
        let this = [now[0] - before[0], now[1] - before[1]];
        figures.values.insert(format!("cpp_resume_{polls}"), Value::Count(this[0] as u64));
        figures.values.insert(format!("three_awaits_poll_{polls}"), Value::Count(this[1] as u64));
        rows.push(vec![(*label).to_owned(), format!("{}", this[0]), format!("{}", this[1])]);
        before = now;
    }
    figures.values.insert("cpp_resume_total".to_owned(), Value::Count(before[0] as u64));
    figures.values.insert("three_awaits_poll_total".to_owned(), Value::Count(before[1] as u64));
    rows.push(vec!["all four".to_owned(), format!("{}", before[0]), format!("{}", before[1])]);
    let future = three_awaits_size() as u64;
    figures.values.insert("cpp_frame_bytes".to_owned(), Value::Count(cpp_frame));
    figures.values.insert("three_awaits_future_bytes".to_owned(), Value::Count(future));
    rows.push(vec![
        "bytes allocated: the frame, the boxed future".to_owned(),
        cpp_frame.to_string(),
        future.to_string(),
    ]);
    figures.tables.push(table("cpp", &["resume or poll", "C++20 coroutine", "`async fn`"], rows));
}

/// The nanoseconds per run of every workload in each round, one process per timing.
fn time_all(program: &Path) -> Result<BTreeMap<&'static str, Vec<f64>>, String> {
    let mut rounds: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    for _ in 0..ROUNDS {
        for workload in WORKLOADS {
            let output = Command::new(program)
                .args(["time", workload.name, &workload.timed_runs.to_string()])
                .output()
                .map_err(|e| format!("{}: {e}", program.display()))?;
            let text = String::from_utf8_lossy(&output.stdout);
            let nanoseconds: f64 = text
                .trim()
                .parse()
                .map_err(|_| format!("`{} time {}` printed {text:?}", program.display(), workload.name))?;
            rounds.entry(workload.name).or_default().push(nanoseconds);
        }
    }
    Ok(rounds)
}

/// The least, the median and the most of one wall-clock figure over the rounds, as the wall-clock
/// table shows them, or dashes where it was not measured.
fn spread(rounds: Option<Vec<f64>>) -> [String; 3] {
    match rounds {
        Some(mut times) if !times.is_empty() => {
            times.sort_by(f64::total_cmp);
            [times[0], times[times.len() / 2], times[times.len() - 1]].map(|ns| format!("{ns:.1}"))
        }
        _ => ["–", "–", "–"].map(str::to_owned),
    }
}

fn table(name: &str, columns: &[&str], rows: Vec<Vec<String>>) -> Table {
    Table { name: name.to_owned(), columns: columns.iter().map(|column| (*column).to_owned()).collect(), rows }
}

/// A count of instructions as the tables show it: whole if it is, else to one decimal (an
/// average over runs that differ, as when an allocator takes its slow path once in a while).
fn instructions(count: f64) -> String {
    if count.fract() == 0.0 { format!("{count}") } else { format!("{count:.1}") }
}

/// The chapter's figures from the raw counts and times: the named values the prose and the tests
/// use, and the tables the page shows.
fn derive(figures: &mut Figures, counts: &BTreeMap<&'static str, f64>, times: &BTreeMap<&'static str, Vec<f64>>) {
    let count = |name: &str| counts[name];
    let mut values: BTreeMap<String, Value> = BTreeMap::new();
    let mut set = |name: String, value: f64| {
        let value =
            if value.fract() == 0.0 && value >= 0.0 { Value::Count(value as u64) } else { Value::Decimal(value) };
        values.insert(name, value);
    };
    let time = |workload: &str| times.get(workload).cloned();
    // The wall-clock table: one row per thing timed, its spread over the rounds. No comparison
    // table mixes these with the counts.
    let mut wall_clock_rows = Vec::new();
    let mut timed = |what: String, rounds: Option<Vec<f64>>| {
        let mut row = vec![what];
        row.extend(spread(rounds));
        wall_clock_rows.push(row);
    };

    // Polls: the n-th poll is the difference between n and n - 1 polls of a new future.
    let mut polls_rows = Vec::new();
    let labels = [
        "1: from the start to the first `.await`",
        "2: from the first `.await` to the second",
        "3: from the second `.await` to `Ready`",
    ];
    let mut totals = [0.0; 2];
    for (index, label) in labels.iter().enumerate() {
        let polls = index + 1;
        let mut row = vec![(*label).to_owned()];
        for (column, machine) in ["async", "by_hand"].into_iter().enumerate() {
            let this = count(&format!("count_poll_{machine}_{polls}_polls"));
            let before = if polls == 1 { 0.0 } else { count(&format!("count_poll_{machine}_{}_polls", polls - 1)) };
            set(format!("poll_{machine}_{polls}"), this - before);
            row.push(format!("{}", this - before));
            totals[column] = this;
        }
        let difference = count(&format!("count_poll_async_{polls}_polls"))
            - count(&format!("count_poll_by_hand_{polls}_polls"))
            - if polls == 1 {
                0.0
            } else {
                count(&format!("count_poll_async_{}_polls", polls - 1))
                    - count(&format!("count_poll_by_hand_{}_polls", polls - 1))
            };
        row.push(format!("{difference:+}"));
        polls_rows.push(row);
    }
    set("poll_async_total".to_owned(), totals[0]);
    set("poll_by_hand_total".to_owned(), totals[1]);
    set("poll_ratio".to_owned(), totals[0] / totals[1]);
    polls_rows.push(vec![
        "all three".to_owned(),
        format!("{}", totals[0]),
        format!("{}", totals[1]),
        format!("{:+}", totals[0] - totals[1]),
    ]);
    polls_rows.push(vec![
        "all three, as a ratio".to_owned(),
        format!("{:.2}", totals[0] / totals[1]),
        "1.00".to_owned(),
        String::new(),
    ]);
    timed("`async fn`: box, poll three times, free".to_owned(), time("poll-async-3"));
    timed("enum by hand: box, poll three times, free".to_owned(), time("poll-by-hand-3"));
    timed("chapter 8's `three_awaits`: box, poll four times, free".to_owned(), time("poll-three-awaits-4"));
    figures.tables.push(table("polls", &["poll", "`async fn`", "enum by hand", "difference"], polls_rows));

    // Wakers.
    let mut waker_rows = Vec::new();
    for (waker, label, workload) in WAKERS {
        let mut row = vec![label.to_owned()];
        for (operation, _) in WAKER_OPERATIONS {
            let name = format!("waker_{waker}_{operation}");
            let value = count(&name);
            set(name, value);
            row.push(format!("{value}"));
        }
        waker_rows.push(row);
        timed(format!("{label}: clone, wake by reference, drop"), time(workload));
    }
    figures.tables.push(table("wakers", &["waker", "`clone`", "`wake_by_ref`", "`drop`"], waker_rows));

    // Executors: a task that never yields, and the cost of each of YIELDS yields beyond it.
    let mut executor_rows = Vec::new();
    for (executor, label, workload, _) in EXECUTORS {
        let fixed = count(&format!("count_task_{executor}_0"));
        let per_yield = (count(&format!("count_task_{executor}_{YIELDS}")) - fixed) / f64::from(YIELDS);
        let wake = count(&format!("count_task_{executor}_{YIELDS}_wakes")) / f64::from(YIELDS);
        // Averages over runs: the prose quotes them to the whole instruction.
        set(format!("task_{executor}"), fixed.round());
        set(format!("task_{executor}_per_yield"), per_yield.round());
        set(format!("task_{executor}_wake"), wake.round());
        executor_rows.push(vec![label.to_owned(), instructions(fixed), instructions(per_yield), instructions(wake)]);
        let time_fixed = time(&format!("{workload}-0"));
        // Per yield, round by round: the difference of the two workloads timed in the same round.
        let time_per_yield = time(&format!("{workload}-{YIELDS}"))
            .zip(time_fixed.clone())
            .map(|(all, fixed)| all.iter().zip(&fixed).map(|(all, fixed)| (all - fixed) / f64::from(YIELDS)).collect());
        timed(format!("{label}: one task"), time_fixed);
        timed(format!("{label}: per yield"), time_per_yield);
    }
    figures.tables.push(table("executors", &["executor", "one task", "per yield", "per wake"], executor_rows));

    // Sizes.
    let mut size_rows = Vec::new();
    for size in sizes() {
        set(format!("size_{}", size.name), size.rustc as f64);
        set(format!("size_{}_by_hand", size.name), size.by_hand as f64);
        size_rows.push(vec![
            size.future.to_owned(),
            size.rustc.to_string(),
            size.by_hand.to_string(),
            format!("{:+}", size.rustc as i64 - size.by_hand as i64),
            size.why.to_owned(),
        ]);
    }
    figures.tables.push(table("sizes", &["future", "rustc", "by hand", "difference", "where it goes"], size_rows));
    figures.tables.push(table(
        "wall_clock",
        &["what is timed", "least, ns", "median, ns", "most, ns"],
        wall_clock_rows,
    ));
    figures.values = values;
}
