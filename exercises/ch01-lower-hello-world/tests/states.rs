//! The hand-written `HelloWorld` against rustc's own `hello_world`, state by state.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use ch01_lower_hello_world::HelloWorld;
use exercise_harness::{poll_catching, poll_to_end};

/// rustc's version of the function the exercise lowers by hand.
async fn hello_world<F: Future + Default>() -> F::Output {
    let fut = F::default();
    fut.await
}

/// Pending twice, then ready with 7 (chapter 1's `DummyFuture`, one poll longer).
#[derive(Debug, Default)]
struct PendingTwice {
    polls: u8,
}

impl Future for PendingTwice {
    type Output = u8;
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u8> {
        self.polls += 1;
        if self.polls == 3 { Poll::Ready(7) } else { Poll::Pending }
    }
}

/// Panics when polled: what happens to the state machine around it?
#[derive(Debug, Default)]
struct PanicsWhenPolled;

impl Future for PanicsWhenPolled {
    type Output = u8;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u8> {
        panic!("the awaited future panicked")
    }
}

static MADE: AtomicUsize = AtomicUsize::new(0);

/// Counts how many of it were made.
#[derive(Debug)]
struct CountsItsMaking(PendingTwice);

impl Default for CountsItsMaking {
    fn default() -> Self {
        MADE.fetch_add(1, Ordering::SeqCst);
        CountsItsMaking(PendingTwice::default())
    }
}

impl Future for CountsItsMaking {
    type Output = u8;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
        Pin::new(&mut self.0).poll(cx)
    }
}

/// What each of `polls` polls did: `Ok(poll)` or `Err(the panic's message)`.
fn history<F: Future>(future: F, polls: usize) -> Vec<Result<Poll<F::Output>, String>> {
    let mut future = pin!(future);
    (0..polls).map(|_| poll_catching(future.as_mut(), Waker::noop())).collect()
}

#[test]
fn it_is_pending_while_the_awaited_future_is_then_ready_with_its_output() {
    let rustcs = poll_to_end(hello_world::<PendingTwice>(), 10);
    assert_eq!(rustcs, Some((3, 7)), "rustc's future: pending twice, then Ready(7)");
    assert_eq!(
        poll_to_end(HelloWorld::<PendingTwice>::new(), 10),
        rustcs,
        "(polls, output) until Ready: yours should match rustc's"
    );
}

#[test]
fn the_awaited_future_is_made_by_the_first_poll_and_only_once() {
    let mut future = pin!(HelloWorld::<CountsItsMaking>::new());
    assert_eq!(MADE.load(Ordering::SeqCst), 0, "calling hello_world() runs none of its body");
    let _ = poll_catching(future.as_mut(), Waker::noop());
    assert_eq!(MADE.load(Ordering::SeqCst), 1, "the first poll makes the awaited future (state 0 → 3)");
    let _ = poll_catching(future.as_mut(), Waker::noop());
    assert_eq!(MADE.load(Ordering::SeqCst), 1, "a later poll polls the same awaited future again (state 3)");
}

#[test]
fn polling_after_ready_panics_with_rustcs_message_every_time() {
    let rustcs = history(hello_world::<PendingTwice>(), 5);
    let yours = history(HelloWorld::<PendingTwice>::new(), 5);
    assert!(matches!(&rustcs[3], Err(message) if message.contains("resumed after completion")), "{rustcs:?}");
    assert_eq!(yours, rustcs, "five polls of each: after Ready, state 1 (Returned) panics, and stays Returned");
}

#[test]
fn a_panic_in_the_awaited_future_poisons_the_state_machine_as_rustcs_landing_pad_does() {
    let rustcs = history(hello_world::<PanicsWhenPolled>(), 3);
    let yours = history(HelloWorld::<PanicsWhenPolled>::new(), 3);
    assert!(matches!(&rustcs[1], Err(message) if message.contains("resumed after panicking")), "{rustcs:?}");
    assert_eq!(
        yours, rustcs,
        "the first poll panics inside the awaited future; the state must then be 2 (Panicked), whose polls panic"
    );
}

#[test]
fn it_is_no_bigger_than_rustcs_future() {
    let rustcs = size_of_val(&hello_world::<PendingTwice>());
    let yours = size_of::<HelloWorld<PendingTwice>>();
    assert!(yours <= rustcs, "your state machine is {yours} bytes, rustc's {rustcs}: one tag and the awaited future");
}
