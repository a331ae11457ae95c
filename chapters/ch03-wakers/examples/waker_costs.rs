//! What each way of making a waker costs: `cargo run -p ch03-wakers --example waker_costs`.
//!
//! For each kind of waker, prints its size, how many heap allocations it takes to make one and
//! to clone it, how many frees happen once everything is dropped, and, for the wakers behind
//! an `Arc`, the strong count after making the waker and after cloning it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};

/// The system allocator, counting. The example is single-threaded, so the counts are its own.
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static FREES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREES.fetch_add(1, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let result = f();
    (result, ALLOCATIONS.load(Ordering::Relaxed) - before)
}

fn frees(f: impl FnOnce()) -> usize {
    let before = FREES.load(Ordering::Relaxed);
    f();
    FREES.load(Ordering::Relaxed) - before
}

/// A task's waker for `std::task::Wake`: waking does nothing here, only the costs matter.
struct StdTask;

impl Wake for StdTask {
    fn wake(self: Arc<Self>) {}
}

/// The same for `futures::task::ArcWake`, whose one required method is `wake_by_ref`.
struct FuturesTask;

impl futures::task::ArcWake for FuturesTask {
    fn wake_by_ref(_task: &Arc<Self>) {}
}

struct Row {
    name: &'static str,
    size: usize,
    make: usize,
    clone: usize,
    frees: usize,
    strong_counts: Option<(usize, usize)>,
}

/// Measures one kind of waker: `make` returns the waker and, for an `Arc`'d one, the task.
fn measure<T>(name: &'static str, make: impl FnOnce() -> (Waker, Option<Arc<T>>)) -> Row {
    let ((waker, task), make) = allocations(make);
    let after_make = task.as_ref().map(Arc::strong_count);
    let (clone, clone_allocations) = allocations(|| waker.clone());
    let after_clone = task.as_ref().map(Arc::strong_count);
    let size = size_of_val(&waker);
    let frees = frees(|| drop((clone, waker, task)));
    Row { name, size, make, clone: clone_allocations, frees, strong_counts: after_make.zip(after_clone) }
}

fn main() {
    let rows = [
        measure::<()>("hand-made, static vtable", || (ch03_wakers::noop_waker(), None)),
        measure::<()>("Waker::noop()", || (Waker::noop().clone(), None)),
        measure::<()>("futures::task::noop_waker()", || (futures::task::noop_waker(), None)),
        measure("Waker::from(Arc<impl Wake>)", || {
            let task = Arc::new(StdTask);
            (Waker::from(Arc::clone(&task)), Some(task))
        }),
        measure("futures::task::waker(Arc<impl ArcWake>)", || {
            let task = Arc::new(FuturesTask);
            (futures::task::waker(Arc::clone(&task)), Some(task))
        }),
    ];
    println!("{:<40} {:>4} {:>6} {:>6} {:>6}   strong count", "waker", "size", "allocs", "clone", "frees");
    for row in rows {
        let strong = match row.strong_counts {
            Some((made, cloned)) => format!("{made} -> {cloned}"),
            None => "-".to_owned(),
        };
        println!("{:<40} {:>4} {:>6} {:>6} {:>6}   {strong}", row.name, row.size, row.make, row.clone, row.frees);
    }

    // futures' waker_ref lends a waker without taking a strong count: the task's own `Arc` is
    // the data pointer, and only a clone of the borrowed waker takes a count.
    let task = Arc::new(FuturesTask);
    let (borrowed, make) = allocations(|| futures::task::waker_ref(&task));
    let lent = Arc::strong_count(&task);
    let clone = borrowed.clone();
    println!(
        "futures::task::waker_ref(&Arc<impl ArcWake>): {make} allocations, strong count {lent}, {} after a clone",
        Arc::strong_count(&task)
    );
    drop(clone);
}
