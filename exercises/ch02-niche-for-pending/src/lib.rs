//! Exercise of chapter 2: a future whose `Poll` needs no tag. The task is in `README.md`.

use std::future::Future;
use std::num::NonZeroU64;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Pending `polls_left` times, then ready with `value`, which is never zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonZeroAfter {
    polls_left: u8,
    // exercise: solution
    value: NonZeroU64,
    // exercise: starter
    // value: u64,
    // exercise: end
}

impl NonZeroAfter {
    pub fn new(polls_left: u8, value: u64) -> NonZeroAfter {
        // exercise: solution
        // Zero is the one value a `NonZeroU64` cannot hold: it is what `Pending` looks like now.
        let value = NonZeroU64::new(value).expect("the value must not be zero: zero is what Pending looks like");
        // exercise: starter
        // let _ = NonZeroU64::MIN; // a type of std whose zero is free for `Pending` to use
        // exercise: end
        NonZeroAfter { polls_left, value }
    }
}

impl Future for NonZeroAfter {
    // exercise: solution
    type Output = NonZeroU64;
    // exercise: starter
    // type Output = u64;
    // exercise: end

    // As in chapter 2: without it, a `poll` this small has no code of its own to read.
    #[inline(never)]
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.polls_left == 0 {
            return Poll::Ready(self.value);
        }
        self.polls_left -= 1;
        Poll::Pending
    }
}
