//! What the page's section "`async fn` in traits" says, checked on the pinned compiler: the HIR of
//! a trait with an `async fn` and of its impl, the futures two impls make, the machine code of a
//! call through the trait against one through `#[async_trait]`, the allocations per call,
//! counted by this test program's own allocator, and the instructions per call, counted with
//! callgrind (chapter 9's way) against the figures the page shows.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::OnceLock;

use ch10_async_today::crates::{BoxedStore, LocalStore, SharedStore, get_boxed, get_dyn, get_through_dyn};
use ch10_async_today::{Memory, Remote, SendStore, Store, block_on_thread, get_in_background, get_static};
use figures::callgrind::Measured;
use figures::{Callgrind, FILE_NAME, Figures};
use listings::{AsmOptions, Stage, StageListing, assert_asm_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

fn asm(function: &str) -> listings::AsmListing {
    listings::asm(CHAPTER, function, &AsmOptions::default()).unwrap_or_else(|error| panic!("{error}"))
}

// ---- The desugaring: an `impl Trait` return type, and a future per impl --------------------------

#[test]
fn traits_an_async_fn_in_a_trait_is_a_method_returning_an_impl_trait() {
    let declared = stage(Stage::Hir, "Store");
    // In the trait, no body: the return type is an opaque `impl Trait`, as for `SendStore::get`,
    // which says `impl Future<Output = u32> + Send` in so many words.
    let signature = "    async fn get(&self, key: u32)\n    -> /*impl Trait*/;\n";
    assert!(declared.text.contains(signature), "{}", declared.text);
    let spelled_out = stage(Stage::Hir, "SendStore");
    assert!(spelled_out.text.contains("    fn get(&self, key: u32)\n    -> /*impl Trait*/;\n"), "{}", spelled_out.text);
    assert_stage_snapshot!("traits_store", declared);

    // In the impl, the body is lowered as a free `async fn`'s is (chapter 5): a coroutine that
    // moves its arguments in, `self` included.
    let implemented = stage(Stage::Hir, "impl Store for Memory");
    for line in ["/*impl Trait*/ |mut _task_context: ResumeTy|", "let self = self;", "let key = key;"] {
        assert!(implemented.text.contains(line), "`{line}` missing from:\n{}", implemented.text);
    }
    assert_stage_snapshot!("traits_store_for_memory", implemented);
}

/// The size of a future, from its type-size listing, and its fields (`local request: 32`).
fn size_of_future(subject: &str) -> (u64, Vec<String>) {
    let listing = stage(Stage::TypeSizes, subject);
    let layout = listing.layout.as_ref().expect("a type's listing has its layout");
    assert_eq!(layout.name, subject);
    let fields =
        layout.variants.iter().flat_map(|v| &v.fields).map(|f| format!("{} {}: {}", f.kind, f.name, f.size)).collect();
    (layout.size, fields)
}

#[test]
fn traits_each_impl_of_get_returns_a_future_type_of_its_own_16_and_56_bytes() {
    let (memory, memory_fields) = size_of_future("{async fn body of <Memory as Store>::get()}");
    let (remote, remote_fields) = size_of_future("{async fn body of <Remote as Store>::get()}");
    assert_eq!((memory, remote), (16, 56));
    assert!(!memory_fields.iter().any(|f| f.starts_with("local")), "Memory's get saves nothing: {memory_fields:?}");
    // Across its await, Remote's keeps its request and a copy of `self` of its own (the body reads
    // `self.base` after the await), beside the arguments: 32 + 8 + 8 + 4, the awaitee and the tag.
    for saved in ["local request: 32", "local self: 8", "upvar self: 8", "upvar key: 4"] {
        assert!(remote_fields.contains(&saved.to_owned()), "Remote's saves `{saved}`: {remote_fields:?}");
    }
}

// ---- What the page's examples run ----------------------------------------------------------------

#[test]
fn traits_every_store_answers_base_plus_key() {
    let memory = Memory { base: 40 };
    assert_eq!(block_on_thread(Store::get(&memory, 2)), 42);
    assert_eq!(block_on_thread(Store::get(&Remote { base: 40 }, 2)), 42);
    assert_eq!(block_on_thread(SendStore::get(&memory, 2)), 42);
    assert_eq!(block_on_thread(SharedStore::get(&memory, 2)), 42);
    // `Memory` implements `SharedStore`; the macro's blanket impl gives it `LocalStore` too.
    assert_eq!(block_on_thread(LocalStore::get(&memory, 2)), 42);
    assert_eq!(block_on_thread(BoxedStore::get(&memory, 2)), 42);
    assert_eq!(block_on_thread(get_through_dyn(&memory, 2)), 42);
    assert_eq!((get_static(&memory, 2), get_boxed(&memory, 2), get_dyn(&memory, 2)), (42, 42, 42));
    static SHARED: Memory = Memory { base: 40 };
    assert_eq!(get_in_background(&SHARED, 2).join().unwrap(), 42);
}

// ---- The machine code: a call through the trait against one through `#[async_trait]` ------------

const RUST_ALLOC: &str = "qword ptr [rip + __rustc::__rust_alloc@GOTPCREL]";
const RUST_DEALLOC: &str = "qword ptr [rip + __rustc::__rust_dealloc@GOTPCREL]";

#[test]
fn traits_a_call_and_a_poll_through_the_static_trait_are_one_add() {
    let listing = asm("get_static");
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    // `self.base + key`: the future was never made in memory, and nothing was called.
    assert_eq!(code, [("mov", "eax, esi"), ("add", "eax, dword ptr [rdi]"), ("ret", "")]);
    assert_asm_snapshot!("traits_get_static", listing);
}

/// The future `#[async_trait]` boxes, as its vtable names it: the async block in
/// `<Memory as BoxedStore>::get`.
const BOXED_FUTURE: &str = "<ch10_async_today::Memory as ch10_async_today::crates::BoxedStore>::get::{{closure}}";

#[test]
fn traits_the_async_trait_method_allocates_its_16_byte_future_and_returns_a_box() {
    // With its constants: the future's vtable, `.L__unnamed_1`, is part of the listing.
    let listing = listings::asm(CHAPTER, "<Memory as BoxedStore>::get", &AsmOptions { source: false, data: true })
        .unwrap_or_else(|error| panic!("{error}"));
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    // `self` arrives in rdi and is kept in r14, `key` in esi, kept in ebx.
    assert_eq!(code[3..5], [("mov", "ebx, esi"), ("mov", "r14, rdi")]);
    // `__rust_alloc(16, 8)`: the future's size and alignment.
    let alloc = code.iter().position(|i| *i == ("call", RUST_ALLOC)).expect("a call of __rust_alloc");
    assert_eq!(code[alloc - 2..alloc], [("mov", "edi, 16"), ("mov", "esi, 8")]);
    // The future's vtable, laid out as chapter 1's: its drop glue, its size and alignment (16 and
    // 8, the string of bytes LLVM prints for two 8-byte words), then `poll`, the async block.
    assert_eq!(
        listing.data_after(".L__unnamed_1"),
        [
            format!("core::ptr::drop_in_place<{BOXED_FUTURE}>").as_str(),
            r#""\020\000\000\000\000\000\000\000\b\000\000\000\000\000\000""#,
            BOXED_FUTURE,
        ],
        "{listing}"
    );
    // The future written into the box: `self` at 0, `key` at 8, the tag (0, Unresumed) at 12.
    let writes = [
        ("test", "rax, rax"),
        ("je", ".LBB0_1"),
        ("mov", "qword ptr [rax], r14"),
        ("mov", "dword ptr [rax + 8], ebx"),
        ("mov", "byte ptr [rax + 12], 0"),
        ("lea", "rdx, [rip + .L__unnamed_1]"),
    ];
    assert_eq!(code[alloc + 1..alloc + 1 + writes.len()], writes, "then the pointer in rax, the vtable in rdx");
    assert_eq!(
        listing.block(".LBB0_1").unwrap().last(),
        Some(&("call", "qword ptr [rip + alloc::alloc::handle_alloc_error@GOTPCREL]"))
    );
    assert_asm_snapshot!("traits_boxed_get", listing);
}

#[test]
fn traits_through_dyn_the_call_and_the_poll_go_through_two_vtables_and_the_box_is_freed() {
    let listing = asm("get_dyn");
    let calls = listing.calls();
    // The store's `get` through its vtable, the future's `poll` through the box's vtable, the
    // future's drop glue, from slot 0 of the box's vtable (r14), called when the slot is not null,
    // and the box's free.
    assert_eq!(calls[..3], ["qword ptr [rax + 24]", "qword ptr [rdx + 24]", "rax"], "{listing}");
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    let drop_glue = [("mov", "rax, qword ptr [r14]"), ("test", "rax, rax"), ("je", ".LBB0_1"), ("mov", "rdi, rbx")];
    assert!(code.windows(4).any(|four| four == drop_glue), "{listing}");
    assert_eq!(calls[3], RUST_DEALLOC);
    assert!(!calls.contains(&RUST_ALLOC), "the allocation is inside the method, behind the vtable");
    // That slot is not null for `#[async_trait]`'s future (its vtable is in the listing of
    // `<Memory as BoxedStore>::get`), so the call is made, to an empty function: the future holds
    // a reference and a number, and has nothing to drop.
    let glue = asm(&format!("core::ptr::drop_in_place<{BOXED_FUTURE}>"));
    assert_eq!(glue.instructions().collect::<Vec<_>>(), [("ret", "")], "{glue}");
    assert_asm_snapshot!("traits_get_dyn", listing);
}

#[test]
fn traits_with_the_concrete_type_in_sight_the_allocation_is_optimised_away() {
    let listing = asm("get_boxed");
    let calls = listing.calls();
    assert!(!calls.contains(&RUST_ALLOC) && !calls.contains(&RUST_DEALLOC), "{listing}");
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    assert!(code.contains(&("add", "ebx, dword ptr [r14]")), "`self.base + key`, inlined: {listing}");
    // Its snapshot is asserted by the experiment that shows it (`tests/why.rs`).
}

// ---- Allocations per call, counted ---------------------------------------------------------------

/// The system's allocator, counting the allocations each thread makes: tests run in parallel, so
/// a test reads only its own thread's count.
struct Counting;

thread_local! {
    // `const`, with no destructor: reading it allocates nothing, so the allocator may use it.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's promises for `layout` are `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations made on this thread by 1000 runs of `call`.
fn allocations_in_1000(call: impl Fn() -> u32) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    for _ in 0..1000 {
        std::hint::black_box(call());
    }
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn traits_a_call_through_async_trait_allocates_once_and_one_through_the_trait_never() {
    let memory = Memory { base: 40 };
    let store: &dyn BoxedStore = &memory;
    // Counted in this test program, built as tests are (opt-level 0): nothing is optimised away.
    assert_eq!(allocations_in_1000(|| get_static(&memory, 2)), 0);
    assert_eq!(allocations_in_1000(|| get_boxed(&memory, 2)), 1000);
    assert_eq!(allocations_in_1000(|| get_dyn(store, 2)), 1000);
}

// ---- Instructions per call, counted with callgrind -------------------------------------------------

/// The figures the page shows (`figures.toml`, written by `ci/bench-cost`).
fn shown() -> &'static Figures {
    static SHOWN: OnceLock<Figures> = OnceLock::new();
    SHOWN.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FILE_NAME);
        Figures::read(&path).unwrap_or_else(|error| panic!("{error}: run ci/bench-cost"))
    })
}

