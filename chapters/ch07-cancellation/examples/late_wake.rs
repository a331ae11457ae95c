//! A receiver dropped while its waker is registered in the channel's slot, and a wake that
//! arrives after the drop anyway. `cargo run -p ch07-cancellation --example late_wake`.
//!
//! The sender takes the waker out of the slot and wakes it after releasing the lock; the
//! receiver is dropped in between. The waker below holds its wake at a gate, so that this
//! interleaving happens on every run.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Wake, Waker};
use std::thread;

use ch07_cancellation::oneshot;

/// A waker whose `wake` says that it has begun, then waits for the gate to open.
struct GatedWake {
    entered: Mutex<mpsc::Sender<()>>,
    gate: Mutex<mpsc::Receiver<()>>,
    wakes: AtomicUsize,
}

impl Wake for GatedWake {
    fn wake(self: Arc<Self>) {
        self.entered.lock().unwrap().send(()).unwrap();
        self.gate.lock().unwrap().recv().unwrap();
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

fn main() {
    let (entered, has_entered) = mpsc::channel();
    let (open_gate, gate) = mpsc::channel();
    let gated =
        Arc::new(GatedWake { entered: Mutex::new(entered), gate: Mutex::new(gate), wakes: AtomicUsize::new(0) });
    let waker = Waker::from(Arc::clone(&gated));

    // A receiver dropped while it waits: its drop takes the waker back.
    let (sender, receiver) = oneshot::<u32>();
    let mut receiver = Box::pin(receiver);
    let poll = receiver.as_mut().poll(&mut Context::from_waker(&waker));
    println!("receiver polled: {poll:?}; wakers alive: {} (the slot keeps a clone)", Arc::strong_count(&gated) - 1);
    drop(receiver);
    println!("receiver dropped: wakers alive: {} (its drop took the clone back)", Arc::strong_count(&gated) - 1);
    println!("send(7) after that: {:?}; wakes: {}", sender.send(7), gated.wakes.load(Ordering::SeqCst));

    // A wake that arrives after the drop: the sender has already taken the waker out of the slot.
    let (sender, receiver) = oneshot::<u32>();
    let mut receiver = Box::pin(receiver);
    let _ = receiver.as_mut().poll(&mut Context::from_waker(&waker));
    drop(waker); // from here on, the slot's clone is the only waker
    let sending = thread::spawn(move || sender.send(7));
    has_entered.recv().unwrap();
    println!("the sender took the waker and is waking it; the receiver is dropped now");
    drop(receiver);
    open_gate.send(()).unwrap();
    let sent = sending.join().unwrap();
    println!("send(7): {sent:?}; wakes: {}, for a receiver that no longer exists", gated.wakes.load(Ordering::SeqCst));
    println!("wakers alive at the end: {}", Arc::strong_count(&gated) - 1);
}
