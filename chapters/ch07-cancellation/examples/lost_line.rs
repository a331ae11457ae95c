//! Cancellation safety: two line readers, each cut short by a deadline in the middle of its
//! first line, then asked again. `cargo run -p ch07-cancellation --example lost_line`.

use std::future::Future;
use std::pin::pin;

use futures::executor::block_on;
use futures::future::{Either, select};

use ch07_cancellation::{Deadline, Feed, LineReader, read_line};

/// Two lines, each arriving in two chunks.
const CHUNKS: [&str; 4] = ["hel", "lo\n", "wor", "ld\n"];

/// The line, or `cut short` if the deadline came first (the read's future is then dropped).
fn read_before<F: Future<Output = String>>(read: F, polls: u32) -> String {
    block_on(async {
        match select(pin!(read), pin!(Deadline::after_polls(polls))).await {
            Either::Left((line, _)) => format!("{line:?}"),
            Either::Right(_) => "cut short".to_owned(),
        }
    })
}

fn main() {
    println!("chunks {CHUNKS:?}; the first read gets a deadline of 2 polls, the others none");

    let mut feed = Feed::new(CHUNKS);
    let first = read_before(read_line(&mut feed), 2);
    let second = block_on(read_line(&mut feed));
    let third = block_on(read_line(&mut feed));
    println!("read_line(&mut feed):  {first}, then {second:?}, then {third:?}");

    let mut reader = LineReader::new(Feed::new(CHUNKS));
    let first = read_before(reader.read_line(), 2);
    let second = block_on(reader.read_line());
    let third = block_on(reader.read_line());
    println!("reader.read_line():    {first}, then {second:?}, then {third:?}");
}
