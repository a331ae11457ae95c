//! A wrong solution of ch03-counting-waker, for the test command: `wake_by_ref` takes the data
//! pointer for a pointer to an `Arc<Counts>`, when it points at the `Counts` itself. It reads
//! the first counter as the `Arc`'s pointer and follows it: the test program crashes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{RawWaker, RawWakerVTable, Waker};

/// How often each function of the vtable ran. `Relaxed` increments are enough: each counter
/// only ever goes up, and readers look after the wakers' threads have been joined.
#[derive(Debug, Default)]
pub struct Counts {
    pub clones: AtomicUsize,
    pub wakes: AtomicUsize,
    pub wakes_by_ref: AtomicUsize,
    pub drops: AtomicUsize,
}

/// A new waker that counts into `counts`. It owns one strong count of the `Arc`.
pub fn counting_waker(counts: &Arc<Counts>) -> Waker {
    let data = Arc::into_raw(Arc::clone(counts)).cast::<()>();
    // SAFETY: `data` comes from `Arc::into_raw` and carries one strong count. The functions of
    // VTABLE keep the contract of `RawWakerVTable`: clone takes a count for the new waker, wake
    // and drop give this one back, wake_by_ref only borrows; all of them are thread-safe.
    unsafe { Waker::new(data, &VTABLE) }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(counting_clone, counting_wake, counting_wake_by_ref, counting_drop);

/// clone: a new waker, with a strong count of its own.
unsafe fn counting_clone(data: *const ()) -> RawWaker {
    let counts = data.cast::<Counts>();
    // SAFETY: `data` is the pointer `counting_waker` made, and the waker being cloned still owns
    // its strong count, so the `Counts` is alive; the new count is the clone's.
    unsafe {
        (*counts).clones.fetch_add(1, Ordering::Relaxed);
        Arc::increment_strong_count(counts);
    }
    RawWaker::new(data, &VTABLE)
}

/// wake: consumes the waker, so it gives its strong count back.
unsafe fn counting_wake(data: *const ()) {
    // SAFETY: the consumed waker's strong count is taken back by this `Arc`, and released
    // when it goes out of scope.
    let counts = unsafe { Arc::from_raw(data.cast::<Counts>()) };
    counts.wakes.fetch_add(1, Ordering::Relaxed);
}

/// wake_by_ref: the waker lives on, and so does its strong count.
unsafe fn counting_wake_by_ref(data: *const ()) {
    let counts = unsafe { &*data.cast::<Arc<Counts>>() };
    counts.wakes_by_ref.fetch_add(1, Ordering::Relaxed);
}

/// drop: gives the strong count back; the last one frees the `Counts`.
unsafe fn counting_drop(data: *const ()) {
    // SAFETY: as in `counting_wake`: this waker's strong count, taken back once.
    let counts = unsafe { Arc::from_raw(data.cast::<Counts>()) };
    counts.drops.fetch_add(1, Ordering::Relaxed);
}
