//! `recv` raced against a deadline and dropped at each of its awaits: a value that arrived is
//! received once and acknowledged once, and a cancelled receive leaves no waker in the slot.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

// Chapter 7's stand-in for a timer: ready on its n-th poll, pending (and waking its task) before.
use ch07_cancellation::Deadline;
use ch07_receive_without_losing::{Receiver, oneshot};
use exercise_harness::{WakeLog, poll_once, poll_to_end};

/// A receive with a deadline of `polls` polls, the deadline polled first (as a `select` that
/// favours its timer does): `Some(result)` if the receive finished in time, `None` if it was
/// cut short, and then dropped wherever it was.
fn recv_within(receiver: &mut Receiver<&'static str>, polls: u32) -> Option<Option<&'static str>> {
    let mut deadline = pin!(Deadline::after_polls(polls));
    let mut receive = pin!(receiver.recv());
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        if deadline.as_mut().poll(&mut cx).is_ready() {
            return None;
        }
        if let Poll::Ready(output) = receive.as_mut().poll(&mut cx) {
            return Some(output);
        }
    }
    None
}

#[test]
fn a_value_sent_before_the_receive_is_received_and_acknowledged_once() {
    let (sender, mut receiver) = oneshot();
    let receipt = sender.send("hello");
    assert_eq!(
        poll_to_end(receiver.recv(), 10),
        Some((2, Some("hello"))),
        "(polls, value): the acknowledgement takes one"
    );
    assert_eq!(receipt.acknowledgements(), 1, "the value received is acknowledged once");
}

#[test]
fn a_sender_gone_without_sending_ends_the_receive_with_none() {
    let (sender, mut receiver) = oneshot::<&str>();
    drop(sender);
    assert_eq!(poll_to_end(receiver.recv(), 10), Some((1, None)), "(polls, value): None at the first poll");
}

#[test]
fn a_value_sent_while_the_receiver_waits_wakes_it() {
    let (sender, mut receiver) = oneshot();
    let log = WakeLog::new();
    let mut receive = pin!(receiver.recv());
    assert!(poll_once(receive.as_mut(), &log.waker()).is_pending(), "nothing sent yet");
    let receipt = sender.send("late");
    assert_eq!(log.wakes(), 1, "the send woke the waiting receive");
    assert!(poll_once(receive.as_mut(), &log.waker()).is_pending(), "the acknowledgement goes out");
    assert_eq!(
        poll_once(receive.as_mut(), &log.waker()),
        Poll::Ready(Some("late")),
        "acknowledged: the next poll gives the value"
    );
    assert_eq!(receipt.acknowledgements(), 1, "the value received is acknowledged once");
}

#[test]
fn a_value_that_arrived_survives_a_receive_cancelled_at_any_await() {
    for deadline in 1..=4 {
        let (sender, mut receiver) = oneshot();
        let receipt = sender.send("arrived");
        let first = recv_within(&mut receiver, deadline);
        let received: Vec<&str> = match first {
            Some(output) => output.into_iter().collect(),
            // Cut short: receive again, with all the time it needs.
            None => {
                let (_, again) = poll_to_end(receiver.recv(), 10).expect("the second receive finishes");
                again.into_iter().collect()
            }
        };
        assert_eq!(
            received,
            ["arrived"],
            "deadline of {deadline} polls: the value had arrived before the first receive began, and was {}. \
             Where was it when the deadline dropped the receive?",
            if received.is_empty() { "never received" } else { "received more than once" }
        );
        assert_eq!(
            receipt.acknowledgements(),
            1,
            "deadline of {deadline} polls: one value, one acknowledgement that went out"
        );
    }
}

#[test]
fn a_receive_cancelled_while_it_waits_takes_its_waker_back() {
    let (sender, mut receiver) = oneshot::<&str>();
    let log = WakeLog::new();
    {
        let mut receive = pin!(receiver.recv());
        assert!(poll_once(receive.as_mut(), &log.waker()).is_pending(), "nothing sent yet");
        assert_eq!(log.wakers_alive(), 1, "the slot keeps a clone of the waker while the receive waits");
    } // the receive is dropped here, cancelled at its first await
    assert_eq!(
        log.wakers_alive(),
        0,
        "the cancelled receive left its waker in the slot: the sender would keep it, and the task it \
         wakes, alive until it goes, then wake a task that no longer waits"
    );
    let receipt = sender.send("after");
    assert_eq!(log.wakes(), 0, "nobody waits any more: nobody is woken");
    assert_eq!(poll_to_end(receiver.recv(), 10), Some((2, Some("after"))), "a new receive still gets the value");
    assert_eq!(receipt.acknowledgements(), 1, "the value received is acknowledged once");
}
