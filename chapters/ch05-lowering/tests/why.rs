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

/// `first` takes a byte of its own before the first awaitee because it is assigned while that
/// awaitee still needs its storage: the same body with `first` assigned after the await has
/// no such byte, although `first` is still declared (and `StorageLive`) before it. The pass's
/// tables then pair `first` with the first awaitee and give `first` the more conflicts.
#[test]
fn first_costs_a_byte_because_it_is_assigned_while_the_awaitee_is_alive() {
    let layout = |name: &str| listings::stage(CHAPTER, Stage::TypeSizes, name).unwrap_or_else(|e| panic!("{e}"));
    let in_sequence = layout("two_big_awaits_in_sequence");
    let assigned_late = layout("first_assigned_after_the_await");
    listings::assert_stage_snapshot!("first_assigned_after_the_await", assigned_late);
    let experiment = Experiment {
        effect: "`Suspend0` starts with a byte of padding: `first`'s byte, reserved before the first awaitee",
        change: "`first` assigned after the first `.await` instead of from it (`first_assigned_after_the_await`)",
        with: Trial::new("two_big_awaits_in_sequence", &in_sequence),
        without: Trial::new("first_assigned_after_the_await", &assigned_late),
    }
    .run(|line| line == "padding: 1 bytes")
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("first_costs_a_byte_because_it_is_assigned_while_the_awaitee_is_alive", experiment);
    let before = dumped("before: two_big_awaits_in_sequence::{closure#0}");
    // `first` (_3) gets the first await's result in the block that then drops the first
    // awaitee (_6), and only the block after that ends its storage.
    assert!(before.text.contains("debug first => _3;") && before.text.contains("debug __awaitee => _6;"));
    let body = before.body.as_ref().expect("a MIR body");
    let assigning = body.blocks().iter().find(|block| block.statements.iter().any(|s| s == "_3 = copy _17;"));
    let assigning = assigning.expect("first assigned the await's result");
    assert!(assigning.terminator().starts_with("drop(_6) -> [return: "), "{}", assigning.terminator());
    let next = body.block(assigning.successors()[0]).expect("the drop's return block");
    assert_eq!(next.statements.first().map(String::as_str), Some("StorageDead(_6);"));
    // So the pass's tables pair `first` (_s0, held in `Suspend1`) with the first awaitee (_s1,
    // held in `Suspend0`): a conflict between locals of two variants. rustc promotes the one
    // with more conflicts, and `first` has three (itself and both awaitees), the awaitee two.
    let after = dumped("after: two_big_awaits_in_sequence::{closure#0}");
    assert!(after.text.contains("        Suspend0 (3): [_s1],\n        Suspend1 (4): [_s0, _s2],\n"), "{}", after.text);
    let conflicts: Vec<&str> = after
        .text
        .lines()
        .skip_while(|line| !line.starts_with("    storage_conflicts: BitMatrix(3x3) {"))
        .skip(1)
        .take_while(|line| line.starts_with("        ("))
        .map(str::trim)
        .collect();
    assert!(conflicts.contains(&"(_s0, _s1),") && conflicts.contains(&"(_s1, _s0),"), "{conflicts:?}");
    let count = |local: &str| conflicts.iter().filter(|pair| pair.starts_with(&format!("({local},"))).count();
    assert_eq!((count("_s0"), count("_s1"), count("_s2")), (3, 2, 2), "{conflicts:?}");
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
