//! `Join` against its contract: both outputs, each future polled until it is ready and never
//! again, the futures inside it pinned where `Join` is, and `Unpin` exactly when they are.

use std::cell::Cell;
use std::future::ready;
use std::marker::PhantomData;
use std::pin::{Pin, pin};
use std::ptr;
use std::task::{Poll, Waker};

use ch06_pin_project_join::join;
// Chapter 6's own futures: the leaf, and the `async fn` whose future points into itself.
use ch06_pinning::{YieldOnce, points_into_itself};
use exercise_harness::{After, poll_catching, poll_once, poll_to_end};

/// Whether `T: Unpin`, as the compiler decides it where the macro is used: an inherent method
/// whose bound holds is chosen before a trait's method of the same name (the `impls` crate's
/// trick), so the answer is `true` exactly when `T: Unpin` holds.
struct UnpinProbe<T>(PhantomData<T>);

trait NotUnpin {
    fn is_unpin(&self) -> bool {
        false
    }
}

impl<T> NotUnpin for UnpinProbe<T> {}

impl<T: Unpin> UnpinProbe<T> {
    fn is_unpin(&self) -> bool {
        true
    }
}

fn probe<T>(_: &T) -> UnpinProbe<T> {
    UnpinProbe(PhantomData)
}

#[test]
fn it_is_ready_with_both_outputs_once_both_futures_are() {
    let joined = join(After { left: 1, value: 4 }, After { left: 3, value: 9 });
    assert_eq!(
        poll_to_end(joined, 10),
        Some((4, (4, 9))),
        "(polls, outputs): four polls, as many as the slower one needs"
    );
}

#[test]
fn a_future_that_is_ready_is_never_polled_again() {
    // `ready(1)` panics if it is polled after it returned; so does an async block.
    let mut joined = pin!(join(ready(1), After { left: 2, value: 2 }));
    for poll in 1..=2 {
        assert_eq!(
            poll_catching(joined.as_mut(), Waker::noop()),
            Ok(Poll::Pending),
            "poll {poll}: `b` is still pending, and `a`, ready on poll 1, must not be polled again"
        );
    }
    assert_eq!(
        poll_catching(joined.as_mut(), Waker::noop()),
        Ok(Poll::Ready((1, 2))),
        "when `b` is ready: both outputs, `a`'s kept since poll 1"
    );
    let mut joined = pin!(join(async { 'a' }, YieldOnce::default()));
    assert_eq!(
        poll_catching(joined.as_mut(), Waker::noop()),
        Ok(Poll::Pending),
        "poll 1: `a` is ready, `b` yields once: Pending"
    );
    assert_eq!(
        poll_catching(joined.as_mut(), Waker::noop()),
        Ok(Poll::Ready(('a', ()))),
        "poll 2: `b` is ready; `a`, an async block already finished, is not polled again"
    );
}

#[test]
fn the_futures_inside_stay_pinned_where_join_is() {
    let (seen_a, seen_b) = (Cell::new(0), Cell::new(0));
    let mut joined = pin!(join(points_into_itself(&seen_a), points_into_itself(&seen_b)));
    assert_eq!(poll_once(joined.as_mut(), Waker::noop()), Poll::Pending, "poll 1: both futures make their pointer");
    let start = ptr::from_ref(&*joined).addr();
    let inside = start..start + size_of_val(&*joined);
    assert!(
        inside.contains(&seen_a.get()) && inside.contains(&seen_b.get()),
        "both futures made their pointer inside the pinned Join ({inside:x?}): {:x}, {:x}",
        seen_a.get(),
        seen_b.get()
    );
    assert_eq!(poll_once(joined.as_mut(), Waker::noop()), Poll::Ready((7, 7)), "and read through it, in place");
}

#[test]
fn join_is_unpin_when_both_futures_are() {
    assert!(probe(&join(YieldOnce::default(), ready(3))).is_unpin(), "two Unpin futures: an Unpin Join");
    let mut joined = join(YieldOnce::default(), After { left: 0, value: 5 });
    assert_eq!(poll_once(Pin::new(&mut joined), Waker::noop()), Poll::Pending, "Pin::new is enough for it");
    assert_eq!(poll_once(Pin::new(&mut joined), Waker::noop()), Poll::Ready(((), 5)));
}

#[test]
fn join_of_a_future_that_points_into_itself_is_not_unpin() {
    let seen = Cell::new(0);
    let joined = join(points_into_itself(&seen), ready(2));
    assert!(
        !probe(&joined).is_unpin(),
        "Join<an async fn's future, _> is Unpin: safe code could now pin it with Pin::new, poll it, and \
         move it with mem::swap, leaving the async fn's pointer behind. Which rule of structural pinning \
         does that break, and which line of src/lib.rs breaks it?"
    );
}
