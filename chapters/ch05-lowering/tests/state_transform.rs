//! The coroutine transform as an experiment of its own: `hello_world`'s body as it enters
//! `StateTransform` (a coroutine that yields) and as it leaves it (a resume function that
//! switches on the state, with the layout the pass computed).

use listings::{Part, Stage, StageListing, assert_part_snapshot, assert_stage_snapshot};

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

/// The second half of each resumption's pair of moves is the body's own code: before the
/// transform, the `yield` resumes to bb10, which (after ending the yielded value's storage) is
/// `_task_context = (yield ())`, the `yield`'s destination `_20` moved into `_2`.
#[test]
fn before_the_transform_the_yield_resumes_to_the_bodys_own_move_of_the_context() {
    let before = dumped("before: hello_world::{closure#0}");
    let body = before.body.as_ref().expect("a MIR body");
    assert!(before.text.contains("_20 = yield(move _21) -> [resume: bb10, drop: bb14];"), "{}", before.text);
    let resumed = body.block("bb10").expect("the resume block");
    assert_eq!(resumed.statements[..2], ["StorageDead(_21);", "_2 = move _20;"], "{}", before.text);
    assert!(before.text.contains("debug _task_context => _2;"), "{}", before.text);
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

/// The layout `StateTransform` computes for `two_suspension_points`, as the comment at the top
/// of its dump prints it: four saved locals, the states that hold each, and which of them may
/// be alive at once. The page explains it line by line; each claim it makes is here.
#[test]
fn the_transform_saves_four_locals_and_only_the_two_awaitees_may_share_their_bytes() {
    let after = dumped("after: two_suspension_points::{closure#0}");
    let text = &after.text;
    // The saved locals, in the order the pass numbers them, with the line and column of the
    // source each comes from (lib.rs line 88 is the signature, 89 and 91 the awaits, 90 `between`).
    for (local, ty, span) in [
        ("_s0", "u64", "lib.rs:88:36: 88:42"),
        ("_s1", "YieldOnce", "lib.rs:89:5: 89:31"),
        ("_s2", "u64", "lib.rs:90:9: 90:16"),
        ("_s3", "YieldOnce", "lib.rs:91:5: 91:31"),
    ] {
        let field = format!("        {local}: CoroutineSavedTy {{\n            ty: {ty},\n");
        assert!(text.contains(&field), "{field} missing from:\n{text}");
        let at = text.find(&field).unwrap();
        assert!(text[at..].lines().nth(3).is_some_and(|line| line.contains(span)), "{local} comes from {span}");
    }
    assert!(!text.contains("_s4: CoroutineSavedTy"), "four saved locals, no more");
    // Which state holds which: `before` (_s0) in both suspended states, the rest in one each.
    assert!(text.contains("        Suspend0 (3): [_s0, _s1],\n        Suspend1 (4): [_s0, _s2, _s3],\n"), "{text}");
    // Pairs whose storage may be live at the same moment. The first awaitee conflicts with
    // nothing but `before`; the second awaitee and `between` conflict with each other.
    let conflicts: Vec<&str> = text
        .lines()
        .skip_while(|line| !line.starts_with("    storage_conflicts: BitMatrix(4x4) {"))
        .skip(1)
        .take_while(|line| line.starts_with("        ("))
        .map(str::trim)
        .collect();
    let pair = |a: &str, b: &str| conflicts.contains(&format!("({a}, {b}),").as_str());
    assert!(pair("_s0", "_s1") && pair("_s0", "_s2") && pair("_s0", "_s3") && pair("_s2", "_s3"), "{conflicts:?}");
    assert!(!pair("_s1", "_s2") && !pair("_s1", "_s3"), "the first awaitee overlaps neither: {conflicts:?}");
    assert_eq!(conflicts.len(), 12, "4 with themselves, and 4 pairs both ways");
    let end = text.lines().position(|line| line == "} */").expect("the layout comment ends") + 1;
    let layout = Part::of_stage(&after, "layout", 1..=end);
    assert_stage_snapshot!("two_suspension_points_after_state_transform", after);
    assert_part_snapshot!("two_suspension_points_after_state_transform", layout);
}

/// What the page says of the pass's output against the `--emit=mir` listing: later passes
/// still renumber its blocks (state 3 goes to bb25 here, to bb13 in the listing), both halves of
/// the resumption are still in two blocks, and the storage markers are still there.
#[test]
fn the_pass_output_is_not_yet_the_final_mir() {
    let after = dumped("after: hello_world::{closure#0}");
    let body = after.body.as_ref().expect("a MIR body");
    assert!(body.block("bb0").unwrap().terminator().contains("3: bb25"));
    let last = listings::stage(CHAPTER, Stage::Mir, "hello_world::{closure#0}").unwrap_or_else(|e| panic!("{e}"));
    let last_body = last.body.as_ref().expect("a MIR body");
    assert!(last_body.block("bb0").unwrap().terminator().contains("3: bb13"), "{}", last.text);
    assert!(after.text.contains("        _20 = move _2;\n") && after.text.contains("        _2 = move _20;\n"));
    assert!(after.text.contains("StorageLive(") && after.text.contains("StorageDead("));
    assert!(!last.text.contains("StorageLive("), "removed later at opt-level 0");
}
