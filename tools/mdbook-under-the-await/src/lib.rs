//! The book's mdBook preprocessor (the binary `mdbook-under-the-await`, registered in `book.toml`).
//!
//! It runs before mdBook's own `links` preprocessor and
//! - renders `{{#asm …}}` listings from the chapters' checked snapshots (and the one
//!   `{{#historical-asm …}}`),
//! - checks every `{{#include …}}` (file, anchor, lines), every internal link (page and
//!   fragment) and every `cargo run -p … --example …` the prose tells readers to type,
//!
//! - renders the course: quizzes, exercises, section times, speaker notes and the schedule
//!   (`course/`),
//!
//! and fails the build with `file:line: message` for each problem, where mdBook alone would log
//! a warning and render a page with a hole in it.

pub mod commands;
pub mod compiler_explorer;
pub mod course;
pub mod diagnostic;
pub mod directive;
pub mod includes;
pub mod links;
pub mod listing;
mod preprocess;

pub use preprocess::preprocess;
