//! What chapter 3 says about the compiled wakers, checked on the pinned compiler. Each test
//! asserts the claim the book makes, then snapshots the whole listing the book shows.

use listings::{AsmListing, AsmOptions, Listing, assert_asm_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str, options: AsmOptions) -> AsmListing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

fn instructions(listing: &Listing) -> Vec<(&str, String)> {
    // A `lock` prefix is part of the mnemonic: `("lock inc", "qword ptr [rdi - 16]")`.
    listing.instructions().map(|(mnemonic, operands)| (mnemonic, operands.to_owned())).collect()
}

fn has(listing: &Listing, mnemonic: &str, operands: &str) -> bool {
    instructions(listing).iter().any(|(m, o)| *m == mnemonic && o == operands)
}

/// The operands of every call and jump whose target is read from memory: the indirect ones.
fn indirect_transfers(listing: &Listing) -> Vec<String> {
    instructions(listing)
        .into_iter()
        .filter(|(m, o)| (*m == "call" || *m == "jmp") && o.starts_with("qword ptr [r") && !o.contains("rip"))
        .map(|(_, o)| o)
        .collect()
}

const VTABLE_SLOTS: [&str; 4] = ["clone", "wake", "wake_by_ref", "drop"];

#[test]
fn clone_reads_the_vtable_from_the_first_word_and_jumps_through_slot_0() {
    let listing = asm("clone_of", AsmOptions::default());
    assert_eq!(
        instructions(&listing),
        [
            ("mov", "rax, qword ptr [rdi]".to_owned()), // first word: the vtable pointer
            ("mov", "rdi, qword ptr [rdi + 8]".to_owned()), // second word: the data pointer, the argument
            ("jmp", "qword ptr [rax]".to_owned()),      // tail call of slot 0, clone
        ]
    );
    assert_eq!(VTABLE_SLOTS[0], "clone");
    assert_asm_snapshot!("clone_of", listing);
}

#[test]
fn wake_gets_the_waker_in_two_registers_vtable_first_and_jumps_through_slot_8() {
    let listing = asm("wake_of", AsmOptions { source: true, data: false });
    assert_eq!(
        instructions(&listing),
        [
            ("mov", "rax, rdi".to_owned()), // the vtable came in rdi...
            ("mov", "rdi, rsi".to_owned()), // ...the data in rsi, and goes on as the argument
            ("jmp", "qword ptr [rax + 8]".to_owned()),
        ]
    );
    assert_eq!(VTABLE_SLOTS[1], "wake");
    assert_asm_snapshot!("wake_of", listing);
}

#[test]
fn wake_by_ref_jumps_through_slot_16() {
    let listing = asm("wake_by_ref_of", AsmOptions::default());
    assert_eq!(indirect_transfers(&listing), ["qword ptr [rax + 16]"]);
    assert!(has(&listing, "mov", "rdi, qword ptr [rdi + 8]"), "the data pointer is the argument");
    assert_eq!(VTABLE_SLOTS[2], "wake_by_ref");
    assert_asm_snapshot!("wake_by_ref_of", listing);
}

#[test]
fn drop_jumps_through_slot_24() {
    let listing = asm("drop_of", AsmOptions { source: true, data: false });
    assert_eq!(indirect_transfers(&listing), ["qword ptr [rax + 24]"]);
    assert!(has(&listing, "mov", "rax, rdi") && has(&listing, "mov", "rdi, rsi"), "the same two registers as wake");
    assert_eq!(VTABLE_SLOTS[3], "drop");
    assert_asm_snapshot!("drop_of", listing);
}

/// The loads of a listing's instructions other than its jump: a `mov` from memory.
fn loads_before_the_jump(listing: &Listing) -> usize {
    listing.instructions().filter(|(m, operands)| *m == "mov" && operands.contains("ptr [")).count()
}

