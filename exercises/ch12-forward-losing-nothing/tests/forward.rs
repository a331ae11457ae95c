//! `forward_until` on a current-thread tokio runtime. The deadlines are a few milliseconds away,
//! or 1 s away for the two checks in which the forwarder must return long before its deadline
//! (when `rx` is closed, or `out`'s receiver gone): a right answer returns in its first poll, and
//! those checks allow it half the second. Nothing here depends on how fast the machine is, except
//! that the first poll comes before a deadline 50 ms away, and that the first poll ends within
//! 500 ms.

use std::time::Duration;

use ch12_forward_losing_nothing::forward_until;
use exercise_harness::within;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Runs `future` on a current-thread runtime with a timer, on a thread of its own, giving up after
/// two seconds: a forwarder that misses its deadline fails the check instead of hanging it.
fn run<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> T {
    within(Duration::from_secs(2), move || {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(future)
    })
    .expect("forward_until had not returned 2 s after it began: does every wait in the loop watch the deadline?")
}

/// The deadline of the checks in which `forward_until` must return before it: far enough that
/// returning at the deadline and returning at once cannot be mistaken for each other.
const DEADLINE_FAR: Duration = Duration::from_secs(1);

/// `forward_until` returned in its first poll, or at least long before `DEADLINE_FAR`: it did not
/// wait for the deadline once there was nothing it could do.
fn returned_long_before_the_deadline(took: Duration, because: &str) {
    assert!(
        took < DEADLINE_FAR / 2,
        "{because}, so forward_until must return at once; it took {took:?}, with the deadline {DEADLINE_FAR:?} away: did it wait for the deadline instead?"
    );
}

/// A channel holding `messages` (0, 1, …), its sender kept so that it stays open.
fn queued(messages: u32) -> (mpsc::Sender<u32>, mpsc::Receiver<u32>) {
    let (tx, rx) = mpsc::channel(64);
    for message in 0..messages {
        tx.try_send(message).unwrap();
    }
    (tx, rx)
}

/// What is left in a receiver, without waiting.
fn drain(rx: &mut mpsc::Receiver<u32>) -> Vec<u32> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

#[test]
fn it_forwards_everything_in_order_and_returns_when_rx_closes() {
    let (forwarded, delivered, took) = run(async {
        let (tx, mut rx) = queued(5);
        drop(tx);
        let (out, mut delivered) = mpsc::channel(64);
        let began = Instant::now();
        let forwarded = forward_until(&mut rx, &out, began + DEADLINE_FAR).await;
        (forwarded, drain(&mut delivered), began.elapsed())
    });
    assert_eq!(forwarded, 5, "five messages, and rx closed: all five forwarded, long before the deadline");
    assert_eq!(delivered, [0, 1, 2, 3, 4], "in out, in the order they came");
    returned_long_before_the_deadline(took, "rx is closed and empty");
}

#[test]
fn it_returns_at_the_deadline_when_rx_is_empty() {
    let forwarded = run(async {
        let (_tx, mut rx) = queued(0);
        let (out, _delivered) = mpsc::channel(64);
        forward_until(&mut rx, &out, Instant::now() + Duration::from_millis(5)).await
    });
    assert_eq!(forwarded, 0, "nothing to forward: it waits for a message until the deadline, then returns 0");
}

#[test]
fn at_the_deadline_with_out_full_no_message_is_lost() {
    let (forwarded, delivered, left) = run(async {
        let (_tx, mut rx) = queued(10);
        // Room for two messages, and nobody reads them: the third waits for room until the deadline.
        let (out, mut delivered) = mpsc::channel(2);
        let forwarded = forward_until(&mut rx, &out, Instant::now() + Duration::from_millis(50)).await;
        (forwarded, drain(&mut delivered), drain(&mut rx))
    });
    assert_eq!((forwarded, delivered), (2, vec![0, 1]), "out has room for two: two forwarded before the deadline");
    assert_eq!(
        left,
        (2..10).collect::<Vec<_>>(),
        "every message not forwarded is still in rx: the third was not taken from rx before there was room for it in out"
    );
}

#[test]
fn when_out_is_closed_no_message_is_lost() {
    let (forwarded, left, took) = run(async {
        let (_tx, mut rx) = queued(3);
        let (out, delivered) = mpsc::channel(64);
        drop(delivered);
        let began = Instant::now();
        let forwarded = forward_until(&mut rx, &out, began + DEADLINE_FAR).await;
        (forwarded, drain(&mut rx), began.elapsed())
    });
    assert_eq!(forwarded, 0, "out's receiver is gone: nothing can be forwarded");
    assert_eq!(left, [0, 1, 2], "the three messages are still in rx: none was taken for an out that could not take it");
    returned_long_before_the_deadline(took, "out's receiver is gone");
}
