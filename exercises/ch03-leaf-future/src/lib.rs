//! Exercise of chapter 3: a leaf future that keeps the waker contract. The task is in
//! `README.md`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// What the two halves share: whether the signal was raised, and the waker of the most recent
/// pending poll of `Wait`.
#[derive(Debug, Default)]
struct Shared {
    raised: bool,
    waker: Option<Waker>,
}

/// Raises the signal, once, from any thread.
#[derive(Debug)]
pub struct Signal {
    shared: Arc<Mutex<Shared>>,
}

/// A future that is ready once the signal is raised.
#[derive(Debug)]
pub struct Wait {
    shared: Arc<Mutex<Shared>>,
}

/// A signal and the future that waits for it.
pub fn signal() -> (Signal, Wait) {
    let shared = Arc::new(Mutex::new(Shared::default()));
    (Signal { shared: Arc::clone(&shared) }, Wait { shared })
}

impl Signal {
    /// Raises the signal and wakes the waiting task, if one is waiting.
    pub fn raise(self) {
        // exercise: solution
        let waker = {
            let mut shared = self.shared.lock().unwrap();
            shared.raised = true;
            shared.waker.take()
        };
        // The lock is released: the woken task may be polled at once, on another thread.
        if let Some(waker) = waker {
            waker.wake();
        }
        // exercise: starter
        // todo!("raise the flag, then wake the stored waker, outside the lock")
        // exercise: end
    }
}

impl Wait {
    /// For the tests: a handle that says whether the shared lock is free at this moment.
    pub fn probe(&self) -> Probe {
        Probe { shared: Arc::clone(&self.shared) }
    }
}

/// See [`Wait::probe`].
#[derive(Debug, Clone)]
pub struct Probe {
    shared: Arc<Mutex<Shared>>,
}

impl Probe {
    pub fn lock_is_free(&self) -> bool {
        self.shared.try_lock().is_ok()
    }
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // exercise: solution
        let mut shared = self.shared.lock().unwrap();
        if shared.raised {
            return Poll::Ready(());
        }
        // Under the lock `raise` takes: no raise can come between the check and this.
        match &mut shared.waker {
            Some(stored) => stored.clone_from(cx.waker()),
            None => shared.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
        // exercise: starter
        // todo!("Ready if raised; otherwise keep this poll's waker and say Pending")
        // exercise: end
    }
}
