//! Your fourth await, and each prediction against what the compiler made of `src/lib.rs`: the
//! jump table of its drop glue, and what a future dropped after each number of polls drops.

use std::future::Future;
use std::path::Path;
use std::task::{Context, Poll, Waker};

use ch07_predict_the_drop_glue::{Named, PREDICTIONS, held_across_awaits, take_dropped};
use listings::{AsmOptions, CodegenFlags, asm_of_file};

const GLUE: &str = "drop_in_place<held_across_awaits::{{closure}}>";

/// Polls a new future `polls` times, then drops it: (what the body dropped, what the glue did).
fn dropped_after(polls: usize) -> (Vec<&'static str>, Vec<&'static str>) {
    take_dropped();
    let mut future = Box::pin(held_across_awaits(Named("argument")));
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        let _ = future.as_mut().poll(&mut cx);
    }
    let by_the_body = take_dropped();
    drop(future);
    (by_the_body, take_dropped())
}

#[test]
fn it_has_four_awaits_and_its_body_drops_first_by_hand() {
    let mut future = Box::pin(held_across_awaits(Named("argument")));
    let mut cx = Context::from_waker(Waker::noop());
    let polls = (1..=10).find(|_| future.as_mut().poll(&mut cx) == Poll::Ready(())).expect("it finishes");
    assert_eq!(polls, 5, "four awaits, each pending once: ready on the fifth poll");
    assert_eq!(
        take_dropped(),
        ["second", "first", "third", "argument"],
        "the body's own drops, in a run to the end: `second` at the end of its block, `first` by hand, the rest at the end"
    );
}

#[test]
fn the_jump_table_prediction_matches_the_listing() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let listing =
        asm_of_file(&source, "ch07_predict_the_drop_glue", GLUE, &AsmOptions::default(), &CodegenFlags::default())
            .unwrap_or_else(|e| panic!("{e}"));
    let entries = listing.jump_tables().first().map_or(0, Vec::len);
    assert_eq!(
        PREDICTIONS.jump_table_entries, entries,
        "you predicted {} entries; the jump table of the drop glue has {entries}. Which state does each entry \
         serve, and which entries lead to the same block? See `cargo xtask exercise asm ch07-predict-the-drop-glue '{GLUE}'`",
        PREDICTIONS.jump_table_entries
    );
}

#[test]
fn the_drop_predictions_match_a_future_dropped_after_each_number_of_polls() {
    for (polls, predicted) in PREDICTIONS.dropped_after_polls.iter().enumerate() {
        let (by_the_body, by_the_glue) = dropped_after(polls);
        assert_eq!(
            *predicted,
            by_the_glue.as_slice(),
            "dropped after {polls} poll(s): you predicted the drop glue drops {predicted:?}; it dropped \
             {by_the_glue:?}, after the body had dropped {by_the_body:?}. Every value is dropped once, by the body \
             or by the glue, and a scope drops in reverse order of declaration."
        );
    }
}
