//! Exercise of chapter 6: `Join`, a combinator whose pin projection you write. The task is in
//! `README.md`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Polls two futures side by side; ready with both outputs once both are done.
pub struct Join<A: Future, B: Future> {
    a: A,
    b: B,
    /// `a`'s output, from the poll that found it ready until `Join` returns it.
    a_output: Option<A::Output>,
    /// `b`'s output, likewise.
    b_output: Option<B::Output>,
}

/// Runs `a` and `b` side by side.
pub fn join<A: Future, B: Future>(a: A, b: B) -> Join<A, B> {
    Join { a, b, a_output: None, b_output: None }
}

/// What one pinned `Join` is made of, field by field, as `poll` may use it.
pub struct Projection<'a, A: Future, B: Future> {
    pub a: Pin<&'a mut A>,
    pub b: Pin<&'a mut B>,
    pub a_output: &'a mut Option<A::Output>,
    pub b_output: &'a mut Option<B::Output>,
}

// exercise: solution
// exercise: starter
// // `poll` only touches the outputs through `&mut`, so `Join` can be moved like the values it holds.
// impl<A: Future, B: Future> Unpin for Join<A, B> {}
// exercise: end

impl<A: Future, B: Future> Join<A, B> {
    /// The pin projection: pinned futures, unpinned outputs.
    pub fn project(self: Pin<&mut Self>) -> Projection<'_, A, B> {
        // exercise: solution
        // SAFETY: the `&mut Join` never escapes: `a` and `b` are handed out pinned again, the
        // outputs as plain references. Pinning is structural for `a` and `b`, and `Join` keeps
        // the four rules of `std::pin` for them: `Unpin` only when `A` and `B` are (no `impl
        // Unpin`); no `Drop` that could move them, and no `#[repr(packed)]`; the drop glue drops
        // both whenever a `Join` is dropped, even if another field's drop panics; no method
        // moves them out of a pinned `Join`.
        // Pinning is not structural for the outputs: nothing pins them, and `poll` moves them.
        unsafe {
            let this = self.get_unchecked_mut();
            Projection {
                a: Pin::new_unchecked(&mut this.a),
                b: Pin::new_unchecked(&mut this.b),
                a_output: &mut this.a_output,
                b_output: &mut this.b_output,
            }
        }
        // exercise: starter
        // todo!("a and b pinned, the outputs as &mut: see README.md")
        // exercise: end
    }
}

impl<A: Future, B: Future> Future for Join<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // exercise: solution
        let Projection { a, b, a_output, b_output } = self.project();
        // A future that is ready is never polled again: its output says it is done.
        if a_output.is_none()
            && let Poll::Ready(output) = a.poll(cx)
        {
            *a_output = Some(output);
        }
        if b_output.is_none()
            && let Poll::Ready(output) = b.poll(cx)
        {
            *b_output = Some(output);
        }
        if a_output.is_some() && b_output.is_some() {
            // Both done: the outputs move out, which is why pinning is not structural for them.
            return Poll::Ready((a_output.take().unwrap(), b_output.take().unwrap()));
        }
        Poll::Pending
        // exercise: starter
        // let _ = (self.project(), cx);
        // todo!("poll a and b until each is ready, keep the outputs, Ready with both")
        // exercise: end
    }
}
