//! The section "`spawn`'s bounds": the task outlives the code that spawned it (`'static`), a
//! worker thread polls it (`Send`), and a `LocalSet` polls its tasks on its own thread (so
//! `spawn_local` asks for `'static` only). The `compile_fail` blocks of the page are the
//! page's doc-tests (`cargo test -p ch12-tokio --doc`).

use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

fn thread_name() -> Option<String> {
    std::thread::current().name().map(str::to_owned)
}

#[test]
fn spawn_a_task_outlives_the_function_that_spawned_it_and_its_join_handle() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let (done_tx, done) = tokio::sync::oneshot::channel();
    // The spawning function returns at once, and the JoinHandle is dropped: the task runs on.
    fn spawn_and_forget(done: tokio::sync::oneshot::Sender<String>) {
        let name = String::from("owned by the task");
        let handle = tokio::spawn(async move {
            tokio::task::yield_now().await;
            let _ = done.send(name);
        });
        drop(handle);
    }
    let got = runtime.block_on(async {
        spawn_and_forget(done_tx);
        tokio::time::timeout(Duration::from_secs(5), done).await.expect("in time").unwrap()
    });
    assert_eq!(got, "owned by the task");
}

#[test]
fn spawn_on_the_multi_thread_runtime_the_task_is_polled_on_worker_threads_not_the_spawners() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ch12-worker")
        .enable_time()
        .build()
        .unwrap();
    let polled_on: Arc<Mutex<Vec<(ThreadId, Option<String>)>>> = Arc::default();
    let seen = polled_on.clone();
    let handle = runtime.spawn(async move {
        for _ in 0..4 {
            seen.lock().unwrap().push((std::thread::current().id(), thread_name()));
            tokio::task::yield_now().await;
        }
    });
    runtime.block_on(async { tokio::time::timeout(Duration::from_secs(5), handle).await }).unwrap().unwrap();
    let polled_on = polled_on.lock().unwrap();
    assert_eq!(polled_on.len(), 4);
    let here = std::thread::current().id();
    assert!(polled_on.iter().all(|(id, name)| *id != here && name.as_deref() == Some("ch12-worker")), "{polled_on:?}");
}

#[test]
fn spawn_local_polls_a_task_holding_an_rc_across_an_await_on_the_local_sets_own_thread() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let local = tokio::task::LocalSet::new();
    let here = std::thread::current().id();
    let polled_on = local.block_on(&runtime, async move {
        let handle = tokio::task::spawn_local(async {
            let shared = Rc::new(std::thread::current().id());
            tokio::task::yield_now().await; // the Rc is held across this await: not Send
            (*shared, std::thread::current().id())
        });
        tokio::time::timeout(Duration::from_secs(5), handle).await.expect("in time").unwrap()
    });
    assert_eq!(polled_on, (here, here));
}

#[test]
fn spawn_local_outside_a_local_set_panics_at_run_time_not_at_compile_time() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(async {
            let _ = tokio::task::spawn_local(async {});
        })
    }));
    assert!(panicked.is_err());
}
