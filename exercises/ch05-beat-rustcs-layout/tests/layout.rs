//! The hand-lowered future beside rustc's: the same behaviour in fewer bytes.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::Waker;

use ch05_beat_rustcs_layout::{TwoSuspensionPoints, YieldOnce};
use exercise_harness::{WakeLog, poll_catching, poll_once, poll_to_end};

/// Chapter 5's function, as rustc lowers it.
async fn two_suspension_points(before: u64) -> (u64, u64) {
    YieldOnce::default().await;
    let between = black_box(before);
    YieldOnce::default().await;
    (before, between)
}

#[test]
fn it_gives_what_rustcs_future_gives_in_as_many_polls() {
    for before in [0, 5, u64::MAX] {
        assert_eq!(
            poll_to_end(TwoSuspensionPoints::new(before), 10),
            poll_to_end(two_suspension_points(before), 10),
            "(polls, output) of yours (left) and of rustc's async fn (right), for before = {before}"
        );
    }
}

#[test]
fn it_wakes_its_task_at_each_await_as_rustcs_does() {
    fn wakes(future: impl Future<Output = (u64, u64)>) -> usize {
        let log = WakeLog::new();
        let mut future = pin!(future);
        while poll_once(future.as_mut(), &log.waker()).is_pending() {}
        log.wakes()
    }
    assert_eq!(wakes(TwoSuspensionPoints::new(1)), wakes(two_suspension_points(1)), "wakes until Ready");
}

#[test]
fn polling_after_ready_panics_as_rustcs_does() {
    fn last_poll(future: impl Future<Output = (u64, u64)>) -> Result<std::task::Poll<(u64, u64)>, String> {
        let mut future = pin!(future);
        while poll_once(future.as_mut(), Waker::noop()).is_pending() {}
        poll_catching(future.as_mut(), Waker::noop())
    }
    assert_eq!(
        last_poll(TwoSuspensionPoints::new(2)),
        last_poll(two_suspension_points(2)),
        "a poll after Ready: yours (left) must panic as rustc's async fn (right) does, with its message"
    );
}

#[test]
fn it_is_smaller_than_rustcs_future() {
    let (yours, rustcs) = (size_of::<TwoSuspensionPoints>(), size_of_val(&two_suspension_points(5)));
    assert!(yours < rustcs, "yours is {yours} bytes, rustc's {rustcs}");
}

#[test]
fn it_stores_before_once_in_24_bytes() {
    let yours = size_of::<TwoSuspensionPoints>();
    assert!(
        yours <= 24,
        "yours is {yours} bytes. Suspended at the second await it needs `before`, `between`, a YieldOnce and \
         the tag: 8 + 8 + 1 + 1, rounded up to 24. Which state keeps something it no longer needs, or keeps it twice?"
    );
}
