//! # Chapter 5: how rustc lowers `async fn`
//!
//! The functions whose lowering the chapter reads, stage by stage: the seed's [`hello_world`]
//! (one `.await` of a hand-made [`DummyFuture`]), [`two_suspension_points`] (two awaits, so
//! two suspended states), and a family of `async fn`s whose futures have surprising sizes.
//!
//! The book prints what rustc 1.95 made of them: the HIR (the `.await` desugaring), the MIR
//! after the coroutine transform (the state machine), the layout rustc chose for each future,
//! and, where it carries the argument, the machine code. `tests/listings.rs` checks each
//! listing against `tests/snapshots/`; `tests/sizes.rs` checks the size of every future here.
//!
//! ```
//! use ch05_lowering::*;
//! assert_eq!(size_of_val(&hello_world()), 2);
//! assert_eq!(size_of_val(&buffer_held_across_await()), 1026);
//! assert_eq!(size_of_val(&argument_counted_twice([0; 1024])), 2050);
//! ```
//!
//! The library is one file that needs only `std`: every listing's Compiler Explorer link
//! carries this file alone.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: dummy_future
/// A future that is pending once, then ready with `11`; copied from chapter 1 (without the
/// `#[inline(never)]` that chapter needed to show its `poll` in assembly).
///
/// It does not wake its task before answering `Pending` (chapter 1 shows why a real executor
/// then waits for ever); polling by hand, as the tests do, is enough to finish it.
#[derive(Debug, Default)]
pub struct DummyFuture {
    count: u8,
}

impl Future for DummyFuture {
    type Output = u8;

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
/// The seed's `async fn`: awaits a [`DummyFuture`], then prints `hello, world!`.
pub async fn hello_world() {
    let fut: DummyFuture = DummyFuture::default();
    fut.await;
    println!("hello, world!");
}
// ANCHOR_END: hello_world

// ANCHOR: yield_once
/// A leaf future that is pending exactly once, and honest about it: before answering
/// `Pending` it wakes its own task, so any executor polls it again.
///
/// One byte, so that it adds one byte to any future that awaits it.
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

// ANCHOR: two_suspension_points
/// Two awaits, so two suspension points. `before` (an argument) is needed after both,
/// `between` only after the second.
pub async fn two_suspension_points(before: u64) -> (u64, u64) {
    YieldOnce::default().await;
    let between = black_box(before);
    YieldOnce::default().await;
    (before, between)
}
// ANCHOR_END: two_suspension_points

/// XOR of every byte: a cheap use of a whole buffer, through a borrow.
#[inline(never)]
pub fn xor_all(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |acc, byte| acc ^ byte)
}

// ANCHOR: held_across_await
/// The buffer is used after the await, so it must survive the suspension: it lives in the
/// future.
pub async fn buffer_held_across_await() -> u8 {
    let buffer = [7u8; 1024];
    YieldOnce::default().await;
    xor_all(&buffer)
}
// ANCHOR_END: held_across_await

// ANCHOR: in_block_before_await
/// The same buffer in a block that ends before the await: only its one-byte result crosses
/// the suspension.
pub async fn buffer_in_block_before_await() -> u8 {
    let checksum = {
        let buffer = [7u8; 1024];
        xor_all(&buffer)
    };
    YieldOnce::default().await;
    checksum
}
// ANCHOR_END: in_block_before_await

// ANCHOR: borrowed_then_dropped
/// A kilobyte that is not `Copy`, so that `drop` really moves it away.
pub struct Kilobyte(pub [u8; 1024]);

/// The buffer is borrowed, then dropped, all before the await; it is never used again.
/// Its scope, though, runs to the end of the body.
pub async fn buffer_borrowed_then_dropped_before_await() -> u8 {
    let buffer = Kilobyte([7u8; 1024]);
    let checksum = xor_all(&buffer.0);
    #[allow(clippy::drop_non_drop, reason = "the drop is the experiment: it does not shrink the future")]
    drop(buffer);
    YieldOnce::default().await;
    checksum
}
// ANCHOR_END: borrowed_then_dropped

// ANCHOR: read_without_borrow
/// The contrast: the buffer is read before the await but never borrowed, and its scope
/// also runs to the end of the body.
pub async fn buffer_read_without_borrow_before_await() -> u8 {
    let buffer = [7u8; 1024];
    let checksum = buffer[0] ^ buffer[1023];
    YieldOnce::default().await;
    checksum
}
// ANCHOR_END: read_without_borrow

// ANCHOR: awaits_in_sequence
/// Awaits two 1026-byte futures one after the other: they are never alive together.
pub async fn two_big_awaits_in_sequence() -> u8 {
    let first = buffer_held_across_await().await;
    let second = buffer_held_across_await().await;
    first ^ second
}
// ANCHOR_END: awaits_in_sequence

// ANCHOR: argument_counted_twice
/// A kilobyte argument used after an await (rust-lang/rust#62958).
pub async fn argument_counted_twice(bytes: [u8; 1024]) -> u8 {
    YieldOnce::default().await;
    xor_all(&bytes)
}
// ANCHOR_END: argument_counted_twice

// ANCHOR: boxed
/// [`two_suspension_points`] as an executor holds a task: a boxed `dyn Future`. The trait
/// object's vtable points at the state machine's resume function, so this crate compiles that
/// function to machine code; an `async fn` that nothing polls gets none.
pub fn boxed_two_suspension_points(before: u64) -> Pin<Box<dyn Future<Output = (u64, u64)>>> {
    Box::pin(two_suspension_points(before))
}

/// [`argument_counted_twice`] as a boxed `dyn Future`, for the same reason.
pub fn boxed_argument_counted_twice(bytes: [u8; 1024]) -> Pin<Box<dyn Future<Output = u8>>> {
    Box::pin(argument_counted_twice(bytes))
}
// ANCHOR_END: boxed

// ANCHOR: first_assigned_late
/// [`two_big_awaits_in_sequence`] with one change: `first` is declared before the first await
/// but assigned only after it, so it never needs its storage while the first awaitee does.
// The late assignment is the one change the experiment makes, so clippy's advice is declined.
#[allow(clippy::needless_late_init)]
pub async fn first_assigned_after_the_await() -> u8 {
    let first: u8;
    let result = buffer_held_across_await().await;
    first = result;
    let second = buffer_held_across_await().await;
    first ^ second
}
// ANCHOR_END: first_assigned_late

// ANCHOR: one_await_prefix
/// One await, and a `u8` and a `u64` held across it. Only one state
/// holds locals of its own, so rustc puts them in the prefix.
pub async fn a_byte_and_a_word_across_one_await() -> u64 {
    let small: u8 = black_box(1);
    let big: u64 = black_box(2);
    YieldOnce::default().await;
    small as u64 + big
}
// ANCHOR_END: one_await_prefix

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch05-lowering.md")]
pub struct ChapterPage;
