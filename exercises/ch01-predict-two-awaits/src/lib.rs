//! Exercise of chapter 1: predictions about an `async fn` with two awaits, checked against its
//! listing, its size and a run. The task is in `README.md`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Chapter 1's future: pending once, then ready with 11.
#[derive(Debug, Default)]
pub struct DummyFuture {
    count: u8,
}

impl Future for DummyFuture {
    type Output = u8;

    // As in chapter 1: without it, this small `poll` has no code of its own to call.
    #[inline(never)]
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u8> {
        if self.count == 1 {
            Poll::Ready(11)
        } else {
            Pin::into_inner(self).count += 1;
            Poll::Pending
        }
    }
}

/// The experiment of chapter 1, with a second await.
pub async fn hello_twice() -> u8 {
    let first = DummyFuture::default().await;
    let second = DummyFuture::default().await;
    first + second
}

/// Boxed as an executor holds it: its vtable points at the state machine, which therefore has
/// machine code of its own to read.
pub fn boxed_hello_twice() -> Pin<Box<dyn Future<Output = u8>>> {
    Box::pin(hello_twice())
}

/// What you expect rustc to make of `hello_twice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predictions {
    pub jump_table_entries: usize,
    pub future_bytes: usize,
    pub polls_to_finish: usize,
}

/// Your predictions, made before looking at any listing.
pub const PREDICTIONS: Predictions = Predictions {
    // exercise: solution
    // Three states every coroutine has (unresumed, returned, panicked), and one per await.
    jump_table_entries: 5,
    // The tag, `first` (kept across the second await), and the awaited future: the two
    // `DummyFuture`s are never alive together, so they share one byte.
    future_bytes: 3,
    // Each await is pending once: poll 1 stops at the first, poll 2 at the second.
    polls_to_finish: 3,
    // exercise: starter
    // jump_table_entries: 0, // entries in the jump table of `hello_twice::{{closure}}`
    // future_bytes: 0,       // size_of_val(&hello_twice())
    // polls_to_finish: 0,    // polls with a no-op waker until Ready
    // exercise: end
};
