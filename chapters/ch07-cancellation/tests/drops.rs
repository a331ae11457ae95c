//! Cancelling `held_across_awaits` at each of its states: which values are dropped, in which
//! order, and by whom (the body, while it runs, or the drop glue, when the future is dropped).

use std::future::Future;
use std::task::{Context, Poll, Waker};

use ch07_cancellation::{Named, held_across_awaits, take_dropped};

/// What a cancellation did: the names dropped while the future was polled, and those dropped by
/// dropping it.
#[derive(Debug, PartialEq)]
struct Cancelled {
    while_polled: Vec<&'static str>,
    by_the_drop: Vec<&'static str>,
    last_poll: Option<Poll<()>>,
}

/// Polls a fresh `held_across_awaits` future `polls` times, then drops it.
fn cancel_after(polls: usize) -> Cancelled {
    take_dropped();
    let mut future = Box::pin(held_across_awaits(Named("argument")));
    let mut cx = Context::from_waker(Waker::noop());
    let last_poll = (0..polls).map(|_| future.as_mut().poll(&mut cx)).last();
    let while_polled = take_dropped();
    drop(future);
    Cancelled { while_polled, by_the_drop: take_dropped(), last_poll }
}

#[test]
fn dropped_before_its_first_poll_the_future_drops_only_the_captured_argument() {
    let cancelled = cancel_after(0);
    assert!(cancelled.while_polled.is_empty());
    assert_eq!(cancelled.by_the_drop, ["argument"]);
}

#[test]
fn dropped_at_the_first_await_it_drops_first_then_the_argument() {
    let cancelled = cancel_after(1);
    assert_eq!(cancelled.last_poll, Some(Poll::Pending));
    assert!(cancelled.while_polled.is_empty(), "nothing was dropped by the body yet");
    assert_eq!(cancelled.by_the_drop, ["first", "argument"]);
}

#[test]
fn dropped_at_the_second_await_it_drops_second_then_first_then_the_argument() {
    let cancelled = cancel_after(2);
    assert_eq!(cancelled.last_poll, Some(Poll::Pending));
    assert!(cancelled.while_polled.is_empty());
    assert_eq!(cancelled.by_the_drop, ["second", "first", "argument"]);
}

#[test]
fn dropped_at_the_third_await_it_drops_first_then_the_argument_second_is_already_gone() {
    let cancelled = cancel_after(3);
    assert_eq!(cancelled.last_poll, Some(Poll::Pending));
    assert_eq!(cancelled.while_polled, ["second"], "dropped by the body, at the end of its block");
    assert_eq!(cancelled.by_the_drop, ["first", "argument"]);
}

#[test]
fn dropped_after_it_returned_the_future_drops_nothing_the_body_dropped_everything() {
    let cancelled = cancel_after(4);
    assert_eq!(cancelled.last_poll, Some(Poll::Ready(())));
    assert_eq!(cancelled.while_polled, ["second", "first", "argument"]);
    assert!(cancelled.by_the_drop.is_empty());
}

#[test]
fn every_name_that_was_made_is_dropped_exactly_once_wherever_the_future_is_cancelled() {
    // Before the first poll only the argument exists; `first` is made by the first poll and
    // `second` by the second.
    let made: [&[&str]; 5] = [
        &["argument"],
        &["argument", "first"],
        &["argument", "first", "second"],
        &["argument", "first", "second"],
        &["argument", "first", "second"],
    ];
    for (polls, made) in made.iter().enumerate() {
        let Cancelled { while_polled, by_the_drop, .. } = cancel_after(polls);
        let mut dropped: Vec<&str> = while_polled.into_iter().chain(by_the_drop).collect();
        dropped.sort();
        assert_eq!(dropped, *made, "after {polls} polls");
    }
}

fn needs_drop_of<T>(_: &T) -> bool {
    std::mem::needs_drop::<T>()
}

#[test]
fn an_empty_future_and_one_that_saves_only_a_byte_both_count_as_needing_a_drop() {
    assert!(needs_drop_of(&async {}));
    // Saves a `u8` and a `YieldOnce`, neither of which needs a drop.
    assert!(needs_drop_of(&ch07_cancellation::rc_dropped_in_a_block_before_await()));
    assert!(!needs_drop_of(&ch07_cancellation::YieldOnce::default()), "a plain struct of a bool does not");
}

#[test]
fn dropped_while_it_awaits_a_child_the_future_drops_the_child_first_and_the_child_drops_what_it_holds() {
    take_dropped();
    let mut future = Box::pin(ch07_cancellation::awaits_a_child(Named("argument")));
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending); // Suspend0, and the child's Suspend0
    assert!(take_dropped().is_empty());
    drop(future);
    assert_eq!(take_dropped(), ["inner", "outer", "argument"], "the awaitee, then the parent's own locals");
}
