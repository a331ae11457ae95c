//! # Chapter 12: tokio, down to the machine code
//!
//! The runtime most readers use, taken apart with the book's tools: its task in memory and the
//! state word, its waker's vtable, why `spawn` asks for `Send + 'static`, what `abort` drops,
//! the coop budget and `yield_now`, `select!` in a loop, a lock held across an `.await`; then the
//! same four waker slots in five runtimes.
//!
//! Unlike the earlier chapters, this library needs tokio (pinned in `Cargo.lock`): its listings
//! link no Compiler Explorer page.

// ---- a tokio task in memory, its waker, spawn and abort ----------------------------------------

/// A tokio task in memory, its waker, `spawn`'s bounds and `abort`: the futures the section
/// spawns, and a reader of a task's state word through its waker.
pub mod task {
    use std::future::poll_fn;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Poll, Waker};

    use tokio::sync::oneshot;

    // ANCHOR: known
    /// The known future: four words kept across one `.await`.
    pub async fn known(seed: u64) -> u64 {
        let words = [seed, seed + 1, seed + 2, seed + 3];
        tokio::task::yield_now().await;
        words.iter().sum()
    }

    /// Spawns [`known`] on a runtime's handle: the call that makes this crate instantiate tokio's
    /// task cell for `known`'s future, on both schedulers (`Handle::spawn` picks one at run time).
    pub fn spawn_known(handle: &tokio::runtime::Handle, seed: u64) -> tokio::task::JoinHandle<u64> {
        handle.spawn(known(seed))
    }
    // ANCHOR_END: known

    // ANCHOR: state_bits
    /// tokio's state word, bit by bit (tokio 1.54.1, `src/runtime/task/state.rs`, lines 16–49):
    /// six flags in the low bits, the reference count above them.
    pub mod bits {
        pub const RUNNING: usize = 0b1;
        pub const COMPLETE: usize = 0b10;
        pub const NOTIFIED: usize = 0b100;
        pub const JOIN_INTEREST: usize = 0b1_000;
        pub const JOIN_WAKER: usize = 0b10_000;
        pub const CANCELLED: usize = 0b100_000;
        /// One reference: the first bit above the flags.
        pub const REF_ONE: usize = 1 << 6;
    }
    // ANCHOR_END: state_bits

    /// A task's state word, as read through one of its wakers.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct StateWord(pub usize);

    impl StateWord {
        /// The reference count: the bits above the six flags.
        pub fn refs(self) -> usize {
            self.0 / bits::REF_ONE
        }

        /// The flags that are set, by tokio's names, low bit first.
        pub fn flags(self) -> Vec<&'static str> {
            let names = [
                (bits::RUNNING, "RUNNING"),
                (bits::COMPLETE, "COMPLETE"),
                (bits::NOTIFIED, "NOTIFIED"),
                (bits::JOIN_INTEREST, "JOIN_INTEREST"),
                (bits::JOIN_WAKER, "JOIN_WAKER"),
                (bits::CANCELLED, "CANCELLED"),
            ];
            names.iter().filter(|(bit, _)| self.0 & bit != 0).map(|&(_, name)| name).collect()
        }
    }

    impl std::fmt::Display for StateWord {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:#06x}: refs {}, {}", self.0, self.refs(), self.flags().join(" | "))
        }
    }

    // ANCHOR: state_of
    /// The state word of the task whose waker `waker` is: the first word its data pointer points
    /// at, which is the task's `Header`, whose first field is the state (`core.rs`, lines 126–171).
    ///
    /// # Safety
    /// `waker` must be a waker that tokio made for one of its tasks (a `JoinHandle`'s or a
    /// spawned future's `cx.waker()`), and the task's memory must be alive, as it is while the
    /// waker (or a clone) is held or the task is running.
    pub unsafe fn state_of(waker: &Waker) -> StateWord {
        let state = waker.data().cast::<AtomicUsize>();
        // SAFETY: the caller promises a live tokio task header, whose first field is an
        // `AtomicUsize` (`State { val: AtomicUsize }`, state.rs line 6).
        StateWord(unsafe { (*state).load(Ordering::Acquire) })
    }
    // ANCHOR_END: state_of

    /// The waker the current task was polled with, cloned (a clone takes one reference).
    pub async fn own_waker() -> Waker {
        poll_fn(|cx| Poll::Ready(cx.waker().clone())).await
    }

    /// The state word of the current task, read through the waker it is being polled with (no
    /// clone: tokio's `waker_ref` lends the poll a waker that takes no reference, waker.rs 14–34).
    ///
    /// # Safety
    /// Only inside a task that tokio spawned (not the future given to `block_on`).
    pub async unsafe fn own_state() -> StateWord {
        // SAFETY: the caller promises a spawned task, which is alive while it runs.
        poll_fn(|cx| Poll::Ready(unsafe { state_of(cx.waker()) })).await
    }

    // ---- abort: what is dropped, when, and where -----------------------------------------------

    /// What a [`Noisy`] value records when it is dropped, and what a test notes beside it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Event {
        /// A `Noisy` was dropped, on this thread.
        Dropped { name: &'static str, thread: std::thread::ThreadId, thread_name: Option<String> },
        /// Something the test itself did (`abort` returned).
        Note(&'static str),
    }

    /// The log every [`Noisy`] and [`staged`] write to.
    pub type Log = Arc<Mutex<Vec<Event>>>;

    /// A value that writes down where and on which thread it was dropped.
    pub struct Noisy {
        pub name: &'static str,
        pub log: Log,
    }

    impl Drop for Noisy {
        fn drop(&mut self) {
            let thread = std::thread::current();
            let event =
                Event::Dropped { name: self.name, thread: thread.id(), thread_name: thread.name().map(str::to_owned) };
            self.log.lock().unwrap().push(event);
        }
    }

    // ANCHOR: staged
    /// A task with two suspension points: it holds `arg` from the start, `a` from the first
    /// `.await` on, `b` from the second; it says when it reaches each, then waits for its gate.
    pub async fn staged(
        arg: Noisy,
        reached: tokio::sync::mpsc::UnboundedSender<u32>,
        gates: [oneshot::Receiver<()>; 2],
    ) -> u32 {
        let [first, second] = gates;
        let a = Noisy { name: "a", log: arg.log.clone() };
        let _ = reached.send(0);
        let _ = first.await; // suspension point 0
        let b = Noisy { name: "b", log: arg.log.clone() };
        let _ = reached.send(1);
        let _ = second.await; // suspension point 1
        drop((a, b));
        arg.name.len() as u32
    }

    /// Spawns [`staged`] on a runtime's handle: the call that makes this crate instantiate the
    /// task for `staged`'s future, and with it the future's drop glue, which `abort` runs.
    pub fn spawn_staged(
        handle: &tokio::runtime::Handle,
        arg: Noisy,
        reached: tokio::sync::mpsc::UnboundedSender<u32>,
        gates: [oneshot::Receiver<()>; 2],
    ) -> tokio::task::JoinHandle<u32> {
        handle.spawn(staged(arg, reached, gates))
    }
    // ANCHOR_END: staged
}

// ---- the coop budget, yield_now, select! in a loop, a lock across an await ---------------------

pub mod coop;

// ---- the same four slots in five runtimes ------------------------------------------------------

/// The same future on five runtimes: the book's (chapter 4's executor is its own crate; its
/// listings are taken from there), `futures`' `LocalPool`, tokio's current-thread runtime,
/// `async-task` (smol's task) and `embassy-executor` on a std thread. Each `run_on_*` spawns
/// [`Yields`] and runs it to the end; `tests/runtimes.rs` counts what a task allocates and lists
/// each runtime's waker vtable, and `src/bin/runtimes_workload.rs` is what callgrind counts.
#[cfg(feature = "runtimes")]
pub mod runtimes {
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
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch12-tokio.md")]
pub struct ChapterPage;
