//! # Chapter 4: executors
//!
//! Two executors built from the standard library alone, and the two leaf futures the chapter
//! drives with them:
//!
//! - [`simple_block_on`] and [`block_on`] run one future on the current thread and sleep with
//!   [`std::thread::park`] while it is pending; its waker calls [`Thread::unpark`]. The first is
//!   the shape of the example in the documentation of [`std::task::Wake`]; the second adds the
//!   flag that makes it survive code that parks the same thread (futures-rs PR #2010).
//! - [`Executor`] runs many tasks on the current thread from a run queue (an
//!   [`std::sync::mpsc`] channel). Each task is an `Arc<Task>` whose waker sends the task back
//!   into the queue, and [`Executor::run`] returns when no task is left anywhere.
//! - [`YieldOnce`] is pending once and wakes its own task; [`off_thread`] runs a closure on a
//!   new thread, which wakes the task when the value is ready.
//!
//! The book compiles this crate and reads what the loops and the wakers became in x86-64
//! assembly (`tests/listings.rs` checks those listings against `tests/snapshots/`).
//!
//! ```
//! use ch04_executors::{YieldOnce, block_on, off_thread};
//! let answer = block_on(async {
//!     YieldOnce::default().await;
//!     off_thread(|| 6 * 7).await
//! });
//! assert_eq!(answer, 42);
//! ```

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, JoinHandle, Thread};

// ANCHOR: yield_once
/// A future that is pending once and wakes its own task before saying so: "poll me again,
/// after the others". `YieldOnce::default().await` lets the executor run something else
/// first: what an async runtime's `yield_now().await` is for.
///
/// It is chapter 2's `YieldOnce`, the leaf the whole book awaits, copied here because a
/// chapter's library needs nothing but `std`: the same `poll`, so the same behaviour
/// (pending once after waking its task, then ready).
#[derive(Debug, Default)]
pub struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Woken before it is even pending: the executor must not lose this wake-up.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: yield_once

// ANCHOR: off_thread
/// A future whose value is computed on a thread of its own, made by [`off_thread`].
///
/// The first poll stores the waker and starts the thread; the thread stores the value, takes
/// the waker and wakes it. Between the two, the only link is `shared`.
pub struct OffThread<T> {
    shared: Arc<Mutex<Handoff<T>>>,
    job: Option<Box<dyn FnOnce() -> T + Send>>,
    helper: Option<JoinHandle<()>>,
}

/// What the task and the helper thread share: the value once computed, and the waker of the
/// task's most recent poll.
struct Handoff<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

/// Runs `job` on a new thread, started by the first poll; the future is ready with its value.
/// `job` must not panic (nothing would ever wake the task).
pub fn off_thread<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> OffThread<T> {
    OffThread {
        shared: Arc::new(Mutex::new(Handoff { value: None, waker: None })),
        job: Some(Box::new(job)),
        helper: None,
    }
}

impl<T: Send + 'static> Future for OffThread<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self; // every field is Unpin, so the future is too
        let mut handoff = this.shared.lock().unwrap();
        if let Some(value) = handoff.value.take() {
            drop(handoff);
            // The helper has stored the value; wait for it to finish waking and exit, so that
            // nothing it held outlives the future.
            if let Some(helper) = this.helper.take() {
                helper.join().expect("the helper thread panicked");
            }
            return Poll::Ready(value);
        }
        // Only the waker of the most recent poll counts (the contract of `Future::poll`).
        // `clone_from` skips the clone when the stored waker already wakes the same task.
        match &mut handoff.waker {
            Some(stored) => stored.clone_from(cx.waker()),
            None => handoff.waker = Some(cx.waker().clone()),
        }
        drop(handoff);
        if let Some(job) = this.job.take() {
            let shared = Arc::clone(&this.shared);
            this.helper = Some(thread::spawn(move || {
                let value = job();
                let waker = {
                    let mut handoff = shared.lock().unwrap();
                    handoff.value = Some(value);
                    handoff.waker.take()
                };
                // Woken after the lock is released: the task may be polled at once.
                if let Some(waker) = waker {
                    waker.wake();
                }
            }));
        }
        Poll::Pending
    }
}
// ANCHOR_END: off_thread

// ANCHOR: simple_block_on
/// The waker of [`simple_block_on`]: it wakes the thread that is blocked on the future.
struct Unparker {
    thread: Thread,
}

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.thread.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.thread.unpark();
    }
}

/// Runs `future` to completion on the current thread, parking the thread while it is pending.
///
/// The shape of the example in the documentation of `std::task::Wake`, with its caveat: a
/// wake-up is lost if code run by `poll` parks this thread itself (see [`block_on`]).
pub fn simple_block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unparker { thread: thread::current() }));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}
// ANCHOR_END: simple_block_on

