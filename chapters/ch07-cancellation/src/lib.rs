//! # Chapter 7: cancellation
//!
//! What happens when a future is dropped before it is finished, down to the drop glue:
//!
//! - [`Named`] and [`take_dropped`]: a value that writes its name into this thread's drop log when
//!   it is dropped, so that a test can say exactly what was dropped, and in which order.
//! - [`held_across_awaits`]: an `async fn` holding named values across three awaits; the book
//!   reads the drop glue of its future in MIR and in machine code ([`boxed_held_across_awaits`]
//!   gives it a vtable, and so code of its own).
//! - [`Deadline`]: a leaf future ready on its n-th poll, the stand-in for a timer in races.
//! - [`Feed`], [`read_line`] and [`LineReader`]: a line reader that loses data when it is
//!   cancelled half-way, and one that does not.
//! - [`oneshot`]: chapter 3's channel, whose receiver now takes its waker back when it is dropped.
//! - [`rc_held_across_await`] and its variants, on `Send`; last, [`awaits_a_child`], on drop glue.
//!
//! ```
//! use ch07_cancellation::{Named, held_across_awaits, take_dropped};
//! drop(held_across_awaits(Named("argument"))); // cancelled before its first poll
//! assert_eq!(take_dropped(), ["argument"]);
//! ```
//!
//! The library is one file that needs only `std`: every listing's Compiler Explorer link
//! carries this file alone.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

// ANCHOR: yield_once
/// A leaf future that is pending exactly once, and wakes its own task before it says so
/// (chapter 5's, copied: a chapter's library needs nothing but `std`).
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
// ANCHOR_END: yield_once

// ANCHOR: named
thread_local! {
    /// The names of the `Named` values dropped on this thread, in order. Each test runs on a
    /// thread of its own, so tests running in parallel do not mix their logs.
    static DROPPED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The names dropped on this thread since the last call, in the order they were dropped.
pub fn take_dropped() -> Vec<&'static str> {
    DROPPED.take()
}

/// A value that writes its name into this thread's drop log when it is dropped.
#[derive(Debug)]
pub struct Named(pub &'static str);

impl Drop for Named {
    // Out of line, so that the drop glue of a future calls it and the listing shows each call.
    #[inline(never)]
    fn drop(&mut self) {
        DROPPED.with_borrow_mut(|dropped| dropped.push(self.0));
    }
}
// ANCHOR_END: named

// ANCHOR: held_across_awaits
/// Holds named values across three awaits: what the future holds differs at each of them.
#[allow(unused_variables, reason = "the values are held only to be dropped: their drops are what the chapter reads")]
pub async fn held_across_awaits(argument: Named) {
    let first = Named("first");
    YieldOnce::default().await; // Suspend0: argument, first
    {
        let second = Named("second");
        YieldOnce::default().await; // Suspend1: argument, first, second
    }
    YieldOnce::default().await; // Suspend2: argument, first
}
// ANCHOR_END: held_across_awaits

// ANCHOR: boxed
/// [`held_across_awaits`] as an executor holds a task: the trait object's vtable points at the
/// future's drop glue, so this crate compiles the drop glue to machine code.
pub fn boxed_held_across_awaits(argument: Named) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(held_across_awaits(argument))
}
// ANCHOR_END: boxed

// ANCHOR: deadline
/// A stand-in for a timer: ready on its `polls`-th poll, pending (and waking its task) before.
///
/// A real timer would be ready after some time; counting polls instead makes every race in the
/// tests come out the same way on every run.
#[derive(Debug)]
pub struct Deadline {
    polls_left: u32,
}

impl Deadline {
    pub fn after_polls(polls: u32) -> Deadline {
        Deadline { polls_left: polls }
    }
}

impl Future for Deadline {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls_left = self.polls_left.saturating_sub(1);
        if self.polls_left == 0 {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: deadline

// ANCHOR: feed
/// Where lines come from: chunks of text, each of which takes one poll to arrive, like a read from
/// a socket that is pending once.
#[derive(Debug, Default)]
pub struct Feed {
    chunks: VecDeque<&'static str>,
}

impl Feed {
    pub fn new(chunks: impl IntoIterator<Item = &'static str>) -> Feed {
        Feed { chunks: chunks.into_iter().collect() }
    }

    /// The next chunk; `None` once the feed has run out.
    pub fn next_chunk(&mut self) -> NextChunk<'_> {
        NextChunk { feed: self, arrived: false }
    }
}

/// The future of [`Feed::next_chunk`]. The chunk leaves the feed on the poll that returns it.
#[derive(Debug)]
pub struct NextChunk<'a> {
    feed: &'a mut Feed,
    arrived: bool,
}

impl Future for NextChunk<'_> {
    type Output = Option<&'static str>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<&'static str>> {
        if !self.arrived {
            self.arrived = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.feed.chunks.pop_front())
    }
}
// ANCHOR_END: feed

// ANCHOR: read_line
/// Reads one line. Not cancellation-safe: the chunks already taken from the feed live in the
/// future's `line`, and are dropped with it if the future is.
pub async fn read_line(feed: &mut Feed) -> String {
    let mut line = String::new();
    while !line.ends_with('\n') {
        match feed.next_chunk().await {
            Some(chunk) => line.push_str(chunk),
            None => break,
        }
    }
    line
}
// ANCHOR_END: read_line

// ANCHOR: line_reader
/// Reads lines and keeps what it has read of the next one in itself, outside any future:
/// dropping a `read_line` future half-way loses nothing.
#[derive(Debug)]
pub struct LineReader {
    feed: Feed,
    partial: String,
}

