//! What chapter 1 says about the compiled experiment, checked on the pinned compiler. Each
//! test asserts the claim the book makes, then snapshots the whole listing the book shows.

use listings::asm::{EMPTY_INLINE_ASM, Line};
use listings::{AsmListing, AsmOptions, Listing, assert_asm_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str, options: AsmOptions) -> AsmListing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

/// Whether any jump or call of the listing names `label`: a landing pad is named by none.
fn is_jumped_to(listing: &Listing, label: &str) -> bool {
    listing.instructions().any(|(mnemonic, operands)| mnemonic.starts_with('j') && operands == label)
}

/// The instructions before the first one that calls `callee`.
fn before_the_call_to<'a>(listing: &'a Listing, callee: &str) -> Vec<(&'a str, &'a str)> {
    listing.instructions().take_while(|(m, operands)| !(*m == "call" && operands.contains(callee))).collect()
}

/// Whether an instruction writes `rsi` or one of its parts (as its first, destination operand).
fn writes_rsi((mnemonic, operands): &(&str, &str)) -> bool {
    let destination = operands.split(',').next().unwrap_or("").trim();
    !matches!(*mnemonic, "cmp" | "test" | "push" | "call") && ["rsi", "esi", "si", "sil"].contains(&destination)
}

/// What `format_args!` stores in the second word of a `fmt::Arguments` for a plain string in
/// Rust 1.95 (`library/core/src/fmt/mod.rs`): its length shifted left, with the low bit set.
fn plain_string_arguments_word(text: &str) -> String {
    ((text.len() << 1) | 1).to_string()
}

#[test]
fn hello_world_state_machine_jumps_on_its_state_byte_through_four_entries() {
    let listing = asm("hello_world::{{closure}}", AsmOptions { source: true, data: false });
    let first_instructions: Vec<(&str, &str)> = listing.instructions().take(8).collect();
    assert!(
        first_instructions.contains(&("movzx", "eax, byte ptr [rdi]")),
        "the state is the future's first byte: {first_instructions:?}"
    );
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    let dispatch = [
        ("movzx", "eax, byte ptr [rdi]"),
        ("lea", "rcx, [rip + .LJTI0_0]"),
        ("movsxd", "rax, dword ptr [rcx + 4*rax]"),
        ("add", "rax, rcx"),
        ("jmp", "rax"),
    ];
    assert!(instructions.windows(5).any(|w| w == dispatch), "load the state, then jump through the table: {listing}");
    let tables = listing.jump_tables();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].len(), 4, "Unresumed, Returned, Panicked, Suspend0: {tables:?}");
    let calls = listing.calls();
    assert!(calls.iter().any(|c| c.contains("panic_const_async_fn_resumed@")), "state 1 panics: {calls:?}");
    assert!(calls.iter().any(|c| c.contains("panic_const_async_fn_resumed_panic@")), "state 2 panics: {calls:?}");
    assert!(listing.instructions().any(|i| i == ("mov", "byte ptr [rbx], 2")), "unwinding poisons the state");
    assert_eq!(
        listing.block(".LBB0_6").unwrap(),
        [("mov", "byte ptr [rbx], 2"), ("mov", "rdi, rax"), ("call", "_Unwind_Resume@PLT")]
    );
    assert!(!is_jumped_to(&listing, ".LBB0_6"), "only unwinding reaches the landing pad");
    assert!(listing.instructions().any(|i| i == ("lea", "rdi, [rbx + 1]")), "the awaited future is the second byte");
    assert!(
        !before_the_call_to(&listing, "DummyFuture").iter().any(writes_rsi),
        "the Context stays in rsi, untouched, up to the call of DummyFuture::poll: {listing}"
    );
    let states: Vec<(&str, &str)> =
        listing.instructions().filter(|(m, o)| *m == "mov" && o.starts_with("bpl,")).collect();
    assert_eq!(states, [("mov", "bpl, 3"), ("mov", "bpl, 1")], "Suspend0 if pending, Returned if not");
    assert!(
        listing.instructions().any(|i| i == ("mov", "r14d, eax")),
        "the Poll waits in a callee-saved register across _print"
    );
    let word = format!("esi, {}", plain_string_arguments_word("hello, world!\n"));
    assert!(
        listing.instructions().any(|i| i == ("mov", &*word)),
        "println! passes a two-word fmt::Arguments: {listing}"
    );
    assert_asm_snapshot!("hello_world_state_machine", listing);
}

#[test]
fn dummy_future_poll_returns_the_tag_in_al_and_the_value_in_dl() {
    let listing = asm("DummyFuture::poll", AsmOptions { source: true, data: false });
    assert!(listing.instructions().any(|i| i == ("setne", "al")), "Poll's tag: 0 Ready, 1 Pending");
    assert!(listing.instructions().any(|i| i == ("mov", "dl, 11")), "Ready's 11");
    assert_asm_snapshot!("dummy_future_poll", listing);
}

