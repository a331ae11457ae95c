//! What the section "Async closures" says, checked on the pinned compiler: what an
//! `async || {}` captures and lends, what a `|| async {}` must own instead, the sizes of both and
//! of the futures their calls return, and which `AsyncFn*` trait each closure is called through.
//! Each listing test asserts the page's claims about one listing (HIR, MIR or type sizes), then
//! snapshots it (every name starts with `closures_`); the behaviour tests run the closures, read
//! tags from running futures and count allocations; the last tests compile the page's refused
//! blocks and check what rustc says and where.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::pin::{Pin, pin};
use std::process::Command;
use std::ptr;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use ch10_async_today::{async_consumer, async_logger, async_reader, call_twice, log_twice, log_twice_shared};
use listings::{Part, Rustc, Stage, StageListing, Workspace, assert_part_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The library as the stages compile it: the types of closures and async blocks are named after
/// where they stand in it.
const LIBRARY: &str = include_str!("../src/lib.rs");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

fn assert_contains_all(text: &str, pieces: &[&str]) {
    for piece in pieces {
        assert!(text.contains(piece), "`{piece}` missing from:\n{text}");
    }
}

/// The line of the library on which `marker` ends, numbered from 1 as rustc numbers it; the
/// marker may span lines, and must occur exactly once.
fn line_of(marker: &str) -> usize {
    let found: Vec<usize> = LIBRARY.match_indices(marker).map(|(at, _)| at).collect();
    assert_eq!(found.len(), 1, "`{marker}` must occur exactly once in src/lib.rs");
    LIBRARY[..found[0] + marker.len()].lines().count()
}

/// The type whose name starts with `kind@` and the place of `marker`'s line in the library, as
/// the type-sizes stage names it, itself or inside another type's name:
/// `{async closure body@chapters/ch10-async-today/src/lib.rs:44:24: 48:6}` is `("{async closure
/// body", "async move |entry|")`. The test finds the name, so that code added above this section
/// moves no test.
fn type_at(kind: &str, marker: &str) -> String {
    let start = format!("{kind}@chapters/{CHAPTER}/src/lib.rs:{}:", line_of(marker));
    let mut found: Vec<String> = listings::stage_subjects(CHAPTER, Stage::TypeSizes)
        .unwrap_or_else(|error| panic!("{error}"))
        .iter()
        .filter_map(|name| {
            let at = name.find(&start)?;
            let end = at + name[at..].find('}')? + 1;
            Some(name[at..end].to_owned())
        })
        .collect();
    found.sort();
    found.dedup();
    assert_eq!(found.len(), 1, "one type starting `{start}`: {found:?}");
    found.remove(0)
}

/// The cells of the layout table's row over `bytes`, one per column.
fn layout_row(layout: &StageListing, bytes: Range<u64>) -> Vec<String> {
    let table = layout.layout.as_ref().expect("a type's listing has its layout");
    table.row(bytes.clone()).unwrap_or_else(|| panic!("no row {bytes:?} in:\n{}", layout.text))
}

/// The type-sizes listing of the future of `call_twice` called with the closure that starts on
/// the line of `marker`.
fn call_twice_future(closure_kind: &str, marker: &str) -> StageListing {
    let closure = type_at(closure_kind, marker);
    stage(Stage::TypeSizes, &format!("{{async fn body of call_twice<{closure}>()}}"))
}

/// Polls `future` to the end with a waker that does nothing (each future here wakes itself
/// before it answers `Pending`); its output and how many polls it took.
fn run<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for polls in 1.. {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
    unreachable!()
}

fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

// ---- Behaviour: the async closure keeps its log between calls -----------------------------------

#[test]
fn calling_the_async_closure_twice_grows_the_log_it_owns() {
    let mut logger = async_logger(vec![10]);
    // Each call's future is pending once (at `YieldOnce`), then answers the log's length.
    assert_eq!(run(logger(1)), (2, 2));
    assert_eq!(run(logger(2)), (3, 2), "the second call sees the first call's entry");
    assert_eq!(run(log_twice()), (2, 3), "call_twice: one poll per pending call, and the last");
}

#[test]
fn the_closure_returning_an_async_block_shares_its_log_through_a_clone_per_call() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut future = Box::pin(log_twice_shared(Rc::clone(&log)));
    assert!(poll_once(future.as_mut()).is_pending());
    // Ours, the closure's, and the clone the first call's future owns.
    assert_eq!(Rc::strong_count(&log), 3);
    assert_eq!(*log.borrow(), [1]);
    assert_eq!(run(future), (2, 2));
    assert_eq!(*log.borrow(), [1, 2]);
    assert_eq!(Rc::strong_count(&log), 1, "each future dropped its clone, and the closure its own");
}

