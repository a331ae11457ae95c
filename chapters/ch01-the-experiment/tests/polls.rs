//! The experiment's behaviour, independent of the compiler's output.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use ch01_the_experiment::{
    DummyFuture, HelloWorldByHand, hello_world, hello_world_by_hand, noop_waker, poll_hello_world_twice,
    poll_hello_world_twice_inlined,
};

#[test]
fn hello_world_is_pending_once_then_ready() {
    assert_eq!(poll_hello_world_twice(), [Poll::Pending, Poll::Ready(())]);
    assert_eq!(poll_hello_world_twice_inlined(), [Poll::Pending, Poll::Ready(())]);
}

#[test]
fn calling_an_async_fn_runs_none_of_its_body() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(hello_world());
    // Nothing has run yet; the first poll runs up to the await, which is pending.
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(()));
}

#[test]
#[should_panic(expected = "`async fn` resumed after completion")]
fn polling_a_finished_async_fn_panics() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(hello_world());
    while future.as_mut().poll(&mut cx).is_pending() {}
    let _ = future.as_mut().poll(&mut cx);
}

#[test]
fn dummy_future_is_ready_with_eleven_on_its_second_poll() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(DummyFuture::default());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(11));
    assert_eq!(
        future.as_mut().poll(&mut cx),
        Poll::Ready(11),
        "it stays ready: polling it again is allowed here, unlike an async fn"
    );
}

/// A waker that counts its wakes.
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

/// Polls `future` three times with `waker`: what each poll returned, or the message it panicked
/// with.
fn three_polls<F: Future<Output = ()>>(future: F, waker: &Waker) -> Vec<Result<Poll<()>, String>> {
    let mut future = Box::pin(future);
    let mut cx = Context::from_waker(waker);
    (0..3)
        .map(|_| {
            catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))).map_err(|panic| {
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| panic.downcast_ref::<String>().cloned().unwrap_or_default())
            })
        })
        .collect()
}

#[test]
fn the_enum_written_by_hand_polls_as_the_async_fn_does() {
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());

    let by_rustc = three_polls(hello_world(), &waker);
    let wakes_by_rustc = counter.wakes.load(Ordering::SeqCst);
    let by_hand = three_polls(hello_world_by_hand(), &waker);
    let wakes_by_hand = counter.wakes.load(Ordering::SeqCst) - wakes_by_rustc;

    let finished = "`async fn` resumed after completion".to_string();
    assert_eq!(by_rustc, [Ok(Poll::Pending), Ok(Poll::Ready(())), Err(finished)]);
    assert_eq!(by_hand, by_rustc);
    // Neither wakes its task: `DummyFuture` drops the waker on the floor.
    assert_eq!((wakes_by_rustc, wakes_by_hand), (0, 0));
}

#[test]
fn the_enum_written_by_hand_is_two_bytes_like_the_async_fn_s_future() {
    assert_eq!(size_of::<HelloWorldByHand>(), 2);
    assert_eq!(size_of_val(&hello_world()), 2);
    // Made, not polled: the body has not started, and the enum says so.
    assert!(matches!(hello_world_by_hand(), HelloWorldByHand::Unresumed));
}

#[test]
fn one_poll_runs_past_every_await_whose_future_is_ready() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);

    // Three awaits, every future ready: one poll runs the body to its end.
    async fn three_ready_awaits() -> u32 {
        let a = std::future::ready(1).await;
        let b = std::future::ready(2).await;
        let c = std::future::ready(3).await;
        a + b + c
    }
    let mut three_ready = pin!(three_ready_awaits());
    assert_eq!(three_ready.as_mut().poll(&mut cx), Poll::Ready(6));

    // Two ready, then `DummyFuture`: the first poll runs past both and stops at the third.
    let reached = std::cell::Cell::new(0);
    let mut two_ready_then_pending = pin!(async {
        std::future::ready(()).await;
        reached.set(1);
        std::future::ready(()).await;
        reached.set(2);
        DummyFuture::default().await;
        reached.set(3);
    });
    assert_eq!(two_ready_then_pending.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(reached.get(), 2);
    assert_eq!(two_ready_then_pending.as_mut().poll(&mut cx), Poll::Ready(()));
    assert_eq!(reached.get(), 3);
}
