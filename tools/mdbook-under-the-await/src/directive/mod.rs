//! Directives: `{{#name arguments}}` in a page, found once ([`find`]), looked up by name in one
//! table ([`TABLE`]), parsed once into a typed value, and rendered from it.
//!
//! ```text
//! page ──find──▶ Found { name, arguments, span } ──TABLE[name].parse──▶ Box<dyn Render> ──render──▶ Expansion
//!                    │ no such name: Error::Unknown      │ bad arguments: Error::Arguments    │ Error::Render
//! ```
//!
//! As mdBook's own `links` preprocessor parses `{{#include …}}` into a `LinkType` before it reads
//! a file, every directive here is parsed into a value of its own type (`listing::Asm`,
//! `quote::Quote`, `includes::Include`, …) before anything is read: arguments are split once,
//! `part=PART` is read in one place (`listing::ListingArguments`), and a renderer never sees text.
//!
//! The table is the one list of directives. The dispatch in `preprocess.rs` looks a name up in
//! it, the help for an unknown directive lists it, and the README's list of directives is held
//! equal to it by a test (`tests/readme.rs`); each row's example is rendered on the real
//! checkout by another (`tests/book.rs`).
//!
//! # Adding a directive
//!
//! A new directive is one new module and one row:
//!
//! 1. a module with the directive's type, its `parse` (from [`Arguments`] to the type, or an
//!    [`ArgumentError`]) and its [`Render`] implementation, which returns the markdown that
//!    replaces the directive, or a [`RenderError`];
//! 2. a row in [`TABLE`] (`table.rs`, in `OTHERS`, or `ASSEMBLY` for one about assembly):
//!    name, usage, an example the book could use, what it shows (for the README) and the parser;
//! 3. `cargo test -p mdbook-under-the-await` then says how the README's list must change.
//!
//! A new stage of the compiler, say LLVM IR, needs nothing here: its row in `listings::STAGES`
//! (`tools/listings/src/lowering/stage.rs`, which says what adding one takes) gives it the
//! directive `{{#llvm-ir CHAPTER LISTING [part=PART]}}` ([`Parser::Stage`]), with the row's
//! example, words, noun and highlighting. The table puts one such row here for each stage the
//! book shows with a directive of its own, and a test holds the two tables equal.

mod find;
mod table;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use listings::Workspace;

pub use find::{Arguments, Found, find};
pub use table::TABLE;

use crate::course::Course;
use crate::{course, experiment, includes, listing, measured, picture, quote, test_mark};

/// One row of [`TABLE`]: a directive's name, how it is written, and its parser.
#[derive(Clone, Copy)]
pub struct Entry {
    pub name: &'static str,
    /// The directive with its arguments in capitals and its options in brackets.
    pub usage: &'static str,
    /// One use of it, which renders on this checkout (a test renders every row's).
    pub example: &'static str,
    /// What it puts on the page, as the README's list says it.
    pub shows: &'static str,
    pub expander: Expander,
    pub parser: Parser,
}

/// From a directive's arguments to its typed value, whose [`Render`] is its renderer.
#[derive(Clone, Copy)]
pub enum Parser {
    /// The directive's own.
    Own(fn(&Arguments<'_>) -> Result<Box<dyn Render>, ArgumentError>),
    /// A listing of a stage of the compiler, `CHAPTER LISTING [part=PART]`, shown as the
    /// stage's row of `listings::STAGES` says ([`listing::stage_directive`]).
    Stage(listings::Stage),
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Who turns a directive into the page's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expander {
    /// This preprocessor.
    Preprocessor,
    /// mdBook's own `links` preprocessor, after this one, which only checks it first.
    MdBook,
}

/// A parsed directive: what it puts on the page.
pub trait Render: fmt::Debug {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError>;
}

/// What a directive becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expansion {
    /// This markdown (with HTML) replaces the directive.
    Markdown(String),
    /// The directive stays for mdBook's `links` preprocessor, which expands it after this one.
    LeftToMdBook,
}

/// What rendering a directive may read.
pub struct Context<'a> {
    pub workspace: &'a Workspace,
    /// The folder of the page: include paths and `historical-asm` paths are relative to it.
    pub page_dir: &'a Path,
    /// Every timed section of the book, for `{{#schedule}}`.
    pub course: &'a Course,
    pub figures: &'a measured::FiguresByChapter,
}

/// `page` without each region that runs from a `{{#OPEN …}}` to the next `{{#CLOSE}}`, both
/// directives included; a region left open runs to the end of the page. Asides and speaker
/// notes are such regions.
pub fn without_regions(page: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut copied_to = 0;
    let mut inside = false;
    for found in find(page) {
        if !inside && found.name == open {
            out.push_str(&page[copied_to..found.span.start]);
            inside = true;
        } else if inside && found.name == close {
            copied_to = found.span.end;
            inside = false;
        }
    }
    if !inside {
        out.push_str(&page[copied_to..]);
    }
    out
}

