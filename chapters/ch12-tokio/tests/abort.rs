//! The section "`JoinHandle::abort`": which drop glue runs, when and on which thread, at each
//! suspension point of `task::staged` (as chapter 7 drops a future at each await), on the
//! current-thread runtime and on the multi-thread one.

mod task_support;
use task_support::{bounded, current_thread, multi_thread};

use std::thread::ThreadId;
use std::time::Duration;

use ch12_tokio::task::{Event, Log, Noisy, spawn_staged, staged};
use tokio::sync::{mpsc, oneshot};

/// Where the task is when `abort` is called: before its first poll, or waiting at an `.await`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    NeverPolled,
    Await(u32),
}

/// What a run recorded: the names dropped (in order), the threads they were dropped on, and
/// whether `abort` had returned before the first drop.
#[derive(Debug)]
struct Run {
    dropped: Vec<&'static str>,
    threads: Vec<ThreadId>,
    thread_names: Vec<Option<String>>,
    abort_returned_first: bool,
}

fn read(log: &Log) -> Run {
    let events = log.lock().unwrap().clone();
    let mut run = Run { dropped: vec![], threads: vec![], thread_names: vec![], abort_returned_first: false };
    for event in &events {
        match event {
            Event::Note("abort returned") if run.dropped.is_empty() => run.abort_returned_first = true,
            Event::Dropped { name, thread, thread_name } => {
                run.dropped.push(name);
                run.threads.push(*thread);
                run.thread_names.push(thread_name.clone());
            }
            _ => {}
        }
    }
    run
}

fn note(log: &Log, what: &'static str) {
    log.lock().unwrap().push(Event::Note(what));
}

/// `staged`'s gates and what it says when it reaches a point: the test's ends.
struct Ends {
    reached: mpsc::UnboundedReceiver<u32>,
    gates: Vec<oneshot::Sender<()>>,
}

fn staged_task(log: &Log) -> (impl Future<Output = u32> + Send + 'static, Ends) {
    let (reached_tx, reached) = mpsc::unbounded_channel();
    let (g0_tx, g0) = oneshot::channel();
    let (g1_tx, g1) = oneshot::channel();
    let future = staged(Noisy { name: "arg", log: log.clone() }, reached_tx, [g0, g1]);
    (future, Ends { reached, gates: vec![g0_tx, g1_tx] })
}

/// On the current-thread runtime, `abort` called by the future `block_on` runs, on the
/// runtime's own thread.
fn on_current_thread(point: Point) -> (Run, ThreadId) {
    let runtime = current_thread();
    let log = Log::default();
    bounded(&runtime, async {
        let (future, mut ends) = staged_task(&log);
        let handle = tokio::spawn(future);
        if let Point::Await(k) = point {
            for i in 0..=k {
                assert_eq!(ends.reached.recv().await, Some(i));
                if i < k {
                    ends.gates.remove(0).send(()).unwrap();
                }
            }
        }
        handle.abort();
        note(&log, "abort returned");
        let error = tokio::time::timeout(Duration::from_secs(5), handle).await.expect("in time").unwrap_err();
        assert!(error.is_cancelled());
        drop(ends); // only now: a gate dropped earlier would open it
    });
    (read(&log), std::thread::current().id())
}

#[test]
fn abort_before_the_first_poll_drops_the_argument_at_the_runtimes_next_turn() {
    let (run, this) = on_current_thread(Point::NeverPolled);
    assert_eq!(run.dropped, ["arg"]);
    assert!(run.abort_returned_first);
    assert!(run.threads.iter().all(|t| *t == this));
}

#[test]
fn abort_at_the_first_await_drops_a_then_the_argument() {
    let (run, this) = on_current_thread(Point::Await(0));
    assert_eq!(run.dropped, ["a", "arg"]);
    assert!(run.abort_returned_first);
    assert!(run.threads.iter().all(|t| *t == this));
}

#[test]
fn abort_at_the_second_await_drops_b_a_then_the_argument() {
    let (run, this) = on_current_thread(Point::Await(1));
    assert_eq!(run.dropped, ["b", "a", "arg"]);
    assert!(run.abort_returned_first);
    assert!(run.threads.iter().all(|t| *t == this));
}

