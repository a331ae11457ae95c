//! An exercise's checks, as a student is told about them: every test of its `tests/` folder
//! (read from the source, so that they are known, and counted, even when nothing compiles or a
//! test program crashes before it reports them), and, from the exercise's `checks.toml`, what
//! usually makes each one fail and the wrong solutions the test command checks the report on.
//!
//! ```toml
//! [causes]
//! a_clone_counts_itself_and_owns_a_strong_count = "a `clone` that takes no strong count …"
//!
//! [crashes]
//! wake_by_ref_counts_itself_and_keeps_the_strong_count = "the data pointer read as …"
//!
//! [[wrong]]
//! file = "wrong/clone-takes-no-strong-count.rs"
//! passes = 5
//! says = ["✗ a clone counts itself and owns a strong count", "takes no strong count"]
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::error::{Error, ManifestProblem, toml_error};
use crate::exercise::Exercise;

/// The file, beside an exercise's `README.md`, that says what its checks are about.
pub const CHECKS_FILE: &str = "checks.toml";

/// One check: a `#[test]` function of one of the exercise's test files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The test target: `contract` for `tests/contract.rs`.
    pub program: String,
    /// The function's name, as libtest reports it.
    pub name: String,
}

/// Every `#[test]` function of the exercise's test files, file by file, in the files' order.
/// A function marked `#[ignore]` is no check.
pub fn checks(exercise: &Exercise) -> Result<Vec<Check>, Error> {
    let mut found = Vec::new();
    for file in exercise.test_files() {
        let text = std::fs::read_to_string(&file).map_err(|e| Error::read(&file, e))?;
        let program = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        found.extend(test_functions(&text).into_iter().map(|name| Check { program: program.clone(), name }));
    }
    Ok(found)
}

/// The names of the `#[test]` functions of a test file: a `#[test]` line, any other attribute
/// lines, then `fn NAME`.
fn test_functions(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line != "#[test]" {
            continue;
        }
        let mut ignored = false;
        for next in lines.by_ref() {
            if next.starts_with("#[") {
                ignored |= next.starts_with("#[ignore");
                continue;
            }
            let name = next.strip_prefix("fn ").and_then(|rest| rest.split(['(', '<', ' ']).next());
            if let Some(name) = name.filter(|_| !ignored) {
                names.push(name.to_owned());
            }
            break;
        }
    }
    names
}

/// What an exercise's `checks.toml` says. An exercise without one has no causes to tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckNotes {
    /// Test function → what usually makes it fail (or crash), said to the student under it.
    #[serde(default)]
    pub causes: BTreeMap<String, String>,
    /// Test function → what usually makes it crash its test program, said under it instead
    /// of its `causes` entry when it does.
    #[serde(default)]
    pub crashes: BTreeMap<String, String>,
    /// Wrong solutions, and what the check must say about each.
    #[serde(default)]
    pub wrong: Vec<WrongSolution>,
}

/// A wrong solution kept with the exercise, for the test command: `cargo xtask exercise check`
/// on it must count `passes` of the exercise's checks passing, and say each of `says`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongSolution {
    /// Relative to the exercise's folder.
    pub file: PathBuf,
    pub passes: usize,
    pub says: Vec<String>,
}

impl CheckNotes {
    /// The exercise's `checks.toml`, if it has one. A cause named after no check is refused:
    /// it would never be shown.
    pub fn read(exercise: &Exercise, checks: &[Check]) -> Result<CheckNotes, Error> {
        let path = exercise.dir.join(CHECKS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(CheckNotes::default()),
            Err(e) => return Err(Error::read(&path, e)),
        };
        let notes: CheckNotes = toml::from_str(&text).map_err(|error| {
            let (line, message) = toml_error(&text, &error);
            Error::Manifest { file: path.clone(), line, problem: ManifestProblem::Toml { message } }
        })?;
        let named = notes.causes.keys().chain(notes.crashes.keys());
        if let Some(unknown) = named.into_iter().find(|name| !checks.iter().any(|c| &c.name == *name)) {
            let line = text.lines().position(|l| l.trim_start().starts_with(unknown.as_str())).map_or(1, |at| at + 1);
            let message = format!("`{unknown}` is no #[test] function of the exercise's tests/");
            return Err(Error::Manifest { file: path, line, problem: ManifestProblem::Toml { message } });
        }
        Ok(notes)
    }

    /// The wrong solution's file, in the exercise's folder.
    pub fn wrong_file(exercise: &Exercise, wrong: &WrongSolution) -> PathBuf {
        exercise.dir.join(&wrong.file)
    }

    /// What usually makes `check` fail.
    pub fn cause(&self, check: &str) -> Option<&str> {
        self.causes.get(check).map(String::as_str)
    }

    /// What usually makes `check` crash its test program (what makes it fail, if nothing is
    /// said about crashes).
    pub fn crash_cause(&self, check: &str) -> Option<&str> {
        self.crashes.get(check).map(String::as_str).or_else(|| self.cause(check))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_functions_are_found_after_their_attribute_and_ignored_ones_are_no_checks() {
        let text = "use x;\n\n#[test]\nfn first() {}\n\n#[test]\n#[should_panic]\nfn second() {}\n\n#[test]\n#[ignore]\nfn third() {}\n\nfn helper() {}\n";
        assert_eq!(test_functions(text), ["first", "second"]);
    }
}