/// The size of the future one `AsyncFnMut` call of `f` returns (the future is dropped unpolled).
fn lent_future_size(f: &mut impl AsyncFnMut(u32) -> usize) -> usize {
    size_of_val(&f(1))
}

/// The size of the future the one `AsyncFnOnce` call of `f` returns.
fn owning_future_size(f: impl AsyncFnOnce(u32) -> usize) -> usize {
    size_of_val(&f(1))
}

#[test]
fn the_closure_is_its_24_byte_log_its_lent_future_16_bytes_and_the_future_of_a_call_by_value_32() {
    let mut logger = async_logger(Vec::new());
    assert_eq!(size_of_val(&logger), size_of::<Vec<u32>>());
    assert_eq!(size_of_val(&logger), 24);
    assert_eq!(lent_future_size(&mut logger), 16, "a pointer to the log, the entry, the awaitee, the tag");
    assert_eq!(owning_future_size(logger), 32, "the log itself, the entry, the awaitee, the tag");
}

#[test]
fn called_once_by_value_the_async_closure_gives_its_log_to_the_future() {
    let logger = async_logger(vec![7, 8]);
    // `AsyncFnOnce` consumes the closure: the future it returns owns the log, and still counts.
    async fn call_once(f: impl AsyncFnOnce(u32) -> usize) -> usize {
        f(9).await
    }
    assert_eq!(run(call_once(logger)).0, 3);
}

#[test]
fn the_three_closures_run_as_their_traits_say() {
    let reader = async_reader(vec!["await".to_owned(), "poll".to_owned()]);
    // `AsyncFn`: two calls' futures alive at once, both borrowing the closure shared.
    let (first, second) = (reader(0), reader(1));
    assert_eq!((run(first).0, run(second).0), (5, 4));
    let consumer = async_consumer(vec!["waker".to_owned()]);
    assert_eq!(run(consumer()).0, ["waker"]);
    // A `|| async {}` closure is an `AsyncFnMut` too, when its future owns what it uses.
    let counted = Rc::new(RefCell::new(Vec::new()));
    let plain = {
        let counted = Rc::clone(&counted);
        move |entry: u32| {
            let counted = Rc::clone(&counted);
            async move {
                counted.borrow_mut().push(entry);
                counted.borrow().len()
            }
        }
    };
    assert_eq!(run(call_twice(plain)).0, 2);
}

/// While `call_twice` waits on its first call, the future of that call (its `__awaitee`, at 56)
/// holds the address of `call_twice`'s own copy of the closure (its local `f`, at 24), which is
/// the address of the log the closure owns: the future `call_twice`'s `.await` polls points into
/// the future that holds it.
#[test]
fn while_call_twice_waits_the_lent_future_points_at_the_closure_inside_the_same_future() {
    let layout = call_twice_future("{async closure", "async move |entry|");
    assert_eq!(layout_row(&layout, 24..48), ["", "local f", "local f"]);
    assert_eq!(layout_row(&layout, 56..72), ["", "local __awaitee", "local __awaitee"]);
    let lent = stage(Stage::TypeSizes, &type_at("{async closure body", "async move |entry|"));
    assert_eq!(layout_row(&lent, 0..8), ["upvar _ref__log"; 4], "the lent future's first word is the borrow");

    let mut future = Box::pin(call_twice(async_logger(Vec::new())));
    assert!(poll_once(future.as_mut()).is_pending(), "suspended in the first call");
    let base = ptr::from_ref(future.as_ref().get_ref()).cast::<u8>();
    // SAFETY: the future is suspended at its first `.await`, so its `__awaitee` (bytes 56..72,
    // the table above) is the first call's future, whose first word (the row 0..8 above) is an
    // initialised, aligned pointer. Only its address is read.
    let borrow = unsafe { base.add(56).cast::<*const Vec<u32>>().read() };
    assert_eq!(borrow.addr(), base.addr() + 24, "the log, at the start of `local f`");
    assert_eq!(run(future).0, 2);
}