#[test]
fn a_by_reference_operation_loads_the_waker_s_two_words_and_a_by_value_one_loads_nothing() {
    for by_reference in ["clone_of", "wake_by_ref_of"] {
        let listing = asm(by_reference, AsmOptions::default());
        assert_eq!(loads_before_the_jump(&listing), 2, "{by_reference}: vtable and data from memory: {listing}");
        assert_eq!(indirect_transfers(&listing).len(), 1, "{by_reference}: one jump through the vtable");
    }
    for by_value in ["wake_of", "drop_of"] {
        let listing = asm(by_value, AsmOptions::default());
        assert_eq!(loads_before_the_jump(&listing), 0, "{by_value}: the waker came in registers: {listing}");
        assert_eq!(indirect_transfers(&listing).len(), 1, "{by_value}: one jump through the vtable");
    }
}

#[test]
fn will_wake_compares_both_words_at_once_and_calls_nothing() {
    let listing = asm("will_wake_of", AsmOptions { source: true, data: false });
    let instructions = instructions(&listing);
    assert!(has(&listing, "movdqu", "xmm0, xmmword ptr [rsi]"), "16 bytes of one waker: {instructions:?}");
    assert!(has(&listing, "movdqu", "xmm1, xmmword ptr [rdi]"), "16 bytes of the other: {instructions:?}");
    assert!(instructions.iter().any(|(m, _)| *m == "pcmpeqd"), "compared 32 bits at a time: {instructions:?}");
    assert!(!instructions.iter().any(|(m, _)| *m == "call" || *m == "jmp"), "no vtable function is called");
    assert_asm_snapshot!("will_wake_of", listing);
}

#[test]
fn the_noop_vtable_is_a_static_of_four_function_pointers() {
    let listing = asm("noop_clone", AsmOptions { source: false, data: true });
    assert_eq!(
        listing.data_after("ch03_wakers::NOOP_VTABLE"),
        ["ch03_wakers::noop_clone", "ch03_wakers::noop", "ch03_wakers::noop", "ch03_wakers::noop"],
        "clone, wake, wake_by_ref, drop: a named symbol, not an anonymous constant"
    );
    assert!(has(&listing, "xor", "edx, edx"), "the null data pointer, in rdx");
    assert_asm_snapshot!("noop_clone", listing);
}

#[test]
fn waker_noop_is_two_words_of_read_only_data_vtable_first_with_its_own_copy_of_the_vtable() {
    let listing = asm("std_noop", AsmOptions { source: false, data: true });
    let waker = listing.data_after(".L__unnamed_1");
    assert_eq!(waker, [".L__unnamed_2", "8"], "the vtable pointer, then 8 zero bytes of data pointer");
    let vtable = listing.data_after(".L__unnamed_2");
    assert_eq!(vtable.len(), 4);
    assert!(vtable.iter().all(|f| f.contains("call_once")), "std's four closures, emitted in this crate: {vtable:?}");
    assert_asm_snapshot!("std_noop", listing);
}

#[test]
fn cloning_a_waker_the_compiler_can_see_calls_nothing_but_still_hands_out_the_vtable() {
    let listing = asm("clone_std_noop", AsmOptions { source: false, data: true });
    assert!(indirect_transfers(&listing).is_empty(), "no call through the vtable");
    assert!(has(&listing, "lea", "rax, [rip + .L__unnamed_1]"), "the new waker's vtable: {listing}");
    assert_eq!(listing.data_after(".L__unnamed_1").len(), 4, "the table is still there: {listing}");
    assert!(has(&listing, "xor", "edx, edx"));
    assert_asm_snapshot!("clone_std_noop", listing);
}

#[test]
fn waking_a_waker_the_compiler_can_see_is_nothing_at_all() {
    let listing = asm("wake_std_noop", AsmOptions::default());
    assert_eq!(instructions(&listing), [("ret", String::new())]);
    assert_asm_snapshot!("wake_std_noop", listing);
}

