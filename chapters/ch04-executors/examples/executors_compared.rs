//! The same three tasks on our two executors and on futures' `block_on` and `LocalPool`:
//! `cargo run -p ch04-executors --example executors_compared`.
//!
//! Each task adds one to a shared counter and yields, three times; the line shows the order in
//! which the steps ran and the final count. `block_on` runs one future, so there the three
//! tasks are joined into one with `futures::future::join_all`.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use ch04_executors::{Executor, YieldOnce, block_on};
use futures::executor::LocalPool;
use futures::future::join_all;
use futures::task::{LocalSpawnExt, SpawnExt};

/// What the tasks share: a counter and the log of the steps, both behind one `Mutex`.
type Shared = Arc<Mutex<(u32, Vec<String>)>>;

async fn task(name: &'static str, shared: Shared) {
    for step in 1..=3 {
        {
            let mut shared = shared.lock().unwrap();
            shared.0 += 1;
            shared.1.push(format!("{name}{step}"));
        }
        YieldOnce::default().await;
    }
}

fn tasks(shared: &Shared) -> Vec<impl Future<Output = ()> + Send + 'static> {
    ["a", "b", "c"].into_iter().map(|name| task(name, Arc::clone(shared))).collect()
}

fn report(executor: &str, shared: &Shared) {
    let shared = shared.lock().unwrap();
    println!("{executor:<36} {}  -> counter {}", shared.1.join(" "), shared.0);
}

fn main() {
    let shared = Shared::default();
    block_on(join_all(tasks(&shared)));
    report("ch04 block_on(join_all(..))", &shared);

    let shared = Shared::default();
    futures::executor::block_on(join_all(tasks(&shared)));
    report("futures block_on(join_all(..))", &shared);

    let shared = Shared::default();
    let executor = Executor::new();
    for task in tasks(&shared) {
        executor.spawn(task);
    }
    executor.run();
    report("ch04 Executor, 3 tasks", &shared);

    let shared = Shared::default();
    let mut pool = LocalPool::new();
    for task in tasks(&shared) {
        pool.spawner().spawn(task).unwrap();
    }
    pool.run();
    report("futures LocalPool, 3 tasks", &shared);

    // What only LocalPool can do: tasks that share an Rc<Cell<u32>>, which is not Send.
    let counter = Rc::new(Cell::new(0));
    let mut pool = LocalPool::new();
    for _ in 0..3 {
        let counter = Rc::clone(&counter);
        pool.spawner()
            .spawn_local(async move {
                for _ in 0..3 {
                    counter.set(counter.get() + 1);
                    YieldOnce::default().await;
                }
            })
            .unwrap();
    }
    pool.run();
    println!("futures LocalPool, 3 tasks sharing an Rc<Cell<u32>> (not Send): counter {}", counter.get());
}
