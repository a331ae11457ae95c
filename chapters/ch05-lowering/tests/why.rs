//! Chapter 5's why-experiments: each test takes two listings one change apart and shows that the
//! effect the page explains comes and goes with its cause.

use listings::{Experiment, Stage, StageListing, Trial, assert_experiment_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn dumped(subject: &str) -> StageListing {
    listings::stage(CHAPTER, Stage::StateTransform, subject).unwrap_or_else(|error| panic!("{error}"))
}

/// The suspension point is a `yield` terminator until `StateTransform` runs, and nothing of it
/// is left after: the pass is what turns the coroutine into a resume function. The two
/// listings are `tests/state_transform.rs`'s snapshots.
#[test]
fn the_await_is_a_yield_until_the_state_transform() {
    let before = dumped("before: hello_world::{closure#0}");
    let after = dumped("after: hello_world::{closure#0}");
    let experiment = Experiment {
        effect: "the `.await` is a `yield` terminator",
        change: "the pass `StateTransform` (its input, then its output)",
        with: Trial::new("hello_world_before_state_transform", &before),
        without: Trial::new("hello_world_after_state_transform", &after),
    }
    .run(|line| line.contains(" = yield("))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("the_await_is_a_yield_until_the_state_transform", experiment);
}
