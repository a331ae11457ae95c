//! The two `block_on`s: what park and unpark guarantee them, and the one wake-up the simple
//! one loses.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use ch04_executors::{YieldOnce, block_on, block_on_dyn, off_thread, simple_block_on, simple_block_on_dyn};

#[test]
fn a_ready_future_is_polled_once() {
    let polls = AtomicU32::new(0);
    let value = simple_block_on(poll_fn(|_| {
        polls.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(5)
    }));
    assert_eq!((value, polls.load(Ordering::SeqCst)), (5, 1));
    let value = block_on(poll_fn(|_| {
        polls.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(6)
    }));
    assert_eq!((value, polls.load(Ordering::SeqCst)), (6, 2));
}

#[test]
fn an_unpark_that_comes_before_the_park_is_not_lost() {
    // `YieldOnce` wakes its task inside `poll`, before `simple_block_on` parks: the token is
    // already there when `park` is called, and `park` returns at once.
    simple_block_on(async {
        for _ in 0..100 {
            YieldOnce::default().await;
        }
    });
    // The same, bare: a thread that unparks itself, then parks, does not sleep.
    thread::current().unpark();
    thread::park();
}

#[test]
fn a_wake_from_another_thread_ends_the_park() {
    // The job sleeps first, so that its wake-up finds the loop already parked.
    let job = || {
        thread::sleep(Duration::from_millis(20));
        6 * 7
    };
    assert_eq!(simple_block_on(off_thread(job)), 42);
    assert_eq!(block_on(off_thread(job)), 42);
}

/// Pending twice: the first time it unparks the thread without waking its waker (a wake-up of
/// `park` that the executor did not ask for), the second time it wakes its waker.
struct SpuriousThenWoken {
    polls: u32,
}

impl Future for SpuriousThenWoken {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        match self.polls {
            1 => thread::current().unpark(),
            2 => cx.waker().wake_by_ref(),
            _ => return Poll::Ready(self.polls),
        }
        Poll::Pending
    }
}

#[test]
fn a_spurious_return_from_park_costs_simple_block_on_one_more_poll_and_nothing_else() {
    // Poll 2 happens because `park` returned, not because of a wake; the future answers
    // `Pending` again and the loop goes back to sleep. Poll 3 follows the real wake.
    assert_eq!(simple_block_on(SpuriousThenWoken { polls: 0 }), 3);
}

#[test]
fn block_on_does_not_poll_again_after_a_spurious_return_from_park() {
    // Another thread unparks the blocked thread three times without waking the waker, then
    // wakes it: the flag stays down through the three, so the future is polled twice only.
    let polls = Arc::new(AtomicU32::new(0));
    let blocked = thread::current();
    let value = block_on(async {
        polls.fetch_add(1, Ordering::SeqCst);
        let value = off_thread(move || {
            for _ in 0..3 {
                blocked.unpark();
            }
            9
        });
        let counted = CountPolls { inner: value, polls: Arc::clone(&polls) };
        counted.await
    });
    assert_eq!(value, 9);
    // One poll of the async block reaches the leaf (1 + 1), the one after the wake (+ 1).
    assert_eq!(polls.load(Ordering::SeqCst), 3);
}

struct CountPolls<F> {
    inner: F,
    polls: Arc<AtomicU32>,
}

impl<F: Future + Unpin> Future for CountPolls<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        Pin::new(&mut self.inner).poll(cx)
    }
}

/// Wakes its own task, then, before returning `Pending`, parks the thread itself, as code
/// that waits for a `OnceLock`, a channel or a nested `block_on` may do. That `park` consumes
/// the token its own wake-up left.
struct WakesThenParks {
    polls: u32,
}

impl Future for WakesThenParks {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        if self.polls > 1 {
            return Poll::Ready(self.polls);
        }
        cx.waker().wake_by_ref();
        thread::park(); // returns at once: it takes the token the wake-up just left
        Poll::Pending
    }
}

/// Runs `simple_block_on(future)` on a thread of its own and asserts that it sleeps through the
/// wake-up: 200 ms later the task has not been polled again, since the loop is parked and the
/// token that should have ended its park is gone. An unpark from outside (the token it lost)
/// then lets it poll and finish: its output.
fn simple_block_on_sleeps_until_unparked<F>(future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (done, finished) = mpsc::channel();
    let blocked = thread::spawn(move || {
        done.send(simple_block_on(future)).unwrap();
    });
    assert!(
        finished.recv_timeout(Duration::from_millis(200)).is_err(),
        "simple_block_on finished although the token of its wake-up was taken"
    );
    blocked.thread().unpark();
    let output = finished.recv().unwrap();
    blocked.join().unwrap();
    output
}

#[test]
fn simple_block_on_sleeps_through_a_wake_up_whose_token_was_taken() {
    assert_eq!(simple_block_on_sleeps_until_unparked(WakesThenParks { polls: 0 }), 2);
}

#[test]
fn block_on_keeps_a_wake_up_whose_token_was_taken() {
    assert_eq!(block_on(WakesThenParks { polls: 0 }), 2);
}

/// Pending once: it wakes its own waker, then runs a `block_on` of its own inside `poll`. The
/// inner loop parks while its job sleeps, and that park takes the token the outer wake-up left.
struct WakesThenNests {
    polls: u32,
}

impl Future for WakesThenNests {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        if self.polls > 1 {
            return Poll::Ready(self.polls);
        }
        cx.waker().wake_by_ref();
        let inner = block_on(off_thread(|| {
            thread::sleep(Duration::from_millis(20));
            1
        }));
        assert_eq!(inner, 1);
        Poll::Pending
    }
}

#[test]
fn our_block_on_nests() {
    // Our `block_on` outside: the inner one took the token, but the outer flag is still up, so
    // the outer loop polls again without parking and finishes.
    assert_eq!(block_on(WakesThenNests { polls: 0 }), 2);
    // `simple_block_on` outside has no flag: the wake-up was only the token, and it is gone.
    assert_eq!(simple_block_on_sleeps_until_unparked(WakesThenNests { polls: 0 }), 2);
}

#[test]
fn the_listed_instances_drive_a_dyn_future() {
    let mut future = std::pin::pin!(async {
        YieldOnce::default().await;
        off_thread(|| 11).await
    });
    assert_eq!(simple_block_on_dyn(future.as_mut()), 11);
    let mut future = std::pin::pin!(async {
        YieldOnce::default().await;
        off_thread(|| 12).await
    });
    assert_eq!(block_on_dyn(future.as_mut()), 12);
}