#[test]
fn abort_after_the_end_drops_nothing_more_and_the_output_is_still_there() {
    let runtime = current_thread();
    let log = Log::default();
    let output = bounded(&runtime, async {
        let (future, mut ends) = staged_task(&log);
        let handle = tokio::spawn(future);
        for gate in ends.gates.drain(..) {
            gate.send(()).unwrap();
        }
        while !handle.is_finished() {
            tokio::task::yield_now().await;
        }
        let before = read(&log).dropped;
        handle.abort();
        assert_eq!(read(&log).dropped, before, "abort of a finished task drops nothing");
        let _ = ends.reached.try_recv();
        handle.await
    });
    assert_eq!(output.unwrap(), 3, "\"arg\".len()");
    assert_eq!(read(&log).dropped, ["a", "b", "arg"], "the body's own drop((a, b)), then the argument");
}

#[test]
fn abort_from_another_thread_drops_on_the_current_thread_runtimes_own_thread() {
    let runtime = current_thread();
    let log = Log::default();
    let aborter = bounded(&runtime, async {
        let (future, mut ends) = staged_task(&log);
        let handle = tokio::spawn(future);
        assert_eq!(ends.reached.recv().await, Some(0));
        let abort = handle.abort_handle();
        let log2 = log.clone();
        let aborter = std::thread::spawn(move || {
            abort.abort();
            note(&log2, "abort returned");
            std::thread::current().id()
        })
        .join()
        .unwrap();
        let error = tokio::time::timeout(Duration::from_secs(5), handle).await.expect("in time").unwrap_err();
        assert!(error.is_cancelled());
        drop(ends);
        aborter
    });
    let run = read(&log);
    assert_eq!(run.dropped, ["a", "arg"]);
    assert!(run.abort_returned_first);
    assert!(run.threads.iter().all(|t| *t == std::thread::current().id() && *t != aborter));
}

#[test]
fn abort_on_the_multi_thread_runtime_drops_on_a_worker_thread() {
    let runtime = multi_thread();
    for k in [0, 1] {
        let log = Log::default();
        let (reached_tx, reached) = mpsc::unbounded_channel();
        let (g0_tx, g0) = oneshot::channel();
        let (g1_tx, g1) = oneshot::channel();
        let arg = Noisy { name: "arg", log: log.clone() };
        let handle = spawn_staged(runtime.handle(), arg, reached_tx, [g0, g1]);
        let mut ends = Ends { reached, gates: vec![g0_tx, g1_tx] };
        for i in 0..=k {
            assert_eq!(bounded(&runtime, ends.reached.recv()), Some(i));
            if i < k {
                ends.gates.remove(0).send(()).unwrap();
            }
        }
        handle.abort(); // from the test's thread, outside the runtime
        let error = runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(5), handle).await })
            .expect("in time")
            .unwrap_err();
        assert!(error.is_cancelled());
        drop(ends);
        let run = read(&log);
        assert_eq!(run.dropped, if k == 0 { vec!["a", "arg"] } else { vec!["b", "a", "arg"] });
        assert!(run.thread_names.iter().all(|n| n.as_deref() == Some("ch12-worker")), "{:?}", run.thread_names);
        assert!(run.threads.iter().all(|t| *t != std::thread::current().id()));
    }
}

#[test]
fn abort_the_staged_future_holds_a_at_both_awaits_and_b_at_the_second() {
    let krate = listings::Crate::chapter_with_dependencies(env!("CARGO_PKG_NAME")).unwrap_or_else(|e| panic!("{e}"));
    let listing = listings::stage_of(&krate, listings::Stage::TypeSizes, "{async fn body of task::staged()}")
        .unwrap_or_else(|e| panic!("{e}"));
    let layout = listing.layout.clone().unwrap();
    let locals = |state: &str| -> Vec<String> {
        let variant = layout.variants.iter().find(|v| v.name.as_deref() == Some(state)).unwrap();
        variant.fields.iter().filter(|f| f.kind == "local").map(|f| f.name.clone()).collect()
    };
    assert!(locals("Suspend0").contains(&"a".to_owned()), "{:?}", locals("Suspend0"));
    assert!(!locals("Suspend0").contains(&"b".to_owned()));
    assert!(locals("Suspend1").contains(&"a".to_owned()) && locals("Suspend1").contains(&"b".to_owned()));
    // The argument twice in a suspended state: the upvar, and the local the body moved it into.
    let suspend0 = layout.variants.iter().find(|v| v.name.as_deref() == Some("Suspend0")).unwrap();
    let args: Vec<&str> = suspend0.fields.iter().filter(|f| f.name == "arg").map(|f| f.kind.as_str()).collect();
    assert_eq!(args, ["local", "upvar"]);
    listings::assert_stage_snapshot!("abort_staged_future", listing);
}