#[test]
fn the_noop_waker_vtable_is_four_function_pointers_in_read_only_data() {
    let listing = asm("noop_clone", AsmOptions { source: false, data: true });
    let vtable = listing.data_after(".L__unnamed_1");
    assert_eq!(
        vtable,
        [
            "ch01_the_experiment::noop_clone",
            "ch01_the_experiment::noop",
            "ch01_the_experiment::noop",
            "ch01_the_experiment::noop"
        ],
        "clone, wake, wake_by_ref, drop"
    );
    assert_asm_snapshot!("noop_clone", listing);
}

#[test]
fn noop_is_a_lone_ret() {
    let listing = asm("noop", AsmOptions::default());
    assert_eq!(listing.instructions().collect::<Vec<_>>(), [("ret", "")]);
    assert_asm_snapshot!("noop", listing);
}

#[test]
fn the_driver_polls_twice_through_the_dyn_future_vtable_and_drops_the_waker_through_its_own() {
    let listing = asm("poll_hello_world_twice", AsmOptions { source: true, data: true });
    let calls = listing.calls();
    assert_eq!(calls.iter().filter(|c| **c == "r15").count(), 2, "two indirect polls: {calls:?}");
    assert!(calls.contains(&"qword ptr [rax + 24]"), "the waker's drop is the vtable's fourth slot: {calls:?}");
    // Each poll: `r15` from slot 3 of the future's vtable (`r14`, reloaded from `[rsp + 32]`,
    // where `.L__unnamed_2` was stored), `rsi` = the `Context` at `[rsp + 40]`, `rdi` = the future.
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    let has = |window: &[(&str, &str)]| code.windows(window.len()).any(|w| w == window);
    assert!(has(&[("lea", "rax, [rip + .L__unnamed_2]"), ("mov", "qword ptr [rsp + 32], rax")]), "{listing}");
    assert!(
        has(&[("mov", "r15, qword ptr [r14 + 24]"), ("lea", "rsi, [rsp + 40]"), ("mov", "rdi, rbx"), ("call", "r15")]),
        "the first poll: {listing}"
    );
    let polls: Vec<usize> = (0..code.len()).filter(|&i| code[i] == ("call", "r15")).collect();
    assert_eq!(code[polls[1] - 2..polls[1]], [("lea", "rsi, [rsp + 40]"), ("mov", "rdi, rbx")], "the second poll");
    assert!(
        !code[polls[0] + 1..polls[1]]
            .iter()
            .any(|(m, o)| *m != "call" && (o.starts_with("r15") || o.starts_with("rbx"))),
        "nothing writes r15 or rbx between the polls: {listing}"
    );
    assert!(
        listing.to_string().contains(
            ".L__unnamed_2:\n        .quad   core::ptr::drop_in_place<ch01_the_experiment::hello_world::{{closure}}>\n        \
             .asciz  \"\\002\\000\\000\\000\\000\\000\\000\\000\\001\\000\\000\\000\\000\\000\\000\"\n        \
             .quad   ch01_the_experiment::hello_world::{{closure}}\n"
        ),
        "the vtable: drop glue, size 2 and alignment 1, then poll, the state machine: {listing}"
    );
    assert!(
        listing.instructions().any(|i| i == ("mov", "word ptr [rax], 0")),
        "one two-byte store writes the state and the awaited future's byte: {listing}"
    );
    for message in ["Completed on first poll!\n", "Completed on second poll!\n"] {
        let word = plain_string_arguments_word(message);
        let operands = format!("esi, {word}");
        assert!(listing.instructions().any(|i| i == ("mov", &*operands)), "{message:?} is passed as {word}: {listing}");
    }
    assert!(calls.iter().any(|c| c.contains("__rust_no_alloc_shim_is_unstable_v2@")), "{calls:?}");
    // Black box: the box's two words go to the stack, their address to the empty asm block, and
    // they come back in callee-saved registers.
    for store_then_reload in [
        ("mov", "qword ptr [rsp + 24], rax"),
        ("lea", "rax, [rsp + 24]"),
        ("mov", "rbx, qword ptr [rsp + 24]"),
        ("mov", "r14, qword ptr [rsp + 32]"),
    ] {
        assert!(listing.instructions().any(|i| i == store_then_reload), "{store_then_reload:?}: {listing}");
    }
    let black_box = [
        Line::Instruction { mnemonic: "lea".into(), operands: "rax, [rsp + 24]".into() },
        Line::Comment(EMPTY_INLINE_ASM.into()),
        Line::Instruction { mnemonic: "mov".into(), operands: "rbx, qword ptr [rsp + 24]".into() },
    ];
    assert!(
        listing.lines.windows(3).any(|w| w == black_box),
        "black_box's empty asm block sits between handing over the address and reloading: {listing}"
    );
    // After the ret: the allocation error, three landing pads, their shared tail, the abort.
    let block = |label: &str| listing.block(label).unwrap_or_else(|| panic!("no block {label}: {listing}"));
    assert_eq!(
        block(".LBB0_5"),
        [
            ("mov", "edi, 1"),
            ("mov", "esi, 2"),
            ("call", "qword ptr [rip + alloc::alloc::handle_alloc_error@GOTPCREL]"),
            ("ud2", "")
        ]
    );
    for landing_pad in [".LBB0_6", ".LBB0_7", ".LBB0_8"] {
        assert!(!is_jumped_to(&listing, landing_pad), "{landing_pad} is reached only by unwinding");
        assert_eq!(block(landing_pad)[0], ("mov", "r15, rax"), "{landing_pad} keeps the exception object");
    }
    let calls_in = |label: &str, callee: &str| block(label).iter().any(|(m, o)| *m == "call" && o.contains(callee));
    assert!(calls_in(".LBB0_6", "__rust_dealloc"), "frees the box's memory");
    assert!(calls_in(".LBB0_7", "drop_in_place<core::pin::Pin<alloc::boxed::Box<dyn"));
    assert_eq!(block(".LBB0_8"), [("mov", "r15, rax")], "no box yet: nothing but the waker to drop");
    let tail = block(".LBB0_9");
    assert!(tail.contains(&("call", "qword ptr [rax + 24]")) && tail.last() == Some(&("call", "_Unwind_Resume@PLT")));
    assert_eq!(block(".LBB0_10"), [("call", "qword ptr [rip + core::panicking::panic_in_cleanup@GOTPCREL]")]);
    // The 32-byte `Context` at `[rsp + 40]`: `waker`, `local_waker`, and `ext`'s null first word;
    // `ext`'s second word, at `[rsp + 64]`, is never written.
    for store in ["qword ptr [rsp + 40], rax", "qword ptr [rsp + 48], rax", "qword ptr [rsp + 56], 0"] {
        assert!(listing.instructions().any(|i| i == ("mov", store)), "mov {store}: {listing}");
    }
    assert!(!listing.instructions().any(|(_, operands)| operands.contains("[rsp + 64]")), "{listing}");
    assert_asm_snapshot!("poll_hello_world_twice", listing);
}

