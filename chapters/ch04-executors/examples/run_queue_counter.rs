//! Three tasks on the run-queue executor share a counter and yield after each step:
//! `cargo run -p ch04-executors --example run_queue_counter`.
//!
//! They take turns in the order they were woken; `run` returns when the last task is done, and
//! the `Weak` that `spawn` returned shows that no task survived it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ch04_executors::{Executor, YieldOnce};

fn main() {
    let counter = Arc::new(AtomicUsize::new(0));
    let executor = Executor::new();
    let tasks: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|name| {
            let counter = Arc::clone(&counter);
            executor.spawn(async move {
                for step in 1..=3 {
                    let total = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    println!("task {name}, step {step}: counter = {total}");
                    YieldOnce::default().await;
                }
            })
        })
        .collect();
    executor.run();
    let alive = tasks.iter().filter(|task| task.upgrade().is_some()).count();
    println!("run returned: counter = {}, tasks still alive = {alive}", counter.load(Ordering::SeqCst));
}
