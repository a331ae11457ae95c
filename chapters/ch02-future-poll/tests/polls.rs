//! The chapter's futures, polled by hand: what each returns, poll after poll, and what polling
//! after `Ready` does to the futures the page discusses.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use ch02_future_poll::{
    ArrayAfter, ByteAfter, Countdown, PollOutcome, RefAfter, WordAfter, YieldOnce, poll_and_sum, poll_catching_panics,
    poll_until_ready,
};

fn noop_context() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

#[test]
fn each_leaf_future_is_pending_polls_left_times_then_ready() {
    assert_eq!(poll_until_ready(Countdown { polls_left: 3 }), (4, ()));
    assert_eq!(poll_until_ready(ByteAfter::new(2, 42)), (3, 42));
    assert_eq!(poll_until_ready(WordAfter { polls_left: 1, word: u64::MAX }), (2, u64::MAX));
    let target = 7;
    assert_eq!(poll_until_ready(RefAfter { polls_left: 1, target: &target }), (2, &7));
    assert_eq!(poll_until_ready(ArrayAfter { polls_left: 0, words: [1, 2, 3, 4] }), (1, [1, 2, 3, 4]));
    assert_eq!(poll_until_ready(YieldOnce::default()), (2, ()));
}

#[test]
fn the_leaf_futures_stay_ready_when_polled_again() {
    let mut cx = noop_context();
    let mut future = pin!(WordAfter { polls_left: 0, word: 5 });
    for _ in 0..3 {
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(5));
    }
    // The page's example: a `ByteAfter` at zero answers `Ready(11)` as often as it is asked.
    let mut future = pin!(ByteAfter::new(0, 11));
    for _ in 0..3 {
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(11));
    }
}

#[test]
fn an_async_block_awaiting_two_leaves_is_pending_once_per_pending_leaf() {
    let block = async {
        Countdown { polls_left: 1 }.await;
        ByteAfter::new(1, 7).await + 1
    };
    assert_eq!(poll_until_ready(block), (3, 8));
}

/// A leaf that writes each of its answers in a shared log, under its name.
struct Logged<'log, F> {
    name: &'static str,
    leaf: F,
    log: &'log std::cell::RefCell<Vec<String>>,
}

impl<F: Future + Unpin> Future for Logged<'_, F>
where
    F::Output: std::fmt::Debug,
{
    type Output = F::Output;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let answer = std::pin::Pin::new(&mut self.leaf).poll(cx);
        self.log.borrow_mut().push(format!("{}: {answer:?}", self.name));
        answer
    }
}

#[test]
fn each_poll_of_the_async_block_polls_the_leaf_it_is_waiting_on() {
    let log = std::cell::RefCell::new(Vec::new());
    let mut block = pin!(async {
        Logged { name: "Countdown", leaf: Countdown { polls_left: 1 }, log: &log }.await;
        Logged { name: "ByteAfter", leaf: ByteAfter::new(1, 7), log: &log }.await + 1
    });
    let mut cx = noop_context();
    let mut polls = Vec::new();
    loop {
        let answer = block.as_mut().poll(&mut cx);
        polls.push((format!("{answer:?}"), log.take()));
        if answer.is_ready() {
            break;
        }
    }
    assert_eq!(
        polls,
        [
            ("Pending".to_string(), vec!["Countdown: Pending".to_string()]),
            ("Pending".to_string(), vec!["Countdown: Ready(())".to_string(), "ByteAfter: Pending".to_string()]),
            ("Ready(8)".to_string(), vec!["ByteAfter: Ready(7)".to_string()]),
        ]
    );
}

#[test]
fn poll_and_sum_adds_the_words_once_the_future_is_ready() {
    let mut cx = noop_context();
    let mut future = pin!(ArrayAfter { polls_left: 1, words: [1, 2, 3, 4] });
    assert_eq!(poll_and_sum(future.as_mut(), &mut cx), Poll::Pending);
    assert_eq!(poll_and_sum(future.as_mut(), &mut cx), Poll::Ready(10));
}

/// Counts wake-ups, by value and by reference apart; its `Arc` count tells whether a clone of
/// the waker was kept or leaked.
#[derive(Default)]
struct CountingWaker {
    wakes: AtomicUsize,
    wakes_by_ref: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes_by_ref.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn yield_once_wakes_its_task_once_by_reference_then_is_ready() {
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(YieldOnce::default());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(counter.wakes_by_ref.load(Ordering::SeqCst), 1, "woken by reference before saying Pending");
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(()));
    assert_eq!(counter.wakes_by_ref.load(Ordering::SeqCst), 1, "not woken again");
    assert_eq!(counter.wakes.load(Ordering::SeqCst), 0, "never woken by value");
    drop(waker);
    assert_eq!(Arc::strong_count(&counter), 1, "no clone of the waker was kept");
}

#[test]
fn yield_once_lets_a_real_executor_finish_it() {
    // futures' block_on sleeps until the task's waker is woken: YieldOnce wakes it itself.
    futures::executor::block_on(YieldOnce::default());
}

#[test]
fn polling_an_async_fn_after_ready_panics_every_time_with_resumed_after_completion() {
    async fn three() -> u8 {
        3
    }
    let mut cx = noop_context();
    let mut future = pin!(three());
    assert_eq!(poll_catching_panics(future.as_mut(), &mut cx), PollOutcome::Ready(3));
    for _ in 0..2 {
        // The state stays "returned": this panic does not poison it into "panicked".
        assert_eq!(
            poll_catching_panics(future.as_mut(), &mut cx),
            PollOutcome::Panicked("`async fn` resumed after completion".to_owned())
        );
    }
}

#[test]
fn an_async_block_polled_after_ready_panics_with_the_async_fn_message_too() {
    let mut cx = noop_context();
    let mut future = pin!(async { 4u8 });
    assert_eq!(poll_catching_panics(future.as_mut(), &mut cx), PollOutcome::Ready(4));
    assert_eq!(
        poll_catching_panics(future.as_mut(), &mut cx),
        PollOutcome::Panicked("`async fn` resumed after completion".to_owned())
    );
}

#[test]
fn an_async_fn_that_panicked_says_resumed_after_panicking() {
    async fn fails() -> u8 {
        panic!("inside the body")
    }
    let mut cx = noop_context();
    let mut future = pin!(fails());
    assert_eq!(poll_catching_panics(future.as_mut(), &mut cx), PollOutcome::Panicked("inside the body".to_owned()));
    assert_eq!(
        poll_catching_panics(future.as_mut(), &mut cx),
        PollOutcome::Panicked("`async fn` resumed after panicking".to_owned())
    );
}

#[test]
fn std_ready_panics_when_polled_after_completion() {
    let mut cx = noop_context();
    let mut future = pin!(std::future::ready(5u8));
    assert_eq!(poll_catching_panics(future.as_mut(), &mut cx), PollOutcome::Ready(5));
    assert_eq!(
        poll_catching_panics(future.as_mut(), &mut cx),
        PollOutcome::Panicked("`Ready` polled after completion".to_owned())
    );
}

#[test]
fn a_fused_future_is_pending_forever_after_ready() {
    use futures::FutureExt;
    use futures::future::FusedFuture;
    let mut cx = noop_context();
    let mut future = pin!(std::future::ready(5u8).fuse());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(5));
    assert!(future.is_terminated());
    for _ in 0..3 {
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    }
}
