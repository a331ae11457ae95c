//! # Chapter 12: tokio, down to the machine code
//!
//! The runtime most readers use, taken apart with the book's tools: its task in memory and the
//! state word, its waker's vtable, why `spawn` asks for `Send + 'static`, what `abort` drops,
//! the coop budget and `yield_now`, `select!` in a loop, a lock held across an `.await`; then the
//! same four waker slots in five runtimes.
//!
//! Unlike the earlier chapters, this library needs tokio (pinned in `Cargo.lock`): its listings
//! link no Compiler Explorer page.

// ---- a tokio task in memory, its waker, spawn and abort ----------------------------------------

/// A tokio task in memory, its waker, `spawn`'s bounds and `abort`: the futures the section
/// spawns, and a reader of a task's state word through its waker.
pub mod task {
    use std::future::poll_fn;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Poll, Waker};

    use tokio::sync::oneshot;

    // ANCHOR: known
    /// The known future: four words kept across one `.await`.
    pub async fn known(seed: u64) -> u64 {
        let words = [seed, seed + 1, seed + 2, seed + 3];
        tokio::task::yield_now().await;
        words.iter().sum()
    }

    /// Spawns [`known`] on a runtime's handle: the call that makes this crate instantiate tokio's
    /// task cell for `known`'s future, on both schedulers (`Handle::spawn` picks one at run time).
    pub fn spawn_known(handle: &tokio::runtime::Handle, seed: u64) -> tokio::task::JoinHandle<u64> {
        handle.spawn(known(seed))
    }
    // ANCHOR_END: known

    // ANCHOR: state_bits
    /// tokio's state word, bit by bit (tokio 1.54.1, `src/runtime/task/state.rs`, lines 16–49):
    /// six flags in the low bits, the reference count above them.
    pub mod bits {
        pub const RUNNING: usize = 0b1;
        pub const COMPLETE: usize = 0b10;
        pub const NOTIFIED: usize = 0b100;
        pub const JOIN_INTEREST: usize = 0b1_000;
        pub const JOIN_WAKER: usize = 0b10_000;
        pub const CANCELLED: usize = 0b100_000;
        /// One reference: the first bit above the flags.
        pub const REF_ONE: usize = 1 << 6;
    }
    // ANCHOR_END: state_bits

    /// A task's state word, as read through one of its wakers.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct StateWord(pub usize);

    impl StateWord {
        /// The reference count: the bits above the six flags.
        pub fn refs(self) -> usize {
            self.0 / bits::REF_ONE
        }

        /// The flags that are set, by tokio's names, low bit first.
        pub fn flags(self) -> Vec<&'static str> {
            let names = [
                (bits::RUNNING, "RUNNING"),
                (bits::COMPLETE, "COMPLETE"),
                (bits::NOTIFIED, "NOTIFIED"),
                (bits::JOIN_INTEREST, "JOIN_INTEREST"),
                (bits::JOIN_WAKER, "JOIN_WAKER"),
                (bits::CANCELLED, "CANCELLED"),
            ];
            names.iter().filter(|(bit, _)| self.0 & bit != 0).map(|&(_, name)| name).collect()
        }
    }

    impl std::fmt::Display for StateWord {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:#06x}: refs {}, {}", self.0, self.refs(), self.flags().join(" | "))
        }
    }

    // ANCHOR: state_of
    /// The state word of the task whose waker `waker` is: the first word its data pointer points
    /// at, which is the task's `Header`, whose first field is the state (`core.rs`, lines 126–171).
    ///
    /// # Safety
    /// `waker` must be a waker that tokio made for one of its tasks (a `JoinHandle`'s or a
    /// spawned future's `cx.waker()`), and the task's memory must be alive, as it is while the
    /// waker (or a clone) is held or the task is running.
    pub unsafe fn state_of(waker: &Waker) -> StateWord {
        let state = waker.data().cast::<AtomicUsize>();
        // SAFETY: the caller promises a live tokio task header, whose first field is an
        // `AtomicUsize` (`State { val: AtomicUsize }`, state.rs line 6).
        StateWord(unsafe { (*state).load(Ordering::Acquire) })
    }
    // ANCHOR_END: state_of

    /// The waker the current task was polled with, cloned (a clone takes one reference).
    pub async fn own_waker() -> Waker {
        poll_fn(|cx| Poll::Ready(cx.waker().clone())).await
    }

    /// The state word of the current task, read through the waker it is being polled with (no
    /// clone: tokio's `waker_ref` lends the poll a waker that takes no reference, waker.rs 14–34).
    ///
    /// # Safety
    /// Only inside a task that tokio spawned (not the future given to `block_on`).
    pub async unsafe fn own_state() -> StateWord {
        // SAFETY: the caller promises a spawned task, which is alive while it runs.
        poll_fn(|cx| Poll::Ready(unsafe { state_of(cx.waker()) })).await
    }

    // ---- abort: what is dropped, when, and where -----------------------------------------------

    /// What a [`Noisy`] value records when it is dropped, and the task records as it runs.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Event {
        /// The task reached a suspension point (0, 1) and is about to wait there.
        Reached(u32),
        /// A `Noisy` was dropped, on this thread.
        Dropped { name: &'static str, thread: std::thread::ThreadId, thread_name: Option<String> },
        /// Something the test itself did (`abort` returned).
        Note(&'static str),
    }

    /// The log every [`Noisy`] and [`staged`] write to.
    pub type Log = Arc<Mutex<Vec<Event>>>;

    /// A value that writes down where and on which thread it was dropped.
    pub struct Noisy {
        pub name: &'static str,
        pub log: Log,
    }

    impl Drop for Noisy {
        fn drop(&mut self) {
            let thread = std::thread::current();
            let event =
                Event::Dropped { name: self.name, thread: thread.id(), thread_name: thread.name().map(str::to_owned) };
            self.log.lock().unwrap().push(event);
        }
    }

    // ANCHOR: staged
    /// A task with two suspension points: it holds `arg` from the start, `a` from the first
    /// `.await` on, `b` from the second; it says when it reaches each, then waits for its gate.
    pub async fn staged(
        arg: Noisy,
        reached: tokio::sync::mpsc::UnboundedSender<u32>,
        gates: [oneshot::Receiver<()>; 2],
    ) -> u32 {
        let [first, second] = gates;
        let a = Noisy { name: "a", log: arg.log.clone() };
        let _ = reached.send(0);
        let _ = first.await; // suspension point 0
        let b = Noisy { name: "b", log: arg.log.clone() };
        let _ = reached.send(1);
        let _ = second.await; // suspension point 1
        drop((a, b));
        arg.name.len() as u32
    }
    // ANCHOR_END: staged
}

