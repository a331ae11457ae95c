//! The section "`spawn`'s bounds": the task outlives the code that spawned it (`'static`), a
//! worker thread polls it (`Send`), and a `LocalSet` polls its tasks on its own thread (so
//! `spawn_local` asks for `'static` only). The `compile_fail` blocks of the page are the
//! page's doc-tests (`cargo test -p ch12-tokio --doc`).

mod task_support;
use task_support::{bounded, current_thread, multi_thread};

use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

fn thread_name() -> Option<String> {
    std::thread::current().name().map(str::to_owned)
}

#[test]
fn spawn_a_task_outlives_the_function_that_spawned_it_and_its_join_handle() {
    let runtime = current_thread();
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
    let got = bounded(&runtime, async {
        spawn_and_forget(done_tx);
        tokio::time::timeout(Duration::from_secs(5), done).await.expect("in time").unwrap()
    });
    assert_eq!(got, "owned by the task");
}

#[test]
fn spawn_on_the_multi_thread_runtime_the_task_is_polled_on_worker_threads_not_the_spawners() {
    let runtime = multi_thread();
    type Polls = Arc<Mutex<Vec<(ThreadId, Option<String>)>>>;
    let polled_on: Polls = Arc::default();
    let seen = polled_on.clone();
    let handle = runtime.spawn(async move {
        for _ in 0..4 {
            seen.lock().unwrap().push((std::thread::current().id(), thread_name()));
            tokio::task::yield_now().await;
        }
    });
    bounded(&runtime, async { tokio::time::timeout(Duration::from_secs(5), handle).await }).unwrap().unwrap();
    let polled_on = polled_on.lock().unwrap();
    assert_eq!(polled_on.len(), 4);
    let here = std::thread::current().id();
    assert!(polled_on.iter().all(|(id, name)| *id != here && name.as_deref() == Some("ch12-worker")), "{polled_on:?}");
}

#[test]
fn spawn_from_inside_a_worker_the_child_is_first_polled_on_the_spawners_own_thread() {
    // A child spawned from a worker goes into that worker's LIFO slot (multi_thread/worker.rs
    // 1386–1407), which no other worker can steal (480–482): the worker polls it next, once the
    // parent's poll returns Pending on the child's JoinHandle.
    let runtime = multi_thread();
    for _ in 0..10 {
        let handle = runtime.spawn(async {
            let parent = std::thread::current().id();
            let child = tokio::spawn(async { std::thread::current().id() });
            (parent, child.await.unwrap())
        });
        let (parent, child) =
            bounded(&runtime, async { tokio::time::timeout(Duration::from_secs(5), handle).await }).unwrap().unwrap();
        assert_eq!(parent, child);
    }
}

#[test]
fn spawn_the_output_is_made_on_a_worker_and_taken_on_the_thread_that_awaits_the_join_handle() {
    let runtime = multi_thread();
    let here = std::thread::current().id();
    // The output records the thread that made it; `block_on` takes it here, on the test's thread.
    let handle = runtime.spawn(async { (std::thread::current().id(), thread_name()) });
    let (made_on, name) =
        bounded(&runtime, async { tokio::time::timeout(Duration::from_secs(5), handle).await }).unwrap().unwrap();
    assert_ne!(made_on, here);
    assert_eq!(name.as_deref(), Some("ch12-worker"));
    assert_eq!(std::thread::current().id(), here, "taken on the awaiting thread");
}

#[test]
fn spawn_local_polls_a_task_holding_an_rc_across_an_await_on_the_local_sets_own_thread() {
    let runtime = current_thread();
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
    let runtime = current_thread();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        bounded(&runtime, async {
            drop(tokio::task::spawn_local(async {}));
        })
    }));
    assert!(panicked.is_err());
}

// ---- the page's blocks, compiled with the pinned rustc against tokio ------------------------------

/// rustdoc checks that a `compile_fail` block fails, but on a stable compiler not with which error
/// code: these tests compile the page's blocks as a user's crate and read the code rustc gives.
mod page_blocks {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::OnceLock;

    use listings::{Rustc, Workspace};

    const PAGE: &str = include_str!("../../../book/ch12-tokio.md");

