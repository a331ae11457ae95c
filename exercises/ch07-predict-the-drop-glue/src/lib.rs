//! Exercise of chapter 7: the drop glue of an `async fn` with four awaits, predicted, then
//! checked. The task is in `README.md`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Chapter 5's leaf: pending exactly once, and it wakes its own task before saying so.
#[derive(Debug, Default)]
pub struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

thread_local! {
    /// The names of the `Named` values dropped on this thread, in order.
    static DROPPED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The names dropped on this thread since the last call, in the order they were dropped.
pub fn take_dropped() -> Vec<&'static str> {
    DROPPED.take()
}

/// A value that writes its name into this thread's drop log when it is dropped (chapter 7's).
#[derive(Debug)]
pub struct Named(pub &'static str);

impl Drop for Named {
    // Out of line, so that the drop glue calls it and the listing shows each call.
    #[inline(never)]
    fn drop(&mut self) {
        DROPPED.with_borrow_mut(|dropped| dropped.push(self.0));
    }
}

/// Chapter 7's function, and what you add to it.
#[allow(unused_variables, reason = "the values are held only to be dropped")]
pub async fn held_across_awaits(argument: Named) {
    let first = Named("first");
    YieldOnce::default().await; // Suspend0
    {
        let second = Named("second");
        YieldOnce::default().await; // Suspend1
    }
    // exercise: solution
    let third = Named("third");
    YieldOnce::default().await; // Suspend2
    drop(first);
    YieldOnce::default().await; // Suspend3
    // exercise: starter
    // YieldOnce::default().await; // Suspend2
    // exercise: end
}

/// The future as a `dyn Future`, as an executor holds a task: the vtable points at its drop
/// glue, so the crate compiles the drop glue to machine code.
pub fn boxed_held_across_awaits(argument: Named) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(held_across_awaits(argument))
}

/// What you expect of the drop glue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predictions {
    pub jump_table_entries: usize,
    /// What the drop glue drops, in order, when the future is dropped after 0, 1, … 5 polls.
    pub dropped_after_polls: [&'static [&'static str]; 6],
}

/// Your predictions, made before looking at any listing.
pub const PREDICTIONS: Predictions = Predictions {
    // exercise: solution
    // One entry per state: unresumed, returned, panicked, and the four suspension points.
    jump_table_entries: 7,
    dropped_after_polls: [
        &["argument"],                    // Unresumed: only the captured argument exists
        &["first", "argument"],           // Suspend0
        &["second", "first", "argument"], // Suspend1
        &["third", "first", "argument"],  // Suspend2: `second`'s block has ended
        &["third", "argument"],           // Suspend3: `drop(first)` has moved `first` out
        &[],                              // Returned: the body dropped everything
    ],
    // exercise: starter
    // jump_table_entries: 0,
    // dropped_after_polls: [&[], &[], &[], &[], &[], &[]], // after 0, 1, 2, 3, 4 and 5 polls
    // exercise: end
};
