//! A leaf future dropped while its waker is registered elsewhere: chapter 3's one-shot channel,
//! whose receiver now takes its waker back when it is dropped. (A wake that arrives after the
//! drop anyway is the example `late_wake`, checked in `tests/examples.rs`.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use ch07_cancellation::{Receiver, Sender, oneshot};

/// A waker that counts its wakes.
#[derive(Default)]
struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A channel whose receiver has been polled once with a counting waker, and is pending.
struct Waiting {
    counter: Arc<CountWakes>,
    waker: Waker,
    sender: Sender<u32>,
    receiver: Pin<Box<Receiver<u32>>>,
}

fn pending_receiver() -> Waiting {
    let counter = Arc::new(CountWakes::default());
    let waker = Waker::from(Arc::clone(&counter));
    let (sender, receiver) = oneshot::<u32>();
    let mut receiver = Box::pin(receiver);
    assert_eq!(receiver.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Pending);
    Waiting { counter, waker, sender, receiver }
}

#[test]
fn a_receiver_dropped_while_its_waker_is_in_the_slot_takes_the_waker_back() {
    let Waiting { counter, waker: _waker, sender, receiver } = pending_receiver();
    assert_eq!(Arc::strong_count(&counter), 3, "the test's, `_waker`, and the clone in the slot");
    drop(receiver);
    assert_eq!(Arc::strong_count(&counter), 2, "the receiver's drop released the slot's clone");
    assert_eq!(sender.send(7), Err(7), "nobody will receive the value: it comes back");
    assert_eq!(counter.0.load(Ordering::SeqCst), 0, "and nobody is woken");
}

#[test]
fn a_send_to_a_receiver_that_waits_wakes_it_once() {
    let Waiting { counter, waker, sender, mut receiver } = pending_receiver();
    assert_eq!(sender.send(7), Ok(()));
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_eq!(receiver.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Ready(Some(7)));
    drop((receiver, waker));
    assert_eq!(Arc::strong_count(&counter), 1, "every clone was woken or dropped");
}
