//! Two requests, each a `handler` future polled by hand with a waker that does nothing: the
//! first is polled once, so that it waits in `lookup`'s leaf; the second is never polled. Between
//! polls, `async_backtrace::taskdump_tree` prints every task it knows of.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use taskdump::handler;

// ANCHOR: main
fn main() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut first = pin!(handler(5));
    let second = pin!(handler(6));
    assert!(first.as_mut().poll(&mut cx).is_pending());
    println!("-- after the first poll of the first request:");
    println!("{}", async_backtrace::taskdump_tree(false));
    let Poll::Ready(answer) = first.as_mut().poll(&mut cx) else { panic!("the leaf is ready") };
    println!("-- after the second poll, which returned {answer}:");
    println!("{}", async_backtrace::taskdump_tree(false));
    drop(second);
}
// ANCHOR_END: main
