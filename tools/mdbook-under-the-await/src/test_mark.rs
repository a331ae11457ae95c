//! Test marks: `{{#test CHAPTER NAME}}` after a claim says that the chapter's test `NAME` holds
//! it, without putting a sixty-letter test name into the sentence.
//!
//! The mark is a small tick that names the test and its file on hover, to a screen reader and
//! in print (`book/theme/listings.css`). The build fails when the chapter has no test of that
//! name, so that a renamed or deleted test cannot leave a claim marked as held.

use std::path::{Path, PathBuf};

use listings::Workspace;

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::escape;

/// `{{#test CHAPTER NAME}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestMark {
    pub chapter: String,
    pub name: String,
}

impl TestMark {
    pub fn parse(arguments: &Arguments<'_>) -> Result<TestMark, ArgumentError> {
        let [chapter, name] = arguments.words.as_slice() else { return Err(ArgumentError::Usage) };
        Ok(TestMark { chapter: chapter.clone(), name: name.clone() })
    }
}

/// Why a test mark cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chapter(#[from] listings::Error),
    #[error(
        "{chapter} has no test `{name}` in its tests/ folder{}",
        if closest.is_empty() { String::new() } else { format!("; the closest are {}", closest.join(", ")) }
    )]
    NoSuchTest { chapter: String, name: String, closest: Vec<String> },
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
}

impl From<Error> for RenderError {
    fn from(error: Error) -> RenderError {
        RenderError::TestMark(Box::new(error))
    }
}

impl Render for TestMark {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let file = self.file(context.workspace)?;
        let held_by = format!("Held by the test {} in {file}", self.name);
        Ok(Expansion::Markdown(format!(
            "<sup class=\"test-mark\" title=\"{held_by}\" aria-label=\"{held_by}\" data-test=\"{}\">✓</sup>",
            escape(&self.name),
            held_by = escape(&held_by)
        )))
    }
}

impl TestMark {
    /// The file of the chapter's test, `chapters/<chapter>/tests/<file>.rs`, relative to the
    /// checkout.
    fn file(&self, workspace: &Workspace) -> Result<String, Error> {
        let chapter = workspace.chapter(&self.chapter)?;
        let mut known = Vec::new();
        for path in rust_files(&chapter.dir.join("tests"))? {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::Read { path: path.clone(), reason: e.to_string() })?;
            let tests = test_names(&text);
            if tests.iter().any(|test| *test == self.name) {
                let relative = path.strip_prefix(&workspace.root).unwrap_or(&path);
                return Ok(relative.display().to_string());
            }
            known.extend(tests.into_iter().map(str::to_owned));
        }
        Err(Error::NoSuchTest {
            chapter: chapter.slug,
            name: self.name.clone(),
            closest: listings::closest_names(&self.name, &known).into_iter().map(|n| format!("`{n}`")).collect(),
        })
    }
}

/// The `.rs` files under `dir`, sorted, so that a message lists them the same way each time.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|e| Error::Read { path: folder.clone(), reason: e.to_string() })?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The names of the functions a `#[test]` attribute marks (other attributes and comments may
/// stand between the two).
fn test_names(source: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut marked = false;
    for line in source.lines().map(str::trim) {
        if line.starts_with("#[test]") {
            marked = true;
        } else if marked && let Some(name) = function_name(line) {
            names.push(name);
            marked = false;
        } else if !(line.starts_with("#[") || line.starts_with("//") || line.is_empty()) {
            marked = false;
        }
    }
    names
}

/// `fn name(` (perhaps `pub`, `async`), its name.
fn function_name(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches("pub ").trim_start_matches("async ").strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_functions_marked_as_tests_are_tests() {
        let source = "fn helper() {}\n\n#[test]\n#[ignore = \"slow\"]\n// why\nfn a_claim() {\n}\n\n#[test]\nfn \
                      another_claim() {}\n#[cfg(test)]\nfn not_a_test() {}\n";
        assert_eq!(test_names(source), ["a_claim", "another_claim"]);
    }

    #[test]
    fn a_mark_names_a_test_of_the_chapter_or_the_closest_ones() {
        let workspace = Workspace::this_checkout();
        let mark = |name: &str| TestMark { chapter: "ch04".into(), name: name.into() };
        let file = mark("an_unpark_that_comes_before_the_park_is_not_lost").file(&workspace).unwrap();
        assert!(file.starts_with("chapters/ch04-executors/tests/"), "{file}");
        let error = mark("an_unpark_that_comes_before_the_park_is_lost").file(&workspace).unwrap_err().to_string();
        assert!(
            error.starts_with("ch04-executors has no test `an_unpark_that_comes_before_the_park_is_lost` in its tests/ folder; the closest are `an_unpark_that_comes_before_the_park_is_not_lost`"),
            "{error}"
        );
    }
}
