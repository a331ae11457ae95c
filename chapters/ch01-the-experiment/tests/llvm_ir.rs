//! The driver's LLVM IR, as rustc hands it to LLVM and as LLVM leaves it: the future of
//! `hello_world` is two bytes, and it is moved into its box whole, as one `i16`.

use listings::{Stage, StageListing, assert_stage_snapshot};

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
    assert_stage_snapshot!("poll_hello_world_twice", listing);
}
