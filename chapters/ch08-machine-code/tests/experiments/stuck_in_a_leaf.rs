//! A program to stop in a debugger: a handler awaits chapter 8's `three_awaits`, which awaits
//! `YieldOnce`, the leaf; `main` polls the handler until it is ready, as an executor would.
//! `tests/debugger.rs` builds it at opt-level 0 with full debug information and runs gdb on it.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use ch08_machine_code::three_awaits;

// ANCHOR: program
/// A handler with a local of its own, `request`, kept across its one await.
async fn handler(seed: u64) -> u64 {
    let request = [seed, seed + 1];
    let answer = three_awaits(seed).await;
    answer ^ request[1]
}

fn main() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(handler(5));
    let answer = loop {
        if let Poll::Ready(answer) = future.as_mut().poll(&mut cx) {
            break answer;
        }
    };
    println!("{answer}");
}
// ANCHOR_END: program
