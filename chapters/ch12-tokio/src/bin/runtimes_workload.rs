//! `runtimes_workload run RUNTIME WORKLOAD RUNS`: the program callgrind watches for the page's
//! section "The same four slots in five runtimes". On one runtime (`book`, `local_pool`, `tokio`,
//! `async_task`, `embassy`), made and warmed up before counting starts, it runs one workload:
//!
//! - `spawn`: `RUNS` tasks of `Yields { left: 0 }`, each spawned and run to its end (one poll);
//!   on the book's executor, whose `run` takes it by value and returns when no task is left, all
//!   `RUNS` are spawned on one executor, then it runs them: each task is spawned, queued, polled
//!   once and dropped, but they wait in the queue together, not one after another;
//! - `yield`: one task of `Yields { left: RUNS }`: `RUNS` times a wake by reference from inside
//!   the task's poll, `Pending`, and the runtime's next poll of it;
//! - `slots`: one task of `Slots { left: RUNS }`: `RUNS` polls, each cloning the waker and
//!   dropping the clone, then cloning it again and waking the clone by value.
//!
//! `examples/runtimes_measure.rs` builds it with the listings' flags and counts, in each, the
//! loop (`runtimes_workload::counted`) or one of the runtime's waker functions. Each figure is a
//! difference of two runs, so what a run does once cancels out: on the book's executor, which
//! cannot be made once for many calls, the making and dropping of an executor and its channel in
//! each `yield` or `slots` run.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::process::ExitCode;
use std::task::{Context, Poll};

use ch12_tokio::runtimes::{
    Finished, TaskStorage, Yields, run_all_on_book_executor, run_on_async_task, run_on_book_executor, run_on_embassy,
    run_on_local_pool, run_on_tokio, tokio_runtime,
};

/// Callgrind discards every count made before the program first enters this function
/// (`--zero-before`): the runtime's making and the warm-up run before it are not measured.
#[inline(never)]
fn start_counting() {
    black_box(());
}

/// A task that, `left` times, clones its waker and drops the clone, then clones it and wakes
/// the clone by value (which also gives the clone's count back), and answers `Pending`.
struct Slots {
    left: u32,
}

impl Future for Slots {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.left == 0 {
            return Poll::Ready(());
        }
        self.left -= 1;
        drop(black_box(cx.waker().clone()));
        black_box(cx.waker().clone()).wake();
        Poll::Pending
    }
}

static EMBASSY_SLOTS: TaskStorage<Finished<Slots>> = TaskStorage::new();
static EMBASSY_YIELDS: TaskStorage<Finished<Yields>> = TaskStorage::new();

/// One runtime, made once (but the book's executor, made by each run): how it runs a task to
/// its end.
enum Runtime {
    Book,
    LocalPool,
    Tokio(tokio::runtime::Runtime),
    AsyncTask,
    Embassy,
}

impl Runtime {
    fn named(name: &str) -> Option<Runtime> {
        Some(match name {
            "book" => Runtime::Book,
            "local_pool" => Runtime::LocalPool,
            "tokio" => Runtime::Tokio(tokio_runtime()),
            "async_task" => Runtime::AsyncTask,
            "embassy" => Runtime::Embassy,
            _ => return None,
        })
    }

    fn yields(&self, left: u32) {
        match self {
            Runtime::Book => run_on_book_executor(Yields { left }),
            Runtime::LocalPool => run_on_local_pool(Yields { left }),
            Runtime::Tokio(runtime) => run_on_tokio(runtime, Yields { left }),
            Runtime::AsyncTask => run_on_async_task(Yields { left }),
            Runtime::Embassy => run_on_embassy(&EMBASSY_YIELDS, Yields { left }),
        }
    }

    fn slots(&self, left: u32) {
        match self {
            Runtime::Book => run_on_book_executor(Slots { left }),
            Runtime::LocalPool => run_on_local_pool(Slots { left }),
            Runtime::Tokio(runtime) => run_on_tokio(runtime, Slots { left }),
            Runtime::AsyncTask => run_on_async_task(Slots { left }),
            Runtime::Embassy => run_on_embassy(&EMBASSY_SLOTS, Slots { left }),
        }
    }
}

/// What callgrind counts in for a workload's totals: the whole of it, and nothing before.
#[inline(never)]
fn counted(runtime: &Runtime, workload: &str, runs: u32) {
    match workload {
        // One executor of the book's for all the tasks: one each would count its making and
        // dropping, with its channel's, in every task.
        "spawn" if matches!(runtime, Runtime::Book) => {
            run_all_on_book_executor((0..runs).map(|_| Yields { left: black_box(0) }));
        }
        "spawn" => {
            for _ in 0..runs {
                runtime.yields(black_box(0));
            }
        }
        "yield" => runtime.yields(black_box(runs)),
        _ => runtime.slots(black_box(runs)),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let usage = || {
        eprintln!(
            "usage: runtimes_workload run book|local_pool|tokio|async_task|embassy spawn|yield|slots RUNS (given {args:?})"
        );
        ExitCode::FAILURE
    };
    let ["run", runtime, workload, runs] = args.as_slice() else { return usage() };
    let (Some(runtime), true, Ok(runs)) =
        (Runtime::named(runtime), ["spawn", "yield", "slots"].contains(workload), runs.parse::<u32>())
    else {
        return usage();
    };
    // The warm-up: every path once (the queues grow, thread-locals are made).
    counted(&runtime, workload, 2);
    start_counting();
    counted(&runtime, workload, runs);
    // Out at once: what the runtime frees on its way out is not the workload's.
    std::process::exit(0)
}