// ---- HIR: an async closure is a closure whose body is a coroutine -------------------------------

#[test]
fn hir_of_the_async_closure_is_a_move_closure_around_a_coroutine_that_does_not_move() {
    let hir = stage(Stage::Hir, "async_logger");
    assert_contains_all(
        &hir.text,
        &[
            "fn async_logger(mut log: Vec<u32>)",
            "move |entry|\n        |mut _task_context: ResumeTy|",
            "let entry = entry;",
            "log.push(entry);",
        ],
    );
    assert!(!hir.text.contains("move |mut _task_context"), "the coroutine borrows: {}", hir.text);
    assert_stage_snapshot!("closures_async_logger", hir);
}

#[test]
fn hir_of_the_closure_returning_an_async_block_moves_a_fresh_rc_into_the_coroutine() {
    let hir = stage(Stage::Hir, "log_twice_shared");
    assert_contains_all(
        &hir.text,
        &[
            "call_twice(move |entry|",
            "let log = std::rc::Rc::clone(&log);\n                                        move |mut _task_context: ResumeTy|",
        ],
    );
    assert_stage_snapshot!("closures_log_twice_shared", hir);
}

// ---- MIR: the captures, the call that lends, the two bodies --------------------------------------

#[test]
fn mir_of_async_logger_builds_a_closure_whose_one_capture_is_the_log() {
    let mir = stage(Stage::Mir, "async_logger");
    let closure = type_at("{async closure", "async move |entry|");
    assert_contains_all(&mir.text, &[&format!("fn async_logger(_1: Vec<u32>) -> {closure} {{"), "} { log: move _1 };"]);
    assert_stage_snapshot!("closures_async_logger_captures", mir);
}

#[test]
fn mir_of_the_call_borrows_the_log_from_the_closure_and_puts_the_borrow_in_the_future() {
    let mir = stage(Stage::Mir, "async_logger::{closure#0}");
    let closure = type_at("{async closure", "async move |entry|");
    let body = type_at("{async closure body", "async move |entry|");
    assert_contains_all(
        &mir.text,
        &[
            &format!("fn async_logger::{{closure#0}}(_1: &mut {closure}, _2: u32) -> {body} {{"),
            "_3 = &mut ((*_1).0: std::vec::Vec<u32>);",
            "{ entry: copy _2, log: move _3 };",
        ],
    );
    assert_stage_snapshot!("closures_async_logger_call", mir);
}

/// The first lines of a MIR body: its signature and what its `debug` lines say of the captures.
fn debug_lines(mir: &StageListing, name: &str) -> Part {
    let last = mir.text.lines().position(|line| line.trim_start().starts_with("let ")).expect("a first local");
    Part::of_stage(mir, name, 1..=last)
}