#[test]
fn without_the_dyn_boundary_the_state_machine_is_inlined_into_the_driver() {
    let listing = asm("poll_hello_world_twice_inlined", AsmOptions { source: true, data: false });
    assert!(listing.jump_tables().is_empty(), "no jump table left");
    let calls = listing.calls();
    assert!(!calls.iter().any(|c| c.contains("{{closure}}")), "the state machine is not called: {calls:?}");
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    let allocation = instructions.iter().position(|(m, o)| *m == "call" && o.contains("__rust_alloc@")).unwrap();
    let last_poll = instructions.iter().rposition(|(m, o)| *m == "call" && o.contains("DummyFuture")).unwrap();
    assert!(
        !instructions[allocation..last_poll].iter().any(writes_rsi),
        "after the allocation nothing writes rsi: no Context is passed to DummyFuture::poll: {listing}"
    );
    // The [Poll<()>; 2] result, one byte per poll (Pending = 1): [Pending, Pending], [Pending, Ready].
    assert!(listing.instructions().any(|i| i == ("mov", "bp, 257")), "0x0101: {listing}");
    assert!(listing.instructions().any(|i| i == ("mov", "bp, 1")), "0x0001: {listing}");
    assert_eq!(257, u16::from_le_bytes([1, 1]));
    // Returned in `ax` of `eax`: the 16-bit writes left bits 16 to 31 as the caller had them.
    assert!(listing.instructions().any(|i| i == ("mov", "eax, ebp")), "returned from ebp: {listing}");
    assert_asm_snapshot!("poll_hello_world_twice_inlined", listing);
}

/// What comes right after the (only) call to `callee`: the next instruction, or `None` where a
/// label, a constant or the end of the listing comes first, so that the call runs on into it.
fn after_the_call_to<'a>(listing: &'a Listing, callee: &str) -> Option<(&'a str, &'a str)> {
    let is_the_call = |line: &Line| matches!(line.instruction(), Some(("call", operands)) if operands.contains(callee));
    let at = listing.lines.iter().position(is_the_call).unwrap_or_else(|| panic!("no call to {callee}: {listing}"));
    let next = listing.lines[at + 1..].iter().find(|line| !matches!(line, Line::Source { .. } | Line::Comment(_)))?;
    next.instruction()
}

