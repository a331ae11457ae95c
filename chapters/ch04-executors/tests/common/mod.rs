//! What the chapter's tests share: leaf futures that count every clone they make of their waker
//! and every drop of such a clone, a token that tells whether a future is gone, and the
//! workload that every executor of the chapter runs.
//!
//! Each test binary uses part of it.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, Waker};
use std::thread::{self, JoinHandle};

/// How many clones of their waker the counting leaves made, and how many of them were dropped
/// (a wake by value consumes its clone, so it counts as a drop).
#[derive(Debug, Default)]
pub struct WakerCounts {
    clones: AtomicUsize,
    drops: AtomicUsize,
}

impl WakerCounts {
    pub fn new() -> Arc<WakerCounts> {
        Arc::default()
    }

    pub fn clones(&self) -> usize {
        self.clones.load(Ordering::SeqCst)
    }

    pub fn drops(&self) -> usize {
        self.drops.load(Ordering::SeqCst)
    }

    /// Every clone made was dropped, and there were some.
    #[track_caller]
    pub fn assert_balanced(&self) {
        assert!(self.clones() > 0, "the workload cloned no waker: it proves nothing");
        assert_eq!(self.clones(), self.drops(), "clones made vs clones dropped");
    }
}

/// One clone of a task's waker, counted when made and when dropped.
pub struct CountedWaker {
    waker: Option<Waker>,
    counts: Arc<WakerCounts>,
}

impl CountedWaker {
    pub fn clone_of(waker: &Waker, counts: &Arc<WakerCounts>) -> CountedWaker {
        counts.clones.fetch_add(1, Ordering::SeqCst);
        CountedWaker { waker: Some(waker.clone()), counts: Arc::clone(counts) }
    }

    /// Wakes by value: the clone is consumed by the executor's `wake`.
    pub fn wake(mut self) {
        self.waker.take().expect("a CountedWaker holds its waker until it is dropped").wake();
    }

    pub fn wake_by_ref(&self) {
        self.waker.as_ref().expect("a CountedWaker holds its waker until it is dropped").wake_by_ref();
    }
}

impl Drop for CountedWaker {
    fn drop(&mut self) {
        // The clone itself (if `wake` did not consume it) is dropped right after this, with
        // the field: through the executor's vtable, as any waker.
        self.counts.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// A leaf that is pending `pending_polls` times. Each time it clones the waker and wakes the
/// clone on the spot: by value on even turns, by reference then drop on odd ones.
pub struct CountingYield {
    pending_polls: u32,
    counts: Arc<WakerCounts>,
}

impl CountingYield {
    pub fn new(pending_polls: u32, counts: &Arc<WakerCounts>) -> CountingYield {
        CountingYield { pending_polls, counts: Arc::clone(counts) }
    }
}

impl Future for CountingYield {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.pending_polls == 0 {
            return Poll::Ready(());
        }
        self.pending_polls -= 1;
        let clone = CountedWaker::clone_of(cx.waker(), &self.counts);
        if self.pending_polls.is_multiple_of(2) {
            clone.wake();
        } else {
            clone.wake_by_ref();
            drop(clone);
        }
        Poll::Pending
    }
}

/// A leaf whose value comes from another thread: the first poll hands a counted clone of the
/// waker to a new thread, which wakes it by value. A later poll that is still early replaces
/// the stored clone (the old one is dropped, and counted).
pub struct CountingOffThread {
    value: u32,
    counts: Arc<WakerCounts>,
    shared: Arc<Mutex<(bool, Option<CountedWaker>)>>,
    helper: Option<JoinHandle<()>>,
}

impl CountingOffThread {
    pub fn new(value: u32, counts: &Arc<WakerCounts>) -> CountingOffThread {
        CountingOffThread { value, counts: Arc::clone(counts), shared: Arc::default(), helper: None }
    }
}

impl Future for CountingOffThread {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let this = &mut *self;
        let mut shared = this.shared.lock().unwrap();
        if shared.0 {
            drop(shared);
            // The helper set the flag before waking; wait until it has woken (and so dropped
            // its clone), so that the counts are final when the future is done.
            if let Some(helper) = this.helper.take() {
                helper.join().unwrap();
            }
            return Poll::Ready(this.value);
        }
        shared.1 = Some(CountedWaker::clone_of(cx.waker(), &this.counts));
        drop(shared);
        if this.helper.is_none() {
            let shared = Arc::clone(&this.shared);
            this.helper = Some(thread::spawn(move || {
                let waker = {
                    let mut shared = shared.lock().unwrap();
                    shared.0 = true;
                    shared.1.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            }));
        }
        Poll::Pending
    }
}

/// A token moved into a future: when the future is dropped, so is the token, and the `Weak`
/// can no longer be upgraded.
pub fn liveness_token() -> (Arc<()>, Weak<()>) {
    let token = Arc::new(());
    let weak = Arc::downgrade(&token);
    (token, weak)
}

/// What every executor of the chapter runs: a few workers share a counter and a log; each
/// adds one to the counter and logs `(worker, round)`, then yields through a counting leaf,
/// `rounds` times; then it awaits a value computed on another thread.
pub struct Workload {
    pub counter: Arc<AtomicUsize>,
    pub log: Arc<Mutex<Vec<(usize, u32)>>>,
    pub counts: Arc<WakerCounts>,
    pub alive: Vec<Weak<()>>,
}

impl Workload {
    pub fn new() -> Workload {
        Workload { counter: Arc::default(), log: Arc::default(), counts: WakerCounts::new(), alive: Vec::new() }
    }

    /// One worker's future. It is `Send`, so every executor of the chapter accepts it.
    pub fn worker(&mut self, id: usize, rounds: u32) -> impl Future<Output = ()> + Send + use<> {
        let (token, weak) = liveness_token();
        self.alive.push(weak);
        let (counter, log, counts) = (Arc::clone(&self.counter), Arc::clone(&self.log), Arc::clone(&self.counts));
        async move {
            let _alive = token;
            for round in 0..rounds {
                counter.fetch_add(1, Ordering::SeqCst);
                log.lock().unwrap().push((id, round));
                CountingYield::new(1 + round % 2, &counts).await;
            }
            let value = CountingOffThread::new(7, &counts).await;
            assert_eq!(value, 7);
        }
    }

    pub fn count(&self) -> usize {
        self.counter.load(Ordering::SeqCst)
    }

    pub fn log(&self) -> Vec<(usize, u32)> {
        self.log.lock().unwrap().clone()
    }

    /// After the executor returned: every clone balanced, and no worker's future left.
    #[track_caller]
    pub fn assert_all_released(&self) {
        self.counts.assert_balanced();
        assert!(!self.alive.is_empty());
        assert!(self.alive.iter().all(|weak| weak.upgrade().is_none()), "a worker's future is still alive");
    }
}

/// The log of `workers` workers of `rounds` rounds each, taking turns: worker 0's round 0,
/// worker 1's round 0, …, then round 1, and so on.
pub fn round_robin(workers: usize, rounds: u32) -> Vec<(usize, u32)> {
    (0..rounds).flat_map(|round| (0..workers).map(move |id| (id, round))).collect()
}