#[test]
fn the_body_reaches_the_log_through_a_borrow_and_the_by_move_body_holds_and_drops_it() {
    let by_ref = stage(Stage::Mir, "async_logger::{closure#0}::{closure#0}");
    let by_move = stage(Stage::Mir, "async_logger::{closure#0}::{synthetic#0}");
    let body = type_at("{async closure body", "async move |entry|");
    for (mir, name) in
        [(&by_ref, "async_logger::{closure#0}::{closure#0}"), (&by_move, "async_logger::{closure#0}::{synthetic#0}")]
    {
        // The same coroutine type by name: the by-move body is a copy of the other, retyped.
        let signature = format!("fn {name}(_1: Pin<&mut {body}>, _2: &mut Context<'_>) -> Poll<usize> {{");
        assert!(mir.text.starts_with(&signature), "{}", mir.text);
    }
    let shown_by_ref = debug_lines(&by_ref, "captures");
    let shown_by_move = debug_lines(&by_move, "captures");
    assert!(
        shown_by_ref.text.contains("debug log => (*((*_19).1: &mut std::vec::Vec<u32>));"),
        "{}",
        shown_by_ref.text
    );
    assert!(shown_by_move.text.contains("debug log => ((*_18).1: std::vec::Vec<u32>);"), "{}", shown_by_move.text);
    // Only the owner drops the log: the by-move body, when it finishes or unwinds.
    let drops = |mir: &StageListing| mir.text.matches("drop(((*_18).1: std::vec::Vec<u32>))").count();
    assert_eq!((drops(&by_ref), drops(&by_move)), (0, 2));
    assert!(!by_ref.text.contains("drop("), "{}", by_ref.text);
    assert_stage_snapshot!("closures_by_ref_body", by_ref);
    assert_part_snapshot!("closures_by_ref_body", shown_by_ref);
    assert_stage_snapshot!("closures_by_move_body", by_move);
    assert_part_snapshot!("closures_by_move_body", shown_by_move);
}

#[test]
fn the_calls_receiver_is_shared_for_asyncfn_mutable_for_asyncfnmut_and_the_closure_itself_for_asyncfnonce() {
    // The type of the first argument of the call, `_1`, up to the closure's type.
    let receiver = |function: &str| {
        let mir = stage(Stage::Mir, &format!("{function}::{{closure#0}}"));
        let first = mir.text.lines().next().unwrap_or_default().to_owned();
        let receiver =
            first.split_once("(_1: ").and_then(|(_, rest)| rest.split_once("{async closure@")).map(|(r, _)| r);
        (receiver.unwrap_or_else(|| panic!("{first}")).to_owned(), mir)
    };
    let (shared, reader) = receiver("async_reader");
    let (mutable, _) = receiver("async_logger");
    let (owned, consumer) = receiver("async_consumer");
    assert_eq!([shared.as_str(), mutable.as_str(), owned.as_str()], ["&", "&mut ", ""]);
    // The reader lends a shared borrow of its names; the consumer moves them into the future.
    assert!(reader.text.contains("= &((*_1).0: std::vec::Vec<std::string::String>);"), "{}", reader.text);
    assert!(consumer.text.contains("{ names: move (_1.0: std::vec::Vec<std::string::String>) };"), "{}", consumer.text);
    assert_stage_snapshot!("closures_async_reader_call", reader);
    assert_stage_snapshot!("closures_async_consumer_call", consumer);
}

#[test]
fn only_the_closures_whose_calls_can_lend_have_a_by_move_body() {
    let bodies = listings::stage_subjects(CHAPTER, Stage::Mir).unwrap_or_else(|error| panic!("{error}"));
    let has = |name: &str| bodies.iter().any(|body| body == name);
    assert!(has("async_logger::{closure#0}::{synthetic#0}"));
    assert!(has("async_reader::{closure#0}::{synthetic#0}"));
    assert!(has("async_consumer::{closure#0}::{closure#0}"));
    assert!(!has("async_consumer::{closure#0}::{synthetic#0}"), "its one body already owns: {bodies:?}");
}

// ---- Type sizes ------------------------------------------------------------------------------------

#[test]
fn the_lent_future_is_16_bytes_a_borrow_of_the_log_then_the_entry() {
    let layout = stage(Stage::TypeSizes, &type_at("{async closure body", "async move |entry|"));
    let future = layout.layout.as_ref().expect("a layout");
    assert_eq!((future.size, future.align), (16, 8));
    assert_eq!(layout_row(&layout, 0..8), ["upvar _ref__log"; 4]);
    assert_eq!(layout_row(&layout, 8..12), ["upvar entry"; 4]);
    assert_eq!(layout_row(&layout, 12..13), ["", "local __awaitee"]);
    assert_eq!(layout_row(&layout, 13..14), ["tag"; 4], "the tag, placed from the debug information");
    assert!(layout.text.contains("upvar `._ref__log`: 8 bytes, offset: 0 bytes"), "{}", layout.text);
    assert_stage_snapshot!("closures_logger_future", layout);
}

