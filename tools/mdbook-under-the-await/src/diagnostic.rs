//! A problem in the book's sources, reported as `file:line: message`.

use std::path::PathBuf;

use crate::{aside, commands, course, directive, glossary, links};

/// One problem, where it is.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {problem}", file.display())]
pub struct Diagnostic {
    /// The markdown file, relative to the book's root (`book/ch01-the-experiment.md`).
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    pub problem: Problem,
}

/// What is wrong, by what found it.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error(transparent)]
    Directive(#[from] directive::Error),
    #[error(transparent)]
    Link(#[from] links::BrokenLink),
    #[error(transparent)]
    Glossary(#[from] glossary::Problem),
    #[error(transparent)]
    Command(#[from] commands::UnknownExample),
    #[error(transparent)]
    Section(#[from] course::SectionProblem),
    #[error(transparent)]
    Aside(#[from] aside::Problem),
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}
