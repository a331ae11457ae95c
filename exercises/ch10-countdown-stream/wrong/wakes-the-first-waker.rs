//! A wrong solution of ch10-countdown-stream, for the test command: it keeps the waker of its
//! first poll and wakes that one before every `Pending`. Under an executor that polls with one
//! waker it works; polled later with another waker (moved to another task, or inside a
//! `FuturesUnordered`, which gives each of its futures a waker of its own), it wakes the old one.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures::Stream;

/// The numbers `n`, `n - 1`, …, 1, each after one `Pending`; then `None`, for ever.
#[derive(Debug)]
pub struct Countdown {
    /// The next item; 0 once the last one has been yielded.
    next: u32,
    /// Whether the `Pending` before `next` has been returned (and its task woken): the next
    /// poll yields `next`.
    due: bool,
    /// The waker of the first poll, kept.
    waker: Option<Waker>,
}

/// A countdown from `n` to 1.
pub fn countdown(n: u32) -> Countdown {
    Countdown { next: n, due: false, waker: None }
}

impl Stream for Countdown {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.next == 0 {
            return Poll::Ready(None);
        }
        if !self.due {
            self.due = true;
            self.waker.get_or_insert_with(|| cx.waker().clone()).wake_by_ref();
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
