//! Exercise of chapter 1: the state machine of `hello_world`, written by hand. The task is in
//! `README.md`; the tests, in `tests/`, compare it with the future rustc writes.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The future of `async fn hello_world<F: Future + Default>() -> F::Output`, state by state, in
/// the order of rustc's jump table.
#[derive(Debug)]
pub enum HelloWorld<F> {
    /// State 0: made, never polled. The awaited future does not exist yet.
    Unresumed,
    /// State 1: returned its output.
    Returned,
    /// State 2: a poll panicked.
    Panicked,
    /// State 3: suspended at the `.await`, holding the awaited future.
    Suspend0(F),
}

impl<F> HelloWorld<F> {
    /// What calling `hello_world()` does: nothing yet but make the state machine.
    pub fn new() -> HelloWorld<F> {
        HelloWorld::Unresumed
    }
}

impl<F> Default for HelloWorld<F> {
    fn default() -> HelloWorld<F> {
        HelloWorld::new()
    }
}

impl<F: Future + Default + Unpin> Future for HelloWorld<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // `HelloWorld<F>` is `Unpin` when `F` is: the pin may be undone.
        let state = self.get_mut();
        // exercise: solution
        // Leave `Panicked` behind while the body runs: if a poll unwinds, that is what stays,
        // as rustc's landing pad stores state 2.
        let mut awaited = match mem::replace(state, HelloWorld::Panicked) {
            HelloWorld::Unresumed => F::default(),
            HelloWorld::Suspend0(awaited) => awaited,
            HelloWorld::Returned => {
                *state = HelloWorld::Returned;
                panic!("`async fn` resumed after completion");
            }
            HelloWorld::Panicked => panic!("`async fn` resumed after panicking"),
        };
        match Pin::new(&mut awaited).poll(cx) {
            Poll::Pending => {
                *state = HelloWorld::Suspend0(awaited);
                Poll::Pending
            }
            Poll::Ready(output) => {
                *state = HelloWorld::Returned;
                Poll::Ready(output)
            }
        }
        // exercise: starter
        // todo!("resume the state machine from its state: see README.md")
        // exercise: end
    }
}
