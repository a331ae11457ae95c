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
