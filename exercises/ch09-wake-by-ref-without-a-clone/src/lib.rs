//! Exercise of chapter 9: a `Wake` waker that raises a flag, and what its `wake_by_ref` costs.
//! The task is in `README.md`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Wake, Waker};

/// A waker's target that only raises a flag (chapter 9's `FlagWakeOnly`).
#[derive(Debug, Default)]
pub struct FlagWakeOnly {
    raised: AtomicBool,
}

impl FlagWakeOnly {
    /// Whether a wake-up has raised the flag.
    pub fn is_raised(&self) -> bool {
        self.raised.load(Ordering::Relaxed)
    }
}

impl Wake for FlagWakeOnly {
    // exercise: solution
    fn wake(self: Arc<Self>) {
        // Consumes the waker: `self` is dropped at the end, which gives its strong count back.
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // The flag is behind the reference, and the waker keeps its own strong count: no clone
        // to make, none to drop.
        self.raised.store(true, Ordering::Relaxed);
    }
    // exercise: starter
    // fn wake(self: Arc<Self>) {
    //     self.raised.store(true, Ordering::Relaxed);
    // }
    // exercise: end
}

/// `Waker::from(Arc<FlagWakeOnly>)`, in a non-generic function: rustc compiles std's four vtable
/// functions for `FlagWakeOnly` in this crate, where the checks can read and count them.
#[inline(never)]
pub fn flag_wake_only_waker(flag: Arc<FlagWakeOnly>) -> Waker {
    Waker::from(flag)
}
