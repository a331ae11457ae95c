//! # Chapter 1: the experiment
//!
//! The smallest async program that does not finish on its first poll, as the user first wrote
//! it: a hand-made future that is [`Pending`](std::task::Poll::Pending) once
//! ([`DummyFuture`]), a waker that does nothing ([`noop_waker`]), an `async fn` that awaits the
//! future ([`hello_world`]) and a driver that polls it twice by hand
//! ([`poll_hello_world_twice`]); and [`HelloWorldByHand`], `hello_world`'s future by hand.
//!
//! The book compiles this crate and shows what each of these became in x86-64 assembly
//! (`tests/listings.rs` checks those listings against `tests/snapshots/`).
//!
//! ```
//! use std::task::Poll;
//! // The seed's program: pending on the first poll, done on the second.
//! assert_eq!(ch01_the_experiment::poll_hello_world_twice(), [Poll::Pending, Poll::Ready(())]);
//! ```

use core::ptr::null;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

// ANCHOR: noop_waker
unsafe fn noop_clone(_data: *const ()) -> RawWaker {
    noop_raw_waker()
}

unsafe fn noop(_data: *const ()) {}

/// The four functions behind every no-op waker: clone, wake, wake_by_ref, drop.
pub const NOOP_WAKER_VTABLE: RawWakerVTable = RawWakerVTable::new(noop_clone, noop, noop, noop);

const fn noop_raw_waker() -> RawWaker {
    RawWaker::new(null(), &NOOP_WAKER_VTABLE)
}

/// A [`Waker`] whose wake does nothing: enough to poll a future by hand.
///
/// ```
/// let waker = ch01_the_experiment::noop_waker();
/// waker.wake_by_ref(); // does nothing, and says so by not crashing
/// let clone = waker.clone();
/// assert!(clone.will_wake(&waker));
/// ```
#[inline]
pub fn noop_waker() -> Waker {
    // SAFETY: every function of the vtable ignores the (null) data pointer, so the contract of
    // `RawWaker` (clone/wake/drop keep the data valid) holds trivially.
    unsafe { Waker::from_raw(noop_raw_waker()) }
}
// ANCHOR_END: noop_waker

// ANCHOR: dummy_future
/// A future that is pending once, then ready with `11`.
///
/// ```
/// use std::{future::Future, pin::pin, task::{Context, Poll}};
/// let waker = ch01_the_experiment::noop_waker();
/// let mut cx = Context::from_waker(&waker);
/// let mut future = pin!(ch01_the_experiment::DummyFuture::default());
/// assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
/// assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(11));
/// ```
#[derive(Debug, Default)]
pub struct DummyFuture {
    count: u8,
}

impl Future for DummyFuture {
    type Output = u8;

    // The seed's `poll` had no attribute. Since Rust 1.75 (rust-lang/rust#116505) a function
    // this small, with no calls in it, is made cross-crate inlinable and the library emits no
    // code of its own for it: `inline(never)` keeps a standalone `poll` to look at, called from
    // the state machine as in the seed's listing.
    #[inline(never)]
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.count == 1 {
            Poll::Ready(11)
        } else {
            Pin::into_inner(self).count += 1;
            Poll::Pending
        }
    }
}
// ANCHOR_END: dummy_future

// ANCHOR: hello_world
/// Awaits a [`DummyFuture`] (pending once), then prints `hello, world!`.
///
/// Calling it runs nothing: it returns the state machine, which runs when polled.
pub async fn hello_world() {
    let fut: DummyFuture = DummyFuture { count: 0 };
    fut.await;
    println!("hello, world!");
}
// ANCHOR_END: hello_world

// ANCHOR: poll_twice
/// Polls [`hello_world`] twice with a no-op waker, printing what the seed's `main` printed, and
/// returns the two results.
pub fn poll_hello_world_twice() -> [Poll<()>; 2] {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    // Boxed as `dyn Future` and passed through `black_box`, as an executor that keeps tasks as
    // trait objects would: LLVM no longer knows which future it polls, so the state machine
    // keeps its own function and is called through the vtable. Without this, at opt-level 3, it
    // is inlined here and dissolves into straight-line code (`poll_hello_world_twice_inlined`).
    let mut future: Pin<Box<dyn Future<Output = ()>>> = black_box(Box::pin(hello_world()));

    let first = future.as_mut().poll(&mut cx);
    if first.is_ready() {
        println!("Completed on first poll!");
    }
    let second = future.as_mut().poll(&mut cx);
    if second.is_ready() {
        println!("Completed on second poll!");
    }
    [first, second]
}
// ANCHOR_END: poll_twice

// ANCHOR: poll_twice_inlined
/// The same two polls with the future left where the optimiser can see it, as the seed wrote
/// them: the listing shows what LLVM makes of a state machine it can see through.
pub fn poll_hello_world_twice_inlined() -> [Poll<()>; 2] {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = Box::pin(hello_world());

    let first = future.as_mut().poll(&mut cx);
    if first.is_ready() {
        println!("Completed on first poll!");
    }
    let second = future.as_mut().poll(&mut cx);
    if second.is_ready() {
        println!("Completed on second poll!");
    }
    [first, second]
}
// ANCHOR_END: poll_twice_inlined

// ANCHOR: by_hand
/// `hello_world`'s future written by hand: one variant per place the body
/// can be stopped, holding what the body still needs there.
#[derive(Debug)]
#[repr(u8)] // the tag is the first byte, numbered as rustc numbers its states
pub enum HelloWorldByHand {
    /// Made, never polled: none of the body has run.
    Unresumed = 0,
    /// Ran to the end and returned.
    Returned = 1,
    // 2 is rustc's `Panicked`, which this enum leaves out.
    /// Stopped at `fut.await`, holding `fut`.
    Suspend0 { fut: DummyFuture } = 3,
}

/// What calling `hello_world()` does: make the future, run nothing.
pub fn hello_world_by_hand() -> HelloWorldByHand {
    HelloWorldByHand::Unresumed
}

impl Future for HelloWorldByHand {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        use HelloWorldByHand::*;
        // `DummyFuture` is `Unpin`, so this enum is too: it may unpin itself.
        let this = Pin::into_inner(self);
        loop {
            match this {
                Unresumed => {
                    // `let fut = DummyFuture { count: 0 };`
                    *this = Suspend0 { fut: DummyFuture { count: 0 } };
                    // No return: on to the `.await`, in this same poll.
                }
                Suspend0 { fut } => {
                    // `fut.await`: if `fut` is pending, so is the whole future.
                    if Pin::new(fut).poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    println!("hello, world!");
                    *this = Returned;
                    return Poll::Ready(());
                }
                Returned => panic!("`async fn` resumed after completion"),
            }
        }
    }
}
// ANCHOR_END: by_hand

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch01-the-experiment.md")]
pub struct ChapterPage;