#[test]
fn the_async_block_is_16_bytes_too_its_first_word_an_rc_it_owns() {
    let layout = stage(Stage::TypeSizes, &type_at("{async block", "std::rc::Rc::clone(&log);\n        async move {"));
    let future = layout.layout.as_ref().expect("a layout");
    assert_eq!((future.size, future.align), (16, 8));
    assert_eq!(layout_row(&layout, 0..8), ["upvar log"; 4]);
    assert_eq!(layout_row(&layout, 8..12), ["upvar entry"; 4]);
    assert_eq!(layout_row(&layout, 12..13), ["", "local __awaitee"]);
    assert_stage_snapshot!("closures_shared_future", layout);
}

#[test]
fn call_twices_future_holds_the_24_byte_closure_twice_and_the_16_byte_lent_future() {
    let layout = call_twice_future("{async closure", "async move |entry|");
    let future = layout.layout.as_ref().expect("a layout");
    assert_eq!(future.size, 72);
    assert_eq!(layout_row(&layout, 0..24), ["upvar f"; 5]);
    assert_eq!(layout_row(&layout, 24..48), ["", "local f", "local f"]);
    assert_eq!(layout_row(&layout, 56..72), ["", "local __awaitee", "local __awaitee"]);
    let lent = type_at("{async closure body", "async move |entry|");
    assert!(layout.text.contains(&format!("local `.__awaitee`: 16 bytes, alignment: 8 bytes, type: {lent}")));
    assert_stage_snapshot!("closures_call_twice", layout);
}

#[test]
fn rustc_prints_a_closures_size_without_its_captures_and_no_layout_for_an_async_closure() {
    let plain = stage(Stage::TypeSizes, &type_at("{closure", "call_twice(move |entry| {"));
    assert_eq!(plain.text.lines().take(2).collect::<Vec<_>>()[1], "    end padding: 8 bytes", "{}", plain.text);
    assert_eq!(plain.layout.as_ref().map(|layout| layout.size), Some(8), "the Rc");
    let closure = type_at("{async closure", "async move |entry|");
    // Only the types that hold the async closure are printed, as the call_twice future above.
    let wrapped = stage(Stage::TypeSizes, &format!("std::mem::ManuallyDrop<{closure}>"));
    assert_eq!(wrapped.layout.as_ref().map(|layout| layout.size), Some(24));
    let subjects = listings::stage_subjects(CHAPTER, Stage::TypeSizes).unwrap_or_else(|error| panic!("{error}"));
    assert!(!subjects.contains(&closure), "{closure} has no print-out of its own");
}

// ---- The tag, read from running futures ------------------------------------------------------------

/// The byte at `offset` of the future `future` holds, which must be its tag: the print-out gives
/// the tag's size, not its offset.
fn tag_at<F: Future>(future: &Pin<Box<F>>, offset: usize) -> u8 {
    assert!(offset < size_of::<F>());
    let base = ptr::from_ref(future.as_ref().get_ref()).cast::<u8>();
    // SAFETY: `offset` is inside the future, and the callers pass the offset of its tag, a byte
    // that is written in every state (chapter 5); a byte is read, with no alignment to keep.
    unsafe { base.add(offset).read() }
}

