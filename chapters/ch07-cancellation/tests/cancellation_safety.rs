//! Cancellation safety: a line reader that loses what it has read when a timeout drops it
//! half-way through a line, and one that keeps it.

use std::future::Future;
use std::pin::pin;

use futures::executor::block_on;
use futures::future::{Either, select};

use ch07_cancellation::{Deadline, Feed, LineReader, read_line};

/// Two lines, each arriving in two chunks.
fn feed() -> Feed {
    Feed::new(["hel", "lo\n", "wor", "ld\n"])
}

/// Runs `future` until it finishes or `polls` polls have passed; `None` if it was cut short.
fn run_with_deadline<F: Future>(future: F, polls: u32) -> Option<F::Output> {
    block_on(async {
        match select(pin!(future), pin!(Deadline::after_polls(polls))).await {
            Either::Left((line, _)) => Some(line),
            Either::Right(_) => None,
        }
    })
}

#[test]
fn read_line_cancelled_after_its_first_chunk_loses_that_chunk() {
    let mut feed = feed();
    // Poll 1: the first chunk is on its way. Poll 2: "hel" is taken and kept in the future's
    // `line`, and the deadline fires, which drops the future, and `line` with it.
    assert_eq!(run_with_deadline(read_line(&mut feed), 2), None);
    assert_eq!(block_on(read_line(&mut feed)), "lo\n", "\"hel\" is gone");
    assert_eq!(block_on(read_line(&mut feed)), "world\n");
}

#[test]
fn line_reader_cancelled_after_its_first_chunk_keeps_that_chunk_for_the_next_read() {
    let mut reader = LineReader::new(feed());
    assert_eq!(run_with_deadline(reader.read_line(), 2), None);
    assert_eq!(block_on(reader.read_line()), "hello\n", "\"hel\" was kept in the reader");
    assert_eq!(block_on(reader.read_line()), "world\n");
}

#[test]
fn without_a_deadline_both_readers_read_the_same_lines() {
    let mut feed = feed();
    let mut reader = LineReader::new(self::feed());
    for expected in ["hello\n", "world\n", ""] {
        assert_eq!(block_on(read_line(&mut feed)), expected);
        assert_eq!(block_on(reader.read_line()), expected);
    }
}

#[test]
fn line_reader_survives_a_cancellation_at_every_poll() {
    // One poll is not enough: the first poll of a read only asks for a chunk.
    for polls in 2..=6 {
        let mut reader = LineReader::new(feed());
        let mut lines = Vec::new();
        // A deadline of `polls` polls on every read: some reads are cut short, none loses data.
        while lines.len() < 2 {
            if let Some(line) = run_with_deadline(reader.read_line(), polls) {
                lines.push(line);
            }
        }
        assert_eq!(lines, ["hello\n", "world\n"], "deadline of {polls} polls");
    }
}
