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

    /// What a [`Noisy`] value records when it is dropped, and what a test notes beside it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Event {
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

    /// Spawns [`staged`] on a runtime's handle: the call that makes this crate instantiate the
    /// task for `staged`'s future, and with it the future's drop glue, which `abort` runs.
    pub fn spawn_staged(
        handle: &tokio::runtime::Handle,
        arg: Noisy,
        reached: tokio::sync::mpsc::UnboundedSender<u32>,
        gates: [oneshot::Receiver<()>; 2],
    ) -> tokio::task::JoinHandle<u32> {
        handle.spawn(staged(arg, reached, gates))
    }
    // ANCHOR_END: staged
}

// ---- the coop budget, yield_now, select! in a loop, a lock across an await ---------------------

pub mod coop;

// ---- the same four slots in five runtimes ------------------------------------------------------

#[cfg(feature = "runtimes")]
pub mod runtimes;

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch12-tokio.md")]
pub struct ChapterPage;
