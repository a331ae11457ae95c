//! # Chapter 10: the async Rust people write today
//!
//! The language features that came after the book's free `async fn`s, each taken apart:
//! `async fn` in traits, async closures, recursion, streams, futures too big for the stack, and
//! where `Send` comes from.
//!
//! The library needs only `std`, except the module `crates` (behind the default feature of the
//! same name): every listing's Compiler Explorer link carries this file, and the intermediate
//! stages compile it alone, with the feature off.

// ---- async fn in traits ------------------------------------------------------------------------

// ---- async closures ----------------------------------------------------------------------------

// ANCHOR: pending_once
/// A leaf future that is pending exactly once, waking its own task first, then ready: one
/// suspension point wherever it is awaited (chapter 5's `YieldOnce` under another name, so that
/// this section's code stands alone).
#[derive(Debug, Default)]
pub struct PendingOnce {
    polled: bool,
}

// Paths in full: the sections of this file are written apart, and none imports for another.
impl std::future::Future for PendingOnce {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.polled {
            return std::task::Poll::Ready(());
        }
        self.polled = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}
// ANCHOR_END: pending_once

// ANCHOR: async_logger
/// An async closure that owns a log. Each call's future pushes `entry` onto that log, waits
/// once, and answers how long the log has grown: the log outlives every call, and every call's
/// future borrows it from the closure.
pub fn async_logger(mut log: Vec<u32>) -> impl AsyncFnMut(u32) -> usize {
    async move |entry| {
        log.push(entry);
        PendingOnce::default().await;
        log.len()
    }
}
// ANCHOR_END: async_logger

// ANCHOR: call_twice
/// Calls `f` twice, each call's future awaited before the next call is made.
pub async fn call_twice(mut f: impl AsyncFnMut(u32) -> usize) -> usize {
    f(1).await;
    f(2).await
}

/// The async closure, called twice.
pub async fn log_twice() -> usize {
    call_twice(async_logger(Vec::new())).await
}
// ANCHOR_END: call_twice

// ANCHOR: shared_logger
/// The same log with a closure that returns an async block. The block cannot borrow from the
/// closure, so the log is shared: each call clones the `Rc` into the future it returns.
pub async fn log_twice_shared(log: std::rc::Rc<std::cell::RefCell<Vec<u32>>>) -> usize {
    call_twice(move |entry| {
        let log = std::rc::Rc::clone(&log);
        async move {
            log.borrow_mut().push(entry);
            PendingOnce::default().await;
            log.borrow().len()
        }
    })
    .await
}
// ANCHOR_END: shared_logger

// ANCHOR: closure_kinds
/// Reads its captures only: an `AsyncFn`, whose call borrows the closure shared.
pub fn async_reader(names: Vec<String>) -> impl AsyncFn(usize) -> usize {
    async move |index| names[index].len()
}

/// Gives its capture away: an `AsyncFnOnce` only, whose call consumes the closure.
pub fn async_consumer(names: Vec<String>) -> impl AsyncFnOnce() -> Vec<String> {
    async move || names
}
// ANCHOR_END: closure_kinds

// ---- recursion ---------------------------------------------------------------------------------

// ---- streams -----------------------------------------------------------------------------------

// ---- futures too big for the stack -------------------------------------------------------------

// ---- where Send comes from ---------------------------------------------------------------------

/// The parts that need a crate besides `std`.
#[cfg(feature = "crates")]
pub mod crates {
    // ---- #[async_trait] and trait_variant -------------------------------------------------------

    // ---- futures' streams -----------------------------------------------------------------------
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch10-async-today.md")]
pub struct ChapterPage;
