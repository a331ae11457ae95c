//! Chapter 2's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch02-future-poll NAME}}` and runs with `cargo test -p ch02-future-poll --test why NAME`.

use listings::{AsmListing, AsmOptions, Experiment, Trial, assert_asm_snapshot, assert_experiment_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str) -> AsmListing {
    let options = AsmOptions { source: true, data: false };
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

/// "`Poll<[u64; 4]>`'s tag is widened to eight bytes, so the whole word is the tag": the same
/// `poll` answering with a copy of `Poll` whose tag `repr(u8)` keeps at one byte stores a byte.
#[test]
fn the_tag_is_stored_as_a_word_because_rustc_widened_it() {
    let widened = asm("ArrayAfter::poll");
    let byte = asm("ArrayAfter::poll_byte_tagged");
    assert_eq!(
        byte.instructions()
            .filter(|(mnemonic, operands)| *mnemonic == "mov" && operands.starts_with("byte ptr [rax], "))
            .count(),
        2,
        "a one-byte tag at offset 0 of the slot, on both paths: {byte}"
    );
    assert_asm_snapshot!("array_after_poll", widened);
    assert_asm_snapshot!("array_after_poll_byte_tagged", byte);
    let experiment = Experiment {
        effect: "the tag stored as a whole word, `mov qword ptr [rax], rcx`",
        change: "`#[repr(u8)]` on a copy of `Poll`: a tag of one byte, not widened",
        with: Trial::new("array_after_poll", &widened),
        without: Trial::new("array_after_poll_byte_tagged", &byte),
    }
    .run(|line| line.starts_with("mov qword ptr [rax], "))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("the_tag_is_stored_as_a_word_because_rustc_widened_it", experiment);
}
