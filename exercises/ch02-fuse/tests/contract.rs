//! `Fuse` against the caller's rule of `Future::poll`: after `Ready`, stop.

use std::future::ready;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use ch02_fuse::Fuse;
use exercise_harness::{After, poll_catching, poll_once};

#[test]
fn it_is_pending_while_the_inner_future_is_then_ready_with_its_output() {
    let mut fused = pin!(Fuse::new(After { left: 2, value: 42 }));
    let polls: Vec<Poll<u8>> = (0..3).map(|_| poll_once(fused.as_mut(), Waker::noop())).collect();
    assert_eq!(
        polls,
        [Poll::Pending, Poll::Pending, Poll::Ready(42)],
        "three polls: what the inner future says, as it says it"
    );
}

#[test]
fn after_ready_it_never_polls_the_inner_future_again() {
    // An async block panics when polled after it returned: a fuse must not let that happen.
    let inner = Box::pin(async { 5 });
    let mut fused = pin!(Fuse::new(inner));
    assert_eq!(poll_catching(fused.as_mut(), Waker::noop()), Ok(Poll::Ready(5)), "poll 1: the async block's output");
    for poll in 2..=4 {
        assert_eq!(
            poll_catching(fused.as_mut(), Waker::noop()),
            Ok(Poll::Pending),
            "poll {poll} after Ready: Pending, without polling the finished async block"
        );
    }
}

#[test]
fn after_ready_it_is_pending_even_if_the_inner_future_would_be_ready_again() {
    // `ready(…)` panics on a second poll; `After` would say Ready again. Neither may be asked.
    let mut fused = pin!(Fuse::new(After { left: 0, value: 1 }));
    assert_eq!(poll_once(fused.as_mut(), Waker::noop()), Poll::Ready(1), "poll 1 of a fused After: Ready(1)");
    assert_eq!(
        poll_once(fused.as_mut(), Waker::noop()),
        Poll::Pending,
        "poll 2 of a fused After: Pending, though After would say Ready again"
    );
    let mut fused = pin!(Fuse::new(ready(9)));
    assert_eq!(poll_once(fused.as_mut(), Waker::noop()), Poll::Ready(9), "poll 1 of a fused ready(9): Ready(9)");
    assert_eq!(
        poll_catching(fused.as_mut(), Waker::noop()),
        Ok(Poll::Pending),
        "poll 2 of a fused ready(9): Pending, without polling ready(9) again (it would panic)"
    );
}

#[test]
fn is_terminated_says_whether_ready_was_returned() {
    let mut fused = pin!(Fuse::new(After { left: 1, value: 3 }));
    assert!(!fused.is_terminated(), "a new fuse is not terminated");
    let _ = poll_once(fused.as_mut(), Waker::noop());
    assert!(!fused.is_terminated(), "still pending: not terminated");
    let _ = poll_once(fused.as_mut(), Waker::noop());
    assert!(fused.is_terminated(), "after Ready: terminated");
}

#[test]
fn the_inner_future_is_dropped_as_soon_as_it_is_ready() {
    let held = Rc::new(());
    let holder = Rc::clone(&held);
    let inner = Box::pin(async move {
        let _holding = holder;
        7
    });
    let mut fused = pin!(Fuse::new(inner));
    assert_eq!(Rc::strong_count(&held), 2, "before the poll, the inner future holds its Rc");
    assert_eq!(poll_once(fused.as_mut(), Waker::noop()), Poll::Ready(7), "poll 1: the async block's output");
    assert_eq!(
        Rc::strong_count(&held),
        1,
        "the finished inner future (and what it held) is dropped by the poll that got Ready"
    );
}