#[test]
fn waker_from_arc_is_a_pointer_past_the_two_counts_and_std_s_vtable_no_allocation_no_atomic() {
    let listing = asm("thread_waker", AsmOptions { source: false, data: true });
    assert_eq!(
        instructions(&listing),
        [
            ("lea", "rdx, [rdi + 16]".to_owned()), // data: past the strong and weak counts
            ("lea", "rax, [rip + .L__unnamed_1]".to_owned()), // vtable
            ("ret", String::new()),
        ]
    );
    assert_eq!(
        listing.data_after(".L__unnamed_1"),
        [
            "alloc::task::raw_waker::clone_waker",
            "alloc::task::raw_waker::wake",
            "alloc::task::raw_waker::wake_by_ref",
            "alloc::task::raw_waker::drop_waker"
        ]
    );
    assert_asm_snapshot!("thread_waker", listing);
}

#[test]
fn std_wake_clone_is_one_locked_increment_of_the_strong_count_and_an_overflow_check() {
    let listing = asm("alloc::task::raw_waker::clone_waker", AsmOptions { source: false, data: true });
    let instructions = instructions(&listing);
    assert_eq!(instructions[0], ("lock inc", "qword ptr [rdi - 16]".to_owned()), "the strong count, 16 bytes before");
    assert_eq!(instructions[1].0, "jle", "a count past isize::MAX aborts");
    assert!(instructions.iter().any(|(m, _)| *m == "ud2"), "the abort");
    assert!(!instructions.iter().any(|(m, _)| *m == "call"), "no allocation");
    assert_eq!(
        listing.data_after(".L__unnamed_1")[0],
        "alloc::task::raw_waker::clone_waker",
        "returns the same vtable"
    );
    assert_asm_snapshot!("std_wake_clone_waker", listing);
}

#[test]
fn std_wake_drop_is_one_locked_decrement_and_a_call_only_for_the_last_one() {
    let listing = asm("alloc::task::raw_waker::drop_waker", AsmOptions::default());
    assert!(has(&listing, "lock dec", "qword ptr [rdi - 16]"), "{listing}");
    let calls: Vec<String> =
        instructions(&listing).into_iter().filter(|(m, _)| *m == "call").map(|(_, target)| target).collect();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].contains("Arc<T,A>::drop_slow"), "frees the ThreadWaker: {calls:?}");
    assert_asm_snapshot!("std_wake_drop_waker", listing);
}

#[test]
fn std_wake_by_value_inlines_thread_waker_wake_then_gives_the_count_back() {
    let listing = asm("alloc::task::raw_waker::wake", AsmOptions::default());
    assert!(has(&listing, "mov", "byte ptr [rdi + 8], 1"), "woken.store(true, Release) is a plain store on x86-64");
    assert!(
        instructions(&listing).iter().any(|(m, o)| *m == "xchg" && o.starts_with("dword ptr")),
        "unpark swaps the parked thread's state"
    );
    assert!(has(&listing, "lock dec", "qword ptr [r14]"), "then the Arc the waker owned is released");
    let calls: Vec<String> =
        instructions(&listing).into_iter().filter(|(m, _)| *m == "call").map(|(_, target)| target).collect();
    assert!(calls.iter().any(|c| c.contains("futex_wake")), "the system call, when the thread sleeps: {calls:?}");
    assert!(!calls.iter().any(|c| c.contains("ThreadWaker")), "ThreadWaker::wake is inlined: {calls:?}");
    assert_asm_snapshot!("std_wake_wake", listing);
}

#[test]
fn the_counting_clone_takes_two_locked_increments() {
    let listing = asm("counting_clone", AsmOptions { source: true, data: true });
    let locked: Vec<String> =
        instructions(&listing).into_iter().filter(|(m, _)| *m == "lock inc").map(|(_, o)| o).collect();
    assert_eq!(locked, ["qword ptr [rdi + 24]", "qword ptr [rdi - 16]"], "the clones counter, then the Arc");
    assert_eq!(
        listing.data_after("ch03_wakers::COUNTING_VTABLE"),
        [
            "ch03_wakers::counting_clone",
            "ch03_wakers::counting_wake",
            "ch03_wakers::counting_wake_by_ref",
            "ch03_wakers::counting_drop"
        ]
    );
    assert_asm_snapshot!("counting_clone", listing);
}
