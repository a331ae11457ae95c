//! The same answer and the same yield, from a future of a few bytes.

use std::pin::pin;
use std::task::Poll;

use ch05_shrink_the_future::{buffer_of, checksum_and_last, xor_all};
use exercise_harness::{WakeLog, poll_once};

#[test]
fn it_returns_the_checksum_and_the_last_byte() {
    for seed in [0, 1, 7, 200, 255] {
        let buffer = buffer_of(seed);
        let expected = (xor_all(&buffer), buffer[4095]);
        let (_, output) = exercise_harness::poll_to_end(checksum_and_last(seed), 10).expect("it finishes");
        assert_eq!(output, expected, "seed {seed}");
    }
}

#[test]
fn it_still_yields_once_and_wakes_its_task() {
    let log = WakeLog::new();
    let mut future = pin!(checksum_and_last(3));
    assert!(poll_once(future.as_mut(), &log.waker()).is_pending(), "the first poll stops at the await");
    assert_eq!(log.wakes(), 1, "and YieldOnce woke the task");
    assert!(matches!(poll_once(future.as_mut(), &log.waker()), Poll::Ready(_)), "the second finishes");
}

#[test]
fn its_future_is_at_most_8_bytes() {
    let bytes = size_of_val(&checksum_and_last(3));
    assert!(
        bytes <= 8,
        "your future is {bytes} bytes: something of 4 KiB is still stored in it. Which locals are live across \
         the await? A borrowed local counts as live until its scope ends, even after a drop."
    );
}
