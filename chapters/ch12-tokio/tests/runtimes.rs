//! What the page's section "The same four slots in five runtimes" says, checked: each runtime's
//! waker vtable, its four functions in machine code (the book's executor of chapter 4, `futures`'
//! `LocalPool`, tokio, `async-task`, `embassy-executor`), the table of them, and what a spawn of
//! the same future allocates on each, counted by this test program's own allocator.
//!
//! The vtable functions of a runtime whose waker is not generic (tokio's, embassy's, and the
//! instance `LocalPool` uses, which `futures-executor` compiles) have no code in this chapter's
//! assembly: their listings come from the dependency compiled alone with the listings' flags
//! (`listings::package_asm`, `cargo xtask asm --package PACKAGE FUNCTION`). tokio's four are
//! the section "tokio's waker"'s snapshots (`tests/waker.rs`): this file checks them and shows
//! them, and does not snapshot them again.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};

use ch12_tokio::runtimes::{
    EMBASSY_EVERY_SLOT, EMBASSY_YIELDS, EveryWakerSlot, Finished, Yields, run_on_async_task, run_on_book_executor,
    run_on_embassy, run_on_local_pool, run_on_tokio, tokio_runtime, yields_on_async_task, yields_on_book_executor,
    yields_on_embassy, yields_on_local_pool, yields_on_tokio,
};
use listings::{AsmListing, AsmOptions, GeneratedTable, assert_asm_snapshot, assert_table_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

// ---- Every runtime runs the same future ---------------------------------------------------------

/// `f`, with no other test on embassy at the same time: its tasks and its flag are statics, and
/// the tests run in parallel threads.
fn alone_on_embassy<T>(f: impl FnOnce() -> T) -> T {
    static EMBASSY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _alone = EMBASSY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f()
}

#[test]
fn runtimes_every_runtime_runs_the_same_future_to_the_end() {
    for left in [0, 1, 3] {
        yields_on_book_executor(left);
        yields_on_local_pool(left);
        yields_on_tokio(left);
        yields_on_async_task(left);
        alone_on_embassy(|| yields_on_embassy(left));
    }
    // Each slot of each runtime's vtable, called once from inside one of its tasks.
    run_on_book_executor(EveryWakerSlot { first: true });
    run_on_local_pool(EveryWakerSlot { first: true });
    run_on_tokio(&tokio_runtime(), EveryWakerSlot { first: true });
    run_on_async_task(EveryWakerSlot { first: true });
    alone_on_embassy(|| run_on_embassy(&EMBASSY_EVERY_SLOT, EveryWakerSlot { first: true }));
}

// ---- What a spawn allocates -------------------------------------------------------------------

/// The system's allocator, recording the size of each allocation this thread makes while
/// [`allocations_of`] watches: tests run in parallel, so each reads only its own thread's.
struct Recording;

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static SIZES: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
}

unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Not while recording: pushing to `SIZES` may allocate itself.
        if WATCHING.with(|watching| watching.replace(false)) {
            SIZES.with(|sizes| sizes.borrow_mut().push((layout.size(), layout.align())));
            WATCHING.with(|watching| watching.set(true));
        }
        // SAFETY: the caller's promises for `layout` are `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static RECORDING: Recording = Recording;

/// The size and alignment of each allocation `run` makes on this thread, in order.
fn allocations_of(run: impl FnOnce()) -> Vec<(usize, usize)> {
    SIZES.with(|sizes| sizes.borrow_mut().reserve(64));
    WATCHING.with(|watching| watching.set(true));
    run();
    WATCHING.with(|watching| watching.set(false));
    SIZES.with(|sizes| std::mem::take(&mut *sizes.borrow_mut()))
}

/// The size of a block of the book's run queue, std's `mpsc` channel of `Arc<Task>`s: its
/// blocks are the allocations of [`book_allocations`] that are not its tasks'.
const CHANNEL_BLOCK: (usize, usize) = (504, 8);

