//! The four functions against the contract of `RawWakerVTable`, counted from outside: the
//! function counters, and the `Arc`'s strong count, which each waker must own exactly once.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;

use ch03_counting_waker::{Counts, counting_waker};

/// Strong counts the tests keep for themselves, given back only by a test that passed: more than any of these
/// tests could wrongly give back (the most is the eight threads' 8008 clones and 8000 wakes
/// by reference), so that a vtable that takes too few counts or gives back too many fails a
/// strong-count check, with its numbers, and never frees the counters under a test that reads
/// them (a use after free would crash the test program instead, or pass by luck).
const KEPT_BY_THE_TEST: usize = 100_000;

/// `Counts` with [`KEPT_BY_THE_TEST`] strong counts kept by the test itself: the counters live
/// as long as the test, whatever the vtable does.
struct Kept {
    counts: Arc<Counts>,
}

impl Kept {
    fn new() -> Kept {
        let counts = Arc::new(Counts::default());
        for _ in 0..KEPT_BY_THE_TEST {
            std::mem::forget(Arc::clone(&counts));
        }
        Kept { counts }
    }

    /// Strong counts owned by wakers (the test's own, and `counts`, not counted): below zero when the vtable
    /// gave back more than its wakers owned.
    fn owned_by_wakers(&self) -> isize {
        Arc::strong_count(&self.counts) as isize - KEPT_BY_THE_TEST as isize - 1
    }

    fn get(&self, counter: fn(&Counts) -> &std::sync::atomic::AtomicUsize) -> usize {
        counter(&self.counts).load(Ordering::Relaxed)
    }
}

/// The kept counts are given back only when the test passed and every waker gave back exactly
/// what it owned (the wakers, made after `Kept`, are gone by now): then the counters are freed
/// and a correct vtable runs clean under valgrind (`ci/valgrind-examples`). Otherwise they stay
/// kept, so that a wrong vtable fails its checks instead of freeing what a test still reads.
impl Drop for Kept {
    fn drop(&mut self) {
        if thread::panicking() || self.owned_by_wakers() != 0 {
            return;
        }
        for _ in 0..KEPT_BY_THE_TEST {
            // SAFETY: `new` leaked these strong counts of this very `Arc`, and nothing else gives
            // them back; with every waker balanced, `counts` keeps the allocation alive throughout.
            unsafe { Arc::decrement_strong_count(Arc::as_ptr(&self.counts)) };
        }
    }
}

#[test]
fn a_clone_counts_itself_and_owns_a_strong_count() {
    let kept = Kept::new();
    let waker = counting_waker(&kept.counts);
    assert_eq!(kept.owned_by_wakers(), 1, "counting_waker's waker owns one strong count");
    let clone = waker.clone();
    assert_eq!(kept.get(|c| &c.clones), 1, "clone counts itself");
    assert_eq!(kept.owned_by_wakers(), 2, "after waker.clone(), two wakers: two strong counts");
    drop((waker, clone));
}

#[test]
fn wake_counts_itself_and_gives_its_strong_count_back() {
    let kept = Kept::new();
    let waker = counting_waker(&kept.counts);
    waker.wake();
    assert_eq!(kept.get(|c| &c.wakes), 1, "wake counts itself");
    assert_eq!(kept.owned_by_wakers(), 0, "wake consumes the waker: its strong count must be given back");
    assert_eq!(kept.get(|c| &c.drops), 0, "a woken waker is not dropped as well");
}

#[test]
fn wake_by_ref_counts_itself_and_keeps_the_strong_count() {
    let kept = Kept::new();
    let waker = counting_waker(&kept.counts);
    waker.wake_by_ref();
    waker.wake_by_ref();
    assert_eq!(kept.get(|c| &c.wakes_by_ref), 2, "wake_by_ref counts itself");
    assert_eq!(kept.owned_by_wakers(), 1, "wake_by_ref only borrows the waker: its strong count stays");
    drop(waker);
}

#[test]
fn drop_counts_itself_and_gives_the_strong_count_back() {
    let kept = Kept::new();
    drop(counting_waker(&kept.counts));
    assert_eq!(kept.get(|c| &c.drops), 1, "drop counts itself");
    assert_eq!(kept.owned_by_wakers(), 0, "a dropped waker gives its strong count back");
}

#[test]
fn every_waker_that_begins_ends_exactly_once() {
    let kept = Kept::new();
    let waker = counting_waker(&kept.counts);
    let first = waker.clone();
    let second = first.clone();
    second.wake_by_ref();
    second.wake();
    first.wake_by_ref();
    drop(first);
    drop(waker);
    let (clones, wakes, drops) = (kept.get(|c| &c.clones), kept.get(|c| &c.wakes), kept.get(|c| &c.drops));
    assert_eq!((clones, wakes, drops), (2, 1, 2), "(clones, wakes, drops)");
    assert_eq!(1 + clones, wakes + drops, "made + clones = wakes + drops");
    assert_eq!(kept.owned_by_wakers(), 0, "no waker left, no strong count left");
}

#[test]
fn a_clone_will_wake_the_same_task() {
    let kept = Kept::new();
    let waker = counting_waker(&kept.counts);
    let clone = waker.clone();
    assert!(clone.will_wake(&waker), "same data pointer, same vtable: will_wake must say so");
}

#[test]
fn wakers_cloned_and_woken_on_eight_threads_count_exactly() {
    let kept = Kept::new();
    let waker = counting_waker(&kept.counts);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let waker = waker.clone();
            thread::spawn(move || {
                for _ in 0..1000 {
                    let clone = waker.clone();
                    clone.wake_by_ref();
                    clone.wake();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().expect("a waking thread panicked"));
    assert_eq!(kept.get(|c| &c.clones), 8 + 8000, "clones counted: 8 for the threads, 1000 on each of them");
    assert_eq!(kept.get(|c| &c.wakes_by_ref), 8000, "wakes by reference counted: 1000 on each of 8 threads");
    assert_eq!(kept.get(|c| &c.wakes), 8000, "wakes counted: 1000 on each of 8 threads");
    assert_eq!(kept.owned_by_wakers(), 1, "the original is all that is left");
    drop(waker);
}
