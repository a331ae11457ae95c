//! # Chapter 2: `Future::poll` and `Poll`
//!
//! Small futures written by hand, each pending a given number of times and then ready, one per
//! shape of output: [`Countdown`] (`Poll<()>`), [`ByteAfter`] (`Poll<u8>`), [`WordAfter`]
//! (`Poll<u64>`), [`RefAfter`] (`Poll<&u64>`) and [`ArrayAfter`] (`Poll<[u64; 4]>`), plus
//! [`YieldOnce`], whose `poll` uses its [`Context`]. The book compiles this crate and reads how
//! each `poll` hands its [`Poll`] back in x86-64 registers (`tests/listings.rs` checks those
//! listings against `tests/snapshots/`).
//!
//! Polling by hand needs nothing but the standard library:
//!
//! ```
//! use std::task::Poll;
//! use ch02_future_poll::{ByteAfter, poll_until_ready};
//! // Pending twice, then ready: three polls.
//! assert_eq!(poll_until_ready(ByteAfter::new(2, 42)), (3, 42));
//! ```

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

// Every leaf future below has `#[inline(never)]` on its `poll`, and for the same reason as the
// seed's `DummyFuture` in chapter 1: since Rust 1.75 (rust-lang/rust#116505) a function this
// small, with no calls in it, is made cross-crate inlinable, and the library then emits no
// code of its own for it. The attribute keeps one standalone `poll` per future to read.

// ANCHOR: countdown
/// Pending `polls_left` times, then ready with `()`, and ready again on every later poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    pub polls_left: u8,
}

impl Future for Countdown {
    type Output = ();

    #[inline(never)] // see the comment at the top of the file
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.polls_left == 0 {
            return Poll::Ready(());
        }
        self.polls_left -= 1;
        Poll::Pending
    }
}
// ANCHOR_END: countdown

// ANCHOR: byte_after
/// Pending `polls_left` times, then ready with `byte` (again on every later poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteAfter {
    pub polls_left: u8,
    pub byte: u8,
}

impl ByteAfter {
    pub const fn new(polls_left: u8, byte: u8) -> Self {
        ByteAfter { polls_left, byte }
    }
}

impl Future for ByteAfter {
    type Output = u8;

    #[inline(never)] // see the comment at the top of the file
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u8> {
        if self.polls_left == 0 {
            return Poll::Ready(self.byte);
        }
        self.polls_left -= 1;
        Poll::Pending
    }
}
// ANCHOR_END: byte_after

// ANCHOR: word_after
/// Pending `polls_left` times, then ready with `word` (again on every later poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordAfter {
    pub polls_left: u8,
    pub word: u64,
}

impl Future for WordAfter {
    type Output = u64;

    #[inline(never)] // see the comment at the top of the file
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u64> {
        if self.polls_left == 0 {
            return Poll::Ready(self.word);
        }
        self.polls_left -= 1;
        Poll::Pending
    }
}
// ANCHOR_END: word_after

// ANCHOR: ref_after
/// Pending `polls_left` times, then ready with the reference `target` (again on every later
/// poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefAfter<'a> {
    pub polls_left: u8,
    pub target: &'a u64,
}

impl<'a> Future for RefAfter<'a> {
    type Output = &'a u64;

    #[inline(never)] // see the comment at the top of the file
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<&'a u64> {
        if self.polls_left == 0 {
            return Poll::Ready(self.target);
        }
        self.polls_left -= 1;
        Poll::Pending
    }
}
// ANCHOR_END: ref_after

// ANCHOR: array_after
/// Pending `polls_left` times, then ready with a copy of `words` (again on every later poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayAfter {
    pub polls_left: u8,
    pub words: [u64; 4],
}

impl Future for ArrayAfter {
    type Output = [u64; 4];

    #[inline(never)] // see the comment at the top of the file
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<[u64; 4]> {
        if self.polls_left == 0 {
            return Poll::Ready(self.words);
        }
        self.polls_left -= 1;
        Poll::Pending
    }
}
// ANCHOR_END: array_after

