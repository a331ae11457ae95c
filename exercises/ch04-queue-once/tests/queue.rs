//! The run queue: a woken task is queued once, and a wake-up during a poll is never lost.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use ch04_queue_once::Executor;
use exercise_harness::{WokenByAThread, within};

const PATIENCE: Duration = Duration::from_secs(3);

/// Pending `yields` times, waking its own task inside each of those polls, then ready.
struct Yields {
    yields: u32,
    polls: Arc<AtomicUsize>,
    finished: Arc<AtomicBool>,
}

impl Future for Yields {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        if self.yields == 0 {
            self.finished.store(true, Ordering::SeqCst);
            return Poll::Ready(());
        }
        self.yields -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn yields(n: u32) -> (Yields, Arc<AtomicUsize>, Arc<AtomicBool>) {
    let (polls, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
    (Yields { yields: n, polls: Arc::clone(&polls), finished: Arc::clone(&finished) }, polls, finished)
}

#[test]
fn every_task_runs_to_completion_and_none_outlives_run() {
    let finished = within(PATIENCE, || {
        let executor = Executor::new();
        let tasks: Vec<_> = (0..3).map(|_| yields(2)).map(|(f, _, done)| (executor.spawn(f), done)).collect();
        executor.run();
        tasks.iter().all(|(task, done)| done.load(Ordering::SeqCst) && task.upgrade().is_none())
    });
    assert_eq!(finished, Some(true), "three tasks that yield twice: all finished and freed when run returns");
}

#[test]
fn a_task_that_wakes_itself_during_its_poll_is_polled_again() {
    let (future, polls, finished) = yields(3);
    let ran = within(PATIENCE, move || {
        let executor = Executor::new();
        executor.spawn(future);
        executor.run();
    });
    assert!(ran.is_some(), "run did not return");
    assert!(
        finished.load(Ordering::SeqCst),
        "run returned after {} polls with the task unfinished: the wake during its poll found the flag still up \
         and queued nothing. When must a turn take the flag down?",
        polls.load(Ordering::SeqCst)
    );
}

/// Wakes its task three times during its first poll, then stays pending without waking.
struct WakesThriceThenWaits {
    polls: Arc<AtomicUsize>,
}

impl Future for WakesThriceThenWaits {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polls.fetch_add(1, Ordering::SeqCst) == 0 {
            for _ in 0..3 {
                cx.waker().wake_by_ref();
            }
        }
        Poll::Pending
    }
}

#[test]
fn a_task_woken_three_times_before_its_turn_is_polled_once_for_them() {
    let polls = Arc::new(AtomicUsize::new(0));
    let future = WakesThriceThenWaits { polls: Arc::clone(&polls) };
    let ran = within(PATIENCE, move || {
        let executor = Executor::new();
        executor.spawn(future);
        executor.run(); // returns once nothing can wake the task any more
    });
    assert!(ran.is_some(), "run did not return");
    assert_eq!(
        polls.load(Ordering::SeqCst),
        2,
        "the first poll, then one more for its three wakes: a task that is already queued is not queued again"
    );
}

#[test]
fn a_wake_from_another_thread_queues_the_task_again() {
    let future = WokenByAThread::new(Duration::from_millis(20));
    let done = future.woken();
    let ran = within(PATIENCE, move || {
        let executor = Executor::new();
        executor.spawn(future);
        executor.run();
    });
    assert!(
        ran.is_some() && *done.lock().unwrap(),
        "the task, woken from another thread, was polled again and finished"
    );
}
