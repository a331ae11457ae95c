//! `Countdown` against the contract of `Stream::poll_next`: polled by hand with wakers that count
//! their wake-ups, then through `StreamExt::next` in an async fn, on an executor that polls only
//! when woken (and gives up, instead of hanging, when a wake-up never comes).

use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use ch10_countdown_stream::{Countdown, countdown};
use exercise_harness::{Ending, WakeLog, block_on_or_give_up};
use futures::{Stream, StreamExt, stream};

/// More polls than any countdown here needs to reach its end (2n + 1): a stream that never
/// ends fails a check instead of hanging it.
const POLL_LIMIT: usize = 100;

/// How long the executor that sleeps waits for a wake-up: a correct countdown of 5 takes a few
/// microseconds, and a lost wake-up never ends.
const PATIENCE: Duration = Duration::from_secs(5);

fn poll_next_with(stream: Pin<&mut Countdown>, waker: &Waker) -> Poll<Option<u32>> {
    stream.poll_next(&mut Context::from_waker(waker))
}

/// Every answer of `poll_next` up to and including the first `Ready(None)`, polled with a no-op
/// waker, at most [`POLL_LIMIT`] answers.
fn answers_to_the_end(n: u32) -> Vec<Poll<Option<u32>>> {
    let mut numbers = pin!(countdown(n));
    let mut answers = Vec::new();
    while answers.len() < POLL_LIMIT {
        let answer = poll_next_with(numbers.as_mut(), Waker::noop());
        answers.push(answer);
        if answer == Poll::Ready(None) {
            break;
        }
    }
    answers
}

#[test]
fn it_yields_n_down_to_1_then_none() {
    for n in [0, 1, 3, 5] {
        let answers = answers_to_the_end(n);
        let items: Vec<u32> = answers
            .iter()
            .filter_map(|answer| match answer {
                Poll::Ready(Some(item)) => Some(*item),
                _ => None,
            })
            .collect();
        let expected: Vec<u32> = (1..=n).rev().collect();
        assert_eq!(items, expected, "countdown({n}): its items, in order, from {n} down to 1");
        assert_eq!(
            answers.last(),
            Some(&Poll::Ready(None)),
            "countdown({n}) ends: Ready(None) within {POLL_LIMIT} polls"
        );
    }
}

#[test]
fn it_is_pending_exactly_once_before_each_item_and_not_before_the_end() {
    use Poll::{Pending, Ready};
    assert_eq!(answers_to_the_end(0), [Ready(None)], "countdown(0): no item, so None on the first poll");
    assert_eq!(
        answers_to_the_end(2),
        [Pending, Ready(Some(2)), Pending, Ready(Some(1)), Ready(None)],
        "countdown(2): Pending then 2, Pending then 1, then at once None"
    );
    assert_eq!(answers_to_the_end(5).len(), 11, "countdown(5): 2 polls an item, then 1 for the end, 11 polls");
}

#[test]
fn each_pending_first_wakes_the_waker_of_its_own_poll() {
    let mut numbers = pin!(countdown(3));
    let mut logs: Vec<WakeLog> = Vec::new();
    for poll in 1..=7 {
        let log = WakeLog::new();
        let answer = poll_next_with(numbers.as_mut(), &log.waker());
        let earlier: Vec<usize> = logs.iter().map(WakeLog::wakes).collect();
        logs.push(log);
        if answer.is_pending() {
            assert_eq!(
                logs[poll - 1].wakes(),
                1,
                "poll {poll} of countdown(3) is Pending: it must wake the waker of this very poll, once (nothing else will)"
            );
        }
        assert_eq!(
            logs[..poll - 1].iter().map(WakeLog::wakes).collect::<Vec<_>>(),
            earlier,
            "poll {poll} of countdown(3) wakes no waker of an earlier poll: only the latest poll's waker may be woken"
        );
    }
}

#[test]
fn after_none_it_stays_none_and_wakes_nothing() {
    let mut numbers = pin!(countdown(2));
    let end = (1..=POLL_LIMIT).find(|_| poll_next_with(numbers.as_mut(), Waker::noop()) == Poll::Ready(None));
    assert!(end.is_some(), "countdown(2) reaches its end: Ready(None) within {POLL_LIMIT} polls");
    let log = WakeLog::new();
    for after in 1..=5 {
        assert_eq!(
            poll_next_with(numbers.as_mut(), &log.waker()),
            Poll::Ready(None),
            "poll {after} of countdown(2) after its None: None again (a fused stream), neither Pending nor an item"
        );
    }
    assert_eq!(log.wakes(), 0, "polls after the end wake nothing: there is nothing left to wait for");
}

#[test]
fn size_hint_is_exact_and_shrinks_with_each_item() {
    let mut numbers = pin!(countdown(3));
    assert_eq!(numbers.size_hint(), (3, Some(3)), "countdown(3) before any poll: exactly 3 items to come");
    let mut yielded = 0;
    for poll in 1..=POLL_LIMIT {
        let answer = poll_next_with(numbers.as_mut(), Waker::noop());
        if let Poll::Ready(Some(_)) = answer {
            yielded += 1;
        }
        let left = 3usize.saturating_sub(yielded);
        assert_eq!(
            numbers.size_hint(),
            (left, Some(left)),
            "countdown(3) after poll {poll} ({answer:?}), {yielded} items yielded: exactly {left} still to come"
        );
        if answer == Poll::Ready(None) {
            return;
        }
    }
}

/// What a caller writes: `while let` over `StreamExt::next`, which borrows the stream (it must be
/// `Unpin`) and returns a future of its next item.
async fn drain<S: Stream<Item = u32> + Unpin>(mut numbers: S) -> Vec<u32> {
    let mut items = Vec::new();
    while let Some(item) = numbers.next().await {
        items.push(item);
    }
    items
}

/// A stream that counts the calls of the `poll_next` of the stream it wraps.
struct CountingCalls<S> {
    stream: S,
    calls: Arc<AtomicUsize>,
}

impl<S: Stream + Unpin> Stream for CountingCalls<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        Pin::new(&mut self.stream).poll_next(cx)
    }
}

#[test]
fn next_in_an_async_fn_yields_every_item_on_an_executor_that_sleeps_until_woken() {
    assert_eq!(
        block_on_or_give_up(drain(countdown(3)), PATIENCE),
        Ending::Ready { output: vec![3, 2, 1], polls: 4 },
        "an async fn over countdown(3) with `while let Some(item) = numbers.next().await`, run by an executor that polls only when woken: \
         3, 2, 1, in 4 polls of the task (Pending before each item, the end at once after the last)"
    );
    // The README's count: 4 polls of the task, 7 calls of `poll_next`.
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = CountingCalls { stream: countdown(3), calls: Arc::clone(&calls) };
    assert_eq!(block_on_or_give_up(drain(counted), PATIENCE), Ending::Ready { output: vec![3, 2, 1], polls: 4 });
    assert_eq!(
        calls.load(Ordering::Relaxed),
        7,
        "the same async fn over countdown(3) calls `poll_next` 7 times in its 4 polls: a poll that gets an item \
         polls again at once, for the next item's Pending or the end"
    );
    let from_futures = futures::executor::block_on(stream::iter((1..=5).rev()).collect::<Vec<u32>>());
    assert_eq!(
        block_on_or_give_up(countdown(5).collect::<Vec<u32>>(), PATIENCE),
        Ending::Ready { output: from_futures, polls: 6 },
        "countdown(5).collect(): the items futures' `stream::iter((1..=5).rev())` gives, in 6 polls of the task"
    );
}
