//! Our executors and futures' `block_on` and `LocalPool` on the same workloads: the same
//! results, and where they differ.

mod common;

use std::cell::Cell;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use ch04_executors::{Executor, YieldOnce, block_on, off_thread, simple_block_on};
use common::{Workload, round_robin};
use futures::executor::LocalPool;
use futures::future::join_all;
use futures::task::{LocalSpawnExt, SpawnExt};

const WORKERS: usize = 3;
const ROUNDS: u32 = 5;

/// Runs the workload on one executor and returns the counter and the log.
fn run_on(executor: &str) -> (usize, Vec<(usize, u32)>) {
    let mut workload = Workload::new();
    let workers: Vec<_> = (0..WORKERS).map(|id| workload.worker(id, ROUNDS)).collect();
    match executor {
        "simple_block_on" => drop(simple_block_on(join_all(workers))),
        "block_on" => drop(block_on(join_all(workers))),
        "futures::executor::block_on" => drop(futures::executor::block_on(join_all(workers))),
        "Executor" => {
            let run_queue = Executor::new();
            for worker in workers {
                run_queue.spawn(worker);
            }
            run_queue.run();
        }
        "LocalPool" => {
            let mut pool = LocalPool::new();
            for worker in workers {
                pool.spawner().spawn(worker).unwrap();
            }
            pool.run();
        }
        other => unreachable!("{other}"),
    }
    workload.assert_all_released();
    (workload.count(), workload.log())
}

#[test]
fn every_executor_counts_to_the_same_total_with_the_workers_taking_turns() {
    for executor in ["simple_block_on", "block_on", "futures::executor::block_on", "Executor", "LocalPool"] {
        let (count, log) = run_on(executor);
        assert_eq!(count, WORKERS * ROUNDS as usize, "{executor}");
        assert_eq!(log, round_robin(WORKERS, ROUNDS), "{executor}");
    }
}

#[test]
fn both_block_ons_return_what_futures_block_on_returns() {
    let work = || async {
        YieldOnce::default().await;
        let a = off_thread(|| 6).await;
        YieldOnce::default().await;
        a * off_thread(|| 7).await
    };
    let expected = futures::executor::block_on(work());
    assert_eq!(expected, 42);
    assert_eq!(block_on(work()), expected);
    assert_eq!(simple_block_on(work()), expected);
}

#[test]
fn local_pool_runs_a_future_that_is_not_send() {
    // `Rc` and `Cell` are not `Send`: our run queue refuses this future (see the page's
    // compile_fail example), LocalPool's `spawn_local` takes it.
    let count = Rc::new(Cell::new(0));
    let mut pool = LocalPool::new();
    for _ in 0..3 {
        let count = Rc::clone(&count);
        pool.spawner()
            .spawn_local(async move {
                count.set(count.get() + 1);
                YieldOnce::default().await;
                count.set(count.get() + 1);
            })
            .unwrap();
    }
    pool.run();
    assert_eq!(count.get(), 6);
    assert_eq!(Rc::strong_count(&count), 1, "every task, and its Rc, is gone");
}

#[test]
fn the_same_send_future_counts_the_same_on_the_run_queue_and_on_local_pool() {
    let on_run_queue = Arc::new(AtomicUsize::new(0));
    let on_pool = Arc::new(AtomicUsize::new(0));
    let task = |counter: Arc<AtomicUsize>| async move {
        for _ in 0..4 {
            counter.fetch_add(1, Ordering::SeqCst);
            YieldOnce::default().await;
        }
    };
    let executor = Executor::new();
    let mut pool = LocalPool::new();
    for _ in 0..3 {
        executor.spawn(task(Arc::clone(&on_run_queue)));
        pool.spawner().spawn(task(Arc::clone(&on_pool))).unwrap();
    }
    executor.run();
    pool.run();
    assert_eq!(on_run_queue.load(Ordering::SeqCst), 12);
    assert_eq!(on_pool.load(Ordering::SeqCst), 12);
}

#[test]
#[should_panic(expected = "cannot execute `LocalPool` executor from within another executor")]
fn futures_block_on_refuses_to_nest() {
    futures::executor::block_on(async { futures::executor::block_on(async {}) });
}

#[test]
fn a_task_nobody_can_wake_is_freed_by_the_run_queue_and_kept_by_local_pool() {
    // Pending, and its waker dropped at once: nothing can ever wake this task.
    let abandoned = |token: Arc<()>| {
        poll_fn(move |_| {
            let _keep = &token;
            Poll::<()>::Pending
        })
    };

    // Our tasks belong to the queue and to their wakers: with neither left, the task is freed
    // (its future dropped, unfinished) and `run` returns.
    let token = Arc::new(());
    let executor = Executor::new();
    let task = executor.spawn(abandoned(Arc::clone(&token)));
    executor.run();
    assert!(task.upgrade().is_none());
    assert_eq!(Arc::strong_count(&token), 1, "the future was dropped");

    // LocalPool's tasks belong to the pool: it keeps this one (its `run` would wait forever;
    // `run_until_stalled` returns), until the pool itself is dropped.
    let mut pool = LocalPool::new();
    pool.spawner().spawn(abandoned(Arc::clone(&token))).unwrap();
    pool.run_until_stalled();
    assert_eq!(Arc::strong_count(&token), 2, "the pool still holds the future");
    drop(pool);
    assert_eq!(Arc::strong_count(&token), 1);
}
