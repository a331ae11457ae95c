//! `NonZeroAfter`: the same behaviour, a `Poll` of one word, and a `poll` that answers in `rax`.

use std::future::Future;
use std::panic::catch_unwind;
use std::path::Path;
use std::task::Poll;

use ch02_niche_for_pending::NonZeroAfter;
use exercise_harness::poll_to_end;
use listings::{AsmOptions, CodegenFlags, asm_of_file};

type Output = <NonZeroAfter as Future>::Output;

#[test]
fn it_is_pending_polls_left_times_then_ready_with_its_value() {
    let (polls, output) = poll_to_end(NonZeroAfter::new(2, 42), 10).expect("it finishes");
    let output: u64 = output.into();
    assert_eq!((polls, output), (3, 42), "(polls, output) of NonZeroAfter::new(2, 42): pending twice, then 42");
}

#[test]
fn zero_is_refused_because_zero_is_what_pending_looks_like() {
    assert!(
        catch_unwind(|| NonZeroAfter::new(1, 0)).is_err(),
        "NonZeroAfter::new(1, 0) must panic: with a niche, the value 0 of the word is Poll::Pending"
    );
}

#[test]
fn poll_of_its_output_is_one_word() {
    assert_eq!(
        size_of::<Poll<Output>>(),
        8,
        "Poll<{}> is {} bytes: a type with a value it never takes lets Pending be that value, with no tag",
        std::any::type_name::<Output>(),
        size_of::<Poll<Output>>()
    );
}

#[test]
fn its_poll_answers_in_rax_alone() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let listing = asm_of_file(
        &source,
        "ch02_niche_for_pending",
        "NonZeroAfter::poll",
        &AsmOptions::default(),
        &CodegenFlags::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let writes_rdx: Vec<String> = listing
        .instructions()
        .filter(|(mnemonic, operands)| {
            let destination = operands.split(',').next().unwrap_or_default().trim();
            *mnemonic != "push" && ["rdx", "edx", "dx", "dl"].contains(&destination)
        })
        .map(|(mnemonic, operands)| format!("{mnemonic} {operands}"))
        .collect();
    assert!(
        writes_rdx.is_empty(),
        "your poll writes rdx ({}): its Poll still comes back in two registers, a tag and the value.\n{listing}",
        writes_rdx.join("; ")
    );
    assert!(listing.instructions().any(|(m, _)| m == "ret"), "{listing}");
}
