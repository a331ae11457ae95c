//! `workload run WORKLOAD RUNS` and `workload time WORKLOAD RUNS`: the program callgrind watches
//! (counting only inside the measured function, and only after `start_counting`), and the same
//! runs timed natively.

use std::process::ExitCode;
use std::time::Instant;

use ch09_cost_workloads::{Workload, start_counting, workload_named};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["run", name, runs] => run(name, runs, counted),
        ["time", name, runs] => run(name, runs, |workload, runs| println!("{:.3}", timed(workload, runs))),
        _ => Err(format!("unknown arguments {args:?}; usage: workload run|time WORKLOAD RUNS")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `what` on the workload named `name`, `runs` times, or what was wrong with the arguments.
fn run(name: &str, runs: &str, what: fn(&Workload, u32)) -> Result<(), String> {
    let workload = workload_named(name)?;
    what(workload, parse(runs)?);
    Ok(())
}

fn parse(runs: &str) -> Result<u32, String> {
    runs.parse().map_err(|_| format!("RUNS must be a whole number, not `{runs}`"))
}

// ANCHOR: counted
/// A warm-up run, the marker callgrind zeroes its counts at, then the counted runs.
fn counted(workload: &Workload, runs: u32) {
    (workload.run)();
    start_counting();
    for _ in 0..runs {
        (workload.run)();
    }
}
// ANCHOR_END: counted

/// Nanoseconds per run, natively, after a warm-up run.
fn timed(workload: &Workload, runs: u32) -> f64 {
    (workload.run)();
    let started = Instant::now();
    for _ in 0..runs {
        (workload.run)();
    }
    started.elapsed().as_nanos() as f64 / f64::from(runs)
}
