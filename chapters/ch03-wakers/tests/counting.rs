//! The counting wakers keep the books the vtable contract asks for, and the broken ledgers show
//! in their counts what a broken vtable function would do to an `Arc`.

use std::sync::Arc;
use std::task::Waker;
use std::thread;

use ch03_wakers::{CountingWaker, Ledger, WakeCounts};

#[test]
fn every_waker_a_counting_waker_makes_ends_once_and_the_arc_is_back_to_one_owner() {
    let counting = CountingWaker::new(Waker::noop().clone());
    let waker = counting.waker();
    let clones: Vec<Waker> = (0..3).map(|_| waker.clone()).collect();
    waker.wake_by_ref();
    assert_eq!(Arc::strong_count(&counting), 5, "this handle, the waker and its three clones");
    let mut clones = clones.into_iter();
    clones.next().unwrap().wake();
    // Wakers are Send: one clone ends on another thread.
    let elsewhere = clones.next().unwrap();
    thread::spawn(move || drop(elsewhere)).join().unwrap();
    drop(clones);
    drop(waker);
    assert_eq!(counting.counts(), WakeCounts { created: 1, clones: 3, wakes: 1, wakes_by_ref: 1, drops: 3 });
    assert_eq!(counting.counts().alive(), 0);
    assert_eq!(Arc::strong_count(&counting), 1, "nothing leaked, nothing released twice");
}

#[test]
fn a_counting_waker_passes_every_wake_up_on_to_its_target() {
    let target = CountingWaker::new(Waker::noop().clone());
    let counting = CountingWaker::new(target.waker());
    let waker = counting.waker();
    waker.wake_by_ref();
    let clone = waker.clone();
    clone.wake();
    drop(waker);
    assert_eq!(target.counts().wakes_by_ref, 2, "both wake-ups reach the target, by reference");
    drop(counting); // the last owner: drops the target waker it held
    assert_eq!(target.counts(), WakeCounts { created: 1, clones: 0, wakes: 0, wakes_by_ref: 2, drops: 1 });
}

#[test]
fn an_honest_ledger_balances() {
    static LEDGER: Ledger = Ledger::new();
    let waker = LEDGER.waker();
    let clone = waker.clone();
    let other = clone.clone();
    clone.wake();
    other.wake_by_ref();
    drop(other);
    drop(waker);
    assert_eq!(LEDGER.counts(), WakeCounts { created: 1, clones: 2, wakes: 1, wakes_by_ref: 1, drops: 2 });
    assert_eq!(LEDGER.counts().alive(), 0);
}

#[test]
fn a_clone_that_forgets_to_retain_shows_as_more_endings_than_beginnings() {
    static LEDGER: Ledger = Ledger::clone_forgets_to_retain();
    let waker = LEDGER.waker();
    let first = waker.clone();
    let second = first.clone();
    drop(first);
    second.wake();
    drop(waker);
    let counts = LEDGER.counts();
    assert_eq!(counts, WakeCounts { created: 1, clones: 0, wakes: 1, wakes_by_ref: 0, drops: 2 });
    assert!(counts.wakes + counts.drops > counts.created + counts.clones);
    // With an Arc behind it, the strong count would have reached zero at the second ending:
    // the last waker would then have pointed at freed memory.
    assert_eq!(counts.alive(), -2);
}

#[test]
fn a_wake_that_forgets_to_release_shows_as_a_waker_that_never_ended() {
    static LEDGER: Ledger = Ledger::wake_forgets_to_release();
    let waker = LEDGER.waker();
    let clone = waker.clone();
    clone.wake(); // consumed, but counted as a wake by reference
    drop(waker);
    let counts = LEDGER.counts();
    assert_eq!(counts, WakeCounts { created: 1, clones: 1, wakes: 0, wakes_by_ref: 1, drops: 1 });
    // With an Arc behind it, one strong count would never be given back: a leak.
    assert_eq!(counts.alive(), 1);
}