fn shown_value(name: &str) -> f64 {
    shown().value(name).unwrap_or_else(|message| panic!("{message}")).as_f64()
}

/// One figure counted now as `examples/traits_measure.rs` counts it: the instructions inside
/// `function` and what it calls, per call of the workload `call`, the difference between 2000 calls and 1000.
/// Counts are kept (`tools/figures`): a program counted before is not run under callgrind again.
fn counted_now(function: &str, call: &str) -> f64 {
    static PROGRAM: OnceLock<(PathBuf, Callgrind)> = OnceLock::new();
    let (program, callgrind) = PROGRAM.get_or_init(|| {
        let program = listings::optimised_program(CHAPTER, "traits_workload").unwrap_or_else(|e| panic!("{e}"));
        let callgrind = Callgrind::find(listings::Workspace::this_checkout().kept()).unwrap_or_else(|e| panic!("{e}"));
        (program, callgrind)
    });
    let measured = Measured { function, from: "traits_workload::start_counting" };
    let count =
        |runs: &str| callgrind.count(program, &["run", call, runs], &measured).unwrap_or_else(|e| panic!("{e}"));
    (count("2000") - count("1000")) as f64 / 1000.0
}

#[test]
fn traits_the_figures_the_page_shows_were_measured_on_the_sources_as_they_are() {
    let root = listings::Workspace::this_checkout().root;
    let stale = shown().stale(&root, &listings::pinned_release());
    assert!(stale.is_empty(), "chapters/ch10-async-today/{FILE_NAME} is stale: {stale:#?}\nrun ci/bench-cost");
}

