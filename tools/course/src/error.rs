//! Everything that can go wrong reading the course material or writing a student's package.
//!
//! A message names the file, and the line where there is one: the reader of it is an author
//! who broke a marker or a `quiz.toml`, or a student who mistyped an exercise's name.

use std::path::{Path, PathBuf};

use crate::exercise::UnknownExercise;
use crate::markers::MarkerError;
use crate::quiz::QuizError;

/// An error of the course crate. `Clone` and `Eq` (an I/O error is kept as its message) so that
/// the book's preprocessor can keep it in its own errors and its tests can compare them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },

    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },

    #[error("cannot create the folder {path}: {reason}")]
    CreateFolder { path: PathBuf, reason: String },

    /// A name that is no exercise: the one error a student's typing causes (exit code 2).
    #[error(transparent)]
    UnknownExercise(UnknownExercise),

    /// An exercise's `README.md` whose first line is not its `# ` title.
    #[error("{readme}:1: expected a `# ` heading, the exercise's title, as the first line")]
    NoTitle { readme: PathBuf },

    /// The markers of an exercise's solution file (`src/lib.rs`).
    #[error("{file}:{}: {}", error.line, error.problem)]
    Markers { file: PathBuf, error: MarkerError },

    /// A chapter's `quiz.toml`.
    #[error("{file}:{}: {}", error.line, error.problem)]
    Quiz { file: PathBuf, error: QuizError },

    /// A `Cargo.toml` that a student's package is written from.
    #[error("{file}:{line}: {problem}")]
    Manifest { file: PathBuf, line: usize, problem: ManifestProblem },
}

/// What is wrong with a manifest a student's package is written from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestProblem {
    /// TOML's own message, without its excerpt of the file: the line is the error's.
    #[error("{message}")]
    Toml { message: String },
    #[error(
        "`{name}` is `workspace = true`, but the workspace's Cargo.toml has no `{name}` in [workspace.dependencies]"
    )]
    NotInWorkspace { name: String },
    #[error("`{name}` is neither a version (\"1\") nor a table ({{ path = … }}): {spec}")]
    DependencySpec { name: String, spec: String },
}

impl Error {
    pub fn read(path: &Path, error: std::io::Error) -> Error {
        Error::Read { path: path.to_owned(), reason: error.to_string() }
    }

    pub fn write(path: &Path, error: std::io::Error) -> Error {
        Error::Write { path: path.to_owned(), reason: error.to_string() }
    }

    pub fn create_folder(path: &Path, error: std::io::Error) -> Error {
        Error::CreateFolder { path: path.to_owned(), reason: error.to_string() }
    }
}

impl From<UnknownExercise> for Error {
    fn from(unknown: UnknownExercise) -> Error {
        Error::UnknownExercise(unknown)
    }
}

/// The 1-based line of a byte offset of `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&byte| byte == b'\n').count() + 1
}

/// The line of a TOML error (the first, where TOML gives no place), and TOML's message.
pub(crate) fn toml_error(text: &str, error: &toml::de::Error) -> (usize, String) {
    let line = error.span().map_or(1, |span| line_of(text, span.start));
    (line, error.message().trim_end().to_owned())
}
