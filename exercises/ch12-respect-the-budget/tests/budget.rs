//! `Pop` on a current-thread tokio runtime: first as a leaf (items in order, a wait and a wake),
//! then against the coop budget: one poll of a task takes at most 128 items from a full queue,
//! so a task that drains one lets the others run.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use ch12_respect_the_budget::Queue;
use exercise_harness::within;

/// Runs `future` on a current-thread runtime, on a thread of its own, giving up after two
/// seconds (a `Pop` that never wakes its task would otherwise hang the check).
fn run<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> T {
    within(Duration::from_secs(2), move || {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    })
    .expect("the runtime did not finish within 2 s: is a task waiting for a wake-up nobody sends?")
}

fn full_queue(items: u32) -> Arc<Queue> {
    let queue = Arc::new(Queue::new());
    for item in 0..items {
        queue.push(item);
    }
    queue
}

/// One poll of a spawned task: polls `queue.pop()` until it answers `Pending`, and counts the
/// items it got.
async fn items_in_one_poll(queue: &Queue) -> usize {
    poll_fn(|cx| {
        let mut got = 0;
        loop {
            let mut pop = queue.pop();
            match Pin::new(&mut pop).poll(cx) {
                Poll::Ready(Some(_)) => got += 1,
                Poll::Ready(None) => panic!("the queue is not closed: pop cannot answer None"),
                Poll::Pending => return Poll::Ready(got),
            }
        }
    })
    .await
}

#[test]
fn pop_returns_the_items_in_order_then_none_once_closed() {
    let got = run(async {
        let queue = full_queue(5);
        queue.close();
        let mut got = Vec::new();
        while let Some(item) = queue.pop().await {
            got.push(item);
        }
        got
    });
    assert_eq!(got, [0, 1, 2, 3, 4], "the five items pushed, in order, then None");
}

#[test]
fn pop_waits_on_an_empty_queue_and_push_wakes_it() {
    let got = run(async {
        let queue = Arc::new(Queue::new());
        let pusher = Arc::clone(&queue);
        let waiting = tokio::spawn(async move { queue.pop().await });
        // Let the waiting task run first, find the queue empty and wait.
        tokio::task::yield_now().await;
        pusher.push(7);
        waiting.await.unwrap()
    });
    assert_eq!(got, Some(7), "the task waiting in pop gets the item pushed after it began to wait");
}

#[test]
fn one_poll_of_a_task_takes_at_most_128_items_from_a_full_queue() {
    let per_poll = run(async {
        let queue = full_queue(300);
        let task = tokio::spawn(async move {
            let mut per_poll = Vec::new();
            // Ten polls at most: a `Pop` that stops short of the items ends the check, not a loop.
            while per_poll.iter().sum::<usize>() < 300 && per_poll.len() < 10 {
                per_poll.push(items_in_one_poll(&queue).await);
                // End this poll of the task: the next one starts with a fresh budget.
                tokio::task::yield_now().await;
            }
            per_poll
        });
        task.await.unwrap()
    });
    assert_eq!(
        per_poll,
        [128, 128, 44],
        "items taken by each poll of a task from a queue of 300: tokio gives each poll a budget of 128"
    );
}

#[test]
fn a_task_draining_a_full_queue_lets_another_task_run() {
    let taken_before_the_other_ran = run(async {
        let queue = full_queue(1000);
        queue.close();
        let taken = Arc::new(AtomicUsize::new(0));
        let drainer = {
            let taken = Arc::clone(&taken);
            tokio::spawn(async move {
                while queue.pop().await.is_some() {
                    taken.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        let other = tokio::spawn(async move { taken.load(Ordering::Relaxed) });
        drainer.await.unwrap();
        other.await.unwrap()
    });
    assert_eq!(
        taken_before_the_other_ran, 128,
        "items the draining task had taken when the task spawned after it first ran: one poll's budget, 128, not the whole queue"
    );
}

#[test]
fn each_none_of_a_closed_queue_spends_a_unit_of_the_budget() {
    let nones = run(async {
        let queue = Arc::new(Queue::new());
        queue.close();
        let task = tokio::spawn(async move {
            // Up to 200 polls of `pop` in one poll of the task, all on a closed, empty queue.
            poll_fn(|cx| {
                let mut nones = 0;
                for _ in 0..200 {
                    let mut pop = queue.pop();
                    match Pin::new(&mut pop).poll(cx) {
                        Poll::Ready(None) => nones += 1,
                        Poll::Ready(Some(item)) => panic!("the queue is empty: pop cannot answer {item}"),
                        Poll::Pending => break,
                    }
                }
                Poll::Ready(nones)
            })
            .await
        });
        task.await.unwrap()
    });
    assert_eq!(
        nones, 128,
        "Nones a closed, empty queue answered in one poll of a task: the None of a closed queue is work done, and spends its unit, as tokio's recv does at a channel's close"
    );
}

#[test]
fn waiting_on_an_empty_queue_spends_no_budget() {
    let got = run(async {
        let queue = Arc::new(Queue::new());
        let task = tokio::spawn(async move {
            // 200 answers of Pending in one poll: no item, so no unit of the budget spent.
            for _ in 0..200 {
                assert_eq!(items_in_one_poll(&queue).await, 0);
            }
            for item in 0..300 {
                queue.push(item);
            }
            items_in_one_poll(&queue).await
        });
        task.await.unwrap()
    });
    assert_eq!(
        got, 128,
        "after 200 Pendings on an empty queue, the same poll still takes 128 items: a Pending that did no work gives its unit back"
    );
}
