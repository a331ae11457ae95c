//! The page's section "Futures too big for the stack", checked on the pinned compiler: the sizes
//! (measured with `size_of_val` in this unoptimised build, and printed by the layout listing), the
//! machine code of the awaiter at opt-level 0 and 3 (where the debug build's copies are), the
//! boxed awaiter's one allocation, and the example that overflows a 64 KiB stack in a debug
//! build unless the big future is boxed.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output};

use ch10_async_today::{BIG, big_awaiter, big_awaiter_boxed, big_buffer};
use listings::{AsmListing, AsmOptions, CodegenFlags, Stage, assert_asm_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// `clippy::large_futures`'s default threshold at the pinned toolchain: `future_size_threshold`,
/// `16 * 1024` in `clippy_config/src/conf.rs` (tag `rust-1.95.0` of rust-lang/rust-clippy).
const CLIPPY_THRESHOLD: usize = 16 * 1024;

fn asm_at(function: &str, opt_level: &str) -> AsmListing {
    let flags = CodegenFlags::with_opt_level(opt_level);
    listings::asm_with_flags(CHAPTER, function, &AsmOptions::default(), &flags)
        .unwrap_or_else(|error| panic!("{error}"))
}

fn has_run(listing: &AsmListing, run: &[(&str, &str)]) -> bool {
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    code.windows(run.len()).any(|window| window == run)
}

// ---- The sizes ----------------------------------------------------------------------------------

#[test]
fn size_of_val_gives_32770_bytes_for_the_buffers_future_32771_for_its_awaiter_and_16_boxed() {
    // This test binary is built at opt-level 0 (the `test` profile, the workspace's `dev`).
    assert_eq!(BIG, 32 * 1024);
    assert_eq!(size_of_val(&big_buffer()), BIG + 2, "the buffer, the 1-byte awaitee, the tag");
    assert_eq!(size_of_val(&big_awaiter()), BIG + 3, "big_buffer's whole future, and a tag");
    assert_eq!(size_of_val(&big_awaiter_boxed()), 16, "a pointer, a tag, padding");
    // Over clippy's threshold, and boxed under it.
    assert!(size_of_val(&big_buffer()) >= CLIPPY_THRESHOLD);
    assert!(size_of_val(&Box::pin(big_buffer())) < CLIPPY_THRESHOLD);
}

#[test]
fn the_awaiters_future_holds_the_buffers_whole_future_as_its_awaitee() {
    let layout = listings::stage(CHAPTER, Stage::TypeSizes, "big_awaiter").unwrap_or_else(|error| panic!("{error}"));
    let text = &layout.text;
    assert!(text.starts_with("type: `{async fn body of big_awaiter()}`: 32771 bytes, alignment: 1 bytes\n"), "{text}");
    assert!(text.contains("local `.__awaitee`: 32770 bytes, type: {async fn body of big_buffer()}"), "{text}");
    let table = layout.layout.as_ref().expect("a type's listing has its layout");
    assert_eq!(table.row(0..1).unwrap(), ["tag"; 4]);
    assert_eq!(table.row(1..32771).unwrap(), ["", "local __awaitee"]);
    assert_stage_snapshot!("big_awaiter", layout);

    let inner = listings::stage(CHAPTER, Stage::TypeSizes, "big_buffer").unwrap_or_else(|error| panic!("{error}"));
    let table = inner.layout.as_ref().expect("a type's listing has its layout");
    assert!(inner.text.starts_with("type: `{async fn body of big_buffer()}`: 32770 bytes"), "{}", inner.text);
    assert_eq!(table.row(0..1).unwrap(), ["tag"; 4]);
    assert_eq!(table.row(1..32769).unwrap(), ["", "local buffer"]);
    assert_eq!(table.row(32769..32770).unwrap(), ["", "local __awaitee"]);
}

// ---- The awaiter's machine code: the copies of a debug build ------------------------------------

#[test]
fn at_opt_level_0_the_awaiter_reserves_64_kib_of_stack_for_two_copies_and_memcpys_the_third_into_place() {
    let listing = asm_at("big_awaiter::{{closure}}", "0");
    // The frame: a stack probe over 65536 bytes, a page at a time, then 72 more.
    let probe = [
        ("mov", "r11, rsp"),
        ("sub", "r11, 65536"),
        ("sub", "rsp, 4096"),
        ("mov", "qword ptr [rsp], 0"),
        ("cmp", "rsp, r11"),
        ("jne", ".LBB0_1"),
        ("sub", "rsp, 72"),
    ];
    assert!(has_run(&listing, &probe), "{listing}");
    assert!(has_run(&listing, &[("add", "rsp, 65608"), ("ret", "")]), "{listing}");
    // Copy 1: `big_buffer()` writes its future into the frame at rsp + 32820.
    let make = [
        ("mov", "rax, qword ptr [rip + ch10_async_today::big_buffer@GOTPCREL]"),
        ("lea", "rdi, [rsp + 32820]"),
        ("call", "rax"),
    ];
    assert!(has_run(&listing, &make), "{listing}");
    // Copy 2: `IntoFuture::into_future` moves it to rsp + 50.
    let into_future = [
        ("mov", "rax, qword ptr [rip + <F as core::future::into_future::IntoFuture>::into_future@GOTPCREL]"),
        ("lea", "rdi, [rsp + 50]"),
        ("lea", "rsi, [rsp + 32820]"),
        ("call", "rax"),
    ];
    assert!(has_run(&listing, &into_future), "{listing}");
    // Copy 3: 32770 bytes from rsp + 50 into the awaiter's own future, at offset 1 (the layout's
    // `__awaitee`).
    let into_place = [
        ("mov", "rdi, qword ptr [rsp + 24]"),
        ("add", "rdi, 1"),
        ("lea", "rsi, [rsp + 50]"),
        ("mov", "edx, 32770"),
        ("call", "memcpy@PLT"),
    ];
    assert!(has_run(&listing, &into_place), "{listing}");
    assert_asm_snapshot!("big_awaiter_opt_level_0", listing);
}

#[test]
fn at_opt_level_3_the_awaiter_builds_the_buffer_in_place_in_its_own_future_with_no_copy() {
    let listing = asm_at("big_awaiter::{{closure}}", "3");
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    assert!(!code.iter().any(|(_, operands)| operands.contains("memcpy")), "{listing}");
    assert!(!code.iter().any(|(_, operands)| operands.contains("r11")), "no stack probe: {listing}");
    // Five pushes (the last, of rax, keeps the stack aligned and gives 8 bytes), nothing else.
    assert_eq!(
        code[..5],
        [("push", "r15"), ("push", "r14"), ("push", "r12"), ("push", "rbx"), ("push", "rax")],
        "{listing}"
    );
    assert!(!code.iter().any(|(mnemonic, operands)| *mnemonic == "sub" && operands.starts_with("rsp")), "{listing}");
    // `big_buffer`'s resume function is inlined, and its buffer zeroed where the layout puts it:
    // the awaitee at 1, the buffer 1 byte into it. The offsets are the layout's, so the sizes are
    // too: `YieldOnce` at 1 + 32769 = 32770, the last byte of the 32771.
    let zero = [("lea", "r14, [rbx + 2]"), ("mov", "edx, 32768"), ("mov", "rdi, r14"), ("xor", "esi, esi")];
    assert!(has_run(&listing, &zero), "{listing}");
    assert!(code.contains(&("mov", "byte ptr [rbx + 32770], 0")), "{listing}");
    assert!(!code.iter().any(|(_, operands)| operands.contains("big_buffer")), "inlined: {listing}");
    assert_asm_snapshot!("big_awaiter_opt_level_3", listing);
}

// ---- Box::pin: one allocation, a pointer in the future ------------------------------------------

#[test]
fn boxed_at_opt_level_3_the_awaiter_allocates_32770_bytes_keeps_the_pointer_at_0_and_frees_them_when_done() {
    let listing = asm_at("big_awaiter_boxed::{{closure}}", "3");
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    assert_eq!(code[8], ("movzx", "eax, byte ptr [rdi + 8]"), "the tag at 8: {listing}");
    let allocate = [
        ("mov", "edi, 32770"),
        ("mov", "esi, 1"),
        ("call", "qword ptr [rip + __rustc::__rust_alloc@GOTPCREL]"),
        ("test", "rax, rax"),
    ];
    assert!(has_run(&listing, &allocate), "{listing}");
    assert!(code.contains(&("mov", "qword ptr [rbx], rax")), "the box's pointer at offset 0: {listing}");
    // `big_buffer`'s body, inlined, zeroes its buffer inside the block: 1 byte in (after the
    // block's own tag), 32768 bytes.
    let zero_in_the_block =
        [("lea", "r15, [r14 + 1]"), ("mov", "edx, 32768"), ("mov", "rdi, r15"), ("xor", "esi, esi")];
    assert!(has_run(&listing, &zero_in_the_block), "{listing}");
    assert!(has_run(&listing, &[("mov", "r14, rax")]), "r14 is the block __rust_alloc returned: {listing}");
    assert!(!code.iter().any(|(_, operands)| operands.contains("big_buffer")), "inlined: {listing}");
    let free = [
        ("mov", "rdi, qword ptr [rbx]"),
        ("mov", "esi, 32770"),
        ("mov", "edx, 1"),
        ("call", "qword ptr [rip + __rustc::__rust_dealloc@GOTPCREL]"),
    ];
    assert!(has_run(&listing, &free), "{listing}");
    let allocations = code.iter().filter(|(_, operands)| operands.contains("__rust_alloc@")).count();
    assert_eq!(allocations, 1, "{listing}");
    assert!(!code.iter().any(|(_, operands)| operands.contains("memcpy") || operands.contains("r11")), "{listing}");
    assert_asm_snapshot!("big_awaiter_boxed_opt_level_3", listing);
}

#[test]
fn boxed_at_opt_level_0_the_buffers_future_still_passes_once_through_a_32_kib_frame() {
    let listing = asm_at("big_awaiter_boxed::{{closure}}", "0");
    assert!(has_run(&listing, &[("mov", "r11, rsp"), ("sub", "r11, 32768")]), "{listing}");
    let make = [
        ("mov", "rax, qword ptr [rip + ch10_async_today::big_buffer@GOTPCREL]"),
        ("lea", "rdi, [rsp + 68]"),
        ("call", "rax"),
    ];
    assert!(has_run(&listing, &make), "{listing}");
    let into_the_box = [
        ("mov", "rdi, qword ptr [rsp + 16]"),
        ("lea", "rsi, [rsp + 68]"),
        ("mov", "edx, 32770"),
        ("call", "memcpy@PLT"),
    ];
    assert!(has_run(&listing, &into_the_box), "{listing}");
    assert_asm_snapshot!("big_awaiter_boxed_opt_level_0", listing);
}

// ---- The example's frames: where the 64 KiB go -------------------------------------------------

/// The example's thread stack (`STACK` in `examples/big_future_on_a_small_stack.rs`).
const STACK: u64 = 64 * 1024;

/// The bytes a function reserves below its pushes, from its epilogue: the `add rsp, N` before
/// the `pop`s and the `ret`.
fn frame(listing: &AsmListing) -> u64 {
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    let ret = code.iter().position(|instruction| *instruction == ("ret", "")).expect("a ret");
    let pops = code[..ret].iter().rev().take_while(|(mnemonic, _)| *mnemonic == "pop").count();
    let (mnemonic, operands) = code[ret - pops - 1];
    assert_eq!(mnemonic, "add", "{listing}");
    operands.strip_prefix("rsp, ").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{listing}"))
}

const BLOCK_ON_INLINE: &str =
    "ch10_async_today::small_stack::block_on::<ch10_async_today::big_awaiter::{async_fn_env#0}>";

#[test]
fn in_a_debug_build_the_future_is_copied_into_two_frames_that_pass_64_kib_before_the_first_poll() {
    // `run_inline` reserves a frame for the future `big_awaiter()` returns, and hands `block_on`
    // a pointer to it.
    let run_inline = asm_at("small_stack::run_inline", "0");
    assert_eq!(frame(&run_inline), 32776, "{run_inline}");
    assert!(has_run(&run_inline, &[("mov", "r11, rsp"), ("sub", "r11, 32768")]), "a stack probe: {run_inline}");
    let make_and_pass = [
        ("lea", "rdi, [rsp + 5]"),
        ("call", "qword ptr [rip + ch10_async_today::big_awaiter@GOTPCREL]"),
        ("lea", "rdi, [rsp + 5]"),
        ("call", "qword ptr [rip + ch10_async_today::small_stack::block_on@GOTPCREL]"),
    ];
    assert!(has_run(&run_inline, &make_and_pass), "{run_inline}");
    assert_asm_snapshot!("big_run_inline_opt_level_0", run_inline);

    // `block_on` reserves a frame of its own, probes it a page at a time, and copies the future
    // into it (its `pin!` local) before its first poll.
    let block_on = asm_at(BLOCK_ON_INLINE, "0");
    assert_eq!(frame(&block_on), 32872, "{block_on}");
    let code: Vec<(&str, &str)> = block_on.instructions().collect();
    let probe_and_copy = [
        ("mov", "r11, rsp"),
        ("sub", "r11, 32768"),
        ("sub", "rsp, 4096"),
        ("mov", "qword ptr [rsp], 0"),
        ("cmp", "rsp, r11"),
        ("jne", ".LBB0_1"),
        ("sub", "rsp, 104"),
        ("mov", "rsi, rdi"),
        ("lea", "rdi, [rsp + 45]"),
        ("mov", "edx, 32771"),
        ("call", "memcpy@PLT"),
    ];
    assert_eq!(code[..probe_and_copy.len()], probe_and_copy, "{block_on}");
    let poll = code.iter().position(|(_, operands)| operands.contains("big_awaiter::{{closure}}@GOTPCREL"));
    assert!(poll.is_some_and(|poll| poll > probe_and_copy.len()), "the first poll comes after: {block_on}");
    assert_asm_snapshot!("big_block_on_opt_level_0", block_on);

    // Two copies: more than the whole stack, before anything has been polled.
    assert!(frame(&run_inline) + frame(&block_on) > STACK);
    // And `run_inline`'s frame alone fits: the boxed task's resume function reserves more, under
    // two frames of its own callers, and it finishes on the same stack (the test below). So the
    // stack runs out in `block_on`'s probe.
    let boxed_resume = asm_at("big_awaiter_boxed::{{closure}}", "0");
    assert!(frame(&boxed_resume) > frame(&run_inline), "{boxed_resume}");
    // Had the thread got to the first poll, the awaiter's resume function would have needed more.
    assert_eq!(frame(&asm_at("big_awaiter::{{closure}}", "0")), 65608);
}

/// The example's own source, built by the test at opt-level 3 with the library.
const EXAMPLE: &str = include_str!("../examples/big_future_on_a_small_stack.rs");

#[test]
fn at_opt_level_3_run_inline_holds_the_future_once_and_the_example_finishes_on_64_kib() {
    // Everything inlined into `run_inline`: one copy of the future, in its frame, where the
    // buffer is zeroed in place.
    let listing = asm_at("small_stack::run_inline", "3");
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    // Its calls: `memset` (through r14, loaded once) and the panics of a future resumed wrongly.
    assert!(has_run(&listing, &[("mov", "r14, qword ptr [rip + memset@GOTPCREL]")]), "{listing}");
    let others: Vec<&str> =
        listing.calls().into_iter().filter(|call| *call != "r14" && !call.contains("core::panicking::")).collect();
    assert_eq!(others, Vec::<&str>::new(), "{listing}");
    assert!(
        !code
            .iter()
            .any(|(_, operands)| ["block_on", "big_awaiter", "big_buffer"].iter().any(|f| operands.contains(f))),
        "{listing}"
    );
    assert!(!code.iter().any(|(_, operands)| operands.contains("memcpy")), "{listing}");
    assert_eq!(frame(&listing), 32784, "{listing}");
    // The buffer, zeroed where it lies in the future, in this frame: `rsp + 15`, 32768 bytes.
    assert!(has_run(&listing, &[("lea", "rbx, [rsp + 15]")]), "{listing}");
    let zero = [("mov", "edx, 32768"), ("mov", "rdi, rbx"), ("xor", "esi, esi"), ("call", "r14")];
    assert!(has_run(&listing, &zero), "{listing}");
    assert_asm_snapshot!("big_run_inline_opt_level_3", listing);

    // The example, built at opt-level 3: both tasks finish on the 64 KiB stack.
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let flags = CodegenFlags::with_opt_level("3");
    let program = listings::program_of_file(&library, "ch10_async_today", EXAMPLE, &flags)
        .unwrap_or_else(|error| panic!("{error}"));
    for task in ["inline", "boxed"] {
        let output = Command::new(&program.path).arg(task).output().unwrap();
        assert!(output.status.success(), "{task}: {output:?}");
        assert_eq!(String::from_utf8(output.stdout).unwrap(), "finished on a 64 KiB stack: 0\n", "{task}");
    }
}

// ---- The example: a 64 KiB stack ----------------------------------------------------------------

fn run_example(task: &str) -> Output {
    let example = listings::built_example(CHAPTER, "big_future_on_a_small_stack");
    Command::new(&example).arg(task).output().unwrap()
}

#[test]
fn in_a_debug_build_the_inline_big_future_overflows_a_64_kib_stack_and_the_process_aborts() {
    let output = run_example("inline");
    assert_eq!(output.status.signal(), Some(6), "killed by SIGABRT: {output:?}");
    // The whole of standard error, but for the thread's id, which changes from run to run.
    let stderr = String::from_utf8(output.stderr).unwrap();
    let (before, rest) = stderr.split_once(" (").unwrap_or_else(|| panic!("{stderr}"));
    let (id, after) = rest.split_once(')').unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(before, "\nthread 'small-stack'");
    assert!(id.parse::<u64>().is_ok(), "{stderr}");
    assert_eq!(after, " has overflowed its stack\nfatal runtime error: stack overflow, aborting\n");
    assert_eq!(output.stdout, b"", "the thread never finished");
}

#[test]
fn in_a_debug_build_the_boxed_big_future_runs_to_completion_on_the_same_64_kib_stack() {
    let output = run_example("boxed");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "finished on a 64 KiB stack: 0\n");
}
