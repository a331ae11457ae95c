//! A leaf future woken from another thread: `cargo run -p ch03-wakers --example wake_from_thread`.
//!
//! `sleep` keeps the waker of its most recent poll where its timer thread will find it; the
//! executor, `block_on_counting`, parks its thread until that waker is woken. The counting
//! waker between them shows every clone, wake and drop.

use std::time::{Duration, Instant};

use ch03_wakers::{block_on_counting, sleep};

fn main() {
    let started = Instant::now();
    let run = block_on_counting(sleep(Duration::from_millis(50)));
    let slept = started.elapsed();
    assert!(slept >= Duration::from_millis(50), "the executor cannot finish before the timer rings");
    println!("sleep(50 ms), run by block_on_counting:");
    println!("polls: {}", run.polls());
    // Only the clone count is read after the first poll: whether the timer has rung by then is
    // a race (it sleeps 50 ms, so it almost never has), the clone was made during the poll.
    println!("clones after the first poll: {}", run.after_each_poll[0].clones);
    println!("after the run: {}", run.counts);
    println!("wakers alive at the end: {}", run.counts.alive());
}