/// Chapter 5's state numbers: 0 unresumed, 1 returned, 2 panicked, 3 and on the suspensions.
#[test]
fn the_tag_is_byte_13_of_the_lent_future_and_byte_48_of_call_twices() {
    let mut logger = async_logger(Vec::new());
    let mut lent = Box::pin(logger(1));
    assert_eq!(size_of_val(&*lent), 16);
    assert_eq!(tag_at(&lent, 13), 0, "unresumed");
    assert!(poll_once(lent.as_mut()).is_pending());
    assert_eq!(tag_at(&lent, 13), 3, "Suspend0: waiting on its YieldOnce");
    assert_eq!(poll_once(lent.as_mut()), Poll::Ready(1));
    assert_eq!(tag_at(&lent, 13), 1, "returned");

    let mut twice = Box::pin(call_twice(async_logger(Vec::new())));
    assert_eq!(size_of_val(&*twice), 72);
    assert_eq!(tag_at(&twice, 48), 0, "unresumed");
    assert!(poll_once(twice.as_mut()).is_pending());
    assert_eq!(tag_at(&twice, 48), 3, "Suspend0: the first call awaited");
    assert!(poll_once(twice.as_mut()).is_pending());
    assert_eq!(tag_at(&twice, 48), 4, "Suspend1: the second call awaited");
    assert_eq!(poll_once(twice.as_mut()), Poll::Ready(2));
    assert_eq!(tag_at(&twice, 48), 1, "returned");
}

// ---- What each kind costs: allocations, sizes, drops -------------------------------------------------

thread_local! {
    /// The allocations made on this thread (tests run on threads of their own).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// The system's allocator, counting each allocation on the thread that makes it.
struct CountingAllocator;

// SAFETY: every call is passed on to the system's allocator unchanged; the count is a
// thread-local `Cell` whose access allocates nothing.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's promises about `layout` are passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, in `alloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// What `f` returns, and how many allocations it made on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let value = f();
    (value, ALLOCATIONS.with(Cell::get) - before)
}

#[test]
fn the_shared_log_is_one_allocation_more_made_by_the_caller_and_no_call_allocates() {
    // Both logs with room for the two entries, so that no push grows a `Vec`.
    let (logger, made) = allocations(|| async_logger(Vec::with_capacity(2)));
    assert_eq!(made, 1, "the Vec's buffer");
    let (shared, made) = allocations(|| Rc::new(RefCell::new(Vec::<u32>::with_capacity(2))));
    assert_eq!(made, 2, "the Vec's buffer, and the Rc's block that holds the RefCell and the counts");
    let ((answer, _), made) = allocations(|| run(call_twice(logger)));
    assert_eq!((answer, made), (2, 0), "the async closure, called twice");
    let ((answer, _), made) = allocations(|| run(log_twice_shared(Rc::clone(&shared))));
    assert_eq!((answer, made), (2, 0), "each call clones the Rc: a count, not an allocation");
}

#[test]
fn call_twices_future_is_40_bytes_with_the_closure_that_holds_an_rc() {
    let plain = call_twice_future("{closure", "call_twice(move |entry| {");
    assert_eq!(plain.layout.as_ref().map(|layout| layout.size), Some(40));
    assert_eq!(layout_row(&plain, 0..8), ["upvar f"; 5], "the closure: its Rc");
    assert_eq!(layout_row(&plain, 8..16), ["", "local f", "local f"]);
    let with_async_closure = call_twice_future("{async closure", "async move |entry|");
    assert_eq!(with_async_closure.layout.as_ref().map(|layout| layout.size), Some(72));
}

/// `async_logger`'s closure with a log whose entries can be counted: each is a clone of one `Rc`.
fn counted_logger(mut log: Vec<Rc<()>>) -> impl AsyncFnMut(Rc<()>) -> usize {
    async move |entry| {
        log.push(entry);
        ch10_async_today::YieldOnce::default().await;
        log.len()
    }
}

/// The future of the call of `f` by value, through `AsyncFnOnce`: the by-move body's.
fn call_by_value(f: impl AsyncFnOnce(Rc<()>) -> usize, entry: Rc<()>) -> impl Future<Output = usize> {
    f(entry)
}

