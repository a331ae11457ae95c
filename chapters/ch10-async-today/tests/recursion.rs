//! The page's section "Recursion", checked on the pinned compiler: the boxed recursion allocates
//! one box per level (counted here by a counting global allocator), its future holds only the
//! pointer (the layout), its resume function allocates the next level and calls itself (the
//! machine code), and so a poll goes down every level on the thread's stack (a deep recursion,
//! run on a small stack). The recursion rustc refuses is the page's `compile_fail` block (E0733).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::pin::pin;
use std::process::Command;
use std::task::{Context, Poll, Waker};

use ch10_async_today::recursion_depth;
use listings::{AsmOptions, CodegenFlags, Stage, assert_asm_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

// ---- Counting the allocations -------------------------------------------------------------------

/// The system allocator, recording on each thread the layouts that thread allocates and frees
/// while it counts (tests run on threads of their own, so their counts do not mix).
struct CountingAllocator;

#[derive(Debug, Default)]
struct Counts {
    counting: bool,
    allocated: Vec<Layout>,
    freed: Vec<Layout>,
}

thread_local! {
    // `const`, with nothing to drop: reading it never allocates, so the allocator may use it.
    static COUNTS: RefCell<Option<Counts>> = const { RefCell::new(None) };
}

/// Records `layout` in the thread's counts, unless the thread is not counting, or the allocation
/// is the recording's own (the `Vec` growing, while the counts are borrowed).
fn record(layout: Layout, allocated: bool) {
    let _ = COUNTS.try_with(|counts| {
        let Ok(mut counts) = counts.try_borrow_mut() else { return };
        let Some(counts) = counts.as_mut().filter(|counts| counts.counting) else { return };
        counts.counting = false; // the push below may allocate: not the code under test
        if allocated {
            counts.allocated.push(layout)
        } else {
            counts.freed.push(layout)
        }
        counts.counting = true;
    });
}

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout, true);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(layout, false);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Runs `f`, and returns what it returned with the layouts this thread allocated and freed
/// meanwhile.
fn counting<R>(f: impl FnOnce() -> R) -> (R, Counts) {
    COUNTS.set(Some(Counts { counting: true, ..Counts::default() }));
    let result = f();
    let counts = COUNTS.take().expect("still counting");
    (result, Counts { counting: false, ..counts })
}

/// `recursion_depth(n)`, polled to completion with a waker that allocates nothing.
fn depth(n: u32) -> u32 {
    let mut future = pin!(recursion_depth(n));
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(depth) => depth,
        Poll::Pending => unreachable!("nothing in the recursion is ever pending"),
    }
}

#[test]
fn the_boxed_recursion_allocates_one_16_byte_box_per_level_and_frees_each() {
    let one_level = Layout::from_size_align(16, 8).unwrap();
    for n in [0, 1, 2, 10, 1000] {
        let (depth, counts) = counting(|| depth(n));
        assert_eq!(depth, n);
        let levels = n as usize;
        assert_eq!(counts.allocated, vec![one_level; levels], "n = {n}: one allocation per level, each a future");
        assert_eq!(counts.freed, vec![one_level; levels], "n = {n}: every box is freed when its level is done");
    }
}

#[test]
fn the_counting_allocator_sees_an_allocation_of_the_thread_that_counts() {
    // The other test's zero for n = 0 must not be the allocator missing everything.
    let (_, counts) = counting(|| std::hint::black_box(Box::new(7_u64)));
    assert_eq!(counts.allocated, [Layout::new::<u64>()]);
}

// ---- The layout: a pointer where the future would be --------------------------------------------

