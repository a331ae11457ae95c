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

// ---- the coop budget, yield_now, select! in a loop, a lock across an await ---------------------

// ---- the same four slots in five runtimes ------------------------------------------------------

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch12-tokio.md")]
pub struct ChapterPage;
