//! The experiment's behaviour, independent of the compiler's output.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use ch01_the_experiment::{
    DummyFuture, hello_world, noop_waker, poll_hello_world_twice, poll_hello_world_twice_inlined,
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