#[test]
fn the_boxed_recursions_future_is_16_bytes_and_its_awaitee_an_8_byte_pointer_at_0() {
    assert_eq!(size_of_val(&recursion_depth(3)), 16);
    let layout =
        listings::stage(CHAPTER, Stage::TypeSizes, "recursion_depth").unwrap_or_else(|error| panic!("{error}"));
    let text = &layout.text;
    assert!(text.starts_with("type: `{async fn body of recursion_depth()}`: 16 bytes, alignment: 8 bytes\n"), "{text}");
    let awaitee = "local `.__awaitee`: 8 bytes, offset: 0 bytes, alignment: 8 bytes, type: Pin<Box<{async fn body of \
                   recursion_depth()}>>";
    assert!(text.contains(awaitee), "{text}");
    let table = layout.layout.as_ref().expect("a type's listing has its layout");
    assert_eq!(table.row(0..8).unwrap(), ["", "local __awaitee"]);
    assert_eq!(table.row(8..12).unwrap(), ["upvar n"; 4]);
    assert!(text.contains("the tag: 1 byte(s) at offset 12"), "{text}");
    assert_stage_snapshot!("recursion_depth", layout);
}

// ---- The machine code: allocate the next level, then call yourself -----------------------------

#[test]
fn the_resume_function_allocates_16_bytes_for_the_next_level_writes_n_minus_1_and_tag_0_and_calls_itself() {
    let listing = listings::asm(CHAPTER, "recursion_depth::{{closure}}", &AsmOptions::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    // The tag at 12 and `n` at 8, as in the layout.
    assert_eq!(code[4], ("movzx", "eax, byte ptr [rdi + 12]"), "{listing}");
    let unresumed = listing.block(".LBB0_1").unwrap();
    assert_eq!(unresumed[..3], [("mov", "ebp, dword ptr [rbx + 8]"), ("test", "ebp, ebp"), ("je", ".LBB0_5")]);
    // n > 0: one allocation of the future's 16 bytes, aligned to 8 …
    let allocation = [
        ("mov", "edi, 16"),
        ("mov", "esi, 8"),
        ("call", "qword ptr [rip + __rustc::__rust_alloc@GOTPCREL]"),
        ("test", "rax, rax"),
        ("je", ".LBB0_6"),
    ];
    assert!(unresumed.windows(allocation.len()).any(|w| w == allocation), "{listing}");
    // … in which the next level's future is made: its `n`, one less, at 8; its tag, Unresumed, at 12;
    // and the box's pointer goes to offset 0, the awaitee.
    let next_level = [
        ("mov", "rdi, rax"),
        ("dec", "ebp"),
        ("mov", "dword ptr [rax + 8], ebp"),
        ("mov", "byte ptr [rax + 12], 0"),
        ("mov", "qword ptr [rbx], rax"),
    ];
    assert!(unresumed.windows(next_level.len()).any(|w| w == next_level), "{listing}");
    // The next level is polled by a direct call of this same function, then its box is dropped.
    let poll_and_free = [
        ("call", "ch10_async_today::recursion_depth::{{closure}}"),
        ("mov", "ebp, edx"),
        ("mov", "rdi, rbx"),
        ("call", "core::ptr::drop_in_place<alloc::boxed::Box<ch10_async_today::recursion_depth::{{closure}}>>"),
    ];
    assert_eq!(listing.block(".LBB0_3").unwrap()[..4], poll_and_free, "{listing}");
    let allocations = code.iter().filter(|(_, operands)| operands.contains("__rust_alloc@")).count();
    assert_eq!(allocations, 1, "one allocation per resume from Unresumed: one per level");
    assert_asm_snapshot!("recursion_depth_state_machine", listing);
}

#[test]
fn the_resume_function_returns_only_ready_and_its_suspend0_entry_makes_the_same_recursive_call() {
    let listing = listings::asm(CHAPTER, "recursion_depth::{{closure}}", &AsmOptions::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    // One `ret`, after `xor eax, eax`: `Poll::Ready`, with the value in `edx`.
    assert_eq!(code.iter().filter(|(mnemonic, _)| *mnemonic == "ret").count(), 1, "{listing}");
    let ready = listing.block(".LBB0_4").unwrap();
    assert_eq!(
        ready,
        [
            ("mov", "byte ptr [rbx + 12], 1"),
            ("xor", "eax, eax"),
            ("mov", "edx, ebp"),
            ("pop", "rbx"),
            ("pop", "r14"),
            ("pop", "rbp"),
            ("ret", "")
        ],
        "{listing}"
    );
    // After the recursive call the caller takes the value from `edx` and never tests `eax`,
    // where a `Pending` would be: from the call to the `ret`, nothing reads `eax`.
    let after_the_call = [listing.block(".LBB0_3").unwrap(), ready].concat();
    assert_eq!(after_the_call[..2], [("call", "ch10_async_today::recursion_depth::{{closure}}"), ("mov", "ebp, edx")]);
    let reads_eax = |(mnemonic, operands): &(&str, &str)| {
        matches!(*mnemonic, "test" | "cmp") && ["eax", "al", "rax"].iter().any(|r| operands.contains(r))
    };
    assert!(!after_the_call.iter().any(reads_eax), "{listing}");
    // The `Suspend0` entry (tag 3, the jump table's fourth entry) loads the box's pointer from
    // offset 0 and falls through to the same call.
    assert_eq!(listing.jump_tables()[0][3], ".LBB0_2-.LJTI0_0", "{listing}");
    assert_eq!(listing.block(".LBB0_2").unwrap(), [("mov", "rdi, qword ptr [rbx]")], "{listing}");
}

// ---- The stack: one frame per level on every poll -----------------------------------------------

/// A program that polls `recursion_depth(n)`, `n` its argument, on a thread with a 64 KiB stack,
/// and prints the depth.
const DEEP_POLL: &str = r#"
fn main() {
    let n: u32 = std::env::args().nth(1).unwrap().parse().unwrap();
    let poll = move || {
        let mut future = std::pin::pin!(ch10_async_today::recursion_depth(n));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(depth) => depth,
            std::task::Poll::Pending => unreachable!(),
        }
    };
    let thread = std::thread::Builder::new().stack_size(64 * 1024).spawn(poll).unwrap();
    println!("depth {}", thread.join().unwrap());
}
"#;

#[test]
fn a_poll_goes_down_the_whole_chain_on_the_stack_32_bytes_a_level_at_opt_level_3() {
    // Each level's frame: three pushes and the call's return address.
    let listing = listings::asm(CHAPTER, "recursion_depth::{{closure}}", &AsmOptions::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    assert_eq!(code[..3], [("push", "rbp"), ("push", "r14"), ("push", "rbx")], "{listing}");
    assert!(!code.iter().any(|(mnemonic, operands)| *mnemonic == "sub" && operands.starts_with("rsp")), "{listing}");
    let frame = 3 * 8 + 8;
    assert_eq!(frame, 32);

    // The same library, at opt-level 3, under a program whose thread has a 64 KiB stack.
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let flags = CodegenFlags::with_opt_level("3");
    let program = listings::program_of_file(&library, "ch10_async_today", DEEP_POLL, &flags)
        .unwrap_or_else(|error| panic!("{error}"));
    let run = |n: u32| Command::new(&program.path).arg(n.to_string()).output().unwrap();
    // 1,000 levels need 32,000 bytes: they fit.
    let shallow = run(1000);
    assert!(shallow.status.success(), "{shallow:?}");
    assert_eq!(String::from_utf8(shallow.stdout).unwrap(), "depth 1000\n");
    // 4,000 levels need 128,000 bytes, twice the stack: the poll overflows it.
    assert!(4000 * frame > 64 * 1024);
    let deep = run(4000);
    assert_eq!(deep.status.signal(), Some(6), "killed by SIGABRT: {deep:?}");
    let stderr = String::from_utf8(deep.stderr).unwrap();
    assert!(stderr.contains("has overflowed its stack\nfatal runtime error: stack overflow"), "{stderr}");
}