// ANCHOR: poll_and_sum
/// Polls a future of four words once and, if it is ready, adds them up: the caller's side of a
/// `Poll` that comes back through memory.
///
/// The future is a `dyn Future`, as an executor holds its tasks: the compiler cannot see which
/// `poll` it calls, so the call follows the convention to the letter.
pub fn poll_and_sum(future: Pin<&mut dyn Future<Output = [u64; 4]>>, cx: &mut Context<'_>) -> Poll<u64> {
    future.poll(cx).map(|words| words.iter().sum())
}
// ANCHOR_END: poll_and_sum

// ANCHOR: yield_once
/// Pending once, after waking its own task ("poll me again soon"), then ready.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct YieldOnce {
    pub yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    // No `#[inline(never)]` needed: waking calls through the waker's vtable, an indirect call,
    // so this function is not one of the small call-free ones made cross-crate inlinable.
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

// ANCHOR: poll_until_ready
/// Polls `future` until it is ready, with a waker that does nothing, and returns how many
/// polls that took along with the output.
///
/// Polling in a loop is only right for futures that make progress by being polled, like the
/// ones in this crate. A future waiting for something outside (a timer, a socket) relies on
/// its waker to say when to poll again; with [`Waker::noop`] that call goes nowhere, and this
/// loop would spin until the event happened, or forever.
pub fn poll_until_ready<F: Future>(future: F) -> (u32, F::Output) {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (polls, output);
        }
    }
}
// ANCHOR_END: poll_until_ready

// ANCHOR: poll_catching_panics
/// What one call to `poll` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome<T> {
    Ready(T),
    Pending,
    /// `poll` panicked; the panic's message.
    Panicked(String),
}

/// Polls `future` once, catching a panic instead of letting it unwind further.
pub fn poll_catching_panics<F: Future + ?Sized>(future: Pin<&mut F>, cx: &mut Context<'_>) -> PollOutcome<F::Output> {
    // `AssertUnwindSafe`: after a caught panic the caller may poll the same future again. That
    // is exactly what this chapter wants to observe, and it cannot break memory safety: a
    // future must stay sound whatever state a panic left it in, because `poll` is safe.
    match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
        Ok(Poll::Ready(output)) => PollOutcome::Ready(output),
        Ok(Poll::Pending) => PollOutcome::Pending,
        Err(payload) => PollOutcome::Panicked(
            // `panic!("literal")` and rustc's own panics carry a `&'static str`; a formatted
            // message (`expect`, `panic!("{x}")`) carries a `String`.
            payload
                .downcast_ref::<&str>()
                .map(|message| message.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(a payload that is not a string)".to_owned()),
        ),
    }
}
// ANCHOR_END: poll_catching_panics

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch02-future-poll.md")]
pub struct ChapterPage;

// ANCHOR: byte_tagged_poll
/// `std::task::Poll` copied out by hand, with one change: `repr(u8)` fixes its tag at one byte,
/// where rustc would widen the tag of a `repr(Rust)` enum to its payload's alignment. The
/// experiment `the_tag_is_stored_as_a_word_because_rustc_widened_it` in `tests/why.rs` compares
/// `ArrayAfter`'s `poll` with [`ArrayAfter::poll_byte_tagged`].
///
/// ```
/// use ch02_future_poll::ByteTaggedPoll;
/// assert_eq!(size_of::<ByteTaggedPoll<[u64; 4]>>(), 40); // the tag's byte, padding, four words
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(u8)]
pub enum ByteTaggedPoll<T> {
    Ready(T),
    Pending,
}

impl ArrayAfter {
    /// `ArrayAfter`'s `poll` line for line, answering with a [`ByteTaggedPoll`] instead of a
    /// `Poll`.
    #[inline(never)] // see the comment at the top of the file
    pub fn poll_byte_tagged(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> ByteTaggedPoll<[u64; 4]> {
        if self.polls_left == 0 {
            return ByteTaggedPoll::Ready(self.words);
        }
        self.polls_left -= 1;
        ByteTaggedPoll::Pending
    }
}
// ANCHOR_END: byte_tagged_poll