/// For a row's parser: the typed value, boxed.
pub fn boxed<T: Render + 'static>(value: T) -> Box<dyn Render> {
    Box::new(value)
}

/// The row of a directive's name.
pub fn entry(name: &str) -> Option<&'static Entry> {
    TABLE.iter().find(|entry| entry.name == name)
}

impl Entry {
    /// The directive's typed value, or what is wrong with its arguments, said with this row's
    /// usage.
    pub fn parse(&'static self, arguments: &Arguments<'_>) -> Result<Box<dyn Render>, Error> {
        let parsed = match self.parser {
            Parser::Own(parse) => parse(arguments),
            Parser::Stage(stage) => listing::stage_directive(stage, arguments),
        };
        parsed.map_err(|error| Error::Arguments { entry: self, error })
    }
}

/// What is wrong with a directive's arguments, before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgumentError {
    /// They do not have the directive's shape: the message is its usage.
    Usage,
    /// `{{#asm ch01 noop colour}}`. `options` lists those the directive takes, empty for none.
    UnknownOption { option: String, options: &'static str },
    /// `part=a part=b`.
    Repeated { option: String },
    /// `note="LINE"` with no text after it; `option` as written.
    NoteWithoutText { option: String },
    /// An argument that is not what its place holds: `{{#time soon min}}`.
    Invalid { argument: String, expected: &'static str },
}

/// What is wrong with one directive of a page.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A name the table does not have: a typo, which would otherwise stay on the page as text.
    #[error("{}", unknown_message(name))]
    Unknown { name: String },
    #[error("{}", arguments_message(entry, error))]
    Arguments { entry: &'static Entry, error: ArgumentError },
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// The help for an unknown name: every name of the table, and the closest one.
fn unknown_message(name: &str) -> String {
    let names = |expander: Expander| {
        TABLE
            .iter()
            .filter(|entry| entry.expander == expander)
            .map(|entry| format!("`{}`", entry.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let known: Vec<String> = TABLE.iter().map(|entry| entry.name.to_owned()).collect();
    format!(
        "unknown directive `{{{{#{name}}}}}`; this book's directives are {}, and mdBook's {}{}",
        names(Expander::Preprocessor),
        names(Expander::MdBook),
        listings::closest_names(name, &known)
            .first()
            .map(|closest| format!("; did you mean `{closest}`?"))
            .unwrap_or_default()
    )
}

/// What is wrong with the arguments, with the row's usage and example where they help.
fn arguments_message(entry: &Entry, error: &ArgumentError) -> String {
    let usage = format!("usage: {}, e.g. {}", entry.usage, entry.example);
    let name = entry.name;
    match error {
        ArgumentError::Usage => usage,
        ArgumentError::UnknownOption { option, options: "" } => {
            format!("unknown option `{option}` of {{{{#{name}}}}}; it takes none")
        }
        ArgumentError::UnknownOption { option, options } => {
            format!("unknown option `{option}` of {{{{#{name}}}}}; the options are {options}")
        }
        ArgumentError::Repeated { option } => format!("`{option}` is given twice; {usage}"),
        ArgumentError::NoteWithoutText { option } => {
            format!("`{option}` needs its text after it: note=\"LINE\" \"text\"")
        }
        ArgumentError::Invalid { argument, expected } => format!("`{argument}` is not {expected}; {usage}"),
    }
}

/// What went wrong reading what a directive shows.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Boxed: a missing listing carries the listings that exist.
    #[error(transparent)]
    Listing(Box<listing::Error>),
    #[error(transparent)]
    Quote(#[from] quote::Error),
    #[error(transparent)]
    Experiment(Box<experiment::Error>),
    #[error(transparent)]
    Picture(#[from] picture::Error),
    /// Shared: the figures of a chapter are read once, and every directive naming them gets
    /// the same error.
    #[error(transparent)]
    Figures(#[from] Arc<measured::Error>),
    #[error(transparent)]
    Include(#[from] includes::Error),
    #[error(transparent)]
    Course(#[from] course::Error),
    /// Boxed: a missing test carries the closest names.
    #[error(transparent)]
    TestMark(Box<test_mark::Error>),
}

impl From<experiment::Error> for RenderError {
    fn from(error: experiment::Error) -> RenderError {
        RenderError::Experiment(Box::new(error))
    }
}

impl From<listing::Error> for RenderError {
    fn from(error: listing::Error) -> RenderError {
        RenderError::Listing(Box::new(error))
    }
}
