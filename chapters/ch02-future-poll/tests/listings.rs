//! What chapter 2 says about the compiled `poll`s, checked on the pinned compiler. Each test
//! asserts the claim the book makes, then snapshots the whole listing the book shows.

use listings::{AsmListing, AsmOptions, Listing, Stage, StageListing, assert_asm_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str) -> AsmListing {
    listings::asm(CHAPTER, function, &AsmOptions { source: true, data: false })
        .unwrap_or_else(|error| panic!("{error}"))
}

/// A type's layout as `-Zprint-type-sizes` prints it: `std::task::Poll<u64>`.
fn type_sizes(type_name: &str) -> StageListing {
    listings::stage(CHAPTER, Stage::TypeSizes, type_name).unwrap_or_else(|error| panic!("{error}"))
}

/// The size of a type's tag, as `-Zprint-type-sizes` prints it (`discriminant: 8 bytes`).
fn tag_size(listing: &StageListing) -> Option<u64> {
    listing.layout.as_ref().unwrap_or_else(|| panic!("no layout: {listing}")).discriminant
}

fn instructions(listing: &Listing) -> Vec<(&str, &str)> {
    listing.instructions().collect()
}

/// The instructions whose destination (first operand) is one of `registers`.
fn writes_to<'a>(listing: &'a Listing, registers: &[&str]) -> Vec<(&'a str, &'a str)> {
    listing
        .instructions()
        .filter(|(mnemonic, operands)| {
            let destination = operands.split(',').next().unwrap_or("").trim();
            !matches!(*mnemonic, "cmp" | "test" | "call" | "push") && registers.contains(&destination)
        })
        .collect()
}

const RAX: &[&str] = &["rax", "eax", "ax", "al"];
const RDX: &[&str] = &["rdx", "edx", "dx", "dl"];

#[test]
fn poll_of_unit_is_one_byte_in_al() {
    let listing = asm("Countdown::poll");
    assert_eq!(writes_to(&listing, RAX), [("movzx", "eax, byte ptr [rdi]"), ("setne", "al")], "{listing}");
    assert!(writes_to(&listing, RDX).is_empty(), "nothing in rdx: {listing}");
    assert_asm_snapshot!("countdown_poll", listing);
}

#[test]
fn poll_of_u8_returns_the_tag_in_al_and_the_byte_in_dl() {
    let listing = asm("ByteAfter::poll");
    let instructions = instructions(&listing);
    assert_eq!(
        instructions.iter().filter(|i| **i == ("setne", "al")).count(),
        2,
        "the tag, 1 (Pending) when polls_left was not 0, on both paths: {listing}"
    );
    assert_eq!(
        writes_to(&listing, RDX),
        [("movzx", "edx, byte ptr [rdi + 1]")],
        "the byte goes to (e)dx on the Ready path only; the Pending path leaves rdx alone: {listing}"
    );
    assert_asm_snapshot!("byte_after_poll", listing);
}

#[test]
fn poll_of_u64_returns_the_tag_in_rax_and_the_word_in_rdx() {
    let listing = asm("WordAfter::poll");
    let instructions = instructions(&listing);
    assert!(instructions.contains(&("mov", "eax, 1")), "Pending is 1 in eax (so in all of rax): {listing}");
    assert!(instructions.contains(&("xor", "eax, eax")), "Ready is 0: {listing}");
    assert_eq!(writes_to(&listing, RDX), [("mov", "rdx, qword ptr [rdi]")], "the word, from offset 0: {listing}");
    assert!(instructions.contains(&("movzx", "eax, byte ptr [rdi + 8]")), "polls_left is at offset 8: {listing}");
    assert_asm_snapshot!("word_after_poll", listing);
}

#[test]
fn poll_of_a_reference_is_one_register_with_null_for_pending() {
    let listing = asm("RefAfter::poll");
    let instructions = instructions(&listing);
    assert!(instructions.contains(&("mov", "rax, qword ptr [rdi]")), "Ready: the reference itself: {listing}");
    assert!(instructions.contains(&("xor", "eax, eax")), "Pending: null: {listing}");
    assert!(writes_to(&listing, RDX).is_empty(), "no second register: {listing}");
    assert_asm_snapshot!("ref_after_poll", listing);
}

#[test]
fn poll_of_four_words_writes_through_the_hidden_pointer_in_rdi_and_returns_it_in_rax() {
    let listing = asm("ArrayAfter::poll");
    let instructions = instructions(&listing);
    assert_eq!(instructions[0], ("mov", "rax, rdi"), "the return slot's address, returned in rax: {listing}");
    assert!(
        instructions.contains(&("movzx", "ecx, byte ptr [rsi + 32]")),
        "self moved over to rsi, the second argument: {listing}"
    );
    assert_eq!(
        instructions.iter().filter(|i| **i == ("mov", "qword ptr [rax], rcx")).count(),
        2,
        "the tag is a whole word at offset 0 of the slot, on both paths: {listing}"
    );
    for store in [("movups", "xmmword ptr [rax + 8], xmm0"), ("movups", "xmmword ptr [rax + 24], xmm1")] {
        assert!(instructions.contains(&store), "the four words at offsets 8 to 40: {listing}");
    }
    assert!(!instructions.iter().any(|(_, operands)| operands.contains("rdx")), "cx (rdx) is never read: {listing}");
    assert_asm_snapshot!("array_after_poll", listing);
}

