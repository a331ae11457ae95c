//! A wrong solution of ch12-respect-the-budget, for the test command: the budget asked only
//! after `pop_front` has taken the item, so that at zero the item is dropped with the `Pending`.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// A queue of numbers shared by tasks: `push` from anywhere, `pop().await` in one task.
#[derive(Default)]
pub struct Queue {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    items: VecDeque<u32>,
    closed: bool,
    /// The waker of the task waiting in `pop`, woken by `push` and `close`.
    waker: Option<Waker>,
}

impl Queue {
    pub fn new() -> Queue {
        Queue::default()
    }

    /// Adds `item` at the back, and wakes the task waiting for one.
    pub fn push(&self, item: u32) {
        let mut state = self.state.lock().unwrap();
        state.items.push_back(item);
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }

    /// No more items: once the queue is empty, `pop` answers `None`.
    pub fn close(&self) {
        let mut state = self.state.lock().unwrap();
        state.closed = true;
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }

    /// The next item, waiting for one while the queue is empty; `None` once it is closed and empty.
    pub fn pop(&self) -> Pop<'_> {
        Pop { queue: self }
    }
}

/// The future of [`Queue::pop`].
pub struct Pop<'a> {
    queue: &'a Queue,
}

impl Future for Pop<'_> {
    type Output = Option<u32>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        let mut state = self.queue.state.lock().unwrap();
        if let Some(item) = state.items.pop_front() {
            // Too late: at zero, `ready!` returns `Pending` and `item` is dropped, lost.
            std::task::ready!(tokio::task::coop::poll_proceed(cx)).made_progress();
            return Poll::Ready(Some(item));
        }
        if state.closed {
            std::task::ready!(tokio::task::coop::poll_proceed(cx)).made_progress();
            return Poll::Ready(None);
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