#[test]
fn a_future_of_a_call_by_value_dropped_unfinished_drops_the_log_a_lent_one_leaves_it() {
    let entry = Rc::new(());
    let mut owning = Box::pin(call_by_value(counted_logger(Vec::new()), Rc::clone(&entry)));
    assert!(poll_once(owning.as_mut()).is_pending());
    assert_eq!(Rc::strong_count(&entry), 2, "the entry, in the log the future owns");
    drop(owning);
    assert_eq!(Rc::strong_count(&entry), 1, "dropped while it waited, the future dropped the log");

    let mut logger = counted_logger(Vec::new());
    let mut lent = Box::pin(logger(Rc::clone(&entry)));
    assert!(poll_once(lent.as_mut()).is_pending());
    drop(lent);
    assert_eq!(Rc::strong_count(&entry), 2, "the lent future dropped nothing: the log is the closure's");
    drop(logger);
    assert_eq!(Rc::strong_count(&entry), 1, "the closure drops its log");
}

#[test]
fn the_type_size_print_out_has_one_future_of_the_loggers_body_the_lent_one() {
    let body = type_at("{async closure body", "async move |entry|");
    let subjects = listings::stage_subjects(CHAPTER, Stage::TypeSizes).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(subjects.iter().filter(|subject| **subject == body).count(), 1, "{subjects:?}");
    let layout = stage(Stage::TypeSizes, &body);
    assert_eq!(layout.layout.as_ref().map(|layout| layout.size), Some(16), "the lent future, not the by-move one");
}

// ---- HIR: no async body is written with `move` ------------------------------------------------------

#[test]
fn hir_writes_an_async_fns_body_without_move_too() {
    let hir = stage(Stage::Hir, "log_twice_shared");
    let start = "async fn log_twice_shared(log: std::rc::Rc<std::cell::RefCell<Vec<u32>>>)\n    ->\n        \
                 /*impl Trait*/ |mut _task_context: ResumeTy|\n    {\n        let log = log;\n";
    assert!(hir.text.starts_with(start), "{}", hir.text);
}

// ---- The page's refused blocks, and what the old and new bounds accept -----------------------------

mod page;
use page::block_containing;

/// What the pinned rustc says of `code`, a std-only library of edition 2024 that it refuses: the
/// first error's header, the line of `code` it points at, and everything it printed.
fn refused(code: &str) -> (String, String, String) {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|error| panic!("{error}"));
    let scratch = workspace.scratch_dir("ch10-closures-refused").unwrap_or_else(|error| panic!("{error}"));
    let file = scratch.path().join("refused.rs");
    std::fs::write(&file, code).unwrap();
    let output = Command::new(&rustc.path)
        .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "refused", "--emit=metadata"])
        .arg("--out-dir")
        .arg(scratch.path())
        .arg(&file)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", rustc.path.display()));
    assert!(!output.status.success(), "this compiles:\n{code}");
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut lines = text.lines();
    let header = lines.find(|line| line.starts_with("error")).expect("an error").to_owned();
    let at = lines.next().and_then(|line| line.trim().strip_prefix("--> ")).expect("where the error is");
    let number: usize = at.rsplit(':').nth(1).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{at}"));
    let line = code.lines().nth(number - 1).expect("a line of the code").trim().to_owned();
    (header, line, text)
}

/// The page's `call_twice` with the bound written before async closures (its first
/// `compile_fail` block), followed by `callers`.
fn with_the_old_bound(callers: &str) -> String {
    let block = block_containing("error[E0507]");
    let (old_call_twice, _) = block.split_once("async fn log_twice()").expect("the E0507 block's caller");
    format!("{old_call_twice}{callers}")
}

#[test]
fn a_future_that_borrows_from_an_fnmut_closure_is_refused_as_escaping_it() {
    let (_, _, text) = refused(&block_containing("fn log_twice_borrowing"));
    let escapes = "error: captured variable cannot escape `FnMut` closure body";
    assert!(text.contains(escapes), "{text}");
    assert!(
        text.contains("returns an `async` block that contains a reference to a captured variable, which then escapes the closure body"),
        "{text}"
    );
    assert!(
        text.contains("error[E0373]: async block may outlive the current function, but it borrows `entry`"),
        "{text}"
    );
}

#[test]
fn an_async_closure_that_keeps_state_does_not_fit_an_fnmut_bound() {
    let (header, line, _) = refused(&block_containing("fn log_twice_through_an_old_bound"));
    assert_eq!(
        header,
        "error: async closure does not implement `FnMut` because it captures state from its environment"
    );
    assert_eq!(line, "call_twice(async move |entry| {");
}

