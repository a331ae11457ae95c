//! Exercise of chapter 5: `two_suspension_points`, lowered by hand into fewer bytes than rustc's
//! coroutine. The task is in `README.md`.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Pending once, after waking its own task (chapter 5's `YieldOnce`).
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

// exercise: solution
/// The future of `two_suspension_points(before)`, one variant per state, each holding what
/// that state still needs, once.
#[derive(Debug)]
pub enum TwoSuspensionPoints {
    Unresumed { before: u64 },
    Suspend0 { before: u64, awaitee: YieldOnce },
    Suspend1 { before: u64, between: u64, awaitee: YieldOnce },
    Returned,
}
// exercise: starter
// /// The future of `two_suspension_points(before)`, laid out as rustc lays out the coroutine:
// /// the upvar in every state, the body's own `before` beside it.
// #[derive(Debug)]
// pub enum TwoSuspensionPoints {
//     Unresumed { upvar_before: u64 },
//     Suspend0 { upvar_before: u64, before: u64, awaitee: YieldOnce },
//     Suspend1 { upvar_before: u64, before: u64, between: u64, awaitee: YieldOnce },
//     Returned { upvar_before: u64 },
// }
// exercise: end

impl TwoSuspensionPoints {
    /// What calling `two_suspension_points(before)` does: store the argument, run nothing.
    pub fn new(before: u64) -> TwoSuspensionPoints {
        // exercise: solution
        TwoSuspensionPoints::Unresumed { before }
        // exercise: starter
        // TwoSuspensionPoints::Unresumed { upvar_before: before }
        // exercise: end
    }
}

impl Future for TwoSuspensionPoints {
    type Output = (u64, u64);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(u64, u64)> {
        // Every field is `Unpin`, so the pin may be undone.
        let state = self.get_mut();
        // exercise: solution
        loop {
            match state {
                TwoSuspensionPoints::Unresumed { before } => {
                    *state = TwoSuspensionPoints::Suspend0 { before: *before, awaitee: YieldOnce::default() };
                }
                TwoSuspensionPoints::Suspend0 { before, awaitee } => {
                    std::task::ready!(Pin::new(awaitee).poll(cx));
                    let between = black_box(*before);
                    *state = TwoSuspensionPoints::Suspend1 { before: *before, between, awaitee: YieldOnce::default() };
                }
                TwoSuspensionPoints::Suspend1 { before, between, awaitee } => {
                    std::task::ready!(Pin::new(awaitee).poll(cx));
                    let output = (*before, *between);
                    *state = TwoSuspensionPoints::Returned;
                    return Poll::Ready(output);
                }
                TwoSuspensionPoints::Returned => panic!("`async fn` resumed after completion"),
            }
        }
        // exercise: starter
        // todo!("resume from {state:?}: see README.md")
        // exercise: end
    }
}
