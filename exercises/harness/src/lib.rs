//! What the exercises' tests share, in one place (std only).
//!
//! - [`WakeLog`], [`waker_fn`]: wakers that count, or act, to check the waker contract from the
//!   outside.
//! - [`poll_once`], [`poll_to_end`]: polling by hand; [`After`], a leaf future to poll.
//! - [`WokenByAThread`]: a leaf future woken from another thread.
//! - [`block_on_or_give_up`]: an executor that sleeps until woken, on a thread of its own, and
//!   reports a lost wake-up instead of hanging the test.
//! - [`panic_message`]: what a panic said, to compare a hand-written future's panics with the
//!   ones rustc writes into an `async fn`.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

/// One task's waker, counted from the outside: how often it was woken, and how many handles
/// of it exist. Built on std's [`Wake`], so that the counting itself is certainly right.
#[derive(Debug, Default)]
pub struct WakeLog {
    task: Arc<LoggedTask>,
}

#[derive(Debug, Default)]
struct LoggedTask {
    wakes: AtomicUsize,
}

impl Wake for LoggedTask {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

impl WakeLog {
    pub fn new() -> WakeLog {
        WakeLog::default()
    }

    /// A handle of this task's waker. Handles of one log `will_wake` each other; handles of two
    /// logs never do.
    pub fn waker(&self) -> Waker {
        Waker::from(Arc::clone(&self.task))
    }

    /// How many times the task was woken, by value or by reference.
    pub fn wakes(&self) -> usize {
        self.task.wakes.load(Ordering::SeqCst)
    }

    /// How many wakers of this task exist now: every clone adds one, every drop and every wake
    /// by value takes one away.
    pub fn wakers_alive(&self) -> usize {
        Arc::strong_count(&self.task) - 1
    }
}

/// A waker whose wake-ups run `on_wake` (on whatever thread wakes it).
pub fn waker_fn(on_wake: impl Fn() + Send + Sync + 'static) -> Waker {
    struct OnWake<F>(F);
    impl<F: Fn() + Send + Sync + 'static> Wake for OnWake<F> {
        fn wake(self: Arc<Self>) {
            (self.0)();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            (self.0)();
        }
    }
    Waker::from(Arc::new(OnWake(on_wake)))
}

/// A leaf future that is pending `left` times, then ready with `value`, for ever after: it
/// keeps no contract of its own about polls after `Ready`, so a check can see whether the code
/// under test polls it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub left: u8,
    pub value: u8,
}

impl Future for After {
    type Output = u8;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u8> {
        if self.left == 0 {
            return Poll::Ready(self.value);
        }
        self.left -= 1;
        Poll::Pending
    }
}

/// Polls `future` once with `waker`.
pub fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

/// Polls `future` with a no-op waker until it is ready, at most `limit` times: (polls, output),
/// or `None` if it was still pending after `limit` polls.
pub fn poll_to_end<F: Future>(future: F, limit: usize) -> Option<(usize, F::Output)> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    (1..=limit).find_map(|polls| match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => Some((polls, output)),
        Poll::Pending => None,
    })
}

/// What a panic said: its `&str` or `String` payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_owned())
}

/// Polls once, catching a panic: `Err(message)` if `poll` panicked.
pub fn poll_catching<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Result<Poll<F::Output>, String> {
    catch_unwind(AssertUnwindSafe(|| future.poll(&mut Context::from_waker(waker)))).map_err(|p| panic_message(&*p))
}

/// What a run of [`block_on_or_give_up`] came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending<T> {
    Ready {
        output: T,
        polls: usize,
    },
    /// Still asleep `after` the last wake-up: the wake-up was lost, or never came.
    Stalled {
        polls: usize,
    },
}

/// Runs `future` on a new thread with an executor that polls only when woken (a flag, then
/// `park`), and waits at most `patience` for it to finish. A future, or an executor under
/// test, that loses a wake-up gives `Stalled` here instead of hanging the test; the thread it
/// was on stays parked until the test program exits.
pub fn block_on_or_give_up<F>(future: F, patience: Duration) -> Ending<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let polls = Arc::new(AtomicUsize::new(0));
    let (done, finished) = mpsc::channel();
    let counted = Arc::clone(&polls);
    thread::spawn(move || {
        let flag = Arc::new(Flag { woken: AtomicBool::new(false), thread: thread::current() });
        let waker = Waker::from(Arc::clone(&flag));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            counted.fetch_add(1, Ordering::SeqCst);
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                let _ = done.send(output);
                return;
            }
            while !flag.woken.swap(false, Ordering::Acquire) {
                thread::park();
            }
        }
    });
    match finished.recv_timeout(patience) {
        Ok(output) => Ending::Ready { output, polls: polls.load(Ordering::SeqCst) },
        Err(_) => Ending::Stalled { polls: polls.load(Ordering::SeqCst) },
    }
}

struct Flag {
    woken: AtomicBool,
    thread: thread::Thread,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::Release) {
            self.thread.unpark();
        }
    }
}

/// A future that is pending until a thread, started by its first poll, wakes it `after` a while:
/// the wake-up from another thread that every executor must handle. `finished` says whether it
/// returned `Ready`.
#[derive(Debug)]
pub struct WokenByAThread {
    after: Duration,
    started: bool,
    done: Arc<Mutex<bool>>,
}

impl WokenByAThread {
    pub fn new(after: Duration) -> WokenByAThread {
        WokenByAThread { after, started: false, done: Arc::default() }
    }

    /// A handle that says whether the thread has woken it (and so whether it can finish).
    pub fn woken(&self) -> Arc<Mutex<bool>> {
        Arc::clone(&self.done)
    }
}

impl Future for WokenByAThread {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if *self.done.lock().unwrap() {
            return Poll::Ready(());
        }
        if !self.started {
            self.started = true;
            let (done, waker, after) = (Arc::clone(&self.done), cx.waker().clone(), self.after);
            thread::spawn(move || {
                thread::sleep(after);
                *done.lock().unwrap() = true;
                waker.wake();
            });
        }
        Poll::Pending
    }
}

/// Runs `body` on a new thread and waits at most `patience` for it: `None` if it is still
/// running then (it is left behind, blocked, until the test program exits).
pub fn within<T: Send + 'static>(patience: Duration, body: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(body());
    });
    finished.recv_timeout(patience).ok()
}
