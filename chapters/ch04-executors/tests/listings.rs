//! What chapter 4 says about the compiled executors, checked on the pinned compiler. Each test
//! asserts the claim the book makes, then snapshots the whole listing the book shows.

use listings::asm::{Line, parse_lines};
use listings::{AsmListing, AsmOptions, Listing, Part, assert_asm_snapshot, assert_part_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str, options: AsmOptions) -> AsmListing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

/// An instruction as one string with single spaces (`lock cmpxchg dword ptr [rdi + 32], ecx`),
/// whatever the listing's columns and the `lock` prefix's tab.
fn text((mnemonic, operands): (&str, &str)) -> String {
    format!("{mnemonic} {operands}").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn instructions(listing: &Listing) -> Vec<String> {
    listing.instructions().map(text).collect()
}

/// The register that `mov REG, qword ptr [...]` loads from an operand containing `from`.
fn register_loaded_from(listing: &Listing, from: &str) -> String {
    listing
        .instructions()
        .find(|(mnemonic, operands)| *mnemonic == "mov" && operands.contains(from))
        .and_then(|(_, operands)| operands.split_once(','))
        .map(|(register, _)| register.trim().to_owned())
        .unwrap_or_else(|| panic!("nothing loaded from {from}:\n{listing}"))
}

/// Every loop closed by an unconditional `jmp` back to a label: the label, and the
/// instructions from it to that `jmp`, across the labels in between.
fn loops(listing: &Listing) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for (start, line) in listing.lines.iter().enumerate() {
        let Line::Label(label) = line else { continue };
        let mut body = Vec::new();
        for line in &listing.lines[start + 1..] {
            if let Line::Instruction { mnemonic, operands } = line {
                body.push(text((mnemonic, operands)));
                if mnemonic == "jmp" && operands == label {
                    found.push((label.clone(), body));
                    break;
                }
                if mnemonic == "ret" || mnemonic == "ud2" {
                    break;
                }
            }
        }
    }
    found
}

/// A line in words: an instruction with single spaces, a label with its colon, a comment as it
/// reads.
fn words(line: &Line) -> String {
    match line {
        Line::Instruction { mnemonic, operands } => text((mnemonic, operands)),
        Line::Label(name) | Line::DataLabel { name, .. } => format!("{name}:"),
        other => other.to_string().trim().to_owned(),
    }
}

/// The listing's lines in words, numbered from 1 as a part counts them (the title is line 1).
fn numbered_lines(listing: &Listing) -> Vec<(usize, String)> {
    (2..).zip(listing.lines.iter().map(words)).collect()
}

/// The number of the first line after line `after` for which `wanted` holds.
fn first_line_after(listing: &Listing, after: usize, wanted: impl Fn(&str) -> bool) -> usize {
    numbered_lines(listing)
        .into_iter()
        .find(|(n, line)| *n > after && wanted(line))
        .map(|(n, _)| n)
        .unwrap_or_else(|| panic!("no such line after line {after}:\n{listing}"))
}

/// A part's lines in words, read back as the listing's lines they are.
fn shown(part: &Part) -> Vec<String> {
    parse_lines(&part.text).unwrap_or_else(|e| panic!("{e}")).iter().map(words).collect()
}

/// Whether `needles` appear in `haystack` in this order (not necessarily next to each other),
/// each as the start of an instruction.
fn in_order(haystack: &[String], needles: &[&str]) -> bool {
    let mut rest = haystack.iter();
    needles.iter().all(|needle| rest.any(|instruction| instruction.starts_with(needle)))
}

