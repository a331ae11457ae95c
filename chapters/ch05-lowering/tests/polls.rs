//! How the chapter's futures behave when polled, independent of the compiler's output.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use ch05_lowering::*;

/// A waker that counts its wake-ups. Safe code: `std::task::Wake` builds the vtable.
#[derive(Default)]
struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// Polls until ready; returns the output and the number of polls.
fn poll_to_end<F: Future>(future: F, waker: &Waker) -> (F::Output, usize) {
    let mut cx = Context::from_waker(waker);
    let mut future = pin!(future);
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
}

#[test]
fn yield_once_wakes_its_task_then_answers_pending_once() {
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(YieldOnce::default());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(counter.wakes.load(Ordering::SeqCst), 1, "woken before Pending");
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(()));
    assert_eq!(counter.wakes.load(Ordering::SeqCst), 1, "not woken again");
    drop(waker);
    assert_eq!(Arc::strong_count(&counter), 1, "every clone of the waker was dropped");
}

#[test]
fn each_await_of_yield_once_is_one_more_poll_and_one_wake() {
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());
    assert_eq!(poll_to_end(two_suspension_points(5), &waker), ((5, 5), 3));
    assert_eq!(counter.wakes.load(Ordering::SeqCst), 2);
    assert_eq!(poll_to_end(buffer_held_across_await(), &waker), (0, 2));
    assert_eq!(poll_to_end(two_big_awaits_in_sequence(), &waker), (0, 3));
    let mut bytes = [0; 1024];
    bytes[17] = 0x5a;
    assert_eq!(poll_to_end(argument_counted_twice(bytes), &waker), (0x5a, 2), "the argument arrives intact");
    assert_eq!(counter.wakes.load(Ordering::SeqCst), 2 + 1 + 2 + 1);
}

#[test]
fn every_size_case_computes_the_same_checksum() {
    let waker = Waker::noop();
    for (output, polls) in [
        poll_to_end(buffer_held_across_await(), waker),
        poll_to_end(buffer_in_block_before_await(), waker),
        poll_to_end(buffer_borrowed_then_dropped_before_await(), waker),
        poll_to_end(buffer_read_without_borrow_before_await(), waker),
    ] {
        assert_eq!((output, polls), (0, 2), "7 XOR 7 … is 0, after one Pending");
    }
}

#[test]
fn futures_executor_runs_them_because_yield_once_wakes_its_task() {
    assert_eq!(futures::executor::block_on(two_suspension_points(7)), (7, 7));
    assert_eq!(futures::executor::block_on(two_big_awaits_in_sequence()), 0);
}

#[test]
fn hello_world_is_pending_once_then_ready() {
    assert_eq!(poll_to_end(hello_world(), Waker::noop()), ((), 2));
}

#[test]
#[should_panic(expected = "`async fn` resumed after completion")]
fn polling_a_finished_future_again_panics_from_state_1() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(two_suspension_points(1));
    while future.as_mut().poll(&mut cx).is_pending() {}
    let _ = future.as_mut().poll(&mut cx);
}

#[test]
fn the_boxed_futures_poll_like_the_unboxed_ones() {
    assert_eq!(poll_to_end(boxed_two_suspension_points(9), Waker::noop()), ((9, 9), 3));
    assert_eq!(poll_to_end(boxed_argument_counted_twice([3; 1024]), Waker::noop()), (0, 2));
}

#[test]
fn a_future_that_panicked_is_poisoned_and_panics_again_when_polled() {
    async fn panics_after_one_yield() {
        YieldOnce::default().await;
        panic!("boom");
    }
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = Box::pin(panics_after_one_yield());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
    assert_eq!(first.unwrap_err().downcast_ref::<&str>(), Some(&"boom"));
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
    assert_eq!(again.unwrap_err().downcast_ref::<&str>(), Some(&"`async fn` resumed after panicking"), "state 2");
}