/// What `tasks` tasks of `Yields { left: 1 }` allocate on one executor of chapter 4's, made
/// before: all spawned, then run to their end. Its `run` takes the executor by value, so it
/// cannot be warmed up as the others are: the channel's first block is made by the first send.
fn book_allocations(tasks: usize) -> Vec<(usize, usize)> {
    let executor = ch04_executors::Executor::new();
    allocations_of(move || {
        for _ in 0..tasks {
            executor.spawn(Yields { left: 1 });
        }
        executor.run();
    })
}

/// What one task of `Yields { left: 1 }` allocates on each runtime in its whole life, from the
/// spawn to the end (two polls and a wake between), the runtime made and warmed up before (its
/// first task grows its queues): their sizes and alignments, in order. The book's executor's are
/// the task's own, without the blocks of its channel, which [`book_allocations`] counts.
fn task_allocations() -> [(&'static str, Vec<(usize, usize)>); 5] {
    let one = || Yields { left: 1 };
    let book = book_allocations(1).into_iter().filter(|layout| *layout != CHANNEL_BLOCK).collect();
    run_on_local_pool(one());
    let local_pool = allocations_of(|| run_on_local_pool(one()));
    let runtime = tokio_runtime();
    run_on_tokio(&runtime, one());
    let tokio = allocations_of(|| run_on_tokio(&runtime, one()));
    run_on_async_task(one());
    let async_task = allocations_of(|| run_on_async_task(one()));
    let embassy = alone_on_embassy(|| {
        run_on_embassy(&EMBASSY_YIELDS, one());
        allocations_of(|| run_on_embassy(&EMBASSY_YIELDS, one()))
    });
    [("book", book), ("LocalPool", local_pool), ("tokio", tokio), ("async-task", async_task), ("embassy", embassy)]
}

#[test]
fn runtimes_a_task_allocates_two_blocks_on_the_book_s_executor_and_local_pool_one_on_tokio_and_async_task_none_on_embassy()
 {
    let allocations = task_allocations();
    let count: Vec<(&str, usize)> = allocations.iter().map(|(name, sizes)| (*name, sizes.len())).collect();
    assert_eq!(
        count,
        [("book", 2), ("LocalPool", 2), ("tokio", 1), ("async-task", 1), ("embassy", 0)],
        "{allocations:?}"
    );
}

#[test]
fn runtimes_the_book_s_run_queue_allocates_a_504_byte_block_per_31_sends() {
    // Each task of `Yields { left: 1 }` is sent twice: by its spawn and by its wake. Besides the
    // tasks' own two blocks each, everything allocated is a block of the channel, one per 31
    // sends, and one more made ahead when a block's last slot is taken (so up to one extra).
    for tasks in [1, 31, 62, 310] {
        let allocations = book_allocations(tasks);
        let (blocks, own): (Vec<_>, Vec<_>) = allocations.into_iter().partition(|layout| *layout == CHANNEL_BLOCK);
        assert_eq!(own, [(4, 4), (56, 8)].repeat(tasks), "{tasks} tasks");
        let sends = 2 * tasks;
        let least = sends.div_ceil(31);
        assert!(
            (least..=least + 1).contains(&blocks.len()),
            "{tasks} tasks: {} blocks for {sends} sends",
            blocks.len()
        );
    }
    // 31 slots of an `Arc<Task>` and a state word, and the pointer to the next block.
    assert_eq!(CHANNEL_BLOCK.0, 8 + 31 * (8 + 8));
}

#[test]
fn runtimes_the_same_4_byte_future_makes_tasks_of_40_to_128_bytes() {
    assert_eq!(size_of::<Yields>(), 4);
    assert_eq!(size_of::<Finished<Yields>>(), 4, "embassy's flag is a static: the wrapper adds nothing");
    let allocations = task_allocations();
    let layouts = |name: &str| allocations.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let task = |name: &str| layouts(name).iter().map(|(size, _)| *size).collect::<Vec<_>>();
    // The book's: the future in a box, then the `Arc<Task>`: two counts and the `Task`, a
    // `Mutex` of the box (a pointer and a vtable pointer) and the queue's `Sender`.
    assert_eq!(layouts("book"), [(4, 4), (56, 8)], "the book's box, then its Arc<Task>");
    type BoxedFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;
    let (mutex, sender) =
        (size_of::<std::sync::Mutex<Option<BoxedFuture>>>(), size_of::<std::sync::mpsc::Sender<std::sync::Arc<()>>>());
    assert_eq!((mutex, sender, size_of::<ch04_executors::Task>()), (24, 16, 40));
    assert_eq!(56, 2 * 8 + size_of::<ch04_executors::Task>(), "the Arc's two counts, then the Task");
    // LocalPool: the future in a box (`LocalFutureObj`), then `FuturesUnordered`'s `Arc<Task>`
    // holding that box, made when the pool takes the future in.
    assert_eq!(task("LocalPool"), [4, 88], "LocalPool's box, then its Arc<Task>");
    // tokio's task cell: header, future and trailer in one block, aligned to 128 bytes.
    assert_eq!(layouts("tokio"), [(128, 128)], "tokio's Cell<Yields, Arc<Handle>>, aligned to 128");
    // async-task's: its 40-byte header, then room for the future or its output, which may be a
    // panic's box (16 bytes).
    assert_eq!(task("async-task"), [56], "async-task's header and union of future and output");
    let output = size_of::<Result<(), Box<dyn std::any::Any + Send>>>();
    assert_eq!((output, 56 - output), (16, 40), "the output's room, a panic's box; the header before it");
    // embassy's task is a static, allocated by nobody: its size is its type's.
    let embassy = size_of::<embassy_executor::raw::TaskStorage<Finished<Yields>>>();
    assert_eq!(embassy, 40, "embassy's TaskStorage: the header and the future");

    // The page's table of them, with where each size comes from (the sources at the versions in
    // Cargo.lock).
    let sizes = |name: &str| task(name).iter().map(usize::to_string).collect::<Vec<_>>().join(", then ");
    let (block, _) = CHANNEL_BLOCK;
    let book_what = format!(
        "the future boxed by `spawn`, then the `Arc<Task>`: the box in a `Mutex`, and a `Sender` of the \
         run queue (`chapters/ch04-executors/src/lib.rs`, line 289); besides, the queue's channel \
         allocates a block of {block} bytes per 31 sends, and this task is sent twice, by its spawn and \
         by its wake"
    );
    let rows = [
        ("the book's executor", task("book").len(), sizes("book"), book_what.as_str()),
        (
            "`LocalPool`",
            task("LocalPool").len(),
            sizes("LocalPool"),
            "the future boxed by `spawn_local` (`futures-util`, `task/spawn.rs`, line 134), then \
             `FuturesUnordered`'s `Arc<Task>` holding the box",
        ),
        (
            "tokio",
            task("tokio").len(),
            sizes("tokio"),
            "the task cell: header, the future or its output, trailer; the cell is aligned to 128 bytes \
             on x86-64 (`runtime/task/core.rs`, lines 65–71 and 127)",
        ),
        (
            "`async-task`",
            task("async-task").len(),
            sizes("async-task"),
            "a 40-byte header, then room for the future or its output, which may hold a panic's box of \
             16 bytes (`raw.rs`, lines 108–121; `header.rs`, lines 18–43)",
        ),
        (
            "embassy",
            task("embassy").len(),
            format!("{embassy}, in a static"),
            "the header and the future, in `TaskStorage`",
        ),
    ];
    let table = GeneratedTable {
        provenance: listings::Provenance {
            subject: "one task of the same 4-byte future on five runtimes".to_owned(),
            compiler: listings::Rustc::for_listings(&listings::Workspace::this_checkout())
                .unwrap_or_else(|error| panic!("{error}"))
                .version_line,
            origin: listings::Origin::Table {
                how: "allocations counted by the test program's allocator, from the spawn to the task's end; \
                      the book's without its channel's blocks; embassy's static by `size_of`"
                    .to_owned(),
            },
            excerpt: None,
        },
        header: ["runtime", "allocations per task", "bytes", "what they are"].map(str::to_owned).to_vec(),
        rows: rows
            .into_iter()
            .map(|(runtime, count, bytes, what)| vec![runtime.to_owned(), count.to_string(), bytes, what.to_owned()])
            .collect(),
    };
    assert_table_snapshot!("runtimes_tasks", table);
}

// ---- The four slots, in machine code ------------------------------------------------------------

/// Where a runtime's waker functions are compiled, and their names.
struct Runtime {
    /// The name the table gives it.
    name: &'static str,
    /// The snapshot names' middle word.
    key: &'static str,
    /// The chapter or dependency whose assembly holds the functions.
    from: From,
    /// clone, wake, wake_by_ref, drop.
    slots: [&'static str; 4],
}

enum From {
    /// Chapter 4's own assembly (std's `Wake` for its `Task`, an instance its crate compiles).
    Chapter(&'static str),
    /// This chapter's assembly: the instances it compiles.
    ThisChapter,
    /// A dependency's library, compiled with the listings' flags (`listings::package_asm`).
    Dependency(&'static str),
}

const RUNTIMES: [Runtime; 5] = [
    Runtime {
        name: "the book's executor (chapter 4, `Arc<Task>` through std's `Wake`)",
        key: "book",
        from: From::Chapter("ch04"),
        slots: [
            "alloc::task::raw_waker::clone_waker::<ch04_executors::Task>",
            "alloc::task::raw_waker::wake::<ch04_executors::Task>",
            "alloc::task::raw_waker::wake_by_ref::<ch04_executors::Task>",
            "alloc::task::raw_waker::drop_waker::<ch04_executors::Task>",
        ],
    },
    Runtime {
        name: "`futures`' `LocalPool` (`FuturesUnordered`'s `Arc<Task>`)",
        key: "local_pool",
        from: From::Dependency("futures-executor"),
        slots: [
            "futures_util::stream::futures_unordered::task::waker_ref::clone_arc_raw",
            "futures_util::stream::futures_unordered::task::waker_ref::wake_arc_raw",
            "futures_util::stream::futures_unordered::task::waker_ref::wake_by_ref_arc_raw",
            "futures_util::stream::futures_unordered::task::waker_ref::drop_arc_raw",
        ],
    },
    Runtime {
        name: "tokio (a pointer to the task's header)",
        key: "tokio",
        from: From::Dependency("tokio"),
        slots: [
            "tokio::runtime::task::waker::clone_waker",
            "tokio::runtime::task::waker::wake_by_val",
            "tokio::runtime::task::waker::wake_by_ref",
            "tokio::runtime::task::waker::drop_waker",
        ],
    },
    Runtime {
        name: "`async-task` (a pointer to the task's header)",
        key: "async_task",
        from: From::ThisChapter,
        slots: [
            "async_task::raw::RawTask<F,T,S,M>::clone_waker",
            "async_task::raw::RawTask<F,T,S,M>::wake",
            "async_task::raw::RawTask<F,T,S,M>::wake_by_ref",
            "async_task::raw::RawTask<F,T,S,M>::drop_waker",
        ],
    },
    Runtime {
        name: "`embassy-executor` (a pointer to a static task)",
        key: "embassy",
        from: From::Dependency("embassy-executor"),
        slots: [
            "embassy_executor::raw::waker::clone",
            "embassy_executor::raw::waker::wake",
            "embassy_executor::raw::waker::wake",
            "embassy_executor::raw::waker::drop",
        ],
    },
];

const SLOTS: [&str; 4] = ["clone", "wake", "wake_by_ref", "drop"];

fn slot_listing(runtime: &Runtime, function: &str, data: bool) -> AsmListing {
    let options = AsmOptions { source: false, data };
    let listing = match runtime.from {
        From::Chapter(chapter) => listings::asm(chapter, function, &options),
        From::ThisChapter => listings::asm(CHAPTER, function, &options),
        From::Dependency(package) => listings::package_asm(package, function, &options),
    };
    listing.unwrap_or_else(|error| panic!("{}: {error}", runtime.name))
}

/// The vtable a runtime's `clone` returns, from its listing's constants: the four slots' names.
fn vtable_of(clone: &AsmListing) -> Vec<String> {
    let label = clone
        .instructions()
        .find_map(|(_, operands)| {
            let start = operands.find("[rip + ")? + "[rip + ".len();
            let name = operands[start..].trim_end_matches(']').trim_end_matches("@GOTPCREL");
            (!name.contains("abort") && !name.contains("panic")).then(|| name.to_owned())
        })
        .unwrap_or_else(|| panic!("no vtable in {clone}"));
    clone.data_after(&label).iter().map(|entry| entry.to_string()).collect()
}

#[test]
fn runtimes_each_runtime_s_clone_returns_its_vtable_of_four_functions() {
    for runtime in &RUNTIMES {
        let clone = slot_listing(runtime, runtime.slots[0], true);
        let vtable = vtable_of(&clone);
        let expected: Vec<String> =
            runtime.slots.iter().map(|slot| slot.split("::<").next().unwrap().to_owned()).collect();
        let without_arguments: Vec<String> =
            vtable.iter().map(|slot| slot.split("::<").next().unwrap().to_owned()).collect();
        assert_eq!(without_arguments, expected, "{}: {clone}", runtime.name);
        if runtime.key != "tokio" {
            assert_asm_snapshot!(&format!("runtimes_{}_clone", runtime.key), clone);
        }
    }
}

#[test]
fn runtimes_tokio_s_embassy_s_and_local_pool_s_waker_functions_have_no_code_in_the_chapter_s_assembly() {
    // Not generic (tokio's, embassy's), or an instance made inside `futures-executor`: the
    // chapter's `.s` has none of them, so their listings come from the dependency's own build.
    let here = listings::asm_functions(CHAPTER).unwrap_or_else(|error| panic!("{error}"));
    for runtime in RUNTIMES.iter().filter(|runtime| matches!(runtime.from, From::Dependency(_))) {
        for function in runtime.slots {
            assert!(!here.iter().any(|name| name == function), "{function} is in the chapter's assembly");
        }
    }
    // async-task's are generic, instantiated by the chapter for its futures: they are there.
    assert!(here.iter().any(|name| name == RUNTIMES[3].slots[0]), "{:?}", RUNTIMES[3].slots[0]);
}

#[test]
fn runtimes_embassy_s_waker_is_a_task_pointer_cloned_without_a_count_and_dropped_as_nothing() {
    let embassy = &RUNTIMES[4];
    let clone = slot_listing(embassy, embassy.slots[0], false);
    // The data pointer comes back as it came in (rdi to rdx), beside the vtable (rax): no count.
    let code: Vec<(&str, &str)> = clone.instructions().collect();
    assert_eq!(
        code,
        [
            ("mov", "rax, qword ptr [rip + embassy_executor::raw::waker::VTABLE@GOTPCREL]"),
            ("mov", "rdx, rdi"),
            ("ret", "")
        ]
    );
    let drop = slot_listing(embassy, embassy.slots[3], false);
    assert_eq!(drop.instructions().collect::<Vec<_>>(), [("ret", "")]);
    assert_asm_snapshot!("runtimes_embassy_drop", drop);
    // wake: two compare-and-swaps (the state's "queued" bit, then the head of the executor's
    // queue), then a jump to `__pender`, which signals the executor's thread. No count anywhere.
    let wake = slot_listing(embassy, embassy.slots[1], false);
    let locked: Vec<&str> = wake.instructions().filter(|(m, _)| m.starts_with("lock")).map(|(m, _)| m).collect();
    assert_eq!(locked, ["lock cmpxchg", "lock cmpxchg"], "{wake}");
    assert_eq!(wake.instructions().last(), Some(("jmp", "qword ptr [rip + __pender@GOTPCREL]")), "{wake}");
    assert_asm_snapshot!("runtimes_embassy_wake", wake);
}

#[test]
fn runtimes_tokio_s_clone_adds_64_to_the_state_word_the_reference_count_above_six_flag_bits() {
    let tokio = &RUNTIMES[2];
    let clone = slot_listing(tokio, tokio.slots[0], false);
    let code: Vec<(&str, &str)> = clone.instructions().collect();
    assert_eq!(code[..2], [("mov", "eax, 64"), ("lock xadd", "qword ptr [rdi], rax")], "{clone}");
}

/// The cell of a slot: its instructions, and its locked (atomic read-modify-write) instructions.
fn cell(listing: &AsmListing) -> String {
    let instructions = listing.instructions().count();
    let locked: Vec<String> =
        listing.instructions().filter(|(m, _)| m.starts_with("lock")).map(|(m, _)| format!("`{m}`")).collect();
    let calls = listing.calls().len();
    let mut cell = format!("{instructions}");
    if !locked.is_empty() {
        cell.push_str(&format!(", {}", locked.join(" ")));
    }
    if calls > 0 {
        cell.push_str(&format!(", {calls} call{}", if calls == 1 { "" } else { "s" }));
    }
    cell
}

#[test]
fn runtimes_the_table_of_four_slots_in_five_runtimes() {
    let mut rows = Vec::new();
    for runtime in &RUNTIMES {
        let mut row = vec![runtime.name.to_owned()];
        for (slot, function) in SLOTS.iter().zip(runtime.slots) {
            let listing = slot_listing(runtime, function, false);
            row.push(cell(&listing));
            // clone's snapshot is taken with its vtable, above; embassy's wake serves two slots;
            // tokio's four are `tests/waker.rs`'s `waker_tokio_*`, the same listings.
            let snapshot = format!("runtimes_{}_{slot}", runtime.key);
            let taken_elsewhere = *slot == "clone" || runtime.key == "embassy" || runtime.key == "tokio";
            if !taken_elsewhere {
                assert_asm_snapshot!(&snapshot, listing);
            }
        }
        rows.push(row);
    }
    let compiler = slot_listing(&RUNTIMES[3], RUNTIMES[3].slots[0], false).provenance.compiler;
    let table = GeneratedTable {
        provenance: listings::Provenance {
            subject: "the waker vtable's four functions in five runtimes".to_owned(),
            compiler,
            origin: listings::Origin::Table {
                how: "instructions in each function's listing (listing flags); locked instructions; calls".to_owned(),
            },
            excerpt: None,
        },
        header: ["runtime", "`clone`", "`wake`", "`wake_by_ref`", "`drop`"].map(str::to_owned).to_vec(),
        rows,
    };
    assert_table_snapshot!("runtimes_slots", table);
}

#[test]
fn runtimes_async_task_s_clone_adds_256_to_its_state_word_8_bytes_into_the_task() {
    let async_task = &RUNTIMES[3];
    let clone = slot_listing(async_task, async_task.slots[0], false);
    let code: Vec<(&str, &str)> = clone.instructions().collect();
    assert_eq!(code[..2], [("mov", "eax, 256"), ("lock xadd", "qword ptr [rdi + 8], rax")], "{clone}");
}

#[test]
fn runtimes_the_book_s_and_local_pool_s_clone_are_one_locked_increment_of_an_arc_s_strong_count() {
    for runtime in &RUNTIMES[..2] {
        let clone = slot_listing(runtime, runtime.slots[0], false);
        let code: Vec<(&str, &str)> = clone.instructions().collect();
        assert_eq!(code[0], ("lock inc", "qword ptr [rdi - 16]"), "{}: {clone}", runtime.name);
    }
    // LocalPool's `wake_by_ref` steps back from the task to its `Arc`'s allocation and jumps to
    // `ArcWake::wake_by_ref` of `FuturesUnordered`'s task.
    let local_pool = &RUNTIMES[1];
    let wake_by_ref = slot_listing(local_pool, local_pool.slots[2], false);
    let code: Vec<(&str, &str)> = wake_by_ref.instructions().collect();
    assert_eq!(code[0], ("add", "rdi, -16"));
    assert!(code[1].0 == "jmp" && code[1].1.contains("ArcWake>::wake_by_ref"), "{wake_by_ref}");
}

#[test]
fn runtimes_tokio_s_wake_by_ref_of_an_idle_task_adds_a_reference_and_the_notified_bit_68() {
    // `lea r8, [rax + 68]`: REF_ONE (64) + NOTIFIED (4), the idle branch; then a jump through
    // the header's vtable (at 16) to its `schedule`.
    let tokio = &RUNTIMES[2];
    let wake_by_ref = slot_listing(tokio, tokio.slots[2], false);
    let code: Vec<(&str, &str)> = wake_by_ref.instructions().collect();
    assert!(code.contains(&("lea", "r8, [rax + 68]")), "{wake_by_ref}");
    assert!(code.contains(&("mov", "rax, qword ptr [rdi + 16]")) && code.contains(&("jmp", "qword ptr [rax + 8]")));
}

/// Records the data pointer of the waker it is polled with.
struct DataPointer;

static SEEN: std::sync::atomic::AtomicPtr<()> = std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

impl std::future::Future for DataPointer {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        SEEN.store(cx.waker().data().cast_mut(), std::sync::atomic::Ordering::Relaxed);
        std::task::Poll::Ready(())
    }
}

static EMBASSY_DATA_POINTER: ch12_tokio::runtimes::TaskStorage<Finished<DataPointer>> =
    ch12_tokio::runtimes::TaskStorage::new();

#[test]
fn runtimes_embassy_s_waker_data_is_the_address_of_the_static_task() {
    alone_on_embassy(|| run_on_embassy(&EMBASSY_DATA_POINTER, DataPointer));
    let seen = SEEN.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(seen.cast_const(), (&raw const EMBASSY_DATA_POINTER).cast::<()>());
}

// ---- A wake by reference from inside the task's own poll ----------------------------------------

/// Wakes its own task by reference in its first poll, calling `before` and `after` around the
/// wake with the waker, and answers `Pending`; `Ready` the next time.
struct WakesItselfOnce<F: FnMut(&std::task::Waker, bool)> {
    first: bool,
    look: F,
}

impl<F: FnMut(&std::task::Waker, bool) + Unpin> std::future::Future for WakesItselfOnce<F> {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if !self.first {
            return std::task::Poll::Ready(());
        }
        self.first = false;
        (self.look)(cx.waker(), false);
        cx.waker().wake_by_ref();
        (self.look)(cx.waker(), true);
        std::task::Poll::Pending
    }
}

#[test]
fn runtimes_a_wake_by_ref_inside_the_poll_only_marks_the_running_task_on_tokio_and_async_task() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    // tokio: the word at the data pointer (the task's state) has RUNNING (1) set during the poll;
    // the wake sets NOTIFIED (4) and nothing else: no reference taken, nothing scheduled yet.
    let words = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&words);
    let look = move |waker: &std::task::Waker, _after: bool| {
        // SAFETY: tokio's waker data is the task's header, whose first field is its state word
        // (`Header` is `repr(C)`), and the task is alive while it is polled.
        let state = unsafe { &*waker.data().cast::<AtomicUsize>() };
        seen.lock().unwrap().push(state.load(Ordering::Relaxed));
    };
    run_on_tokio(&tokio_runtime(), WakesItselfOnce { first: true, look });
    let words = words.lock().unwrap().clone();
    let [before, after] = words[..] else { panic!("{words:?}") };
    assert_eq!((before & 1, before & 4), (1, 0), "{before:#x}");
    assert_eq!(after, before | 4, "{before:#x} -> {after:#x}");

    // async-task: the schedule function is not called inside the wake; the task's `run` calls it
    // after the poll, as the wake found the task running.
    static SCHEDULED: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static QUEUE: RefCell<Vec<async_task::Runnable>> = const { RefCell::new(Vec::new()) };
    }
    fn schedule(runnable: async_task::Runnable) {
        SCHEDULED.fetch_add(1, Ordering::Relaxed);
        QUEUE.with_borrow_mut(|queue| queue.push(runnable));
    }
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&calls);
    let look = move |_: &std::task::Waker, _after: bool| seen.lock().unwrap().push(SCHEDULED.load(Ordering::Relaxed));
    let (runnable, task) = async_task::spawn(WakesItselfOnce { first: true, look }, schedule);
    task.detach();
    runnable.run();
    let calls = calls.lock().unwrap().clone();
    assert_eq!((calls, SCHEDULED.load(Ordering::Relaxed)), (vec![0, 0], 1));
    let queued = QUEUE.with_borrow_mut(std::mem::take);
    for runnable in queued {
        runnable.run();
    }
}