    /// The fenced block whose body contains `marker`: its info string and its body.
    fn block_containing(marker: &str) -> (String, String) {
        let mut found = Vec::new();
        let mut lines = PAGE.lines();
        while let Some(line) = lines.next() {
            if let Some(info) = line.strip_prefix("```rust") {
                let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
                let body = body.join("\n");
                if body.contains(marker) {
                    found.push((format!("rust{info}"), body));
                }
            }
        }
        assert_eq!(found.len(), 1, "one block of the page must contain `{marker}`");
        found.remove(0)
    }

    /// The rlibs of tokio beside this test's own binary, newest first.
    fn tokio_candidates() -> Vec<PathBuf> {
        let deps = std::env::current_exe().unwrap().parent().unwrap().to_owned();
        let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&deps)
            .unwrap()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("libtokio-") && n.ends_with(".rlib"))
            })
            .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
            .collect();
        found.sort();
        found.into_iter().rev().map(|(_, p)| p).collect()
    }

    /// What rustc prints for `code` as a library crate using `tokio` at `rlib`: its error lines
    /// (`error[E0597]: …` or `error: …`, one line each) and the whole text.
    fn errors(code: &str, rlib: &Path) -> (Vec<String>, String) {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
        let scratch = workspace.scratch_dir("ch12-spawn-blocks").unwrap_or_else(|e| panic!("{e}"));
        let file = scratch.path().join("user.rs");
        std::fs::write(&file, code).unwrap();
        let output = Command::new(&rustc.path)
            .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "user", "--emit=metadata"])
            .arg("--out-dir")
            .arg(scratch.path())
            .arg("--extern")
            .arg(format!("tokio={}", rlib.display()))
            .arg(format!("-Ldependency={}", rlib.parent().unwrap().display()))
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let headers = stderr
            .lines()
            .filter(|l| l.starts_with("error") && !l.starts_with("error: aborting"))
            .map(str::to_owned)
            .collect();
        (headers, stderr)
    }

    /// The tokio this test was built with: the newest rlib with which the page's block that
    /// must compile compiles.
    fn tokio() -> &'static Path {
        static TOKIO: OnceLock<PathBuf> = OnceLock::new();
        TOKIO.get_or_init(|| {
            let (_, body) = block_containing("local.spawn_local(async {");
            tokio_candidates()
                .into_iter()
                .find(|rlib| errors(&body, rlib).0.is_empty())
                .expect("a tokio rlib beside the test with which the spawn_local block compiles")
        })
    }

    #[test]
    fn spawn_of_a_future_borrowing_a_local_is_refused_with_e0597() {
        let (info, body) = block_containing("tokio::spawn(length(&name));");
        assert_eq!(info, "rust,compile_fail,E0597");
        let (headers, text) = errors(&body, tokio());
        assert_eq!(headers, ["error[E0597]: `name` does not live long enough"]);
        assert!(text.contains("argument requires that `name` is borrowed for `'static`"), "{text}");
    }

    #[test]
    fn spawn_of_a_non_send_future_is_refused_inside_a_current_thread_runtime_too() {
        let (info, body) = block_containing("tokio::task::yield_now().await; // one thread only, and still refused");
        assert!(body.contains("new_current_thread()") && body.contains("runtime.block_on(async {"), "{body}");
        assert_eq!(info, "rust,compile_fail");
        let (headers, text) = errors(&body, tokio());
        assert_eq!(headers, ["error: future cannot be sent between threads safely"]);
        assert!(text.contains("`Rc<i32>`") && text.contains("await occurs here"), "{text}");
    }

    #[test]
    fn spawn_of_a_future_holding_an_rc_across_an_await_is_refused_without_an_error_code() {
        let (info, body) = block_containing("tokio::task::yield_now().await; // the Rc is held across this await");
        assert_eq!(info, "rust,compile_fail", "rustc gives this error no code: the block can name none");
        let (headers, text) = errors(&body, tokio());
        assert_eq!(headers, ["error: future cannot be sent between threads safely"]);
        assert!(text.contains("`Rc<i32>`") && text.contains("await occurs here"), "{text}");
    }
}
