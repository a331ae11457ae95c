//! An `async gen` block: the countdown of `src/lib.rs`'s `streams` module once more, written as
//! a generator. UNSTABLE: rustc 1.95.0 accepts it only with the features `gen_blocks`
//! (tracking issue rust-lang/rust#117078) and `async_iterator` (rust-lang/rust#79024), and
//! `for await` only with `async_for_loop` (rust-lang/rust#118898). The file carries no
//! `#![feature]` of its own: the listing tool compiles it with
//! `-Z crate-attr=feature(gen_blocks,async_iterator,async_for_loop)` under `RUSTC_BOOTSTRAP=1`
//! (`tests/streams.rs`), so that the command in each listing is the whole recipe.

use std::async_iter::AsyncIterator;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: countdown_gen
/// `from`, `from - 1`, …, `1`, pending once before each item, as `Countdown` is.
pub fn countdown_gen(from: u32) -> impl AsyncIterator<Item = u32> {
    async gen move {
        let mut next = from;
        while next > 0 {
            YieldOnce::default().await;
            yield next;
            next -= 1;
        }
    }
}
// ANCHOR_END: countdown_gen

/// The generator as a boxed `dyn AsyncIterator`, so that its `poll_next` is compiled (into the
/// vtable) and has machine code to list.
pub fn boxed_countdown_gen(from: u32) -> Pin<Box<dyn AsyncIterator<Item = u32>>> {
    Box::pin(countdown_gen(from))
}

// ANCHOR: sum_gen
/// The loop of `sum_countdown`, with the `for await` that stable Rust does not have.
pub async fn sum_gen(from: u32) -> u32 {
    let mut sum = 0;
    for await item in countdown_gen(from) {
        sum += item;
    }
    sum
}
// ANCHOR_END: sum_gen

/// The page's refused `for await` (the aside in "`while let` instead of `for await`"), the same
/// text: the file compiles with the features, so the loop is one that nightly Rust accepts.
pub async fn sum(numbers: impl std::async_iter::AsyncIterator<Item = u32>) -> u32 {
    let mut sum = 0;
    for await n in numbers {
        sum += n;
    }
    sum
}

/// A leaf that is pending once (the library's `YieldOnce`, again: this file is
/// compiled on its own).
#[derive(Default)]
pub struct YieldOnce {
    woken: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.woken {
            return Poll::Ready(());
        }
        self.woken = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
