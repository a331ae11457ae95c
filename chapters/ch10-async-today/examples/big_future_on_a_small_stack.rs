//! A future too big for a small stack, run on one:
//! `cargo run -p ch10-async-today --example big_future_on_a_small_stack -- inline` (or `boxed`).
//!
//! The program starts a thread with a 64 KiB stack and drives one task to completion on it:
//! `big_awaiter()`, whose future holds `big_buffer()`'s 32 KiB future inline, or
//! `big_awaiter_boxed()`, which holds it in a `Box`. In a debug build the first overflows the
//! stack: Rust's handler prints that the thread has overflowed its stack, and the process aborts.

use std::pin::pin;
use std::process::ExitCode;
use std::task::{Context, Poll, Waker};
use std::thread;

use ch10_async_today::{big_awaiter, big_awaiter_boxed};

// ANCHOR: small_stack
/// The thread's stack: twice the buffer, and more than the boxed task needs.
const STACK: usize = 64 * 1024;

/// Polls `future` until it is ready, as every executor's `block_on` does: it takes the future
/// by value and pins it in its own stack frame (chapter 4 built one with a real waker).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

// One function per task, each with a frame of its own.
fn run_inline() -> u8 {
    block_on(big_awaiter())
}

fn run_boxed() -> u8 {
    block_on(big_awaiter_boxed())
}

fn main() -> ExitCode {
    let task: fn() -> u8 = match std::env::args().nth(1).as_deref() {
        Some("inline") => run_inline,
        Some("boxed") => run_boxed,
        _ => {
            eprintln!("usage: big_future_on_a_small_stack inline|boxed");
            return ExitCode::FAILURE;
        }
    };
    let thread = thread::Builder::new().name("small-stack".into()).stack_size(STACK).spawn(task).unwrap();
    let output = thread.join().unwrap();
    println!("finished on a {} KiB stack: {output}", STACK / 1024);
    ExitCode::SUCCESS
}
// ANCHOR_END: small_stack
