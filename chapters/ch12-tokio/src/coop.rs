//! The coop budget, `yield_now`, `select!` in a loop and a lock held across an `.await`: the
//! futures of the page's sections on them, measured by `tests/coop.rs`, `tests/select.rs` and
//! `tests/lock.rs`. A file of its own, so that the line numbers its listings record do not move
//! when the chapter's other sections change `lib.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex as StdMutex};
use std::task::{Context, Poll};

use tokio::sync::mpsc;

// ANCHOR: coop_receive
/// Receives `count` messages from `rx` and adds them up: a loop over a channel that, when the
/// messages are already queued, never has to wait.
pub async fn receive(rx: &mut mpsc::Receiver<u32>, count: usize) -> u64 {
    let mut sum = 0;
    for _ in 0..count {
        sum += u64::from(rx.recv().await.expect("the sender is alive"));
    }
    sum
}
// ANCHOR_END: coop_receive

// ANCHOR: coop_poll_recv
/// One poll of `rx`: what a `recv().await` does each time its task is polled, compiled
/// here with tokio's inlined budget check.
pub fn poll_recv_once(rx: &mut mpsc::Receiver<u32>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
    rx.poll_recv(cx)
}
// ANCHOR_END: coop_poll_recv

// ANCHOR: coop_yield_by_wake
/// A yield written as chapter 2's leaf would write it: wake the task at once, answer
/// `Pending` once. `tokio::task::yield_now` is the same except for where its wake goes.
#[derive(Default)]
pub struct YieldByWake {
    yielded: bool,
}

impl Future for YieldByWake {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref(); // straight into the run queue
        Poll::Pending
    }
}
// ANCHOR_END: coop_yield_by_wake

// ANCHOR: select_deadline
/// Receives messages until the channel closes or `timer` fires: one timer for the whole
/// loop, pinned once, and each turn's `select!` borrows it.
pub async fn until_deadline<T: Future<Output = ()>>(rx: &mut mpsc::Receiver<u32>, timer: T) -> Vec<u32> {
    let mut got = Vec::new();
    tokio::pin!(timer);
    loop {
        tokio::select! {
            biased; // poll the branches top to bottom, so that the counts are the same each run
            () = &mut timer => return got,
            message = rx.recv() => match message {
                Some(message) => got.push(message),
                None => return got,
            },
        }
    }
}
// ANCHOR_END: select_deadline

// ANCHOR: select_idle
/// The same loop with a fresh timer each turn (an idle timeout): `new_timer` is called on
/// every turn, and its future is dropped when that turn's `select!` ends.
pub async fn until_idle<T: Future<Output = ()>>(
    rx: &mut mpsc::Receiver<u32>,
    mut new_timer: impl FnMut() -> T,
) -> Vec<u32> {
    let mut got = Vec::new();
    loop {
        tokio::select! {
            biased;
            () = new_timer() => return got,
            message = rx.recv() => match message {
                Some(message) => got.push(message),
                None => return got,
            },
        }
    }
}
// ANCHOR_END: select_idle

/// [`until_deadline`] with tokio's own timer: the future whose layout the page shows.
pub async fn until_deadline_sleep(rx: &mut mpsc::Receiver<u32>, deadline: std::time::Duration) -> Vec<u32> {
    until_deadline(rx, tokio::time::sleep(deadline)).await
}

/// [`until_idle`] with tokio's own timer.
pub async fn until_idle_sleep(rx: &mut mpsc::Receiver<u32>, idle: std::time::Duration) -> Vec<u32> {
    until_idle(rx, || tokio::time::sleep(idle)).await
}

// ANCHOR: select_counted
/// What happened to a [`Counted`] future, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The future numbered so was made.
    Made(usize),
    /// It was polled and answered `Pending` (`false`) or `Ready` (`true`).
    Polled(usize, bool),
    /// It was dropped.
    Dropped(usize),
}

/// A future that writes down when it is made, polled and dropped, in a log its siblings share.
pub struct Counted<F> {
    inner: Pin<Box<F>>,
    number: usize,
    log: Arc<StdMutex<Vec<Event>>>,
}

impl<F: Future> Counted<F> {
    /// Wraps `inner`, the next future of `log`.
    pub fn new(inner: F, log: &Arc<StdMutex<Vec<Event>>>) -> Self {
        let mut events = log.lock().unwrap();
        let number = events.iter().filter(|e| matches!(e, Event::Made(_))).count();
        events.push(Event::Made(number));
        Counted { inner: Box::pin(inner), number, log: Arc::clone(log) }
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let answer = self.inner.as_mut().poll(cx);
        self.log.lock().unwrap().push(Event::Polled(self.number, answer.is_ready()));
        answer
    }
}

impl<F> Drop for Counted<F> {
    fn drop(&mut self) {
        if let Ok(mut events) = self.log.lock() {
            events.push(Event::Dropped(self.number));
        }
    }
}
// ANCHOR_END: select_counted

// ANCHOR: lock_std
/// Adds one under a `std::sync::Mutex` whose guard lives across an `.await`: it compiles and
/// runs, but its future is not `Send`.
#[expect(clippy::await_holding_lock, reason = "the page's section shows this lint firing here")]
pub async fn add_one_std(counter: &StdMutex<u32>) {
    let mut guard = counter.lock().unwrap();
    tokio::task::yield_now().await;
    *guard += 1;
}
// ANCHOR_END: lock_std

// ANCHOR: lock_std_scoped
/// The usual fix: the guard's block ends before the `.await`.
pub async fn add_one_std_scoped(counter: &StdMutex<u32>) {
    {
        let mut guard = counter.lock().unwrap();
        *guard += 1;
    }
    tokio::task::yield_now().await;
}
// ANCHOR_END: lock_std_scoped

// ANCHOR: lock_tokio
/// The same with `tokio::sync::Mutex`: `lock()` is a future, and the guard may cross an
/// `.await` and a thread.
pub async fn add_one_tokio(counter: &tokio::sync::Mutex<u32>) {
    let mut guard = counter.lock().await;
    tokio::task::yield_now().await;
    *guard += 1;
}
// ANCHOR_END: lock_tokio
