//! The driver's LLVM IR, as rustc hands it to LLVM and as LLVM leaves it: the future of
//! `hello_world` is two bytes, and it is moved into its box whole, as one `i16`.

use listings::{Part, Stage, StageListing, assert_part_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn ir(stage: Stage, function: &str) -> StageListing {
    listings::stage(CHAPTER, stage, function).unwrap_or_else(|error| panic!("{error}"))
}

/// The index of the first line of `text` after line `from` that contains `piece`.
fn line_of(text: &str, piece: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, line)| line.contains(piece))
        .map(|(index, _)| index)
        .unwrap_or_else(|| panic!("no `{piece}` after line {from} of:\n{text}"))
}

#[test]
fn rustc_builds_the_two_byte_future_with_a_one_byte_store_and_hands_it_to_box_new_as_one_i16() {
    let listing = ir(Stage::LlvmIrUnoptimised, "poll_hello_world_twice");
    let text = &listing.text;
    // The state byte of `Unresumed`, then both bytes copied, then both loaded as one value.
    let store = line_of(text, "store i8 0, ptr %_8, align 1", 0);
    let copy =
        line_of(text, "call void @llvm.memcpy.p0.p0.i64(ptr align 2 %2, ptr align 1 %_8, i64 2, i1 false)", store);
    let load = line_of(text, "%9 = load i16, ptr %2, align 2", copy);
    line_of(text, "@\"<alloc::boxed::Box<ch01_the_experiment::hello_world::{closure#0}>>::new\"(i16 %9)", load);
    assert_stage_snapshot!("poll_hello_world_twice_unoptimised", listing);
}

#[test]
fn after_llvm_s_passes_the_box_is_allocated_in_place_and_both_bytes_are_stored_as_one_zero() {
    let listing = ir(Stage::LlvmIr, "poll_hello_world_twice");
    let text = &listing.text;
    let allocation = line_of(text, "@\"__rustc::__rust_alloc\"(i64 noundef 2, i64 noundef 1)", 0);
    line_of(text, "store i16 0, ptr %4, align 1", allocation);
    assert!(!text.contains("Box<ch01_the_experiment::hello_world::{closure#0}>>::new"), "inlined:\n{text}");
    // Without the PLT (rustc's default on x86-64 Linux), rustc marks its functions `nonlazybind`.
    assert!(text.lines().next().is_some_and(|line| line == "; Function Attrs: nonlazybind uwtable"), "{text}");
    assert_stage_snapshot!("poll_hello_world_twice", listing);
}

/// "In LLVM's own code the call passes `poison` as that argument": after LLVM's passes, the
/// state machine's call of `DummyFuture::poll` passes `poison` for the `Context` it never reads.
#[test]
fn after_llvm_s_passes_the_state_machine_calls_dummy_future_poll_with_a_poison_context() {
    let listing = ir(Stage::LlvmIr, "hello_world::{closure#0}");
    let text = &listing.text;
    let call = line_of(text, "DummyFuture as core::future::future::Future>::poll", 0);
    let line = text.lines().nth(call).unwrap();
    assert!(line.contains("call") && line.ends_with("poison)"), "the call passes poison: {line}");
    let part = Part::of_stage(&listing, "poll_call", call + 1..=call + 1);
    assert_stage_snapshot!("hello_world_state_machine", listing);
    assert_part_snapshot!("hello_world_state_machine", part);
}