// ---- the coop budget, yield_now, select! in a loop, a lock across an await ---------------------

/// The coop budget, `yield_now`, `select!` in a loop and a lock held across an `.await`: the
/// futures of the page's sections on them, measured by `tests/coop.rs`, `tests/select.rs` and
/// `tests/lock.rs`.
pub mod coop {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex as StdMutex};
    use std::task::{Context, Poll};

    use tokio::sync::mpsc;

    // ANCHOR: coop_receive
    /// Receives `count` messages from `rx` and adds them up: a loop over a channel that, when the
    /// messages are already queued, never has to wait.
    pub async fn receive(rx: &mut mpsc::Receiver<u32>, count: usize) -> u64 {
        let mut sum = 0;
        for _ in 0..count {
            sum += u64::from(rx.recv().await.expect("the sender is alive"));
        }
        sum
    }
    // ANCHOR_END: coop_receive

    // ANCHOR: coop_poll_recv
    /// One poll of `rx`: what a `recv().await` does each time its task is polled, compiled
    /// here with tokio's inlined budget check.
    pub fn poll_recv_once(rx: &mut mpsc::Receiver<u32>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        rx.poll_recv(cx)
    }
    // ANCHOR_END: coop_poll_recv

    // ANCHOR: coop_yield_by_wake
    /// A yield written as chapter 2's leaf would write it: wake the task at once, answer
    /// `Pending` once. `tokio::task::yield_now` is the same except for where its wake goes.
    #[derive(Default)]
    pub struct YieldByWake {
        yielded: bool,
    }

    impl Future for YieldByWake {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.yielded {
                return Poll::Ready(());
            }
            self.yielded = true;
            cx.waker().wake_by_ref(); // straight into the run queue
            Poll::Pending
        }
    }
    // ANCHOR_END: coop_yield_by_wake

    // ANCHOR: select_deadline
    /// Receives messages until the channel closes or `timer` fires: one timer for the whole
    /// loop, pinned once, and each turn's `select!` borrows it.
    pub async fn until_deadline<T: Future<Output = ()>>(rx: &mut mpsc::Receiver<u32>, timer: T) -> Vec<u32> {
        let mut got = Vec::new();
        tokio::pin!(timer);
        loop {
            tokio::select! {
                biased; // poll the branches top to bottom, so that the counts are the same each run
                () = &mut timer => return got,
                message = rx.recv() => match message {
                    Some(message) => got.push(message),
                    None => return got,
                },
            }
        }
    }
    // ANCHOR_END: select_deadline

    // ANCHOR: select_idle
    /// The same loop with a fresh timer each turn (an idle timeout): `new_timer` is called on
    /// every turn, and its future is dropped when that turn's `select!` ends.
    pub async fn until_idle<T: Future<Output = ()>>(
        rx: &mut mpsc::Receiver<u32>,
        mut new_timer: impl FnMut() -> T,
    ) -> Vec<u32> {
        let mut got = Vec::new();
        loop {
            tokio::select! {
                biased;
                () = new_timer() => return got,
                message = rx.recv() => match message {
                    Some(message) => got.push(message),
                    None => return got,
                },
            }
        }
    }
    // ANCHOR_END: select_idle

    /// [`until_deadline`] with tokio's own timer: the future whose layout the page shows.
    pub async fn until_deadline_sleep(rx: &mut mpsc::Receiver<u32>, deadline: std::time::Duration) -> Vec<u32> {
        until_deadline(rx, tokio::time::sleep(deadline)).await
    }

    /// [`until_idle`] with tokio's own timer.
    pub async fn until_idle_sleep(rx: &mut mpsc::Receiver<u32>, idle: std::time::Duration) -> Vec<u32> {
        until_idle(rx, || tokio::time::sleep(idle)).await
    }

    // ANCHOR: select_counted
    /// What happened to a [`Counted`] future, in order.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Event {
        /// The future numbered so was made.
        Made(usize),
        /// It was polled and answered `Pending` (`false`) or `Ready` (`true`).
        Polled(usize, bool),
        /// It was dropped.
        Dropped(usize),
    }

    /// A future that writes down when it is made, polled and dropped, in a log its siblings share.
    pub struct Counted<F> {
        inner: Pin<Box<F>>,
        number: usize,
        log: Arc<StdMutex<Vec<Event>>>,
    }

    impl<F: Future> Counted<F> {
        /// Wraps `inner`, the next future of `log`.
        pub fn new(inner: F, log: &Arc<StdMutex<Vec<Event>>>) -> Self {
            let mut events = log.lock().unwrap();
            let number = events.iter().filter(|e| matches!(e, Event::Made(_))).count();
            events.push(Event::Made(number));
            Counted { inner: Box::pin(inner), number, log: Arc::clone(log) }
        }
    }

    impl<F: Future> Future for Counted<F> {
        type Output = F::Output;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            let answer = self.inner.as_mut().poll(cx);
            self.log.lock().unwrap().push(Event::Polled(self.number, answer.is_ready()));
            answer
        }
    }

    impl<F> Drop for Counted<F> {
        fn drop(&mut self) {
            if let Ok(mut events) = self.log.lock() {
                events.push(Event::Dropped(self.number));
            }
        }
    }
    // ANCHOR_END: select_counted

    // ANCHOR: lock_std
    /// Adds one under a `std::sync::Mutex` whose guard lives across an `.await`: it compiles and
    /// runs, but its future is not `Send`.
    #[expect(clippy::await_holding_lock, reason = "the page's section shows this lint firing here")]
    pub async fn add_one_std(counter: &StdMutex<u32>) {
        let mut guard = counter.lock().unwrap();
        tokio::task::yield_now().await;
        *guard += 1;
    }
    // ANCHOR_END: lock_std

    // ANCHOR: lock_std_scoped
    /// The usual fix: the guard's block ends before the `.await`.
    pub async fn add_one_std_scoped(counter: &StdMutex<u32>) {
        {
            let mut guard = counter.lock().unwrap();
            *guard += 1;
        }
        tokio::task::yield_now().await;
    }
    // ANCHOR_END: lock_std_scoped

    // ANCHOR: lock_tokio
    /// The same with `tokio::sync::Mutex`: `lock()` is a future, and the guard may cross an
    /// `.await` and a thread.
    pub async fn add_one_tokio(counter: &tokio::sync::Mutex<u32>) {
        let mut guard = counter.lock().await;
        tokio::task::yield_now().await;
        *guard += 1;
    }
    // ANCHOR_END: lock_tokio
}

// ---- the same four slots in five runtimes ------------------------------------------------------

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch12-tokio.md")]
pub struct ChapterPage;
