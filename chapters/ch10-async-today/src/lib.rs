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

// ---- recursion ---------------------------------------------------------------------------------

// ANCHOR: recursion_depth
/// Counts its own depth: `recursion_depth(n)` is `n`, reached through `n` nested calls, each of
/// whose futures is boxed. Without the `Box::pin` the future would contain itself
/// (rustc refuses it with E0733: the page's `compile_fail` block).
pub async fn recursion_depth(n: u32) -> u32 {
    if n == 0 { 0 } else { Box::pin(recursion_depth(n - 1)).await + 1 }
}
// ANCHOR_END: recursion_depth

/// [`recursion_depth`]'s future as an executor holds a task: the trait object's vtable points at
/// the resume function, so the crate compiles it to machine code at every opt-level.
pub fn recursion_depth_task(n: u32) -> std::pin::Pin<Box<dyn Future<Output = u32>>> {
    Box::pin(recursion_depth(n))
}

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
