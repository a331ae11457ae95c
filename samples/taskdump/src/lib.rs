//! Handlers marked `#[async_backtrace::framed]`, for chapter 8's section "What a debugger shows":
//! what async-backtrace prints about a task that is stuck (`examples/taskdump.rs`), and what the
//! attribute adds to the machine code of a handler (`lookup` against `lookup_unframed`, which is
//! the same function unmarked).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A leaf: `Pending` the first time it is polled (after waking its task), `Ready` the second.
#[derive(Default)]
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
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

// ANCHOR: handlers
/// A request's handler: it looks its key up, then answers.
#[async_backtrace::framed]
pub async fn handler(request: u64) -> u64 {
    let found = lookup(request).await;
    found + 1
}

/// The lookup waits once on the leaf.
#[async_backtrace::framed]
pub async fn lookup(key: u64) -> u64 {
    YieldOnce::default().await;
    key.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
// ANCHOR_END: handlers

/// `lookup` without the attribute: the machine code to compare.
pub async fn lookup_unframed(key: u64) -> u64 {
    YieldOnce::default().await;
    key.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// [`lookup`] as an executor holds a task, a boxed `dyn Future`, so that its resume function is
/// compiled in this crate.
pub fn boxed_lookup(key: u64) -> Pin<Box<dyn Future<Output = u64>>> {
    Box::pin(lookup(key))
}

/// [`lookup_unframed`], boxed the same way.
pub fn boxed_lookup_unframed(key: u64) -> Pin<Box<dyn Future<Output = u64>>> {
    Box::pin(lookup_unframed(key))
}
