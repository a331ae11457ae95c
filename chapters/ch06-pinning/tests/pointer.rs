//! Where the pointer inside the future points, at run time and without undefined behaviour:
//! the future reports the address it stored through `seen`, and the tests compare it with the
//! future's own address. Nothing follows a pointer the future made.

use std::cell::Cell;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use ch06_pinning::{CountPolls, YieldOnce, points_into_itself};

fn poll<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// The address range of the value behind `pinned`.
fn bytes_of<T>(pinned: &Pin<&mut T>) -> std::ops::Range<usize> {
    let start = std::ptr::from_ref::<T>(pinned).addr();
    start..start + size_of::<T>()
}

#[test]
fn before_its_first_poll_the_future_has_made_no_pointer() {
    let seen = Cell::new(0);
    let future = points_into_itself(&seen);
    assert_eq!(seen.get(), 0, "calling an async fn runs none of its body");
    drop(future);
    assert_eq!(seen.get(), 0, "nor does dropping the future");
}

#[test]
fn the_first_poll_makes_a_pointer_to_the_futures_own_first_byte() {
    let seen = Cell::new(0);
    let mut future = pin!(points_into_itself(&seen));
    assert_eq!(poll(future.as_mut()), Poll::Pending);
    let inside = bytes_of(&future);
    assert_eq!(seen.get(), inside.start, "`buffer` is at offset 0 of the future (the layout table)");
    assert_eq!(poll(future.as_mut()), Poll::Ready(7), "read through the stored pointer, in place");
}

#[test]
fn moving_the_future_before_its_first_poll_is_harmless_the_pointer_is_made_where_it_is_polled() {
    let seen = Cell::new(0);
    let future = points_into_itself(&seen);
    let first_home = std::ptr::from_ref(&future).addr();
    let mut boxed = Box::pin(future); // a move: the 40 bytes are copied to the heap
    let second_home = bytes_of(&boxed.as_mut());
    assert_ne!(first_home, second_home.start);
    assert_eq!(poll(boxed.as_mut()), Poll::Pending);
    assert_eq!(seen.get(), second_home.start, "the pointer points into the box, where the future was polled");
    assert_eq!(poll(boxed.as_mut()), Poll::Ready(7));
}

#[test]
fn swapping_two_futures_that_were_never_polled_is_harmless() {
    let (seen_a, seen_b) = (Cell::new(0), Cell::new(0));
    let mut a = points_into_itself(&seen_a);
    let mut b = points_into_itself(&seen_b);
    std::mem::swap(&mut a, &mut b); // a now holds the future that reports to seen_b
    let mut a = pin!(a);
    assert_eq!(poll(a.as_mut()), Poll::Pending);
    assert_eq!(seen_b.get(), bytes_of(&a).start);
    assert_eq!(seen_a.get(), 0, "b's future has not run");
    assert_eq!(poll(a.as_mut()), Poll::Ready(7));
    drop(b);
}

#[test]
fn a_pinned_future_inside_count_polls_points_into_the_combinator() {
    let seen = Cell::new(0);
    let mut counted = pin!(CountPolls::new(points_into_itself(&seen)));
    assert_eq!(poll(counted.as_mut()), Poll::Pending);
    assert!(bytes_of(&counted).contains(&seen.get()), "the inner future is pinned inside the combinator");
    assert_eq!(poll(counted.as_mut()), Poll::Ready((7, 2)));
}

/// `Unpin` is an auto trait: `CountPolls<F>` has it exactly when `F` has it.
fn is_unpin<T: Unpin>(_: &T) {}

#[test]
fn count_polls_around_a_leaf_future_is_unpin_and_can_be_pinned_with_pin_new() {
    let mut counted = CountPolls::new(YieldOnce::default());
    is_unpin(&counted);
    assert_eq!(poll(Pin::new(&mut counted)), Poll::Pending);
    assert_eq!(poll(Pin::new(&mut counted)), Poll::Ready(((), 2)));
}

#[test]
fn the_futures_of_this_chapter_are_ready_under_a_real_executor() {
    let seen = Cell::new(0);
    assert_eq!(futures::executor::block_on(points_into_itself(&seen)), 7);
    assert_eq!(futures::executor::block_on(CountPolls::new(points_into_itself(&seen))), (7, 2));
    let mut boxed = ch06_pinning::boxed_points_into_itself(&seen);
    assert_eq!(poll(boxed.as_mut()), Poll::Pending);
    assert_eq!(poll(boxed.as_mut()), Poll::Ready(7));
    assert_eq!(ch06_pinning::poll_on_the_stack(&seen, &mut Context::from_waker(Waker::noop())), Poll::Pending);
}