#[test]
fn traits_callgrind_counts_the_listings_instructions_for_the_calls_that_do_not_allocate() {
    // `get_static` runs its three instructions; `get_boxed` its twelve and the `ret` of the empty
    // function it calls. No C library code: the counts are the same on every x86-64 CPU.
    let static_listing = asm("get_static").instructions().count() as f64;
    let boxed_listing = asm("get_boxed").instructions().count() as f64 + 1.0;
    for (name, function, call, listing) in [
        ("traits_get_static", "ch10_async_today::get_static", "static", static_listing),
        ("traits_get_boxed", "ch10_async_today::crates::get_boxed", "boxed", boxed_listing),
    ] {
        assert_eq!(shown_value(name), listing, "{name} in figures.toml");
        assert_eq!(counted_now(function, call), listing, "{name} counted now");
    }
    assert_eq!(static_listing, 3.0);
}

#[test]
fn traits_through_dyn_most_of_a_calls_instructions_are_the_c_librarys_malloc_and_free() {
    // The instructions inside `malloc` and `free` are the C library's (glibc's here), not the
    // crate's: another C library, or another version, counts others. So the claims are ratios:
    // the call costs more than fifty `get_static`s, and more than half of it is in `malloc` and
    // `free`.
    let shown_figures =
        [shown_value("traits_get_dyn"), shown_value("traits_get_dyn_malloc"), shown_value("traits_get_dyn_free")];
    let now = [
        counted_now("ch10_async_today::crates::get_dyn", "dyn"),
        counted_now("malloc", "dyn"),
        counted_now("free", "dyn"),
    ];
    for (which, [call, malloc, free]) in [("figures.toml", shown_figures), ("counted now", now)] {
        assert!(call > 50.0 * 3.0, "{which}: {call} instructions per call through dyn");
        let share = (malloc + free) / call;
        assert!((0.5..0.8).contains(&share), "{which}: malloc {malloc} + free {free} of {call}: {share:.2}");
    }
}
