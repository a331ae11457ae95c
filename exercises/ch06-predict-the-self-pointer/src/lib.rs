//! Exercise of chapter 6: predictions about a future that points into itself, checked against
//! its machine code, its size and a run. The task is in `README.md`.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::ptr;
use std::task::{Context, Poll};

/// Chapter 6's leaf: pending exactly once, and it wakes its own task before saying so.
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

/// Keeps a borrow of the second of two buffers across the await: the future stores a pointer
/// to its own bytes, and reports that pointer's address through `seen`.
pub async fn points_at_the_second(seen: &Cell<usize>) -> u8 {
    let first = [1u8; 16];
    let second = [2u8; 16];
    let view: &[u8; 16] = &second;
    seen.set(ptr::from_ref(view).addr());
    YieldOnce::default().await;
    first[0] + view[15]
}

/// Boxed as an executor holds it: its vtable points at the state machine, which therefore has
/// machine code of its own to read.
pub fn boxed_points_at_the_second(seen: &Cell<usize>) -> Pin<Box<dyn Future<Output = u8> + '_>> {
    Box::pin(points_at_the_second(seen))
}

/// Offsets from the future's first byte, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predictions {
    pub future_bytes: usize,
    pub pointer_target: usize,
    pub pointer_slot: usize,
    pub tag_offset: usize,
}

/// Your predictions, made before looking at any listing.
pub const PREDICTIONS: Predictions = Predictions {
    // exercise: solution
    // As in chapter 6, the locals of `Suspend0` first, in the order they are declared (`first`
    // 0..16, `second` 16..32, `view` 32..40), then the upvar `seen` (40..48), the awaitee (48)
    // and the tag (49); 50 bytes, rounded up to a multiple of the alignment, 8.
    future_bytes: 56,
    pointer_target: 16,
    pointer_slot: 32,
    tag_offset: 49,
    // exercise: starter
    // future_bytes: 0,   // size_of_val of the future
    // pointer_target: 0, // where the stored pointer points: the offset of `second`
    // pointer_slot: 0,   // where the pointer is stored: the offset of `view`
    // tag_offset: 0,     // where the state byte lies
    // exercise: end
};
