//! Each prediction against what the compiler made of `src/lib.rs`.

use std::path::Path;

use ch01_predict_two_awaits::{PREDICTIONS, hello_twice};
use exercise_harness::poll_to_end;
use listings::{AsmListing, AsmOptions, CodegenFlags, asm_of_file};

/// The state machine's listing, from the very file under test.
fn state_machine() -> AsmListing {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    asm_of_file(
        &source,
        "ch01_predict_two_awaits",
        "hello_twice::{{closure}}",
        &AsmOptions::default(),
        &CodegenFlags::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_jump_table_prediction_matches_the_listing() {
    let listing = state_machine();
    let entries = listing.jump_tables().first().map_or(0, Vec::len);
    assert_eq!(
        PREDICTIONS.jump_table_entries, entries,
        "you predicted {} entries; the jump table .LJTI0_0 of hello_twice::{{{{closure}}}} has {entries}. \
         Which state does each entry resume? See `cargo xtask exercise asm ch01-predict-two-awaits 'hello_twice::{{{{closure}}}}'`",
        PREDICTIONS.jump_table_entries
    );
}

#[test]
fn the_size_prediction_matches_size_of_val() {
    let bytes = size_of_val(&hello_twice());
    assert_eq!(
        PREDICTIONS.future_bytes, bytes,
        "you predicted {} bytes; size_of_val(&hello_twice()) is {bytes}. What must survive the second await, \
         and can the two DummyFutures share their byte?",
        PREDICTIONS.future_bytes
    );
}

#[test]
fn the_polls_prediction_matches_a_run() {
    let (polls, output) = poll_to_end(hello_twice(), 100).expect("hello_twice finishes");
    assert_eq!(output, 22, "hello_twice gives 22: the book's function, unchanged");
    assert_eq!(
        PREDICTIONS.polls_to_finish, polls,
        "you predicted {} polls; it took {polls}. Where does each poll stop?",
        PREDICTIONS.polls_to_finish
    );
}
