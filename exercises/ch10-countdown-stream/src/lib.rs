//! Exercise of chapter 10: a `Stream` written by hand, a countdown that is pending once before
//! each item. The task is in `README.md`.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

/// The numbers `n`, `n - 1`, …, 1, each after one `Pending`; then `None`, for ever.
#[derive(Debug)]
pub struct Countdown {
    /// The next item; 0 once the last one has been yielded.
    next: u32,
    /// Whether the `Pending` before `next` has been returned (and its task woken): the next
    /// poll yields `next`.
    due: bool,
}

/// A countdown from `n` to 1.
pub fn countdown(n: u32) -> Countdown {
    Countdown { next: n, due: false }
}

impl Stream for Countdown {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        // exercise: solution
        if self.next == 0 {
            // The end, on every poll from now on: no Pending, no wake-up.
            return Poll::Ready(None);
        }
        if !self.due {
            self.due = true;
            // Pending, so first a wake-up of the task that polled: with no event to wait for,
            // nothing else would ever wake it.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let item = self.next;
        self.next -= 1;
        self.due = false;
        Poll::Ready(Some(item))
        // exercise: starter
        // let _ = cx;
        // todo!("Pending once, waking this poll's task, before each item; then None for ever")
        // exercise: end
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // exercise: solution
        let left = self.next as usize;
        (left, Some(left))
        // exercise: starter
        // (0, None)
        // exercise: end
    }
}
