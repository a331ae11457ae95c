//! Chapter 10's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch10-async-today NAME}}` and runs with `cargo test -p ch10-async-today --test why NAME`.

use listings::{Experiment, Stage, StageListing, Trial, assert_experiment_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

// ---- closures ----------------------------------------------------------------------------------

/// "The future an `AsyncFnMut` call returns never drops the log: it only borrows it. The future
/// of the call by value owns it, and drops it." The two bodies are one body, the second made from
/// the first by rustc's by-move pass, which changes the capture of `log` from a borrow to the
/// value and nothing else (`compiler/rustc_mir_transform/src/coroutine/by_move_body.rs`).
#[test]
fn only_the_future_that_owns_the_log_drops_it() {
    let by_move = stage(Stage::Mir, "async_logger::{closure#0}::{synthetic#0}");
    let by_ref = stage(Stage::Mir, "async_logger::{closure#0}::{closure#0}");
    assert_stage_snapshot!("closures_by_move_body", by_move);
    assert_stage_snapshot!("closures_by_ref_body", by_ref);
    let experiment = Experiment {
        effect: "`drop(…)` of the `Vec<u32>` the body calls `log`, when the body finishes and when it unwinds",
        change: "the body an `AsyncFnMut` call runs, which reaches `log` through a `&mut` in place of owning it",
        with: Trial::new("closures_by_move_body", &by_move),
        without: Trial::new("closures_by_ref_body", &by_ref),
    }
    .run(|line| line.starts_with("drop(") && line.contains("std::vec::Vec<u32>"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("only_the_future_that_owns_the_log_drops_it", experiment);
}
