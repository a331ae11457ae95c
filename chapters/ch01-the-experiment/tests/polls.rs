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

/// The first `N` bytes of `value`. Only bytes the value has written may be asked for.
fn bytes<const N: usize, T>(value: &T) -> [u8; N] {
    assert!(N <= size_of::<T>());
    // SAFETY: `value` is at least `N` bytes long, and the caller asks only for written bytes.
    unsafe { std::ptr::read(std::ptr::from_ref(value).cast::<[u8; N]>()) }
}

#[test]
fn the_enum_written_by_hand_is_a_tag_then_fut_numbered_as_rustc_s_states() {
    assert_eq!(size_of::<HelloWorldByHand>(), 2);
    assert_eq!(size_of_val(&hello_world()), 2);
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut by_hand = Box::pin(hello_world_by_hand());
    let mut by_rustc = Box::pin(hello_world());

    // Made, not polled: the body has not started, tag 0 in both. (The second byte holds
    // nothing yet, so it is not read.)
    assert!(matches!(*by_hand, HelloWorldByHand::Unresumed));
    assert_eq!((bytes::<1, _>(&*by_hand), bytes::<1, _>(&*by_rustc)), ([0], [0]));

    // Stopped at the await: tag 3, then `fut`, whose `count` the first poll made 1.
    assert_eq!(by_hand.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(by_rustc.as_mut().poll(&mut cx), Poll::Pending);
    assert!(matches!(*by_hand, HelloWorldByHand::Suspend0 { .. }));
    assert_eq!((bytes::<2, _>(&*by_hand), bytes::<2, _>(&*by_rustc)), ([3, 1], [3, 1]));

    // Returned: tag 1 in both.
    assert_eq!(by_hand.as_mut().poll(&mut cx), Poll::Ready(()));
    assert_eq!(by_rustc.as_mut().poll(&mut cx), Poll::Ready(()));
    assert!(matches!(*by_hand, HelloWorldByHand::Returned));
    assert_eq!((bytes::<1, _>(&*by_hand), bytes::<1, _>(&*by_rustc)), ([1], [1]));
}

/// `probe(&value).is_unpin()` is `true` if the value's type is `Unpin`: the inherent method
/// exists only then, and otherwise the trait's, which says `false`, is the one called.
struct Probe<T>(std::marker::PhantomData<T>);
trait NotUnpin {
    fn is_unpin(&self) -> bool {
        false
    }
}
impl<T> NotUnpin for Probe<T> {}
impl<T: Unpin> Probe<T> {
    fn is_unpin(&self) -> bool {
        true
    }
}
fn probe<T>(_: &T) -> Probe<T> {
    Probe(std::marker::PhantomData)
}

#[test]
fn the_enum_written_by_hand_is_unpin_and_the_async_fn_s_future_is_not() {
    assert!(probe(&hello_world_by_hand()).is_unpin());
    assert!(!probe(&hello_world()).is_unpin());
    // The probe itself: a type known to be `Unpin`, and one known not to be.
    assert!(probe(&0_u8).is_unpin());
    assert!(!probe(&std::marker::PhantomPinned).is_unpin());
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
