//! Exercise of chapter 9: the hand-written state machine of `two_suspension_points`, made to
//! write its state after the awaited poll, and what that costs. The task is in `README.md`.

use std::future::Future;
use std::hint::black_box;
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

/// `two_suspension_points(before)` written by hand (chapter 9's enum): one variant per place
/// the body can be, with what it still needs.
#[derive(Debug)]
pub enum TwoSuspensionPointsByHand {
    /// Not polled yet: only the argument.
    Start { before: u64 },
    /// Waiting at the first `.await`.
    AtFirstAwait { before: u64, awaitee: YieldOnce },
    /// Waiting at the second: `between` has been computed.
    AtSecondAwait { before: u64, between: u64, awaitee: YieldOnce },
    /// Returned its output.
    Done,
}

impl TwoSuspensionPointsByHand {
    pub fn new(before: u64) -> TwoSuspensionPointsByHand {
        TwoSuspensionPointsByHand::Start { before }
    }
}

impl Future for TwoSuspensionPointsByHand {
    type Output = (u64, u64);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(u64, u64)> {
        use TwoSuspensionPointsByHand::*;
        let this = Pin::into_inner(self); // every field is Unpin
        // exercise: solution
        // Where this poll resumes, with what it needs. The awaited future is taken out of the
        // enum and polled; only if it is pending is it stored back, with its variant.
        let (before, mut between, mut awaitee) = match this {
            Start { before } => (*before, None, YieldOnce::default()),
            AtFirstAwait { before, awaitee } => (*before, None, std::mem::take(awaitee)),
            AtSecondAwait { before, between, awaitee } => (*before, Some(*between), std::mem::take(awaitee)),
            Done => panic!("polled after it returned"),
        };
        loop {
            if Pin::new(&mut awaitee).poll(cx).is_pending() {
                // The state is written now, after the call: the future's address had to survive it.
                *this = match between {
                    None => AtFirstAwait { before, awaitee },
                    Some(between) => AtSecondAwait { before, between, awaitee },
                };
                return Poll::Pending;
            }
            match between {
                None => (between, awaitee) = (Some(black_box(before)), YieldOnce::default()),
                Some(between) => {
                    *this = Done;
                    return Poll::Ready((before, between));
                }
            }
        }
        // exercise: starter
        // // Chapter 9's poll: the next variant is written before the awaited future is polled.
        // loop {
        //     match this {
        //         Start { before } => {
        //             let before = *before;
        //             *this = AtFirstAwait { before, awaitee: YieldOnce::default() };
        //         }
        //         AtFirstAwait { before, awaitee } => {
        //             if Pin::new(awaitee).poll(cx).is_pending() {
        //                 return Poll::Pending;
        //             }
        //             let (before, awaitee) = (*before, YieldOnce::default());
        //             *this = AtSecondAwait { before, between: black_box(before), awaitee };
        //         }
        //         AtSecondAwait { before, between, awaitee } => {
        //             if Pin::new(awaitee).poll(cx).is_pending() {
        //                 return Poll::Pending;
        //             }
        //             let output = (*before, *between);
        //             *this = Done;
        //             return Poll::Ready(output);
        //         }
        //         Done => panic!("polled after it returned"),
        //     }
        // }
        // exercise: end
    }
}

/// The machine as a `dyn Future`, as an executor holds a task: the vtable's `poll` is the one
/// compiled in this crate, which the checks count.
pub fn boxed_by_hand(before: u64) -> Pin<Box<dyn Future<Output = (u64, u64)>>> {
    Box::pin(TwoSuspensionPointsByHand::new(before))
}

/// What you expect your `poll` to cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predictions {
    pub callee_saved_registers: usize,
    pub three_polls: u64,
}

/// Your predictions, made before the checks run.
pub const PREDICTIONS: Predictions = Predictions {
    // exercise: solution
    // Five: across the waker's call it keeps the future's address (r14) and the place of the
    // `Poll` (rbx), as rustc's machine does, and also `before` (r15), `between` (r12) and the
    // next state (bpl), which the enum moved out and must write back with the variant.
    callee_saved_registers: 5,
    // 35 + 41 + 34, path by path through the listing, each pending poll with the no-op
    // waker's `ret`: more than rustc's machine, which polls its awaitee in place and writes
    // one byte after the call.
    three_polls: 110,
    // exercise: starter
    // callee_saved_registers: 0, // pushed on entry: rbx, rbp, r12 to r15
    // three_polls: 0,            // instructions of three polls of a new future
    // exercise: end
};
