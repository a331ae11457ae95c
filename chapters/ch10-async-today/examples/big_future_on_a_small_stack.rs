//! A future too big for a small stack, run on one:
//! `cargo run -p ch10-async-today --example big_future_on_a_small_stack -- inline` (or `boxed`,
//! which is also what it runs with no argument).
//!
//! The program starts a thread with a 64 KiB stack and drives one task to completion on it
//! (`ch10_async_today::small_stack`): `big_awaiter()`, whose future holds `big_buffer()`'s 32 KiB
//! future inline, or `big_awaiter_boxed()`, which holds it in a `Box`. In a debug build the first
//! overflows the stack before its first poll: Rust's handler prints that the thread has
//! overflowed its stack, and the process aborts. In a release build both finish.

use std::process::ExitCode;
use std::thread;

use ch10_async_today::small_stack::{run_boxed, run_inline};

// ANCHOR: small_stack
/// The thread's stack: twice the buffer, and more than the boxed task needs.
const STACK: usize = 64 * 1024;

fn main() -> ExitCode {
    let task: fn() -> u8 = match std::env::args().nth(1).as_deref() {
        Some("inline") => run_inline,
        // With no argument, the task that finishes: ci/valgrind-examples runs every example as it is.
        Some("boxed") | None => run_boxed,
        Some(_) => {
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
