//! The book's mdBook preprocessor (the binary `mdbook-under-the-await`, registered in `book.toml`).
//!
//! It runs before mdBook's own `links` preprocessor and
//! - renders `{{#asm …}}` listings from the chapters' checked snapshots (and the one
//!   `{{#historical-asm …}}`), and `{{#asm-line …}}` quotes of single lines that must still be
//!   in their listing; `{{#table …}}` tables generated from listings, and `{{#cpp-asm …}}` /
//!   `{{#cpp-asm-line …}}` for the C++ listings of the appendix,
//! - checks every `{{#include …}}` (file, anchor, lines), every internal link (page and
//!   fragment), every `cargo run -p … --example …` the prose tells readers to type, and that
//!   every term of the glossary is used somewhere in the book,
//!
//! and fails the build with `file:line: message` for each problem, where mdBook alone would log
//! a warning and render a page with a hole in it.

pub mod asm_html;
pub mod commands;
pub mod compiler_explorer;
pub mod cpp_listing;
pub mod diagnostic;
pub mod directive;
pub mod generated_table;
pub mod glossary;
pub mod includes;
pub mod links;
pub mod listing;
pub mod notes;
mod preprocess;
pub mod quote;

pub use preprocess::preprocess;
