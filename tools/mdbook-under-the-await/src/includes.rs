//! mdBook's own `{{#include}}`, `{{#rustdoc_include}}` and `{{#playground}}`, checked before
//! mdBook expands them: mdBook only logs a missing file or anchor and goes on, leaving a hole in
//! the page.

use std::path::Path;

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};

/// `{{#include …}}` and its kin, parsed as mdBook parses them (its `LinkType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    pub kind: IncludeKind,
    /// Relative to the page's folder.
    pub path: String,
    pub selector: Option<Selector>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeKind {
    Include,
    RustdocInclude,
    /// `{{#playground}}` and its former name `{{#playpen}}`: the whole file, always.
    Playground,
}

/// What part of the file an include takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `N`, `N:`, `:M`, `N:M`: 1-based lines, which must exist. `written` as the page has it.
    Lines { first: Option<usize>, last: Option<usize>, written: String },
    /// Between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

impl Include {
    pub fn parse(kind: IncludeKind, arguments: &Arguments<'_>) -> Result<Include, ArgumentError> {
        // mdBook reads the first word as the file and ignores the rest (a playground's properties).
        let argument = arguments.raw.split_whitespace().next().unwrap_or_default();
        let (path, selector) = match (kind, argument.split_once(':')) {
            // mdBook includes the whole file: a `:` is part of its name.
            (IncludeKind::Playground, _) | (_, None) => (argument, None),
            (_, Some((path, selector))) => (path, Selector::parse(selector)?),
        };
        if path.is_empty() {
            return Err(ArgumentError::Usage);
        }
        Ok(Include { kind, path: path.to_owned(), selector })
    }

    /// What is wrong with the include, if anything: the file, its anchor or its lines missing.
    pub fn check(&self, page_dir: &Path) -> Result<(), Error> {
        let path = &self.path;
        let text = std::fs::read_to_string(page_dir.join(path))
            .map_err(|e| Error::Unreadable { path: path.clone(), reason: e.to_string() })?;
        match &self.selector {
            None => Ok(()),
            Some(Selector::Lines { first, last, written }) => {
                let count = text.lines().count();
                match [first, last].into_iter().flatten().find(|&&line| line == 0 || line > count) {
                    Some(&line) => {
                        Err(Error::OutsideFile { path: path.clone(), selector: written.clone(), line, count })
                    }
                    None => Ok(()),
                }
            }
            Some(Selector::Anchor(anchor)) => check_anchor(&text, anchor).map_err(|problem| match problem {
                AnchorProblem::Missing => {
                    Error::NoAnchor { path: path.clone(), anchor: anchor.clone(), known: anchors(&text) }
                }
                AnchorProblem::Unclosed => Error::Unclosed { path: path.clone(), anchor: anchor.clone() },
            }),
        }
    }
}

impl Selector {
    /// What follows the first `:`, or `None` when that is nothing.
    fn parse(selector: &str) -> Result<Option<Selector>, ArgumentError> {
        if selector.is_empty() {
            return Ok(None);
        }
        if !selector.starts_with(|c: char| c.is_ascii_digit() || c == ':') {
            return Ok(Some(Selector::Anchor(selector.to_owned())));
        }
        let (first, last) = selector.split_once(':').unwrap_or((selector, selector));
        let bound = |bound: &str| match bound {
            "" => Ok(None),
            bound => bound
                .parse()
                .map(Some)
                .map_err(|_| ArgumentError::Invalid { argument: bound.to_owned(), expected: "a line number" }),
        };
        Ok(Some(Selector::Lines { first: bound(first)?, last: bound(last)?, written: selector.to_owned() }))
    }
}

impl Render for Include {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        self.check(context.page_dir)?;
        Ok(Expansion::LeftToMdBook)
    }
}

/// `{{#title …}}`: mdBook's, which it expands after this preprocessor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title;

impl Title {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Title, ArgumentError> {
        match arguments.raw.is_empty() {
            true => Err(ArgumentError::Usage),
            false => Ok(Title),
        }
    }
}

impl Render for Title {
    fn render(&self, _: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::LeftToMdBook)
    }
}

/// A broken include: mdBook would log it and leave a hole in the page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("cannot include {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}:{selector}: line {line} is outside the file's {count} lines")]
    OutsideFile { path: String, selector: String, line: usize, count: usize },
    #[error("{path}: no `ANCHOR: {anchor}` in the file; anchors there: {}", known.join(", "))]
    NoAnchor { path: String, anchor: String, known: Vec<String> },
    #[error("{path}: `ANCHOR: {anchor}` is never closed by `ANCHOR_END: {anchor}`")]
    Unclosed { path: String, anchor: String },
}

enum AnchorProblem {
    Missing,
    Unclosed,
}

