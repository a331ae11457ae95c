//! The same future on five runtimes: the book's (chapter 4's executor, a crate of its own; its
//! waker's listings are taken from there), `futures`' `LocalPool`, tokio's current-thread
//! runtime, `async-task` (smol's task) and `embassy-executor` on a std thread. Each `run_on_*`
//! spawns [`Yields`] and runs it to the end; `tests/runtimes.rs` counts what a task allocates and
//! lists each runtime's waker vtable, and `src/bin/runtimes_workload.rs` is what callgrind counts.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

pub use embassy_executor::raw::TaskStorage;

// ANCHOR: yields
/// The one future every runtime is given: `left` times it wakes its own task by reference
/// and answers `Pending` (a yield: the runtime polls it again), then it answers `Ready`.
pub struct Yields {
    pub left: u32,
}

impl Future for Yields {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.left == 0 {
            return Poll::Ready(());
        }
        self.left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: yields

/// A task that calls each of its waker's four slots once, in its first poll, through
/// `Waker`'s methods (`tests/runtimes.rs` runs it on every runtime).
pub struct EveryWakerSlot {
    pub first: bool,
}

impl Future for EveryWakerSlot {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.first {
            return Poll::Ready(());
        }
        self.first = false;
        // clone, then drop the clone; clone, then wake by value (the clone's count is given
        // back by `wake`); wake by reference: the task is polled once more.
        let clone: Waker = std::hint::black_box(cx.waker().clone());
        drop(clone);
        std::hint::black_box(cx.waker().clone()).wake();
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

// The same future on each runtime, by name: the listings of `async-task`'s waker functions,
// which are generic, are the instances these make.

/// [`Yields`] on an executor of chapter 4 made for it.
pub fn yields_on_book_executor(left: u32) {
    run_on_book_executor(Yields { left });
}

/// [`Yields`] on this thread's `LocalPool`.
pub fn yields_on_local_pool(left: u32) {
    run_on_local_pool(Yields { left });
}

/// [`Yields`] on a current-thread runtime made for it.
pub fn yields_on_tokio(left: u32) {
    run_on_tokio(&tokio_runtime(), Yields { left });
}

/// [`Yields`] as an `async-task` task.
pub fn yields_on_async_task(left: u32) {
    run_on_async_task(Yields { left });
}

/// [`Yields`] in embassy's static task.
pub fn yields_on_embassy(left: u32) {
    run_on_embassy(&EMBASSY_YIELDS, Yields { left });
}

// ---- the book's executor (chapter 4's run queue) -----------------------------------------

/// Spawns `future` on a new executor of chapter 4 and runs it until no task is left.
///
/// Its `run` takes the executor by value and returns when every task is done, so each call
/// makes an executor, with its channel, and drops it: a cost of the call, not of the task.
pub fn run_on_book_executor(future: impl Future<Output = ()> + Send + 'static) {
    run_all_on_book_executor([future]);
}

/// Spawns every one of `futures` on one new executor of chapter 4, then runs it until no task
/// is left: the tasks wait in its queue together and are polled in the order they were spawned.
pub fn run_all_on_book_executor<F: Future<Output = ()> + Send + 'static>(futures: impl IntoIterator<Item = F>) {
    let executor = ch04_executors::Executor::new();
    for future in futures {
        executor.spawn(future);
    }
    executor.run();
}

// ---- futures' LocalPool ------------------------------------------------------------------

thread_local! {
    /// This thread's pool, made on first use and used again, as the other runtimes are.
    static LOCAL_POOL: RefCell<futures::executor::LocalPool> = RefCell::new(futures::executor::LocalPool::new());
}

/// Spawns `future` on this thread's `LocalPool` and runs the pool until every task is done.
pub fn run_on_local_pool(future: impl Future<Output = ()> + 'static) {
    use futures::task::LocalSpawnExt;
    LOCAL_POOL.with_borrow_mut(|pool| {
        pool.spawner().spawn_local(future).expect("the pool is alive");
        pool.run();
    });
}

// ---- tokio, current-thread ---------------------------------------------------------------

/// A current-thread runtime with nothing enabled (no I/O, no timers): the scheduler alone.
pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().expect("a current-thread runtime builds")
}

