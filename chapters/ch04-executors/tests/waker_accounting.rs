//! Every executor of the chapter, ours and futures', driving the same workload: every clone of
//! a waker that a leaf made is dropped, and no task or future outlives the executor.
//!
//! The workload's leaves count their clones and the drops of those clones; each worker holds a
//! token whose `Weak` dies with the worker's future; the run queue also hands out a `Weak` of
//! every task it spawns.

mod common;

use std::mem;

use ch04_executors::{Executor, block_on, simple_block_on};
use common::{CountedWaker, CountingYield, WakerCounts, Workload, round_robin};
use futures::executor::LocalPool;
use futures::future::join_all;
use futures::task::SpawnExt;

const WORKERS: usize = 3;
const ROUNDS: u32 = 4;

fn workers(workload: &mut Workload) -> Vec<impl Future<Output = ()> + Send + 'static> {
    (0..WORKERS).map(|id| workload.worker(id, ROUNDS)).collect()
}

#[test]
fn simple_block_on_balances_waker_clones_and_leaves_no_future_alive() {
    let mut workload = Workload::new();
    simple_block_on(join_all(workers(&mut workload)));
    assert_eq!(workload.count(), WORKERS * ROUNDS as usize);
    workload.assert_all_released();
}

#[test]
fn block_on_balances_waker_clones_and_leaves_no_future_alive() {
    let mut workload = Workload::new();
    block_on(join_all(workers(&mut workload)));
    assert_eq!(workload.count(), WORKERS * ROUNDS as usize);
    workload.assert_all_released();
}

#[test]
fn the_run_queue_balances_waker_clones_and_leaves_no_task_alive() {
    let mut workload = Workload::new();
    let executor = Executor::new();
    let tasks: Vec<_> = workers(&mut workload).into_iter().map(|worker| executor.spawn(worker)).collect();
    assert!(tasks.iter().all(|task| task.upgrade().is_some()), "spawned, not yet run");
    executor.run();
    assert_eq!(workload.count(), WORKERS * ROUNDS as usize);
    workload.assert_all_released();
    assert!(tasks.iter().all(|task| task.upgrade().is_none()), "a task outlived run");
}

#[test]
fn the_run_queue_frees_tasks_spawned_by_tasks() {
    let mut workload = Workload::new();
    let executor = Executor::new();
    let spawner = executor.spawner();
    let children: Vec<_> = workers(&mut workload).into_iter().collect();
    let (sender, receiver) = std::sync::mpsc::channel();
    executor.spawn(async move {
        for child in children {
            sender.send(spawner.spawn(child)).unwrap();
        }
    });
    executor.run();
    let children: Vec<_> = receiver.try_iter().collect();
    assert_eq!(children.len(), WORKERS);
    assert!(children.iter().all(|task| task.upgrade().is_none()));
    workload.assert_all_released();
}

#[test]
fn futures_block_on_balances_waker_clones_and_leaves_no_future_alive() {
    let mut workload = Workload::new();
    futures::executor::block_on(join_all(workers(&mut workload)));
    assert_eq!(workload.count(), WORKERS * ROUNDS as usize);
    workload.assert_all_released();
}

#[test]
fn futures_local_pool_balances_waker_clones_and_leaves_no_future_alive() {
    let mut workload = Workload::new();
    let mut pool = LocalPool::new();
    for worker in workers(&mut workload) {
        pool.spawner().spawn(worker).unwrap();
    }
    pool.run();
    assert_eq!(workload.count(), WORKERS * ROUNDS as usize);
    workload.assert_all_released();
    assert_eq!(workload.log(), round_robin(WORKERS, ROUNDS));
}

#[test]
fn the_accounting_notices_a_forgotten_clone() {
    // The check above is not vacuous: a leaf that forgets one clone leaves the counts unequal.
    let counts = WakerCounts::new();
    block_on(async {
        CountingYield::new(1, &counts).await;
        std::future::poll_fn(|cx| {
            mem::forget(CountedWaker::clone_of(cx.waker(), &counts));
            std::task::Poll::Ready(())
        })
        .await;
    });
    assert_eq!(counts.clones(), counts.drops() + 1);
}
