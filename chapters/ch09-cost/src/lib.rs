//! # Chapter 9: what async costs
//!
//! The code whose instructions the chapter counts, beside the code it is compared with:
//!
//! - [`TwoSuspensionPointsByHand`]: chapter 5's `two_suspension_points` written by hand as an
//!   enum that implements `Future`, awaiting the same one-byte [`YieldOnce`] twice. Its `poll`
//!   is set against the state machine rustc makes of the `async fn`.
//! - [`Flag`] and [`FlagWakeOnly`]: wakers made with `Arc` and [`std::task::Wake`] whose wake-up
//!   only raises a flag, so that what they cost is the cost of the `Arc` and of `Wake`'s
//!   vtable; the second leaves `wake_by_ref` to `Wake`'s default.
//!
//! The measurements themselves (callgrind runs, wall-clock times, sizes) are made by the
//! example `measure` and kept in `figures.toml`; `ci/bench-cost` regenerates them.
//!
//! ```
//! use std::future::Future;
//! use std::pin::pin;
//! use std::task::{Context, Poll, Waker};
//! use ch09_cost::TwoSuspensionPointsByHand;
//!
//! let mut cx = Context::from_waker(Waker::noop());
//! let mut future = pin!(TwoSuspensionPointsByHand::new(5));
//! assert!(future.as_mut().poll(&mut cx).is_pending());
//! assert!(future.as_mut().poll(&mut cx).is_pending());
//! assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready((5, 5)));
//! ```
//!
//! The library is one file that needs only `std`: every listing's Compiler Explorer link
//! carries this file alone.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

// ANCHOR: yield_once
/// Chapter 5's leaf, written again here (a chapter's library needs only `std`): pending exactly
/// once, and it wakes its own task before saying so. One byte.
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

// ANCHOR: by_hand
/// Chapter 5's `two_suspension_points(before)` written by hand: one
/// variant per place the body can be, with what it still needs.
#[derive(Debug)]
pub enum TwoSuspensionPointsByHand {
    /// Not polled yet: only the argument.
    Start { before: u64 },
    /// Waiting at the first `.await`.
    AtFirstAwait { before: u64, awaitee: YieldOnce },
    /// Waiting at the second: `between` has been computed.
    AtSecondAwait { before: u64, between: u64, awaitee: YieldOnce },
    /// Returned its output.
    Done,
}

impl TwoSuspensionPointsByHand {
    pub fn new(before: u64) -> TwoSuspensionPointsByHand {
        TwoSuspensionPointsByHand::Start { before }
    }
}

impl Future for TwoSuspensionPointsByHand {
    type Output = (u64, u64);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(u64, u64)> {
        use TwoSuspensionPointsByHand::*;
        let this = Pin::into_inner(self); // every field is Unpin
        loop {
            match this {
                Start { before } => {
                    let before = *before;
                    *this = AtFirstAwait { before, awaitee: YieldOnce::default() };
                }
                AtFirstAwait { before, awaitee } => {
                    if Pin::new(awaitee).poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    let (before, awaitee) = (*before, YieldOnce::default());
                    *this = AtSecondAwait { before, between: black_box(before), awaitee };
                }
                AtSecondAwait { before, between, awaitee } => {
                    if Pin::new(awaitee).poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    let output = (*before, *between);
                    *this = Done;
                    return Poll::Ready(output);
                }
                Done => panic!("polled after it returned"),
            }
        }
    }
}
// ANCHOR_END: by_hand

/// The hand-written machine as a `dyn Future`, as an executor holds a task; chapter 5's
/// `boxed_two_suspension_points` does the same for the `async fn`. The vtable's `poll` is
/// [`TwoSuspensionPointsByHand`]'s, compiled in this crate: the function the listing shows and
/// callgrind counts.
pub fn boxed_by_hand(before: u64) -> Pin<Box<dyn Future<Output = (u64, u64)>>> {
    Box::pin(TwoSuspensionPointsByHand::new(before))
}

// ANCHOR: flags
/// A waker's target that only raises a flag: what an `Arc` + `Wake` waker costs before waking
/// does any real work.
#[derive(Debug, Default)]
pub struct Flag {
    raised: AtomicBool,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.raised.store(true, Ordering::Relaxed);
    }
}

/// The same flag with only the method `Wake` requires: `wake_by_ref` is the trait's default,
/// which clones the `Arc` and calls `wake` with the clone.
#[derive(Debug, Default)]
pub struct FlagWakeOnly {
    raised: AtomicBool,
}

impl Wake for FlagWakeOnly {
    fn wake(self: Arc<Self>) {
        self.raised.store(true, Ordering::Relaxed);
    }
}

/// `Waker::from(Arc<Flag>)`, in a non-generic function: rustc emits std's four vtable functions
/// for `Flag` in this crate, where the listings can show them.
#[inline(never)]
pub fn flag_waker(flag: Arc<Flag>) -> Waker {
    Waker::from(flag)
}

/// `Waker::from(Arc<FlagWakeOnly>)`, for the same reason.
#[inline(never)]
pub fn flag_wake_only_waker(flag: Arc<FlagWakeOnly>) -> Waker {
    Waker::from(flag)
}
// ANCHOR_END: flags

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch09-cost.md")]
pub struct ChapterPage;
