//! Exercise of chapter 7: a one-shot channel whose receive must survive being cancelled. The
//! task is in `README.md`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// What the three handles share.
#[derive(Debug)]
struct Slot<T> {
    value: Option<T>,
    sender_gone: bool,
    /// The waker of the most recent pending poll of [`Arrived`].
    waker: Option<Waker>,
    /// Acknowledgements that went out.
    acknowledgements: usize,
}

type Shared<T> = Arc<Mutex<Slot<T>>>;

/// Sends one value.
#[derive(Debug)]
pub struct Sender<T> {
    shared: Shared<T>,
}

/// Receives the value, and acknowledges it.
#[derive(Debug)]
pub struct Receiver<T> {
    shared: Shared<T>,
}

/// What the sender keeps: how many acknowledgements the receiver sent.
#[derive(Debug)]
pub struct Receipt<T> {
    shared: Shared<T>,
}

/// A channel for one value that the receiver acknowledges.
pub fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Slot { value: None, sender_gone: false, waker: None, acknowledgements: 0 };
    let shared = Arc::new(Mutex::new(slot));
    (Sender { shared: Arc::clone(&shared) }, Receiver { shared })
}

impl<T> Sender<T> {
    /// Stores the value (dropping `self` then wakes the receiver) and returns the receipt.
    pub fn send(self, value: T) -> Receipt<T> {
        self.shared.lock().unwrap().value = Some(value);
        Receipt { shared: Arc::clone(&self.shared) }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.shared.lock().unwrap();
            slot.sender_gone = true;
            slot.waker.take()
        };
        // Woken after the lock is released, as in chapter 3.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receipt<T> {
    pub fn acknowledgements(&self) -> usize {
        self.shared.lock().unwrap().acknowledgements
    }
}

impl<T> Receiver<T> {
    /// The value, once it is there, acknowledged; `None` if the sender went away without one.
    pub async fn recv(&mut self) -> Option<T> {
        if !self.arrived().await {
            return None; // the sender went away without sending
        }
        // exercise: solution
        // The value stays in the slot, outside this future, until the poll that returns it:
        // a receive cancelled at the acknowledgement loses nothing, and the next one sends
        // the acknowledgement again, since this one never got it out.
        self.acknowledge().await;
        self.take()
        // exercise: starter
        // let value = self.take();
        // self.acknowledge().await;
        // value
        // exercise: end
    }

    /// Ready once a value waits in the slot (`true`) or the sender is gone without one
    /// (`false`); takes nothing out of the slot.
    pub fn arrived(&mut self) -> Arrived<'_, T> {
        Arrived { receiver: self }
    }

    /// Sends the acknowledgement: pending once, then done.
    pub fn acknowledge(&mut self) -> Acknowledge<'_, T> {
        Acknowledge { receiver: self, started: false }
    }

    /// Takes the value out of the slot, if it is there.
    pub fn take(&mut self) -> Option<T> {
        self.shared.lock().unwrap().value.take()
    }
}

/// The future of [`Receiver::arrived`]: a leaf future, woken by the sender.
#[derive(Debug)]
pub struct Arrived<'a, T> {
    receiver: &'a mut Receiver<T>,
}

impl<T> Future for Arrived<'_, T> {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let mut slot = self.receiver.shared.lock().unwrap();
        if slot.value.is_some() || slot.sender_gone {
            return Poll::Ready(slot.value.is_some());
        }
        match &mut slot.waker {
            Some(stored) => stored.clone_from(cx.waker()),
            None => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Arrived<'_, T> {
    fn drop(&mut self) {
        // exercise: solution
        // A receive that stops waiting, finished or cancelled, takes its waker back: the
        // slot would otherwise keep it (and the task it wakes) until the sender goes.
        let waker = self.receiver.shared.lock().unwrap().waker.take();
        // Dropped after the lock is released: dropping a waker runs the executor's code.
        drop(waker);
        // exercise: starter
        // // Nothing yet: what does a cancelled receive leave in the slot?
        // exercise: end
    }
}

/// The future of [`Receiver::acknowledge`].
#[derive(Debug)]
pub struct Acknowledge<'a, T> {
    receiver: &'a mut Receiver<T>,
    started: bool,
}

impl<T> Future for Acknowledge<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.started {
            // The acknowledgement is on its way: one more poll and it is out.
            self.started = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.receiver.shared.lock().unwrap().acknowledgements += 1;
        Poll::Ready(())
    }
}
