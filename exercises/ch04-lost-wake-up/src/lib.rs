//! Exercise of chapter 4: a `block_on` whose loop loses a wake-up. The task is in `README.md`.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// The waker: a flag that only the loop reads, then the thread's park token.
struct ThreadWaker {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release: what the waking thread did before is visible to the poll that follows.
        if !self.woken.swap(true, Ordering::Release) {
            self.thread.unpark();
        }
    }
}

/// Runs `future` to completion on the current thread, parking the thread while it is pending.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let thread_waker = Arc::new(ThreadWaker { thread: thread::current(), woken: AtomicBool::new(false) });
    let waker = Waker::from(Arc::clone(&thread_waker));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // exercise: solution
        // Take the flag down and look at it in one step: a wake-up that came during the poll
        // is found here, and any later one finds the flag down and unparks.
        while !thread_waker.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
        // exercise: starter
        // // A fresh start for the next wait.
        // thread_waker.woken.store(false, Ordering::Relaxed);
        // while !thread_waker.woken.load(Ordering::Acquire) {
        //     thread::park();
        // }
        // exercise: end
    }
}
