//! Exercise of chapter 8: `three_awaits` with a fourth await, and predictions about its
//! machine code. The task is in `README.md`.

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

/// Chapter 8's `three_awaits`, and the await you add.
pub async fn four_awaits(seed: u64) -> u64 {
    YieldOnce::default().await;
    let kept = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    YieldOnce::default().await;
    let middle = kept.rotate_left(7);
    YieldOnce::default().await;
    // exercise: solution
    let late = middle.wrapping_add(seed);
    YieldOnce::default().await;
    kept ^ late
    // exercise: starter
    // kept ^ middle
    // exercise: end
}

/// The future as a boxed `dyn Future`, as an executor holds a task: the vtable names the resume
/// function, so it is compiled on its own.
pub fn boxed_four_awaits(seed: u64) -> Pin<Box<dyn Future<Output = u64>>> {
    Box::pin(four_awaits(seed))
}

/// What you expect rustc to make of `four_awaits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predictions {
    pub jump_table_entries: usize,
    pub fourth_await_state: u8,
    pub tag_offset: usize,
    pub kept_offset: usize,
    pub future_bytes: usize,
}

/// Your predictions, made before looking at any listing.
pub const PREDICTIONS: Predictions = Predictions {
    // exercise: solution
    // Three fixed states and one per await; the fourth suspension point is state 3 + 3.
    jump_table_entries: 7,
    fourth_await_state: 6,
    // The layout as `-Zprint-type-sizes` prints it: the upvar 0..8, the body's `seed` 8..16
    // (now needed until the third await), `kept` 16..24, `middle` 24..32, the tag at 32, the
    // awaitee at 40 and `late` 48..56, in the fourth await's variant alone.
    tag_offset: 32,
    kept_offset: 16,
    future_bytes: 56,
    // exercise: starter
    // jump_table_entries: 0,
    // fourth_await_state: 0, // the state stored at the fourth await
    // tag_offset: 0,
    // kept_offset: 0,
    // future_bytes: 0,       // size_of_val(&four_awaits(1))
    // exercise: end
};
