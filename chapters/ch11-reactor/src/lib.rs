//! # Chapter 11: a real leaf — a socket, a reactor, a wake
//!
//! The book's leaves so far were made up: a future that answers `Pending` once. This chapter's
//! leaf reads a real non-blocking socket, and its waker is called by a reactor that waits in the
//! kernel's `epoll_wait`: where the waker is kept, who calls `wake`, and the path from readiness
//! back into `poll`.
//!
//! The library needs only `std` (and the C library std already links): every listing's Compiler
//! Explorer link carries this file, and the intermediate stages compile it alone.

// ---- a socket that is not ready ----------------------------------------------------------------

// ---- the reactor -------------------------------------------------------------------------------

// ---- edge- and level-triggered -----------------------------------------------------------------

// ---- an executor that sleeps in epoll_wait -----------------------------------------------------

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch11-reactor.md")]
pub struct ChapterPage;
