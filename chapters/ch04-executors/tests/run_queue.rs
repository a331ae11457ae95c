//! The run-queue executor: the order it runs tasks in, when `run` returns, and what becomes of
//! tasks it never runs.

use std::future::poll_fn;
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use ch04_executors::{Executor, YieldOnce, off_thread};

#[test]
fn tasks_take_turns_in_the_order_they_were_woken() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let executor = Executor::new();
    for id in 0..3 {
        let log = Arc::clone(&log);
        executor.spawn(async move {
            for round in 0..3 {
                log.lock().unwrap().push((id, round));
                YieldOnce::default().await;
            }
        });
    }
    executor.run();
    let expected: Vec<_> = (0..3).flat_map(|round| (0..3).map(move |id| (id, round))).collect();
    assert_eq!(*log.lock().unwrap(), expected);
}

#[test]
fn run_waits_on_an_empty_queue_for_a_wake_from_another_thread() {
    let result = Arc::new(Mutex::new(None));
    let executor = Executor::new();
    let slot = Arc::clone(&result);
    let task = executor.spawn(async move {
        // The job sleeps first, so that its wake-up finds `run` already asleep in `recv`.
        let value = off_thread(|| {
            thread::sleep(Duration::from_millis(20));
            (0..1000u64).sum::<u64>()
        })
        .await;
        *slot.lock().unwrap() = Some(value);
    });
    executor.run();
    assert_eq!(*result.lock().unwrap(), Some(499_500));
    assert!(task.upgrade().is_none());
}

#[test]
fn a_task_can_spawn_tasks_and_run_returns_after_the_last_one() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let executor = Executor::new();
    let spawner = executor.spawner();
    let parent_log = Arc::clone(&log);
    executor.spawn(async move {
        for child in 0..3 {
            let log = Arc::clone(&parent_log);
            spawner.spawn(async move {
                YieldOnce::default().await;
                log.lock().unwrap().push(format!("child {child}"));
            });
        }
        parent_log.lock().unwrap().push("parent".to_owned());
    });
    executor.run();
    assert_eq!(*log.lock().unwrap(), ["parent", "child 0", "child 1", "child 2"]);
}

#[test]
fn a_task_woken_twice_is_polled_twice_and_a_finished_one_is_skipped() {
    let polls = Arc::new(Mutex::new(0));
    let executor = Executor::new();
    let counter = Arc::clone(&polls);
    let task = executor.spawn(poll_fn(move |cx| {
        *counter.lock().unwrap() += 1;
        if *counter.lock().unwrap() == 1 {
            // Two wake-ups before the next poll: the task is queued twice.
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }));
    executor.run();
    // The second queued copy found the future gone (None) and was skipped: two polls, not three.
    assert_eq!(*polls.lock().unwrap(), 2);
    assert!(task.upgrade().is_none());
}

#[test]
fn a_waker_held_outside_keeps_its_task_and_so_run_waiting() {
    let (stash, stashed) = mpsc::channel::<Waker>();
    let (done, finished) = mpsc::channel();
    let (dropped_on, dropping_thread) = mpsc::channel();
    let runner = thread::spawn(move || {
        let executor = Executor::new();
        let guard = SaysWhereItIsDropped(dropped_on);
        let task = executor.spawn(poll_fn(move |cx| {
            let _owned_by_the_future = &guard;
            // Pending forever; its only waker is handed out, and never woken.
            let _ = stash.send(cx.waker().clone());
            Poll::<()>::Pending
        }));
        executor.run();
        done.send(task.upgrade().is_none()).unwrap();
    });
    let waker = stashed.recv().unwrap();
    // The task is still reachable through that waker: `run` cannot say no task is left.
    assert!(finished.recv_timeout(Duration::from_millis(200)).is_err());
    // Dropping the waker drops the last `Arc` of the task, its future, and its `Sender`:
    // the channel is disconnected and `run` returns.
    drop(waker);
    // The future was dropped here, on the thread that dropped the waker, not on `run`'s.
    let this_thread = thread::current().id();
    assert_eq!(dropping_thread.recv().unwrap(), this_thread);
    assert_ne!(runner.thread().id(), this_thread);
    assert!(finished.recv().unwrap(), "the task is gone when run returns");
    runner.join().unwrap();
}

/// Sends the id of the thread that drops it.
struct SaysWhereItIsDropped(mpsc::Sender<thread::ThreadId>);

impl Drop for SaysWhereItIsDropped {
    fn drop(&mut self) {
        let _ = self.0.send(thread::current().id());
    }
}

#[test]
fn dropping_an_executor_that_never_ran_drops_its_tasks() {
    let executor = Executor::new();
    let (token, alive) = {
        let token = Arc::new(());
        let alive = Arc::downgrade(&token);
        (token, alive)
    };
    let task = executor.spawn(async move {
        let _token = token;
    });
    assert!(task.upgrade().is_some());
    drop(executor);
    // The receiver's drop discards the queued tasks, and with them the futures.
    assert!(task.upgrade().is_none());
    assert!(alive.upgrade().is_none());
}

#[test]
fn spawning_onto_an_executor_that_is_gone_drops_the_task_at_once() {
    let executor = Executor::new();
    let spawner = executor.spawner();
    drop(executor);
    let task = spawner.spawn(async {});
    assert!(task.upgrade().is_none());
}

#[test]
fn run_returns_at_once_when_nothing_was_spawned() {
    Executor::new().run();
}
