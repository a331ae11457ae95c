//! Figures the book measures instead of compiling: instruction counts from callgrind, the bytes
//! of futures, wall-clock times, and the file that keeps them for a page to render.
//!
//! A chapter that measures keeps its figures in `chapters/<chapter>/figures.toml`, written by one
//! program in one run (for the cost chapter, `ci/bench-cost`). The file records what produced
//! the figures (compiler, valgrind, CPU) and a digest of every source they depend on, so that the
//! book's preprocessor can refuse to show figures whose sources have changed since
//! ([`Figures::stale`]).
//!
//! - [`callgrind`]: runs a program under valgrind's callgrind and counts the instructions
//!   executed inside one function only (`--toggle-collect`), from a start marker on
//!   (`--zero-before`).
//! - [`Figures`]: the file, its tables and its named values.
//! - [`machine`]: the CPU the figures were measured on.

pub mod callgrind;
mod file;
pub mod machine;

pub use callgrind::Callgrind;
pub use file::{FILE_NAME, Figures, Input, LockedPackage, MeasuredWith, Table, Value};

/// Everything that can go wrong while measuring or reading figures, each naming what was
/// wrong and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "valgrind is not installed (`{program}`: {reason}): {needed}. To install it: {install}",
        needed = callgrind::NEEDED_FOR,
        install = callgrind::HOW_TO_INSTALL
    )]
    ValgrindMissing { program: String, reason: String },

    #[error("`{command}` failed ({status}):\n{stderr}")]
    Run { command: String, status: String, stderr: String },

    #[error(
        "callgrind counted no instruction inside `{function}`: the program never entered a function of \
         that name (was it inlined, or renamed?). `valgrind --tool=callgrind` on `{command}` and \
         `callgrind_annotate` list the functions it did run"
    )]
    NothingCounted { function: String, command: String },

    #[error("cannot read callgrind's output {path}: {reason}")]
    CallgrindOutput { path: String, reason: String },

    #[error("{path}: {reason}")]
    File { path: String, reason: String },
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn a_missing_valgrind_says_what_needs_it_and_how_to_install_it_on_each_system() {
        let error = Error::ValgrindMissing { program: "valgrind".into(), reason: "No such file or directory".into() };
        let message = error.to_string();
        for part in [
            "valgrind is not installed (`valgrind`: No such file or directory)",
            "chapter 9's tests and exercises count",
            "sudo apt-get install valgrind",
            "sudo dnf install valgrind",
            "macOS",
            "container",
        ] {
            assert!(message.contains(part), "{part:?} missing from: {message}");
        }
        assert!(!message.contains('\n'), "one line: {message}");
    }
}