impl LineReader {
    pub fn new(feed: Feed) -> LineReader {
        LineReader { feed, partial: String::new() }
    }

    /// Reads one line. Cancellation-safe: each chunk goes into `self.partial` on the poll that
    /// takes it from the feed, so whatever is taken is kept for the next call.
    pub async fn read_line(&mut self) -> String {
        while !self.partial.ends_with('\n') {
            match self.feed.next_chunk().await {
                Some(chunk) => self.partial.push_str(chunk),
                None => break,
            }
        }
        mem::take(&mut self.partial)
    }
}
// ANCHOR_END: line_reader

// ANCHOR: oneshot
/// The sending half of a [`oneshot`] channel.
#[derive(Debug)]
pub struct Sender<T> {
    shared: Arc<Mutex<Slot<T>>>,
}

/// The receiving half: a future of the value, or of `None` if the sender is dropped unused.
#[derive(Debug)]
pub struct Receiver<T> {
    shared: Arc<Mutex<Slot<T>>>,
}

/// What the two halves share: the value, the waker of the receiver's most recent poll, and
/// whether each half is still there.
#[derive(Debug)]
struct Slot<T> {
    value: Option<T>,
    sender_gone: bool,
    receiver_gone: bool,
    waker: Option<Waker>,
}

/// A channel for one value (chapter 3's, with a receiver that cleans up after itself).
pub fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Slot { value: None, sender_gone: false, receiver_gone: false, waker: None };
    let shared = Arc::new(Mutex::new(slot));
    (Sender { shared: Arc::clone(&shared) }, Receiver { shared })
}

// ANCHOR: send
impl<T> Sender<T> {
    /// Stores the value, and dropping `self` wakes the receiver; if the receiver is gone, the
    /// value comes back instead.
    pub fn send(self, value: T) -> Result<(), T> {
        let mut slot = self.shared.lock().unwrap();
        if slot.receiver_gone {
            return Err(value);
        }
        slot.value = Some(value);
        Ok(())
    }
}
// ANCHOR_END: send

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.shared.lock().unwrap();
            slot.sender_gone = true;
            slot.waker.take()
        };
        // Woken after the lock is released: the receiver may be polled at once, on another thread.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = self.shared.lock().unwrap();
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Some(value));
        }
        if slot.sender_gone {
            return Poll::Ready(None);
        }
        match &mut slot.waker {
            Some(stored) => stored.clone_from(cx.waker()),
            None => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
// ANCHOR_END: oneshot

// ANCHOR: receiver_drop
/// What chapter 3's receiver lacked. A receiver dropped while its waker sits in the slot takes
/// the waker back: otherwise the slot would keep the waker (and whatever task it holds alive)
/// until the sender goes, and the sender would wake a task that no longer waits for anything.
impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.shared.lock().unwrap();
            slot.receiver_gone = true;
            slot.waker.take()
        };
        // Dropped after the lock is released: dropping a waker runs the executor's code, which
        // may free a task, whose future may own the sender, whose `drop` takes this lock.
        drop(waker);
    }
}
// ANCHOR_END: receiver_drop

// ANCHOR: rc
/// The `Rc` is used after the await, so it is saved in the future: the future is not `Send`.
pub async fn rc_held_across_await() -> u8 {
    let shared = Rc::new(7u8);
    YieldOnce::default().await;
    *shared
}

/// The same `Rc`, in a block that ends before the await: only the `u8` is saved, and the future
/// is `Send`.
pub async fn rc_dropped_in_a_block_before_await() -> u8 {
    let value = {
        let shared = Rc::new(7u8);
        *shared
    };
    YieldOnce::default().await;
    value
}

/// The `Rc` is borrowed (`*shared` calls `Deref::deref(&shared)`), then dropped, before the
/// await: borrowed, it stays saved until its scope ends (chapter 5), and the future is not `Send`.
pub async fn rc_borrowed_then_dropped_before_await() -> u8 {
    let shared = Rc::new(7u8);
    let value = *shared;
    drop(shared);
    YieldOnce::default().await;
    value
}
// ANCHOR_END: rc

// ANCHOR: rc_replaced
/// The `Rc` is dropped before the await and a new one is made after it, so no `Rc` is alive
/// at the await: the layout saves none (2 bytes: the tag and the awaitee). The future is still
/// not `Send`: rustc decides its auto traits from the MIR before drop elaboration, where
/// `guard = …` still drops the old value first, a use of `guard` after the await
/// (rust-lang/rust#57478, open).
pub async fn rc_replaced_after_await() {
    let mut guard = Rc::new(1u8);
    loop {
        drop(guard);
        YieldOnce::default().await;
        guard = Rc::new(2u8);
    }
}
// ANCHOR_END: rc_replaced

// ANCHOR: awaits_a_child
/// A future with a destructor of its own: it holds a [`Named`] across its await.
#[allow(unused_variables, reason = "the value is held only to be dropped")]
pub async fn child_holding_a_name() {
    let inner = Named("inner");
    YieldOnce::default().await; // Suspend0: inner
}

/// Awaits [`child_holding_a_name`]: suspended there, its `__awaitee` is that child's future, and
/// the drop glue must drop it, which runs the child's own drop glue.
#[allow(unused_variables, reason = "the value is held only to be dropped")]
pub async fn awaits_a_child(argument: Named) {
    let outer = Named("outer");
    child_holding_a_name().await; // Suspend0: argument, outer, the child's future
}
// ANCHOR_END: awaits_a_child

/// [`awaits_a_child`] behind a vtable, so that its drop glue gets machine code.
pub fn boxed_awaits_a_child(argument: Named) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(awaits_a_child(argument))
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch07-cancellation.md")]
pub struct ChapterPage;