/// mdBook's anchors: `ANCHOR: name` and `ANCHOR_END: name`, in comments of any language.
fn check_anchor(text: &str, anchor: &str) -> Result<(), AnchorProblem> {
    let marks = |keyword: &str| {
        text.lines().any(|line| {
            line.split_once(keyword).is_some_and(|(_, rest)| {
                rest.strip_prefix(':').map(str::trim_start).is_some_and(|name| {
                    name.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).next() == Some(anchor)
                })
            })
        })
    };
    match (marks("ANCHOR"), marks("ANCHOR_END")) {
        (true, true) => Ok(()),
        (false, _) => Err(AnchorProblem::Missing),
        (true, false) => Err(AnchorProblem::Unclosed),
    }
}

fn anchors(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_once("ANCHOR:").map(|(_, rest)| rest.trim().to_owned()))
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;
    use crate::directive::{self, find};
    use crate::measured;

    /// The page's one directive, parsed by the table's row and checked in a folder holding
    /// `code.rs`.
    fn check_in_fixture(page: &str) -> Result<(), String> {
        let found = &find(page)[0];
        let entry = directive::entry(found.name).unwrap();
        // One folder per call: the tests run in parallel.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("includes-check-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("code.rs"), "// ANCHOR: waker\nfn a() {}\n// ANCHOR_END: waker\n// ANCHOR: open\n")
            .unwrap();
        let workspace = listings::Workspace { root: dir.clone() };
        let (course, figures) = (Course::default(), measured::FiguresByChapter::default());
        let context = Context { workspace: &workspace, page_dir: &dir, course: &course, figures: &figures };
        let result = entry
            .parse(&found.arguments)
            .map_err(|e| e.to_string())
            .and_then(|include| include.render(&context).map_err(|e| e.to_string()))
            .map(|expansion| assert_eq!(expansion, Expansion::LeftToMdBook));
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    #[test]
    fn an_include_of_an_existing_anchor_or_line_range_passes() {
        for page in [
            "{{#include code.rs}}",
            "{{#include code.rs:waker}}",
            "{{#include code.rs:2:3}}",
            "{{#include code.rs::2}}",
            "{{ #include code.rs:waker }}",
            "{{#playground code.rs editable}}",
        ] {
            assert_eq!(check_in_fixture(page), Ok(()), "{page}");
        }
    }

    #[test]
    fn a_missing_file_anchor_or_line_is_an_error_naming_it() {
        assert!(check_in_fixture("{{#include nothing.rs}}").unwrap_err().starts_with("cannot include nothing.rs"));
        assert!(check_in_fixture("{{ #include nothing.rs }}").unwrap_err().starts_with("cannot include nothing.rs"));
        assert!(
            check_in_fixture("{{#playground gone.rs editable}}").unwrap_err().starts_with("cannot include gone.rs")
        );
        assert_eq!(
            check_in_fixture("{{#include code.rs:wakr}}").unwrap_err(),
            "code.rs: no `ANCHOR: wakr` in the file; anchors there: waker, open"
        );
        assert_eq!(
            check_in_fixture("{{#include code.rs:open}}").unwrap_err(),
            "code.rs: `ANCHOR: open` is never closed by `ANCHOR_END: open`"
        );
        assert_eq!(
            check_in_fixture("{{#include code.rs:9:}}").unwrap_err(),
            "code.rs:9:: line 9 is outside the file's 4 lines"
        );
    }

    #[test]
    fn an_include_is_parsed_as_mdbook_parses_it() {
        let parse = |kind, raw: &str| Include::parse(kind, &Arguments::split(raw));
        let lines = |first, last, written: &str| Some(Selector::Lines { first, last, written: written.into() });
        let include = |path: &str, selector| Ok(Include { kind: IncludeKind::Include, path: path.into(), selector });
        assert_eq!(parse(IncludeKind::Include, "a.rs"), include("a.rs", None));
        assert_eq!(parse(IncludeKind::Include, "a.rs:"), include("a.rs", None));
        assert_eq!(parse(IncludeKind::Include, "a.rs:waker"), include("a.rs", Some(Selector::Anchor("waker".into()))));
        assert_eq!(parse(IncludeKind::Include, "a.rs:3"), include("a.rs", lines(Some(3), Some(3), "3")));
        assert_eq!(parse(IncludeKind::Include, "a.rs::7"), include("a.rs", lines(None, Some(7), ":7")));
        assert_eq!(
            parse(IncludeKind::Include, "a.rs:3:x"),
            Err(ArgumentError::Invalid { argument: "x".into(), expected: "a line number" })
        );
        assert_eq!(
            parse(IncludeKind::Playground, "a:b.rs editable"),
            Ok(Include { kind: IncludeKind::Playground, path: "a:b.rs".into(), selector: None })
        );
        assert_eq!(parse(IncludeKind::Include, ""), Err(ArgumentError::Usage));
    }
}
