//! Polling futures by hand with nothing but std:
//! `cargo run -p ch02-future-poll --example poll_by_hand`.
//!
//! Prints every poll of a hand-written future, then of an `async` block that awaits two of
//! them.

use std::fmt::Debug;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use ch02_future_poll::{ByteAfter, Countdown};

/// Polls `future` until it is ready, printing what each poll returned.
fn poll_and_print<F: Future<Output: Debug>>(name: &str, future: F) {
    println!("{name}");
    // Stable since Rust 1.85: a waker that does nothing, enough for a future that needs no
    // wake-up to make progress.
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    for poll in 1.. {
        let result = future.as_mut().poll(&mut cx);
        println!("  poll {poll}: {result:?}");
        if result.is_ready() {
            break;
        }
    }
}

fn main() {
    poll_and_print("ByteAfter::new(2, 42)", ByteAfter::new(2, 42));
    poll_and_print("async { Countdown { polls_left: 1 }.await; ByteAfter::new(1, 7).await + 1 }", async {
        Countdown { polls_left: 1 }.await;
        ByteAfter::new(1, 7).await + 1
    });
}
