//! `book-build [ROOT]`: builds the book at ROOT (the checkout by default) into its build-dir.
//! `ci/build-book` and `cargo xtask serve-book` run it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."));
    if let Err(error) = listings::Workspace::this_checkout().refuse_another_checkout(&root, "book-build") {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    match book_build::build(&root) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
