//! Exercise of chapter 2: `Fuse`, the caller's side of the contract of `Future::poll`. The task
//! is in `README.md`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that, once its inner future is ready, answers `Pending` for ever instead of polling
/// it again.
#[derive(Debug)]
pub struct Fuse<F> {
    /// `None` once the inner future has returned `Ready`.
    inner: Option<F>,
}

impl<F> Fuse<F> {
    pub fn new(inner: F) -> Fuse<F> {
        Fuse { inner: Some(inner) }
    }

    /// Whether the inner future has returned `Ready` (and so this one is done).
    pub fn is_terminated(&self) -> bool {
        // exercise: solution
        self.inner.is_none()
        // exercise: starter
        // todo!("has the inner future returned Ready?")
        // exercise: end
    }
}

impl<F: Future + Unpin> Future for Fuse<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // exercise: solution
        let Some(inner) = self.inner.as_mut() else {
            // Done: the contract forbids polling the inner future again.
            return Poll::Pending;
        };
        let output = std::task::ready!(Pin::new(inner).poll(cx));
        // Dropped now, not with the `Fuse`: whatever it holds is released at once.
        self.inner = None;
        Poll::Ready(output)
        // exercise: starter
        // todo!("poll the inner future while there is one; after Ready, answer Pending")
        // exercise: end
    }
}
