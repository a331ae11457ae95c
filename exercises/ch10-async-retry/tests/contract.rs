//! `retry` against its promise, polled by hand as an executor polls it. Every call of the
//! closures below awaits a leaf that is pending once (having woken its task first), so each
//! attempt takes two polls and is still running when `retry`'s future returns `Pending`: the
//! checks can count calls and polls, and a call's future holds its borrows across a suspension.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use ch10_async_retry::retry;
use exercise_harness::{WakeLog, panic_message};

/// A leaf future that is pending on its first poll, after waking its task, and ready on the
/// next: the wait inside every attempt below.
struct PendingOnce {
    polled: bool,
}

fn pending_once() -> PendingOnce {
    PendingOnce { polled: false }
}

impl Future for PendingOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// More polls than any check's `retry` needs (seven at most): a `retry` that never stops
/// fails a check here instead of hanging it.
const POLL_LIMIT: usize = 100;

/// Polls `future` as an executor would, each time with the same waker, whose wake-ups are
/// counted, until it is ready: (polls, output).
fn drive<F: Future>(future: F) -> (usize, F::Output) {
    let log = WakeLog::new();
    let waker = log.waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    for polls in 1..=POLL_LIMIT {
        let wakes_before = log.wakes();
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return (polls, output),
            Poll::Pending => assert!(
                log.wakes() > wakes_before,
                "poll {polls} of retry's future returned Pending without a wake-up of its task: an executor would never poll it again"
            ),
        }
    }
    panic!("retry's future was still pending after {POLL_LIMIT} polls: does it stop once `attempts` calls have failed?")
}

#[test]
fn each_call_changes_the_state_the_closure_captured() {
    let mut calls = 0;
    let mut seen = Vec::new();
    let (_, outcome) = drive(retry(5, async || {
        calls += 1;
        pending_once().await;
        seen.push(calls);
        if calls < 3 { Err(calls) } else { Ok(calls * 10) }
    }));
    assert_eq!(outcome, Ok(30), "the closure's own count says the third call succeeds: retry returns its Ok(30)");
    assert_eq!(seen, [1, 2, 3], "each call saw the count the calls before it left: 1, then 2, then 3");
    assert_eq!(calls, 3, "the count the closure captured by reference, after retry: three calls");
}

#[test]
fn the_future_of_each_call_borrows_what_the_closure_owns_across_an_await() {
    // `async move`: the closure owns `buffer`. Each call's future borrows it from the closure and
    // holds the borrow while it is pending, which a closure returning `async move {}` cannot do.
    let mut buffer = String::new();
    let op = async move || {
        buffer.push('x');
        let held: &str = &buffer;
        pending_once().await;
        if held.len() < 3 { Err(held.len()) } else { Ok(held.to_owned()) }
    };
    let (_, outcome) = drive(retry(4, op));
    assert_eq!(
        outcome,
        Ok("xxx".to_owned()),
        "the closure's own buffer grows by one `x` a call, and the third call's borrow of it, held across its await, is its Ok"
    );
}

#[test]
fn it_stops_at_the_first_success() {
    for succeeds_at in 1..=4 {
        let mut calls = 0;
        let (_, outcome) = drive(retry(5, async || {
            calls += 1;
            pending_once().await;
            if calls < succeeds_at { Err(calls) } else { Ok(calls) }
        }));
        assert_eq!(outcome, Ok(succeeds_at), "retry(5, …) whose call {succeeds_at} succeeds: that call's Ok");
        assert_eq!(calls, succeeds_at, "retry(5, …) whose call {succeeds_at} succeeds: no call after it");
    }
}

#[test]
fn when_every_call_fails_it_returns_the_last_error() {
    for attempts in [1, 2, 4] {
        let mut calls = 0;
        let (_, outcome) = drive(retry(attempts, async || {
            calls += 1;
            pending_once().await;
            Err::<(), String>(format!("call {calls} failed"))
        }));
        assert_eq!(
            outcome,
            Err(format!("call {attempts} failed")),
            "retry({attempts}, …) whose every call fails: the error of the last call, call {attempts}"
        );
    }
}

#[test]
fn when_every_call_fails_the_closure_is_called_exactly_attempts_times() {
    for attempts in 1..=6 {
        let mut calls = 0;
        let _ = drive(retry(attempts, async || {
            calls += 1;
            pending_once().await;
            Err::<(), usize>(calls)
        }));
        assert_eq!(
            calls, attempts,
            "retry({attempts}, …) whose every call fails: as many calls as attempts, {attempts}"
        );
    }
}

#[test]
fn retry_is_pending_while_an_attempt_is_and_its_task_is_woken_each_time() {
    let mut calls = 0;
    let (polls, outcome) = drive(retry(5, async || {
        calls += 1;
        pending_once().await;
        if calls < 3 { Err(()) } else { Ok(calls) }
    }));
    assert_eq!(outcome, Ok(3), "the third call succeeds");
    // `drive` has checked that each Pending came after a wake-up of the task.
    assert_eq!(
        polls, 4,
        "three calls, each pending once: retry's future returns Pending three times, then Ready on its fourth poll"
    );
}

#[test]
fn zero_attempts_is_a_panic_on_the_first_poll_and_no_call() {
    let mut calls = 0;
    let future = retry(0, async || {
        calls += 1;
        Err::<(), ()>(())
    });
    let polled = catch_unwind(AssertUnwindSafe(|| drive(future)));
    let message = polled.err().map(|payload| panic_message(&*payload));
    assert!(
        message.is_some(),
        "retry(0, …) panics when first polled: with no call there is no error to return, and no Ok either"
    );
    assert_eq!(calls, 0, "retry(0, …) never calls the closure (it panicked with: {message:?})");
}
