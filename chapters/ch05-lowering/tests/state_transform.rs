//! The coroutine transform as an experiment of its own: `hello_world`'s body as it enters
//! `StateTransform` (a coroutine that yields) and as it leaves it (a resume function that
//! switches on the state, with the layout the pass computed).

use listings::{Stage, StageListing, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn dumped(subject: &str) -> StageListing {
    listings::stage(CHAPTER, Stage::StateTransform, subject).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn before_the_transform_the_await_is_a_yield_and_the_awaitee_has_storage_markers() {
    let before = dumped("before: hello_world::{closure#0}");
    let body = before.body.as_ref().expect("a MIR body");
    assert!(before.text.starts_with(
        "fn hello_world::{closure#0}(_1: {async fn body of hello_world()}, _2: std::future::ResumeTy) -> ()\nyields ()\n {\n"
    ), "{}", before.text);
    let yields: Vec<&str> = body
        .blocks()
        .iter()
        .map(|block| block.terminator())
        .filter(|terminator| terminator.contains(" = yield("))
        .collect();
    assert_eq!(yields, ["_20 = yield(move _21) -> [resume: bb10, drop: bb14];"], "one suspension point");
    assert!(before.text.contains("StorageLive(_7);") && before.text.contains("StorageDead(_7);"), "the awaitee's");
    assert!(!before.text.contains("coroutine_layout"), "no layout before the pass computes it");
    assert_stage_snapshot!("hello_world_before_state_transform", before);
}

#[test]
fn after_the_transform_the_body_switches_on_the_state_and_the_layout_saves_only_the_awaitee() {
    let after = dumped("after: hello_world::{closure#0}");
    let body = after.body.as_ref().expect("a MIR body");
    for piece in [
        "    field_tys: {\n        _s0: CoroutineSavedTy {\n            ty: DummyFuture,\n",
        "        Unresumed(0): [],\n        Returned (1): [],\n        Panicked (2): [],\n        Suspend0 (3): [_s0],\n",
        "    storage_conflicts: BitMatrix(1x1) {\n        (_s0, _s0),\n    },\n",
        "debug __awaitee => (((*_27) as variant#3).0: DummyFuture);",
    ] {
        assert!(after.text.contains(piece), "{piece} missing from:\n{}", after.text);
    }
    assert_eq!(
        body.block("bb0").unwrap().terminator(),
        "switchInt(move _26) -> [0: bb1, 1: bb27, 2: bb26, 3: bb25, otherwise: bb8];"
    );
    assert!(!after.text.contains("yield("), "no yield is left");
    assert_stage_snapshot!("hello_world_after_state_transform", after);
}