#[test]
fn abort_dropping_the_runtime_drops_the_future_there_while_a_kept_waker_holds_only_the_cell() {
    let runtime = current_thread();
    let log = Log::default();
    let task_log = log.clone();
    let slot: std::sync::Arc<std::sync::Mutex<Option<std::task::Waker>>> = Default::default();
    let task_slot = slot.clone();
    bounded(&runtime, async {
        let handle = tokio::spawn(async move {
            let _a = Noisy { name: "a", log: task_log };
            *task_slot.lock().unwrap() = Some(ch12_tokio::task::own_waker().await);
            std::future::pending::<()>().await;
        });
        while slot.lock().unwrap().is_none() {
            tokio::task::yield_now().await;
        }
        drop(handle);
    });
    let waker = slot.lock().unwrap().take().unwrap();
    assert!(read(&log).dropped.is_empty(), "the task is parked, its future whole");
    drop(runtime); // shutdown: the runtime cancels its tasks, on this thread
    let run = read(&log);
    assert_eq!(run.dropped, ["a"]);
    assert_eq!(run.threads, [std::thread::current().id()]);
    // SAFETY: the waker holds a reference: the cell is alive, with its future gone.
    let state = unsafe { ch12_tokio::task::state_of(&waker) };
    assert_eq!(state.refs(), 1, "{state}");
    assert_eq!(state.to_string(), "0x0062: refs 1, COMPLETE | CANCELLED");
    drop(waker); // the last reference: the empty cell is freed here
}

#[test]
fn abort_of_a_running_task_runs_on_past_ready_awaits_until_its_poll_returns_pending_then_drops() {
    let runtime = current_thread();
    let log = Log::default();
    let task_log = log.clone();
    bounded(&runtime, async {
        let (own_tx, own) = oneshot::channel::<tokio::task::AbortHandle>();
        let handle = tokio::spawn(async move {
            let _a = Noisy { name: "a", log: task_log.clone() };
            let own = own.await.unwrap();
            own.abort(); // the task aborts itself, while it runs
            note(&task_log, "abort returned");
            std::future::ready(()).await; // ready at once: the poll goes on
            note(&task_log, "after a ready .await");
            let (ready_tx, ready_rx) = oneshot::channel();
            ready_tx.send(()).unwrap();
            ready_rx.await.unwrap(); // a tokio channel that holds its value: ready too
            note(&task_log, "after a ready tokio oneshot .await");
            tokio::task::yield_now().await; // Pending: the poll ends here; the task is dropped after it
            note(&task_log, "never");
        });
        own_tx.send(handle.abort_handle()).unwrap();
        let error = tokio::time::timeout(Duration::from_secs(5), handle).await.expect("in time").unwrap_err();
        assert!(error.is_cancelled());
    });
    let events = log.lock().unwrap().clone();
    let notes: Vec<&str> = events.iter().filter_map(|e| if let Event::Note(n) = e { Some(*n) } else { None }).collect();
    assert_eq!(notes, ["abort returned", "after a ready .await", "after a ready tokio oneshot .await"]);
    assert_eq!(read(&log).dropped, ["a"]);
    assert!(matches!(events.last(), Some(Event::Dropped { name: "a", .. })), "dropped after the notes: {events:?}");
}

#[test]
fn abort_of_a_running_task_that_then_finishes_in_the_same_poll_leaves_its_output() {
    let runtime = current_thread();
    let output = bounded(&runtime, async {
        let (own_tx, own) = oneshot::channel::<tokio::task::AbortHandle>();
        let handle = tokio::spawn(async move {
            own.await.unwrap().abort(); // aborted while running, then no Pending before the end
            std::future::ready(7).await
        });
        own_tx.send(handle.abort_handle()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), handle).await.expect("in time")
    });
    assert_eq!(output.unwrap(), 7, "the output, not a JoinError");
}