#[test]
fn simple_block_on_polls_through_the_vtable_tests_the_tag_and_parks_in_a_seven_instruction_loop() {
    let listing = asm("simple_block_on_dyn", AsmOptions { source: true, data: true });
    let all = instructions(&listing);
    // The waker: one allocation of 24 bytes (two reference counts and the `Thread` handle),
    // and the waker's data pointer is the allocation plus 16, past the counts.
    assert!(
        in_order(&all, &["mov edi, 24", "mov esi, 8", "call qword ptr [rip + __rustc::__rust_alloc@"]),
        "{listing}"
    );
    assert!(all.contains(&"add rax, 16".to_owned()), "{listing}");
    // First the thread's handle, then the two counts of 1 and the handle are put together on the
    // stack and copied into the allocation.
    assert!(
        in_order(
            &all,
            &[
                "call qword ptr [rip + std::thread::current::current@",
                "mov qword ptr [rsp + 24], 1",
                "mov qword ptr [rsp + 32], 1",
                "mov qword ptr [rsp + 40], rax",
                "call qword ptr [rip + __rustc::__rust_alloc@",
            ]
        ),
        "{listing}"
    );
    // The waker, two words on the stack (the vtable, then the data pointer), and after it the
    // `Context`: three stores, the waker's address twice and a zero.
    assert!(
        in_order(
            &all,
            &[
                "add rax, 16",
                "lea rcx, [rip + .L__unnamed_1]",
                "mov qword ptr [rsp + 8], rcx",
                "mov qword ptr [rsp + 16], rax",
                "lea rax, [rsp + 8]",
                "mov qword ptr [rsp + 24], rax",
                "mov qword ptr [rsp + 32], rax",
                "mov qword ptr [rsp + 40], 0",
            ]
        ),
        "{listing}"
    );
    // Loaded once, before the loop: `poll` from the fourth slot of the `dyn Future` vtable,
    // and the address of `std::thread::park`.
    let park = register_loaded_from(&listing, "std::thread::functions::park@GOTPCREL");
    let poll_slot = listing
        .instructions()
        .find(|(m, o)| *m == "mov" && o.ends_with("+ 24]") && o.starts_with('r'))
        .expect("the poll pointer is loaded from [vtable + 24]");
    let poll = poll_slot.1.split_once(',').unwrap().0.to_owned();
    let found = loops(&listing);
    assert_eq!(found.len(), 1, "one loop: {found:?}");
    let (label, body) = &found[0];
    let expected = [
        format!("call {poll}"),
        "test al, 1".to_owned(),
        "je ".to_owned(),
        format!("call {park}"),
        format!("jmp {label}"),
    ];
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert!(in_order(body, &expected), "poll, test the tag, leave if Ready, park, again: {body:?}");
    assert_eq!(body.len(), 7, "two moves of the arguments, then those five: {body:?}");
    // The waker's vtable, made by `Waker::from(Arc<Unparker>)`: four functions of
    // `alloc::task::raw_waker` instantiated for `Unparker`, in the order clone, wake,
    // wake_by_ref, drop.
    assert_eq!(
        listing.data_after(".L__unnamed_1"),
        [
            "alloc::task::raw_waker::clone_waker",
            "alloc::task::raw_waker::wake",
            "alloc::task::raw_waker::wake_by_ref",
            "alloc::task::raw_waker::drop_waker"
        ]
    );
    // After the loop, the waker is dropped through that vtable's fourth slot.
    assert!(in_order(&all, &["je ", "call qword ptr [rax + 24]"]), "{listing}");
    assert_asm_snapshot!("simple_block_on_dyn", listing);
}

#[test]
fn unpark_is_one_exchange_and_a_system_call_only_if_the_thread_was_parked() {
    let listing = asm("<Unparker as Wake>::wake_by_ref", AsmOptions { source: true, data: false });
    let all = instructions(&listing);
    // NOTIFIED (1) goes into the parker's 32-bit state; only if the old state was PARKED (-1)
    // is the thread asleep on the futex, and futex_wake is tail-called.
    assert!(
        in_order(
            &all,
            &[
                "mov eax, 1",
                "xchg dword ptr [",
                "cmp eax, -1",
                "je ",
                "ret",
                "jmp qword ptr [rip + std::sys::pal::unix::futex::futex_wake@"
            ]
        ),
        "{listing}"
    );
    assert!(!all.iter().any(|i| i.starts_with("call")), "no call on the path that finds the thread awake");
    assert_asm_snapshot!("unparker_wake_by_ref", listing);
}

#[test]
fn block_on_parks_only_while_the_flag_it_exchanges_with_zero_was_down() {
    let listing = asm("block_on_dyn", AsmOptions { source: true, data: false });
    let all = instructions(&listing);
    // The flag makes the allocation 32 bytes: counts, `Thread`, one byte padded to eight.
    assert!(
        in_order(&all, &["mov edi, 32", "mov esi, 8", "call qword ptr [rip + __rustc::__rust_alloc@"]),
        "{listing}"
    );
    let park = register_loaded_from(&listing, "std::thread::functions::park@GOTPCREL");
    let found = loops(&listing);
    let (flag_label, flag_loop) = found
        .iter()
        .find(|(_, body)| body.iter().any(|i| i.starts_with("xchg byte ptr")))
        .unwrap_or_else(|| panic!("a loop around the flag: {found:?}"));
    let expected = [
        "xor eax, eax".to_owned(),
        "xchg byte ptr [".to_owned(),
        "test al, al".to_owned(),
        "jne ".to_owned(),
        format!("call {park}"),
        format!("jmp {flag_label}"),
    ];
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert!(in_order(flag_loop, &expected), "swap(false), poll again if it was up, else park: {flag_loop:?}");
    // The loop polls through a register (the vtable's fourth slot) and then tests the tag.
    assert!(in_order(&all, &["call r", "test al, 1", "je ", "xor eax, eax", "xchg byte ptr ["]), "{listing}");
    // The page shows the two loops: from the poll loop's label (where the flag loop's `jne`
    // goes back to poll) to the flag loop's `jmp`.
    let poll_label = flag_loop.iter().find_map(|i| i.strip_prefix("jne ")).expect("the flag loop's jne").to_owned();
    let first = first_line_after(&listing, 0, |line| line == format!("{poll_label}:"));
    let last = first_line_after(&listing, first, |line| line == format!("jmp {flag_label}"));
    let loops = Part::of_asm(&listing, "loops", first..=last);
    let shown = shown(&loops);
    assert!(in_order(&shown, &["call r", "test al, 1", "je ", "xor eax, eax", "xchg byte ptr ["]), "{shown:#?}");
    assert_asm_snapshot!("block_on_dyn", listing);
    assert_part_snapshot!("block_on_dyn", loops);
}

