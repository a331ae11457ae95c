//! The chapter's futures, measured and run: `cargo run -p ch05-lowering --example future_sizes`.
//!
//! For each `async fn` it prints the size of the future it returns, how many polls that future
//! takes to finish, and what it returns. Each future is polled by hand with `Waker::noop()`
//! (every leaf future here is ready on its second poll, so no executor is needed).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use ch05_lowering::{
    argument_counted_twice, buffer_borrowed_then_dropped_before_await, buffer_held_across_await,
    buffer_in_block_before_await, buffer_read_without_borrow_before_await, two_big_awaits_in_sequence,
    two_suspension_points,
};

/// Polls `future` until it is ready; returns its size, the number of polls and its output.
fn measure<F: Future>(future: F) -> (usize, usize, F::Output) {
    let size = size_of_val(&future);
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (size, polls, output);
        }
    }
}

fn row(name: &str, (size, polls, output): (usize, usize, impl std::fmt::Debug)) {
    println!("{name:<46} {size:>5} {polls:>5}  {output:?}");
}

fn main() {
    println!("{:<46} {:>5} {:>5}  output", "async fn", "bytes", "polls");
    row("two_suspension_points(5)", measure(two_suspension_points(5)));
    row("buffer_held_across_await()", measure(buffer_held_across_await()));
    row("buffer_in_block_before_await()", measure(buffer_in_block_before_await()));
    row("buffer_borrowed_then_dropped_before_await()", measure(buffer_borrowed_then_dropped_before_await()));
    row("buffer_read_without_borrow_before_await()", measure(buffer_read_without_borrow_before_await()));
    row("two_big_awaits_in_sequence()", measure(two_big_awaits_in_sequence()));
    row("argument_counted_twice([1; 1024])", measure(argument_counted_twice([1; 1024])));
}