#[test]
fn an_async_closure_whose_future_borrows_nothing_from_it_fits_an_fnmut_bound() {
    let callers = "
pub async fn captures_nothing() -> usize {
    call_twice(async |entry| entry as usize).await
}

pub async fn copies_a_shared_reference(names: &Vec<String>) -> usize {
    call_twice(async move |index| names[index as usize].len()).await
}
";
    assert_eq!(course::facts::compiles(&with_the_old_bound(callers)), Ok(()));
}

#[test]
fn generic_code_cannot_show_that_an_asyncfnmut_calls_future_is_send() {
    let (header, line, _) = refused(&block_containing("fn spawn_call_twice<F: AsyncFnMut"));
    assert_eq!(
        header,
        "error[E0277]: `<F as AsyncFnMut<(u32,)>>::CallRefFuture<'_>` cannot be sent between threads safely"
    );
    assert_eq!(line, "spawn(call_twice(f));");
    // The old form names the future's type, and can bound it.
    let spawner = "
fn spawn<T: Future + Send + 'static>(_task: T) {}

pub fn spawn_call_twice<F, Fut>(f: F)
where
    F: FnMut(u32) -> Fut + Send + 'static,
    Fut: Future<Output = usize> + Send + 'static,
{
    spawn(call_twice(f));
}
";
    assert_eq!(course::facts::compiles(&with_the_old_bound(spawner)), Ok(()));
}

#[test]
fn the_bound_on_the_calls_future_is_unstable_on_the_pinned_compiler() {
    let block = block_containing("for<'a> F::CallRefFuture<'a>: Send");
    let (header, line, _) = refused(&block);
    assert_eq!(header, "error[E0658]: use of unstable library feature `async_fn_traits`");
    assert_eq!(line, "for<'a> F::CallRefFuture<'a>: Send,");
    // The bound would do it: with the feature on (a nightly feature, so RUSTC_BOOTSTRAP=1 for
    // this check alone), the same block compiles.
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|error| panic!("{error}"));
    let scratch = workspace.scratch_dir("ch10-closures-gated").unwrap_or_else(|error| panic!("{error}"));
    let file = scratch.path().join("gated.rs");
    std::fs::write(&file, format!("#![feature(async_fn_traits)]\n{block}")).unwrap();
    let output = Command::new(&rustc.path)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "gated", "--emit=metadata"])
        .arg("--out-dir")
        .arg(scratch.path())
        .arg(&file)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", rustc.path.display()));
    assert!(output.status.success(), "with the feature on:\n{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn where_the_closures_type_is_in_sight_call_twices_future_is_send_behind_impl_asyncfnmut_not() {
    // The closure written at the call: its future's type is known, and `Send`.
    let mut log = vec![10];
    let future = call_twice(async move |entry| {
        log.push(entry);
        ch10_async_today::YieldOnce::default().await;
        log.len()
    });
    let answer = std::thread::spawn(move || run(future).0).join().expect("the thread finishes");
    assert_eq!(answer, 3);
    // The same closure returned as `impl AsyncFnMut`, as `async_logger` returns it: the opaque
    // type hides its future as a type parameter does.
    let behind_impl = "
fn logger(mut log: Vec<u32>) -> impl AsyncFnMut(u32) -> usize {
    async move |entry| {
        log.push(entry);
        log.len()
    }
}

async fn call_twice(mut f: impl AsyncFnMut(u32) -> usize) -> usize {
    f(1).await;
    f(2).await
}

fn spawn<T: Future + Send + 'static>(_task: T) {}

pub fn spawn_call_twice() {
    spawn(call_twice(logger(Vec::new())));
}
";
    let error = course::facts::compiles(behind_impl).expect_err("refused");
    let not_send =
        "error[E0277]: `<impl AsyncFnMut(u32) -> usize as AsyncFnMut<(u32,)>>::CallRefFuture<'_>` cannot be sent";
    assert!(error.contains(not_send), "{error}");
}
