//! # Chapter 6: pinning
//!
//! The future that points into itself, and the rules that keep it from being moved:
//!
//! - [`points_into_itself`]: an `async fn` that keeps a reference to one of its own locals across
//!   an `.await`. Its future stores a pointer into itself on its first poll, and tells the caller
//!   where that pointer points, so that a test can check it without reading anything it should not.
//! - [`boxed_points_into_itself`] and [`poll_on_the_stack`]: the two ways to pin it, `Box::pin`
//!   and `pin!`, kept out of line so that the book can read what they compile to.
//! - [`CountPolls`]: a combinator written by hand, with the pin projection it needs.
//!
//! The book prints what rustc 1.95 made of them (the MIR, the layout, the machine code);
//! `tests/listings.rs` checks each listing and every number the page takes from it.
//!
//! ```
//! use std::cell::Cell;
//! let seen = Cell::new(0);
//! assert_eq!(futures::executor::block_on(ch06_pinning::points_into_itself(&seen)), 7);
//! assert_ne!(seen.get(), 0); // the future reported the pointer it made
//! ```
//!
//! The library is one file that needs only `std`: every listing's Compiler Explorer link
//! carries this file alone.

use std::cell::Cell;
use std::future::Future;
use std::pin::{Pin, pin};
use std::ptr;
use std::task::{Context, Poll};

// ANCHOR: yield_once
/// A leaf future that is pending exactly once, and wakes its own task before it says so
/// (chapter 5's, copied: a chapter's library needs nothing but `std`).
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
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: yield_once

// ANCHOR: points_into_itself
/// Keeps a reference to its own local `buffer` across the `.await`: both live in the future, so
/// the future holds a pointer into itself. As soon as the reference exists, its address goes
/// into `seen`, where the caller can compare it with the future's own address.
pub async fn points_into_itself(seen: &Cell<usize>) -> u8 {
    let buffer = [7u8; 16];
    let view: &[u8; 16] = &buffer;
    seen.set(ptr::from_ref(view).addr());
    YieldOnce::default().await;
    view[15]
}
// ANCHOR_END: points_into_itself

// ANCHOR: pinning
/// `Box::pin`: the future is moved into a heap allocation, and pinned there.
pub fn boxed_points_into_itself(seen: &Cell<usize>) -> Pin<Box<dyn Future<Output = u8> + '_>> {
    Box::pin(points_into_itself(seen))
}

/// `pin!`: the future is pinned where it is, in this function's frame, and polled once.
pub fn poll_on_the_stack(seen: &Cell<usize>, cx: &mut Context<'_>) -> Poll<u8> {
    let future = pin!(points_into_itself(seen));
    poll_once(future, cx)
}

/// One poll through the `dyn Future` vtable. Out of line, so that [`poll_on_the_stack`] has to
/// hand over a real pinned pointer, as it would to an executor.
#[inline(never)]
pub fn poll_once(future: Pin<&mut (dyn Future<Output = u8> + '_)>, cx: &mut Context<'_>) -> Poll<u8> {
    future.poll(cx)
}
// ANCHOR_END: pinning

// ANCHOR: count_polls
/// Polls the future it wraps and counts the polls; its output is the inner output and the count.
///
/// Pinning is *structural* for `inner` (a pinned `CountPolls` gives out only a pinned `inner`)
/// and not for `polls` (a plain `&mut u32`). See [`CountPolls::project`] for what that costs.
#[derive(Debug)]
pub struct CountPolls<F> {
    inner: F,
    polls: u32,
}

impl<F> CountPolls<F> {
    pub fn new(inner: F) -> Self {
        CountPolls { inner, polls: 0 }
    }

    /// The pin projection: one pinned `CountPolls` becomes a pinned `inner` and a free `polls`.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut F>, &mut u32) {
        // SAFETY: the `&mut Self` never escapes: `inner` is only handed out pinned, and `polls`
        // is not address-sensitive. That `inner` stays pinned while `self` is rests on the four
        // rules of `std::pin`'s "Choosing pinning to be structural": `Unpin` only when `F` is
        // (no `impl Unpin`); no `Drop` that could move `inner`, and no `#[repr(packed)]`; the
        // drop glue drops `inner` whenever a `CountPolls` is dropped, before its memory can be
        // reused; and no method moves `inner` out of a pinned `self`.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.polls)
        }
    }
}

impl<F: Future> Future for CountPolls<F> {
    type Output = (F::Output, u32);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (inner, polls) = self.project();
        *polls += 1;
        match inner.poll(cx) {
            Poll::Ready(output) => Poll::Ready((output, *polls)),
            Poll::Pending => Poll::Pending,
        }
    }
}
// ANCHOR_END: count_polls

// ANCHOR: poll_counted_yield
/// `CountPolls<YieldOnce>::poll`, out of line: the projection, compiled.
#[inline(never)]
pub fn poll_counted_yield(future: Pin<&mut CountPolls<YieldOnce>>, cx: &mut Context<'_>) -> Poll<((), u32)> {
    future.poll(cx)
}
// ANCHOR_END: poll_counted_yield

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch06-pinning.md")]
pub struct ChapterPage;
