//! Exercise of chapter 8: a caller of `three_awaits` that keeps its state machine whole. The
//! task is in `README.md`.

// exercise: solution
use std::collections::VecDeque;
// exercise: starter
// // (what you need from std, beyond the lines below)
// exercise: end
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

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

/// Chapter 8's subject: three awaits, `kept` across two of them.
pub async fn three_awaits(seed: u64) -> u64 {
    YieldOnce::default().await;
    let kept = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    YieldOnce::default().await;
    let middle = kept.rotate_left(7);
    YieldOnce::default().await;
    kept ^ middle
}

/// A task: a future of any type, behind the vtable of `dyn Future`.
type Task = Pin<Box<dyn Future<Output = u64>>>;

/// `three_awaits(seed)` for each seed, run to the end; the outputs in the seeds' order.
pub fn run_all(seeds: &[u64]) -> Vec<u64> {
    let mut cx = Context::from_waker(Waker::noop());
    // exercise: solution
    // A run queue, as an executor keeps one: every task is polled in turn until it is ready.
    // Which future, and so which vtable, a turn polls is known only once the program runs.
    let mut queue: VecDeque<(usize, Task)> =
        seeds.iter().enumerate().map(|(index, &seed)| (index, Box::pin(three_awaits(seed)) as Task)).collect();
    let mut outputs = vec![0; seeds.len()];
    while let Some((index, mut task)) = queue.pop_front() {
        match task.as_mut().poll(&mut cx) {
            Poll::Ready(output) => outputs[index] = output,
            Poll::Pending => queue.push_back((index, task)),
        }
    }
    outputs
    // exercise: starter
    // seeds
    //     .iter()
    //     .map(|&seed| {
    //         // Boxed as a `dyn Future`, as an executor holds a task, and polled to the end.
    //         let mut task: Task = Box::pin(three_awaits(seed));
    //         loop {
    //             if let Poll::Ready(output) = task.as_mut().poll(&mut cx) {
    //                 return output;
    //             }
    //         }
    //     })
    //     .collect()
    // exercise: end
}
