//! The fourth await, and each prediction against the machine code of `src/lib.rs` at
//! `opt-level=3`, the chapter's level, and its size.

use std::path::Path;
use std::sync::OnceLock;

use ch08_predict_a_fourth_await::{PREDICTIONS, four_awaits};
use exercise_harness::poll_to_end;
use listings::asm::Line;
use listings::{AsmListing, AsmOptions, CodegenFlags, Listing, asm_of_file};

const LOOK: &str = "See `cargo xtask exercise asm ch08-predict-a-fourth-await 'four_awaits::{{closure}}'`";

/// The resume function's listing, with the Rust lines, from the very file under test: compiled
/// once for all the checks of this run.
fn resume_function() -> &'static AsmListing {
    static LISTING: OnceLock<AsmListing> = OnceLock::new();
    LISTING.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
        asm_of_file(
            &source,
            "ch08_predict_a_fourth_await",
            "four_awaits::{{closure}}",
            &AsmOptions { source: true, data: false },
            &CodegenFlags::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// `byte ptr [rbx + 32]` → 32.
fn offset(operand: &str) -> Option<usize> {
    operand.split_once(" + ")?.1.split_once(']')?.0.trim().parse().ok()
}

/// The offset the tag is loaded from, before the jump table.
fn tag_offset(listing: &Listing) -> usize {
    listing
        .instructions()
        .find(|(mnemonic, operands)| *mnemonic == "movzx" && operands.contains("byte ptr [rdi"))
        .and_then(|(_, operands)| offset(operands))
        .unwrap_or_else(|| panic!("no load of the tag in:\n{listing}"))
}

#[test]
fn it_awaits_four_times_and_returns_kept_xor_late() {
    for seed in [1, 5, u64::MAX] {
        let kept = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let late = kept.rotate_left(7).wrapping_add(seed);
        assert_eq!(poll_to_end(four_awaits(seed), 10), Some((5, kept ^ late)), "(polls, output) for seed {seed}");
    }
}

#[test]
fn the_jump_table_and_state_predictions_match_the_listing() {
    let listing = resume_function();
    let entries = listing.jump_tables().first().map_or(0, Vec::len);
    assert_eq!(
        PREDICTIONS.jump_table_entries, entries,
        "you predicted {} entries; the jump table has {entries}: one per state. {LOOK}",
        PREDICTIONS.jump_table_entries
    );
    let tag = format!("byte ptr [rbx + {}], ", tag_offset(listing));
    let stored: Vec<u8> = listing
        .instructions()
        .filter_map(|(mnemonic, operands)| (mnemonic == "mov").then(|| operands.strip_prefix(&tag)?.parse().ok())?)
        .collect();
    let last = stored.iter().copied().max().unwrap_or_else(|| panic!("no state stored in:\n{listing}"));
    assert_eq!(
        PREDICTIONS.fourth_await_state, last,
        "you predicted state {} at the fourth await; the highest state the resume function stores is {last} \
         (all it stores: {stored:?}). Which states does every coroutine have before the first await's? {LOOK}",
        PREDICTIONS.fourth_await_state
    );
}

#[test]
fn the_tag_prediction_matches_the_first_load() {
    let tag = tag_offset(resume_function());
    assert_eq!(
        PREDICTIONS.tag_offset, tag,
        "you predicted the tag at {}; the resume function loads it from offset {tag}. What lies before it, and \
         is it the same as in chapter 8's three_awaits? {LOOK}",
        PREDICTIONS.tag_offset
    );
}

#[test]
fn the_kept_prediction_matches_the_store_under_let_kept() {
    let listing = resume_function();
    let mut under_let_kept = false;
    let mut stored_at = None;
    for line in &listing.lines {
        match line {
            Line::Source { text, .. } => under_let_kept = text.contains("let kept"),
            Line::Instruction { mnemonic, operands } if under_let_kept && mnemonic == "mov" => {
                if let Some(destination) = operands.split(',').next().filter(|d| d.starts_with("qword ptr [rbx")) {
                    stored_at = offset(destination);
                }
            }
            _ => {}
        }
    }
    let kept = stored_at.unwrap_or_else(|| panic!("no store under `let kept = …` in:\n{listing}"));
    assert_eq!(
        PREDICTIONS.kept_offset, kept,
        "you predicted `kept` at {}; under `let kept = …` the listing stores it at offset {kept}. {LOOK}",
        PREDICTIONS.kept_offset
    );
}

#[test]
fn the_size_prediction_matches_size_of_val() {
    let bytes = size_of_val(&four_awaits(1));
    assert_eq!(
        PREDICTIONS.future_bytes, bytes,
        "you predicted {} bytes; size_of_val(&four_awaits(1)) is {bytes}. Which variant is the largest, and what \
         does the prefix hold now?",
        PREDICTIONS.future_bytes
    );
}