#[test]
fn the_flagged_waker_unparks_only_when_it_raises_the_flag() {
    let listing = asm("<ThreadWaker as Wake>::wake_by_ref", AsmOptions { source: true, data: false });
    let all = instructions(&listing);
    assert!(
        in_order(
            &all,
            &["mov cl, 1", "xchg byte ptr [", "test cl, cl", "jne ", "mov eax, 1", "xchg dword ptr [", "cmp eax, -1"]
        ),
        "raise the flag; if it was down, unpark: {listing}"
    );
    assert!(all.last().unwrap().starts_with("jmp qword ptr [rip + std::sys::pal::unix::futex::futex_wake@"));
    assert_eq!(all.len(), 13, "the page compares the run queue's waker with these 13 instructions");
    assert_asm_snapshot!("thread_waker_wake_by_ref", listing);
}

#[test]
fn one_turn_of_the_run_queue_locks_clones_the_arc_polls_through_the_vtable_and_allocates_nothing() {
    let listing = asm("ch04_executors::Task::poll", AsmOptions { source: true, data: true });
    let all = instructions(&listing);
    assert!(!all.iter().any(|i| i.contains("__rust_alloc")), "making the waker allocates nothing: {listing}");
    assert!(
        in_order(
            &all,
            &[
                "lock cmpxchg dword ptr [",  // Mutex::lock, uncontended: 0 -> 1
                "lock inc qword ptr [rbx]",  // Arc::clone for the waker: the strong count at offset 0
                "call qword ptr [rax + 24]", // the future's poll: fourth slot of the dyn Future vtable
                "test al, al",               // Poll<()>: 0 Ready, 1 Pending
                "call qword ptr [rax + 24]", // the waker's drop: fourth slot of the waker's vtable
                "xchg dword ptr [",          // MutexGuard's drop: store 0, was it 2 (waiters)?
                "cmp eax, 2",
                "lock dec qword ptr [rbx]", // the task's Arc that `run` received, dropped
            ]
        ),
        "{listing}"
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
    // The page shows the listing up to its one `ret`; the cold paths and landing pads after it
    // only panic or unwind.
    let one_turn = Part::of_asm(&listing, "one_turn", 1..=first_line_after(&listing, 0, |line| line == "ret"));
    assert!(shown(&one_turn).iter().all(|i| !i.starts_with("call") || !i.contains("_Unwind_Resume")), "{one_turn:?}");
    assert_eq!(all.iter().filter(|i| *i == "ret").count(), 1, "one way out: {listing}");
    assert_asm_snapshot!("task_poll", listing);
    assert_part_snapshot!("task_poll", one_turn);
}

#[test]
fn waking_a_task_inlines_all_three_flavours_of_the_channel_send() {
    let listing = asm("<Task as Wake>::wake_by_ref", AsmOptions { source: false, data: false });
    let all = instructions(&listing);
    // The page says "about 850 instructions": labels and the snapshot's header are not counted.
    assert!((800..900).contains(&all.len()), "{} instructions: {listing}", all.len());
    for slow_path in ["array::Channel<T>::send::{{closure}}", "zero::Channel<T>::send::{{closure}}"] {
        assert!(all.iter().any(|i| i.starts_with("call") && i.contains(slow_path)), "{slow_path}");
    }
    // The part the page shows: from the block that stores the message into its slot, sets the
    // slot's WRITE bit and notifies the receiver, to the jump after the notification.
    let write_bit =
        first_line_after(&listing, 0, |line| line.starts_with("lock or qword ptr [") && line.ends_with("+ 8], 1"));
    let first = numbered_lines(&listing)
        .into_iter()
        .rev()
        .find(|(n, line)| *n < write_bit && line.starts_with(".LBB"))
        .map(|(n, _)| n)
        .expect("the block of the write");
    let notify =
        first_line_after(&listing, write_bit, |line| line.starts_with("call") && line.contains("SyncWaker>::notify"));
    let list_push = Part::of_asm(
        &listing,
        "list_push",
        first..=first_line_after(&listing, notify, |line| line.starts_with("jmp ")),
    );
    let window = shown(&list_push);
    assert!(
        in_order(
            &window,
            &["mov qword ptr [", "lock or qword ptr [", "call <std::sync::mpmc::waker::SyncWaker>::notify"]
        ),
        "{window:#?}"
    );
    assert!(window.iter().any(|l| l.starts_with("lock or") && l.ends_with("+ 8], 1")), "WRITE is bit 0: {window:#?}");
    // Around it, the list's machinery: a new block of 31 slots of 16 bytes plus a next
    // pointer (504 bytes) when one fills up, and `pause` loops that back off under contention.
    assert!(all.iter().any(|i| i.starts_with("lock cmpxchg qword ptr [")), "a slot is claimed");
    assert!(all.contains(&"mov edi, 504".to_owned()));
    assert!(all.contains(&"pause".to_owned()));
    assert_asm_snapshot!("task_wake_by_ref", listing);
    assert_part_snapshot!("task_wake_by_ref", list_push);
}
