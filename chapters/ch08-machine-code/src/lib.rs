//! # Chapter 8: the machine code, whole
//!
//! One `async fn` with three awaits and a local kept across two of them ([`three_awaits`]),
//! read at every optimisation level; the callers that let its state machine dissolve and the
//! ones that keep it; futures nested three deep ([`outer`] awaits [`middle`] awaits [`leaf`]);
//! and two futures run side by side by `futures::join!` ([`join_two`]).
//!
//! The book compiles this crate and reads what came out (`tests/listings.rs` checks every
//! listing against `tests/snapshots/`, and every claim the page makes against its listing).
//!
//! ```
//! use futures::executor::block_on;
//! use ch08_machine_code::*;
//! assert_eq!(block_on(three_awaits(1)), run_in_view(1));
//! assert_eq!(block_on(outer()), 50);
//! ```
//!
//! The library needs only `std`, except the `join` module, which uses the `futures` crate and
//! sits behind the `join` feature (on by default): the listing tool's intermediate stages
//! (HIR, MIR, type sizes) run `rustc` on this one file with no dependencies, where the feature
//! is off.

use std::future::Future;
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

// ANCHOR: yield_once
/// A leaf future that is pending exactly once, and wakes its own task before saying so
/// (chapter 5's `YieldOnce` again: one byte).
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

// ANCHOR: three_awaits
/// Three awaits. `seed` (an argument) is needed until the second; `kept` is computed after the
/// first and needed after the third, so it is kept across two; `middle` crosses one.
pub async fn three_awaits(seed: u64) -> u64 {
    YieldOnce::default().await;
    let kept = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    YieldOnce::default().await;
    let middle = kept.rotate_left(7);
    YieldOnce::default().await;
    kept ^ middle
}
// ANCHOR_END: three_awaits

// ANCHOR: boxed
/// [`three_awaits`] as an executor holds a task, a boxed `dyn Future`: the vtable names the
/// resume function, so it is compiled on its own at every optimisation level.
pub fn boxed_three_awaits(seed: u64) -> Pin<Box<dyn Future<Output = u64>>> {
    Box::pin(three_awaits(seed))
}
// ANCHOR_END: boxed

// ANCHOR: drivers
/// Four polls, written out, with the future in plain view.
pub fn four_polls_in_view(seed: u64) -> [Poll<u64>; 4] {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(three_awaits(seed));
    [(); 4].map(|()| future.as_mut().poll(&mut cx))
}

/// Polls until ready, as an executor's loop does, with the future in plain view.
pub fn run_in_view(seed: u64) -> u64 {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(three_awaits(seed));
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// The same loop, but the future's address goes through `black_box` before every poll:
/// LLVM must assume anyone may have read or written the future in between.
pub fn run_behind_black_box(seed: u64) -> u64 {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(three_awaits(seed));
    loop {
        black_box(&mut future);
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// The same loop, polling through a function that is never inlined.
pub fn run_across_a_function_boundary(seed: u64) -> u64 {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(three_awaits(seed));
    loop {
        if let Poll::Ready(output) = poll_never_inlined(future.as_mut(), &mut cx) {
            return output;
        }
    }
}

/// One poll of any future, kept a function of its own.
#[inline(never)]
pub fn poll_never_inlined<F: Future>(future: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
    future.poll(cx)
}

/// The same loop over a boxed `dyn Future`, as an executor that holds tasks of many types.
pub fn run_behind_dyn(seed: u64) -> u64 {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future: Pin<Box<dyn Future<Output = u64>>> = Box::pin(three_awaits(seed));
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// The boxed `dyn Future` again, passed through `black_box` once, as a task that went through
/// an executor's queue: which vtable the box carries is no longer known.
pub fn run_behind_dyn_and_black_box(seed: u64) -> u64 {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future: Pin<Box<dyn Future<Output = u64>>> = black_box(Box::pin(three_awaits(seed)));
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}
// ANCHOR_END: drivers

// ANCHOR: nested
/// The leaf of the nest: one await of a [`YieldOnce`].
pub async fn leaf() -> u32 {
    YieldOnce::default().await;
    7
}

/// Awaits [`leaf`]; `x` is kept across that await.
pub async fn middle() -> u32 {
    let x = black_box(3u32);
    leaf().await + x
}

/// Awaits [`middle`]; `y` is kept across that await.
pub async fn outer() -> u32 {
    let y = black_box(5u32);
    middle().await * y
}

/// [`outer`] as a boxed `dyn Future`, so that its resume function is compiled.
pub fn boxed_outer() -> Pin<Box<dyn Future<Output = u32>>> {
    Box::pin(outer())
}
// ANCHOR_END: nested

#[cfg(feature = "join")]
pub use join::{boxed_join_two, join_two};

#[cfg(feature = "join")]
mod join {
    use super::*;

    // ANCHOR: join
    /// [`leaf`] and [`three_awaits`] side by side: `join!` polls both on every poll of its own
    /// until both are done.
    pub async fn join_two() -> (u32, u64) {
        futures::join!(leaf(), three_awaits(1))
    }

    /// [`join_two`] as a boxed `dyn Future`, so that its resume function is compiled.
    pub fn boxed_join_two() -> Pin<Box<dyn Future<Output = (u32, u64)>>> {
        Box::pin(join_two())
    }
    // ANCHOR_END: join
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch08-machine-code.md")]
pub struct ChapterPage;
