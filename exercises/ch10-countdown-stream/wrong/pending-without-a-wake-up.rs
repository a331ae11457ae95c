//! A wrong solution of ch10-countdown-stream, for the test command: pending once before each
//! item, but without waking the task. Polled in a loop it looks right; an executor that polls
//! only when woken never polls it again (chapter 4's lost wake-up).

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

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.next == 0 {
            return Poll::Ready(None);
        }
        if !self.due {
            self.due = true;
            return Poll::Pending;
        }
        let item = self.next;
        self.next -= 1;
        self.due = false;
        Poll::Ready(Some(item))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.next as usize;
        (left, Some(left))
    }
}
