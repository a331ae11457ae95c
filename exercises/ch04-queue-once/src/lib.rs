//! Exercise of chapter 4: a run queue that queues a woken task once. The task is in
//! `README.md`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Wake, Waker};

/// One spawned future and the way back into its executor's run queue; the task is its own
/// waker.
pub struct Task {
    /// `None` once the future has returned `Ready`.
    future: Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    queue: Sender<Arc<Task>>,
    /// Up while the task waits in the queue.
    queued: AtomicBool,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // exercise: solution
        // Only the wake that raises the flag queues the task; the others find it queued.
        if !self.queued.swap(true, Ordering::AcqRel) {
            let _ = self.queue.send(Arc::clone(self));
        }
        // exercise: starter
        // let _ = self.queue.send(Arc::clone(self));
        // exercise: end
    }
}

impl Task {
    /// One turn: polls the future once, with the task as its waker.
    fn poll(self: Arc<Self>) {
        let mut slot = self.future.lock().unwrap();
        let Some(future) = slot.as_mut() else { return };
        // exercise: solution
        // Down before the poll, not after: a wake during the poll queues the task again.
        self.queued.store(false, Ordering::Release);
        // exercise: starter
        // // (the `queued` flag is not used yet)
        // exercise: end
        let waker = Waker::from(Arc::clone(&self));
        let mut cx = Context::from_waker(&waker);
        if future.as_mut().poll(&mut cx).is_ready() {
            *slot = None;
        }
    }
}

/// A single-threaded executor: a run queue of tasks, polled one at a time by [`run`](Executor::run).
pub struct Executor {
    ready: Receiver<Arc<Task>>,
    queue: Sender<Arc<Task>>,
}

impl Executor {
    pub fn new() -> Executor {
        let (queue, ready) = mpsc::channel();
        Executor { ready, queue }
    }

    /// Queues `future` as a new task; the `Weak` says whether the task still exists.
    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) -> Weak<Task> {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(future))),
            queue: self.queue.clone(),
            queued: AtomicBool::new(true),
        });
        let weak = Arc::downgrade(&task);
        let _ = self.queue.send(task);
        weak
    }

    /// Polls queued tasks until no task is left anywhere (every `Sender` of the queue is gone).
    pub fn run(self) {
        let Executor { ready, queue } = self;
        drop(queue);
        while let Ok(task) = ready.recv() {
            task.poll();
        }
    }
}

impl Default for Executor {
    fn default() -> Executor {
        Executor::new()
    }
}
