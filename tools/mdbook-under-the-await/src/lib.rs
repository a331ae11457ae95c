//! The book's mdBook preprocessor (the binary `mdbook-under-the-await`, registered in `book.toml`).
//!
//! It runs before mdBook's own `links` preprocessor and
//! - renders `{{#asm …}}` listings from the chapters' checked snapshots (and the one
//!   `{{#historical-asm …}}`), and `{{#asm-line …}}` quotes of single lines that must still be
//!   in their listing,
//! - renders `{{#figures …}}` tables and `{{#figure …}}` values from a chapter's measured
//!   figures (`figures.toml`), refusing stale ones,
//! - checks every `{{#include …}}` (file, anchor, lines), every internal link (page and
//!   fragment), every `cargo run -p … --example …` the prose tells readers to type, and that
//!   every term of the glossary is used somewhere in the book,
//!
//! and fails the build with `file:line: message` for each problem, where mdBook alone would log
//! a warning and render a page with a hole in it.

pub mod commands;
pub mod compiler_explorer;
pub mod diagnostic;
pub mod directive;
pub mod glossary;
pub mod includes;
pub mod links;
pub mod listing;
pub mod measured;
mod preprocess;
pub mod quote;

pub use preprocess::preprocess;
