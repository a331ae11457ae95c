//! Chapter 5's why-experiments: each test takes two listings one change apart and shows that the
//! effect the page explains comes and goes with its cause.

use listings::{
    AsmListing, AsmOptions, CodegenFlags, Experiment, Stage, StageListing, Trial, assert_asm_snapshot,
    assert_experiment_snapshot,
};

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

/// The resume function of `two_suspension_points` as `tests/listings.rs` lists it for the page,
/// compiled with `flags`.
fn state_machine(flags: &CodegenFlags) -> AsmListing {
    let options = AsmOptions { source: true, data: false };
    listings::asm_with_flags(CHAPTER, "two_suspension_points::{{closure}}", &options, flags)
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Each `.await` writes a new `YieldOnce` (`yielded = false`) into the awaitee's byte at offset
/// 24 and its inlined `poll` overwrites it with `true` before anything reads it. The store of
/// `false` stays only while the resume function can unwind: with `-C panic=abort` it goes (two
/// stores in the default listing, none in the other), together with the landing pads. Chapter 9
/// quotes the default listing's two stores.
#[test]
fn the_dead_store_of_a_new_yield_once_is_kept_while_the_resume_function_can_unwind() {
    let unwinding = state_machine(&CodegenFlags::default());
    let aborting = state_machine(&CodegenFlags::default().with_codegen("panic=abort"));
    assert_asm_snapshot!("two_suspension_points_state_machine_panic_abort", aborting);
    let experiment = Experiment {
        effect: "the new `YieldOnce`'s `yielded = false`, `mov byte ptr [… + 24], 0`, before `poll` stores 1",
        change: "`-C panic=abort`",
        with: Trial::new("two_suspension_points_state_machine", &unwinding),
        without: Trial::new("two_suspension_points_state_machine_panic_abort", &aborting),
    }
    .run(|line| line.starts_with("mov byte ptr [") && line.ends_with(" + 24], 0"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!(
        "the_dead_store_of_a_new_yield_once_is_kept_while_the_resume_function_can_unwind",
        experiment
    );
}