/// rustc sets LLVM's `TrapUnreachable` and `NoTrapAfterNoreturn` (`LLVMRustCreateTargetMachine`):
/// an `unreachable` becomes `ud2` unless a plain `call` of a noreturn function comes right
/// before it. After an `invoke`, a call with a landing pad, the `unreachable` opens a block of
/// its own, and gets its `ud2`.
#[test]
fn ud2_follows_a_call_that_never_returns_only_where_the_call_has_a_landing_pad() {
    let ud2 = Some(("ud2", ""));
    let driver = asm("poll_hello_world_twice", AsmOptions::default());
    assert_eq!(after_the_call_to(&driver, "handle_alloc_error"), ud2, "an invoke: the waker is dropped if it unwinds");
    assert_eq!(after_the_call_to(&driver, "panic_in_cleanup"), None, "a plain call, last in the code: {driver}");
    let state_machine = asm("hello_world::{{closure}}", AsmOptions::default());
    for panic in ["panic_const_async_fn_resumed@", "panic_const_async_fn_resumed_panic@"] {
        assert_eq!(after_the_call_to(&state_machine, panic), None, "{panic}: a plain call, nothing to clean up");
    }
    assert_eq!(after_the_call_to(&state_machine, "_Unwind_Resume@PLT"), None, "{state_machine}");
    assert!(!state_machine.instructions().any(|(mnemonic, _)| mnemonic == "ud2"), "no ud2: {state_machine}");
    let inlined = asm("poll_hello_world_twice_inlined", AsmOptions::default());
    assert_eq!(after_the_call_to(&inlined, "handle_alloc_error"), None, "no box yet, a no-op waker: a plain call");
    assert_eq!(after_the_call_to(&inlined, "panic_const_async_fn_resumed@"), ud2, "an invoke: the box is freed");
}

#[test]
fn at_opt_level_z_small_constants_are_loaded_with_push_and_pop_as_in_the_seeds_listing() {
    let push_pop = |listing: &Listing| {
        let instructions: Vec<(&str, &str)> = listing.instructions().collect();
        instructions.windows(2).filter(|w| w[0].0 == "push" && w[0].1.parse::<u8>().is_ok() && w[1].0 == "pop").count()
    };
    let for_size = listings::asm_with_flags(
        CHAPTER,
        "poll_hello_world_twice",
        &AsmOptions::default(),
        &listings::CodegenFlags::with_opt_level("z"),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(push_pop(&for_size) > 0, "{for_size}");
    assert_eq!(push_pop(&asm("poll_hello_world_twice", AsmOptions::default())), 0, "not at opt-level 3");
    assert_asm_snapshot!("poll_hello_world_twice_opt_level_z", for_size);
}

/// The `const` vtable is an anonymous constant (`.Lanon…`, local to the object file, never
/// exported) in a `.data.rel.ro` section, the same kind of section as chapter 3's exported
/// `static` table: what makes chapter 3 load its table through the GOT is the exported symbol.
#[test]
fn the_const_vtable_is_an_anonymous_constant_in_data_rel_ro() {
    let text =
        listings::assembly_text(CHAPTER, &listings::CodegenFlags::default()).unwrap_or_else(|error| panic!("{error}"));
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    // Legacy-mangled: `10noop_clone` is the length-prefixed path segment.
    let first_slot = lines
        .iter()
        .position(|line| line.starts_with(".quad") && line.contains("10noop_clone"))
        .expect("the vtable's first slot");
    let label = lines[first_slot - 1].trim_end_matches(':');
    assert!(label.starts_with(".Lanon."), "an anonymous constant: {label}");
    let section = lines
        .iter()
        .find(|line| line.starts_with(".section") && line.contains(label))
        .unwrap_or_else(|| panic!("no section for {label}"));
    assert!(section.contains(".data.rel.ro."), "{section}");
    assert!(!lines.iter().any(|line| line.starts_with(".globl") && line.contains(label)), "{label} is not exported");
}

/// "The old listing has a `ud2` directly after its plain call to `core::panicking::panic` and
/// after `call _Unwind_Resume@PLT`": the seed note's listing, as it was recorded.
#[test]
fn the_seeds_listing_traps_after_calls_that_never_return() {
    let seed = include_str!("../../../book/seed/listing-from-the-seed.s");
    let lines: Vec<&str> = seed.lines().map(str::trim).collect();
    for call in ["call    qword ptr [rip + core::panicking::panic@GOTPCREL]", "call    _Unwind_Resume@PLT"] {
        let at = lines.iter().position(|line| *line == call).unwrap_or_else(|| panic!("no `{call}`"));
        assert_eq!(lines[at + 1], "ud2", "after `{call}`");
    }
}
