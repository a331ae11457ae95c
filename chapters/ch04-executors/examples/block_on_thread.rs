//! `block_on` driving a future that yields once, then waits for a value computed on another
//! thread: `cargo run -p ch04-executors --example block_on_thread`.
//!
//! Each poll of the future is printed with what it returned. The thread running `main` sleeps
//! in `park` between the second and the third poll, until the other thread's wake-up.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use ch04_executors::{YieldOnce, block_on, off_thread};

/// Prints every poll of the future it wraps, and what the poll returned.
struct Traced<F> {
    inner: Pin<Box<F>>,
    polls: u32,
}

impl<F: Future<Output: std::fmt::Debug>> Future for Traced<F> {
    type Output = (F::Output, u32);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.polls += 1;
        let polls = self.polls;
        match self.inner.as_mut().poll(cx) {
            Poll::Ready(output) => {
                println!("poll {polls}: Ready({output:?})");
                Poll::Ready((output, polls))
            }
            Poll::Pending => {
                println!("poll {polls}: Pending");
                Poll::Pending
            }
        }
    }
}

fn main() {
    let work = async {
        println!("  the async block starts, and yields");
        YieldOnce::default().await;
        println!("  resumed after the yield; now waiting for another thread");
        let value = off_thread(|| 6 * 7).await;
        println!("  resumed with {value} from the other thread");
        value
    };
    let (value, polls) = block_on(Traced { inner: Box::pin(work), polls: 0 });
    println!("block_on returned {value} after {polls} polls");
}