#[test]
fn the_caller_passes_a_return_slot_on_its_stack_in_rdi_and_the_arguments_move_up_one_register() {
    let listing = asm("poll_and_sum");
    let instructions = instructions(&listing);
    let call = instructions.iter().position(|(m, _)| *m == "call").expect("one call");
    assert_eq!(
        instructions[..=call],
        [
            ("sub", "rsp, 40"),
            ("mov", "rax, rsi"),
            ("mov", "rsi, rdi"),
            ("mov", "rdi, rsp"),
            ("call", "qword ptr [rax + 24]")
        ],
        "40 bytes of slot, the vtable aside, self to rsi, the slot to rdi, cx left in rdx, poll from the vtable: {listing}"
    );
    assert_eq!(instructions[call + 1], ("cmp", "byte ptr [rsp], 0"), "the tag is read back from the slot: {listing}");
    assert!(instructions.contains(&("movq", "rdx, xmm0")), "the sum comes back in rdx: {listing}");
    assert!(
        instructions.contains(&("mov", "eax, 1")) && instructions.contains(&("xor", "eax, eax")),
        "the tag comes back in eax, 1 or 0: {listing}"
    );
    assert_asm_snapshot!("poll_and_sum", listing);
}

#[test]
fn a_poll_that_wakes_reads_the_waker_through_rsi_and_calls_the_vtables_third_slot() {
    let listing = asm("YieldOnce::poll");
    let instructions = instructions(&listing);
    let call = instructions.iter().position(|(m, _)| *m == "call").expect("one call");
    assert_eq!(
        instructions[call - 3..=call],
        [
            ("mov", "rax, qword ptr [rsi]"),
            ("mov", "rcx, qword ptr [rax]"),
            ("mov", "rdi, qword ptr [rax + 8]"),
            ("call", "qword ptr [rcx + 16]")
        ],
        "cx -> &Waker -> (vtable, data); wake_by_ref(data) is the vtable's slot at offset 16: {listing}"
    );
    assert_eq!(instructions.first(), Some(&("push", "rbx")), "rbx is callee-saved: saved first: {listing}");
    assert_eq!(instructions[instructions.len() - 2..], [("pop", "rbx"), ("ret", "")], "and restored last: {listing}");
    assert_asm_snapshot!("yield_once_poll", listing);
}

/// rustc widens an enum's tag to the alignment of its variants' first fields
/// (`layout_of_enum`, `compiler/rustc_abi/src/layout.rs`): a whole word before a `u64`, one
/// byte before a `u8`.
#[test]
fn poll_of_u64_and_of_four_words_have_a_tag_widened_to_a_word() {
    let word = type_sizes("std::task::Poll<u64>");
    assert_eq!(tag_size(&word), Some(8), "{word}");
    assert_eq!(tag_size(&type_sizes("std::task::Poll<[u64; 4]>")), Some(8), "the whole word at [rax] is the tag");
    assert_eq!(tag_size(&type_sizes("std::task::Poll<u8>")), Some(1), "before a byte, the tag stays a byte");
    assert_stage_snapshot!("poll_of_u64", word);
}

/// What rustc hands LLVM for `ByteAfter::poll`'s answer, after LLVM's passes: a pair of scalars,
/// `{ i1, i8 }`, one register each, and on the `Pending` path an `undef` second half, which is
/// why that path writes nothing to `rdx`.
#[test]
fn poll_of_u8_is_a_pair_of_scalars_whose_byte_is_undefined_when_pending() {
    let ir =
        listings::stage(CHAPTER, Stage::LlvmIr, "<ch02_future_poll::ByteAfter as core::future::future::Future>::poll")
            .unwrap_or_else(|error| panic!("{error}"));
    assert!(
        ir.text.contains("define { i1, i8 } @\"<ch02_future_poll::ByteAfter as core::future::future::Future>::poll\""),
        "{}",
        ir.text
    );
    assert!(ir.text.contains("  %_0.sroa.3.0 = phi i8 [ %_4, %bb1 ], [ undef, %bb2 ]\n"), "{}", ir.text);
    assert!(ir.text.contains("  ret { i1, i8 } %5\n"), "{}", ir.text);
    assert_stage_snapshot!("byte_after_poll", ir);
}

/// What rustc hands LLVM for `WordAfter::poll`'s answer: a pair of scalars, `{ i64, i64 }`,
/// which comes back one scalar per register, the tag in `rax` and the word in `rdx`.
#[test]
fn poll_of_u64_is_a_pair_of_scalars_to_rustc() {
    let ir =
        listings::stage(CHAPTER, Stage::LlvmIr, "<ch02_future_poll::WordAfter as core::future::future::Future>::poll")
            .unwrap_or_else(|error| panic!("{error}"));
    assert!(
        ir.text
            .contains("define { i64, i64 } @\"<ch02_future_poll::WordAfter as core::future::future::Future>::poll\""),
        "{}",
        ir.text
    );
}