/// Spawns `future` on `runtime` and blocks until its task is done.
pub fn run_on_tokio(runtime: &tokio::runtime::Runtime, future: impl Future<Output = ()> + Send + 'static) {
    let handle = runtime.spawn(future);
    runtime.block_on(handle).expect("the task does not panic");
}

// ---- async-task: a task and a queue, the executor is ours ---------------------------------

thread_local! {
    /// The run queue of this thread's `async-task` tasks. `async_task::spawn` asks for a
    /// `Send + Sync` schedule function; ours reaches the queue of the thread it runs on,
    /// which is the task's (every wake here comes from inside the task's own poll).
    static ASYNC_TASK_QUEUE: RefCell<VecDeque<async_task::Runnable>> = const { RefCell::new(VecDeque::new()) };
}

/// What `async-task` calls when a task is woken: put its `Runnable` on the queue.
fn schedule(runnable: async_task::Runnable) {
    ASYNC_TASK_QUEUE.with_borrow_mut(|queue| queue.push_back(runnable));
}

/// Spawns `future` with `async_task::spawn`, then runs the queue until it is empty.
pub fn run_on_async_task(future: impl Future<Output = ()> + Send + 'static) {
    let (runnable, task) = async_task::spawn(future, schedule);
    task.detach();
    runnable.schedule();
    while let Some(runnable) = ASYNC_TASK_QUEUE.with_borrow_mut(VecDeque::pop_front) {
        runnable.run();
    }
}

// ---- embassy-executor on a std thread ----------------------------------------------------

/// A future that raises [`EMBASSY_DONE`] when `future` is done: embassy's executor runs
/// until a flag says to stop. The flag is a static, so `Finished<F>` is as big as `F`.
pub struct Finished<F> {
    pub future: F,
}

/// Raised by a [`Finished`] future when its own is done.
pub static EMBASSY_DONE: AtomicBool = AtomicBool::new(false);

impl<F: Future<Output = ()>> Future for Finished<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `future` is pinned with `self` and never moved out (structural pinning).
        let future = unsafe { self.map_unchecked_mut(|finished| &mut finished.future) };
        let done = future.poll(cx);
        if done.is_ready() {
            EMBASSY_DONE.store(true, Ordering::Relaxed);
        }
        done
    }
}

/// The static task embassy runs [`Yields`] in: spawning it allocates nothing, and one
/// `TaskStorage` holds one task at a time.
pub static EMBASSY_YIELDS: TaskStorage<Finished<Yields>> = TaskStorage::new();
/// The static task for [`EveryWakerSlot`].
pub static EMBASSY_EVERY_SLOT: TaskStorage<Finished<EveryWakerSlot>> = TaskStorage::new();

thread_local! {
    /// This thread's embassy executor, made on first use and never freed: `run_until` wants
    /// it `&'static mut`.
    static EMBASSY_EXECUTOR: Cell<*mut embassy_executor::Executor> = const { Cell::new(std::ptr::null_mut()) };
}

/// Spawns `future` into the static `storage` and runs this thread's embassy executor until
/// the task is done.
///
/// One thread at a time (the caller's to ensure): the tasks and the flag are statics, which
/// threads running this at once would share.
pub fn run_on_embassy<F: Future<Output = ()> + 'static>(storage: &'static TaskStorage<Finished<F>>, future: F) {
    let executor = EMBASSY_EXECUTOR.with(|executor| {
        if executor.get().is_null() {
            executor.set(Box::leak(Box::new(embassy_executor::Executor::new())));
        }
        executor.get()
    });
    EMBASSY_DONE.store(false, Ordering::Relaxed);
    let token = storage.spawn(|| Finished { future }).expect("the static task is free: the last run finished");
    // SAFETY: the executor was leaked, so it lives for ever; it belongs to this thread and
    // `run_until` returns before this function does, so no other `&mut` to it is alive.
    let executor: &'static mut embassy_executor::Executor = unsafe { &mut *executor };
    executor.run_until(|spawner| spawner.spawn(token), || EMBASSY_DONE.load(Ordering::Relaxed));
}
