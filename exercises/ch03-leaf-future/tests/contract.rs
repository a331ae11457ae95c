//! `Wait` and `Signal` against the waker contract of `Future::poll`.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::task::Poll;
use std::thread;
use std::time::Duration;

use ch03_leaf_future::signal;
use exercise_harness::{Ending, WakeLog, block_on_or_give_up, poll_once, waker_fn};

#[test]
fn a_raised_signal_is_ready_at_once() {
    let (signal, wait) = signal();
    signal.raise();
    let log = WakeLog::new();
    assert_eq!(poll_once(pin!(wait), &log.waker()), Poll::Ready(()), "a raised signal: the first poll is Ready");
    assert_eq!(log.wakers_alive(), 0, "a ready poll keeps no waker");
}

#[test]
fn raise_wakes_the_waker_of_a_pending_poll() {
    let (signal, wait) = signal();
    let mut wait = pin!(wait);
    let log = WakeLog::new();
    assert_eq!(poll_once(wait.as_mut(), &log.waker()), Poll::Pending, "not raised yet: Pending");
    assert_eq!(log.wakers_alive(), 1, "a pending poll keeps a clone of its waker");
    signal.raise();
    assert_eq!(log.wakes(), 1, "raise wakes the stored waker");
    assert_eq!(log.wakers_alive(), 0, "and does not keep it: woken by value, or dropped");
    assert_eq!(poll_once(wait.as_mut(), &log.waker()), Poll::Ready(()), "raised: the next poll is Ready");
}

#[test]
fn only_the_waker_of_the_most_recent_poll_is_woken() {
    let (signal, wait) = signal();
    let mut wait = pin!(wait);
    let (first, second) = (WakeLog::new(), WakeLog::new());
    let _ = poll_once(wait.as_mut(), &first.waker());
    let _ = poll_once(wait.as_mut(), &second.waker());
    assert_eq!(first.wakers_alive(), 0, "the second poll replaces the first poll's waker");
    signal.raise();
    assert_eq!((first.wakes(), second.wakes()), (0, 1), "(wakes of the first waker, of the second)");
}

#[test]
fn polling_again_with_the_same_waker_does_not_clone_it_again() {
    let (_signal, wait) = signal();
    let mut wait = pin!(wait);
    let log = WakeLog::new();
    let waker = log.waker();
    for _ in 0..3 {
        let _ = poll_once(wait.as_mut(), &waker);
    }
    assert_eq!(
        log.wakers_alive(),
        2,
        "the test's waker and one stored clone: Waker::clone_from skips a clone that will_wake"
    );
}

#[test]
fn raise_wakes_after_releasing_the_lock() {
    let (signal, wait) = signal();
    let probe = wait.probe();
    let lock_was_free = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&lock_was_free);
    let waker = waker_fn(move || seen.store(probe.lock_is_free(), Ordering::SeqCst));
    let mut wait = pin!(wait);
    let _ = poll_once(wait.as_mut(), &waker);
    signal.raise();
    assert!(
        lock_was_free.load(Ordering::SeqCst),
        "when the waker ran, the lock was still held: a task polled at once would block on it. Wake after the lock is released"
    );
}

#[test]
fn a_raise_from_another_thread_wakes_a_sleeping_executor() {
    let (signal, wait) = signal();
    // The other thread raises only once the first poll has returned, so that the test is about
    // a wake-up that reaches a waiting executor whatever the timing: raised earlier, the first
    // poll would be `Ready` and nothing would be woken.
    let (first_poll_done, after_first_poll) = mpsc::channel();
    thread::spawn(move || {
        if after_first_poll.recv().is_ok() {
            thread::sleep(Duration::from_millis(20));
            signal.raise();
        }
    });
    let mut first_poll_done = Some(first_poll_done);
    let mut wait = Box::pin(wait);
    let reporting = poll_fn(move |cx| {
        let polled = wait.as_mut().poll(cx);
        if let Some(done) = first_poll_done.take() {
            let _ = done.send(());
        }
        polled
    });
    let ending = block_on_or_give_up(reporting, Duration::from_secs(5));
    assert_eq!(
        ending,
        Ending::Ready { output: (), polls: 2 },
        "pending, then woken by the raise and ready; a Stalled executor was never woken"
    );
}