// ANCHOR: block_on
/// The waker of [`block_on`]: a flag that only this `block_on` reads, then the thread's token.
struct ThreadWaker {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release: what the waking thread did before is visible to the poll that follows.
        if !self.woken.swap(true, Ordering::Release) {
            // The flag was down: the loop may be asleep, or about to be.
            self.thread.unpark();
        }
    }
}

/// Runs `future` to completion on the current thread, parking the thread while it is pending.
///
/// A wake-up is a flag first and a token second. Code that `poll` runs may park this thread
/// too and use up the token; it cannot lower the flag, which only this loop reads.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let thread_waker = Arc::new(ThreadWaker { thread: thread::current(), woken: AtomicBool::new(false) });
    let waker = Waker::from(Arc::clone(&thread_waker));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Sleep until the flag is up. A return from `park` with the flag down (spurious, or the
        // token of an `unpark` meant for someone else) only costs a second look at the flag.
        while !thread_waker.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}
// ANCHOR_END: block_on

// ANCHOR: block_on_dyn
/// [`simple_block_on`] of one concrete type, a `dyn Future` behind a pinned reference, so that
/// the loop gets code of its own in this crate: the listing the chapter reads.
#[inline(never)]
pub fn simple_block_on_dyn(future: Pin<&mut dyn Future<Output = u8>>) -> u8 {
    simple_block_on(future)
}

/// [`block_on`] of the same type, for the listing of the loop with its flag.
#[inline(never)]
pub fn block_on_dyn(future: Pin<&mut dyn Future<Output = u8>>) -> u8 {
    block_on(future)
}
// ANCHOR_END: block_on_dyn

// ANCHOR: task
/// One spawned future and the way back into its executor's run queue.
///
/// The task is its own waker: waking it sends an `Arc` of it into the queue.
pub struct Task {
    /// `None` once the future has returned `Ready`: it is dropped then, not when the last
    /// `Arc` of the task goes, which may be much later or on another thread.
    future: Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    /// The sending end of the run queue.
    queue: Sender<Arc<Task>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // If the executor is gone, nobody will poll the task again: the failed send hands the
        // `Arc` back, and dropping it is all there is to do.
        let _ = self.queue.send(Arc::clone(self));
    }
}

impl Task {
    /// Polls the task once, with a waker that is the task itself.
    // Kept out of `run`, whose inlined channel code would bury it, so that the listing of one
    // turn of the executor is a function of its own.
    #[inline(never)]
    fn poll(self: Arc<Self>) {
        let mut slot = self.future.lock().unwrap();
        // A task woken twice is queued twice; the second turn may find it finished.
        let Some(future) = slot.as_mut() else { return };
        let waker = Waker::from(Arc::clone(&self));
        let mut cx = Context::from_waker(&waker);
        if future.as_mut().poll(&mut cx).is_ready() {
            // Drop the future now: it may hold wakers of this very task, which hold the task.
            *slot = None;
        }
    }
}
// ANCHOR_END: task

// ANCHOR: executor
/// A single-threaded executor: a run queue of tasks, polled one at a time on the thread that
/// calls [`run`](Executor::run). Wakers may be woken from any thread.
pub struct Executor {
    ready: Receiver<Arc<Task>>,
    spawner: Spawner,
}

/// A handle that spawns tasks onto an [`Executor`]; tasks can keep one to spawn others.
///
/// [`Executor::run`] returns when no task is left, and a `Spawner` counts as a possible future
/// task: drop the ones held outside the tasks before running.
#[derive(Clone)]
pub struct Spawner {
    queue: Sender<Arc<Task>>,
}

impl Spawner {
    /// Queues `future` as a new task. The `Weak` lets a caller check that the task is gone
    /// once the executor is done with it; it does not keep it alive.
    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) -> Weak<Task> {
        let task = Arc::new(Task { future: Mutex::new(Some(Box::pin(future))), queue: self.queue.clone() });
        let weak = Arc::downgrade(&task);
        // Fails only if the executor is gone; the task is then dropped here.
        let _ = self.queue.send(task);
        weak
    }
}

impl Executor {
    pub fn new() -> Executor {
        let (queue, ready) = mpsc::channel();
        Executor { ready, spawner: Spawner { queue } }
    }

    pub fn spawner(&self) -> Spawner {
        self.spawner.clone()
    }

    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) -> Weak<Task> {
        self.spawner.spawn(future)
    }

    /// Polls queued tasks, in the order they were woken, until no task is left.
    ///
    /// Every task holds a `Sender` of the queue, and so does every `Spawner`. When the queue
    /// is empty `recv` sleeps until a waker sends a task; it fails only when no `Sender` is
    /// left, that is when no task exists any more, queued or held by a waker.
    pub fn run(self) {
        let Executor { ready, spawner } = self;
        drop(spawner);
        while let Ok(task) = ready.recv() {
            task.poll();
        }
    }
}
// ANCHOR_END: executor

impl Default for Executor {
    fn default() -> Executor {
        Executor::new()
    }
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch04-executors.md")]
pub struct ChapterPage;
