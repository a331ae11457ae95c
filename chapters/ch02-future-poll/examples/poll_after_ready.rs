//! What happens when a future is polled again after it returned `Ready`:
//! `cargo run -p ch02-future-poll --example poll_after_ready`.
//!
//! Each future is polled once to completion, then again; every panic is caught with
//! `std::panic::catch_unwind` and reported.

use std::fmt::Debug;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use ch02_future_poll::{ByteAfter, PollOutcome, poll_catching_panics};

async fn three() -> u8 {
    3
}

/// Polls `future` `polls` times in a row, printing what each poll did.
fn poll_repeatedly<F: Future<Output: Debug>>(name: &str, future: F, polls: u32) {
    println!("{name}");
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    for poll in 1..=polls {
        match poll_catching_panics(future.as_mut(), &mut cx) {
            PollOutcome::Ready(output) => println!("  poll {poll}: Ready({output:?})"),
            PollOutcome::Pending => println!("  poll {poll}: Pending"),
            PollOutcome::Panicked(message) => println!("  poll {poll}: panicked: {message}"),
        }
    }
}

fn main() {
    // The default panic hook would also print every caught panic to stderr, with the
    // backtrace hint; this program reports the panics itself.
    std::panic::set_hook(Box::new(|_| {}));

    // ANCHOR: polls
    poll_repeatedly("an async fn", three(), 3);
    poll_repeatedly("an async block", async { 4u8 }, 2);
    poll_repeatedly("std::future::ready(5)", std::future::ready(5u8), 2);
    poll_repeatedly("ByteAfter::new(0, 11)", ByteAfter::new(0, 11), 3);
    // ANCHOR_END: polls
}
