//! The course material of *Under the Await*, as data: exercises and quizzes.
//!
//! - [`markers`]: a solution file carries its starter in comments; the starter is cut from it,
//!   so the two cannot drift.
//! - [`exercise`]: the exercises of the repository (`exercises/chNN-name/`), and the package a
//!   student works in (`my-exercises/chNN-name/`), whose tests are the exercise's own.
//! - [`checks`]: an exercise's checks, read from its tests, and its `checks.toml`: what
//!   usually makes each fail, and wrong solutions the report is checked on.
//! - [`libtest`]: what `cargo test` said, read back into results a student can be told about.
//! - [`quiz`]: a chapter's questions (`chapters/chNN-slug/quiz.toml`) and the check that every
//!   answer is what the compiler says.
//! - [`error`]: what can go wrong reading the material or writing a package, naming the file
//!   and the line.
//! - [`facts`]: the one place where quiz checks read the chapters' listings: snapshots in,
//!   typed listings and layouts out; and the pinned rustc asked about a snippet.
//!
//! The book's preprocessor renders exercises and quizzes from these types, `cargo xtask
//! exercise …` runs the exercises, and each chapter's `tests/quiz.rs` checks its quiz.

pub mod checks;
pub mod error;
pub mod exercise;
pub mod facts;
pub mod libtest;
pub mod markers;
pub mod quiz;

pub use error::Error;
pub use exercise::{Exercise, UnknownExercise};
pub use quiz::{Question, Quiz, Truth};
