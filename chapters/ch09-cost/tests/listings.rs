//! What chapter 9 reads in the listings to explain its counts, checked on the pinned compiler.
//! Each test asserts what the page says of a listing, then snapshots the listing the page shows.

use listings::{AsmListing, AsmOptions, Listing, Stage, assert_asm_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(chapter: &str, function: &str) -> AsmListing {
    listings::asm(chapter, function, &AsmOptions { source: true, data: false })
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Every instruction as one string with single spaces: `lock inc qword ptr [rdi - 16]`.
fn instructions(listing: &Listing) -> Vec<String> {
    listing
        .instructions()
        .map(|(mnemonic, operands)| format!("{mnemonic} {operands}").split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The position of the first instruction that starts with `prefix`.
fn position(all: &[String], prefix: &str) -> usize {
    all.iter()
        .position(|instruction| instruction.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` in {all:#?}"))
}

/// The registers a function saves on entry: the `push`es before its first other instruction.
fn saved_registers(all: &[String]) -> Vec<&str> {
    all.iter().map_while(|instruction| instruction.strip_prefix("push ")).collect()
}

const WAKE_BY_REF_SLOT: &str = "call qword ptr [rcx + 16]";

#[test]
fn the_enum_by_hand_keeps_one_register_and_writes_its_next_variant_before_polling_the_awaited_future() {
    let listing = asm(CHAPTER, "<TwoSuspensionPointsByHand as Future>::poll");
    let all = instructions(&listing);
    // One callee-saved register: rbx, the place of the `Poll` it returns.
    assert_eq!(saved_registers(&all), ["rbx"], "{listing}");
    assert_eq!(all[1], "sub rsp, 16");
    assert_eq!(all[2], "mov rbx, rdi");
    // One call, the leaf's `wake_by_ref` through the waker's vtable, shared by both awaits; the
    // variants `AtFirstAwait` (1) and `AtSecondAwait` (2) are written before it.
    assert_eq!(all.iter().filter(|i| i.starts_with("call qword ptr [r") && !i.contains("rip")).count(), 1);
    let call = position(&all, WAKE_BY_REF_SLOT);
    assert!(position(&all, "mov byte ptr [rsi], 1") < call, "{listing}");
    assert!(position(&all, "mov byte ptr [rsi], 2") < call, "{listing}");
    // After the call nothing is written into the future: `rsi`, its address, is not kept.
    assert!(all[call..].iter().all(|i| !i.contains("[rsi")), "{listing}");
    // It loads two fields before it knows whether it needs them: `before` and the awaitee's flag.
    assert_eq!(&all[3..5], ["movzx edi, byte ptr [rsi]", "mov rax, qword ptr [rsi + 8]"]);
    assert_eq!(all[5], "movzx ecx, byte ptr [rsi + 1]");
    // No landing pad: nothing in it resumes unwinding, unlike rustc's machine, which keeps the
    // dead store of a new `YieldOnce` only while it can unwind (chapter 5's experiment).
    assert!(!listing.to_string().contains("_Unwind_Resume"), "{listing}");
    assert!(asm("ch05-lowering", "two_suspension_points::{{closure}}").to_string().contains("_Unwind_Resume"));
    assert_asm_snapshot!("by_hand_poll", listing);
}

#[test]
fn the_state_machine_keeps_two_registers_and_writes_its_state_after_the_awaited_poll() {
    // Chapter 5's listing of the same machine, which this chapter's page shows again.
    let listing = asm("ch05-lowering", "two_suspension_points::{{closure}}");
    let all = instructions(&listing);
    // Two callee-saved registers, rbx (the future) and r14 (the place of the `Poll`), and a
    // push of rax that reserves eight bytes: three pushes after the return address leave `rsp`
    // on a 16-byte boundary for the calls (psABI §3.2.2).
    assert_eq!(saved_registers(&all), ["r14", "rbx", "rax"], "{listing}");
    assert_eq!(&all[3..5], ["mov rbx, rsi", "mov r14, rdi"]);
    // The pushed value is never read: the first use of the slot is the store of `before` that
    // `black_box` goes through, and it is given back with `add rsp, 8`, not popped.
    let first_use = all.iter().position(|i| i.contains("[rsp]")).unwrap();
    assert_eq!(all[first_use], "mov qword ptr [rsp], rax", "{listing}");
    assert!(all.iter().any(|i| i == "add rsp, 8") && !all.iter().any(|i| i == "pop rax"), "{listing}");
    // The state byte at offset 16 is written once, after both calls, at the exit all the
    // suspensions share.
    let stores: Vec<usize> = all
        .iter()
        .enumerate()
        .filter(|(_, i)| i.starts_with("mov byte ptr [rbx + 16], al"))
        .map(|(at, _)| at)
        .collect();
    assert_eq!(stores.len(), 1, "{listing}");
    let last_call = all.iter().rposition(|i| i == WAKE_BY_REF_SLOT).unwrap();
    assert!(stores[0] > last_call, "{listing}");
    // The first resumption copies the argument into the body's own `before`.
    let copy = position(&all, "mov rax, qword ptr [rbx]");
    assert_eq!(all[copy + 1], "mov qword ptr [rbx + 8], rax");
}

/// The two instances of std's generic `raw_waker::wake_by_ref` in this crate, told apart by what
/// they do: (`Flag`'s, `FlagWakeOnly`'s).
fn wake_by_ref_instances() -> (AsmListing, AsmListing) {
    let [first, second] = ["alloc::task::raw_waker::wake_by_ref#1", "alloc::task::raw_waker::wake_by_ref#2"]
        .map(|name| asm(CHAPTER, name));
    if instructions(&first).iter().any(|i| i.starts_with("lock ")) { (second, first) } else { (first, second) }
}

#[test]
fn flags_own_wake_by_ref_is_a_store_and_a_return() {
    let (flag, _) = wake_by_ref_instances();
    assert_eq!(instructions(&flag), ["mov byte ptr [rdi], 1", "ret"]);
    assert_asm_snapshot!("flag_wake_by_ref", flag);
}

#[test]
fn the_default_wake_by_ref_clones_the_arc_wakes_the_clone_and_drops_it() {
    let (_, wake_only) = wake_by_ref_instances();
    let all = instructions(&wake_only);
    let locked: Vec<&String> = all.iter().filter(|i| i.starts_with("lock ")).collect();
    assert_eq!(locked, ["lock inc qword ptr [rdi - 16]", "lock dec qword ptr [rax]"], "{wake_only}");
    let (increment, store, decrement) =
        (position(&all, "lock inc"), position(&all, "mov byte ptr [rdi], 1"), position(&all, "lock dec"));
    assert!(increment < store && store < decrement, "clone, wake, drop: {wake_only}");
    assert_eq!(all[increment + 1].split_whitespace().next(), Some("jle"), "the overflow check of Arc::clone");
    assert!(all.iter().any(|i| i.contains("drop_slow")), "the last count frees the flag");
    assert_asm_snapshot!("wake_only_wake_by_ref", wake_only);
}

// ---- Sizes: where each machine keeps its tag ---------------------------------------------------

#[test]
fn the_enum_by_hand_has_a_one_byte_tag_at_offset_0_and_its_awaitee_beside_it_in_what_would_be_padding() {
    let listing = listings::stage(CHAPTER, Stage::TypeSizes, "TwoSuspensionPointsByHand")
        .unwrap_or_else(|error| panic!("{error}"));
    let layout = listing.layout.clone().expect("a layout");
    assert_eq!((layout.size, layout.align), (24, 8));
    // A tag of its own, not a niche: `-Zprint-type-sizes` prints a discriminant for it.
    assert_eq!(layout.discriminant, Some(1), "{}", listing.text);
    assert!(listing.text.contains("the tag: 1 byte(s) at offset 0"), "{}", listing.text);
    let fields = |variant: &str| -> Vec<(String, u64)> {
        let variant = layout.variants.iter().find(|v| v.name.as_deref() == Some(variant)).expect(variant);
        variant.fields.iter().map(|field| (field.name.clone(), field.offset)).collect()
    };
    // The awaitee at byte 1, beside the tag, in bytes that `before`'s alignment leaves free; the
    // offsets the listing of its `poll` uses: `[rsi]`, `[rsi + 1]`, `[rsi + 8]`, `[rsi + 16]`.
    assert_eq!(
        fields("AtSecondAwait"),
        [("awaitee".to_owned(), 1), ("before".to_owned(), 8), ("between".to_owned(), 16)]
    );
    assert_eq!(fields("AtFirstAwait"), [("awaitee".to_owned(), 1), ("before".to_owned(), 8)]);
    assert_stage_snapshot!("TwoSuspensionPointsByHand", listing);
}
