//! The book's mdBook preprocessor (the binary `mdbook-under-the-await`, registered in `book.toml`).
//!
//! It runs before mdBook's own `links` preprocessor and
//! - expands the book's directives, every one of which is a row of one table
//!   ([`directive::TABLE`]: name, usage, example, parser; the README lists them from it):
//!   listings from the chapters' checked snapshots, quoted listing lines, generated tables,
//!   pictures drawn from the compiler's output, measured figures, and the course (quizzes,
//!   exercises, section times, speaker notes, the schedule),
//! - steps asides out of a chapter's main line (`{{#aside "Deeper: …"}}` … `{{#end-aside}}`), marks
//!   claims with the test that holds them (`{{#test CHAPTER TEST}}`) and gives each chapter's page its
//!   reading time (`reading_time.rs`),
//! - checks mdBook's own `{{#include …}}` and its kin (file, anchor, lines), every internal link
//!   (page and fragment), every `cargo run -p … --example …` the prose tells readers to type,
//!   and that every term of the glossary is used somewhere in the book,
//!
//! and fails the build with `file:line: message` for each problem ([`diagnostic::Diagnostic`]),
//! where mdBook alone would log a warning and render a page with a hole in it. It refuses to run
//! under any mdBook but the one it was built against.
//!
//! `preprocess.rs` is the pass over the book; `directive/` finds, looks up and parses
//! directives; each directive's type, parser and renderer live in a module of their own
//! (`listing.rs`, `quote.rs`, `picture.rs`, `measured.rs`, `course/`, `includes.rs`, …).

pub mod aside;
pub mod asm_html;
pub mod commands;
pub mod compiler_explorer;
pub mod course;
pub mod cpp_listing;
pub mod diagnostic;
pub mod directive;
pub mod experiment;
pub mod freshness;
pub mod generated_table;
pub mod glossary;
pub mod includes;
pub mod links;
pub mod listing;
pub mod measured;
pub mod notes;
pub mod picture;
mod preprocess;
pub mod quote;
pub mod reading_time;
pub mod session;
pub mod single_file;
pub mod test_mark;

pub use preprocess::preprocess;

use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::errors::{Error, Result};
use mdbook_preprocessor::{MDBOOK_VERSION, Preprocessor, PreprocessorContext};

/// The preprocessor, as mdBook's `Preprocessor` trait sees it.
pub struct UnderTheAwait;

impl Preprocessor for UnderTheAwait {
    fn name(&self) -> &str {
        "under-the-await"
    }

    /// The book with its directives expanded, or every problem, one `file:line: message` a line.
    fn run(&self, context: &PreprocessorContext, mut book: Book) -> Result<Book> {
        check_mdbook_version(&context.mdbook_version).map_err(Error::new)?;
        let src = context.root.join(&context.config.book.src);
        let problems = preprocess(&context.root, &src, &mut book);
        if problems.is_empty() {
            return Ok(book);
        }
        let mut message: Vec<String> = problems.iter().map(ToString::to_string).collect();
        message.push(format!("{} problem(s) in the book's sources; the book was not built", problems.len()));
        Err(Error::msg(message.join("\n")))
    }
}

/// The preprocessor was built against another mdBook than the one running it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "this book's preprocessor was built for mdBook {MDBOOK_VERSION} but mdBook {running} is running it; \
     install mdBook {MDBOOK_VERSION} (`cargo install mdbook --version {MDBOOK_VERSION} --locked`, or run ci/serve-book)"
)]
pub struct WrongMdBook {
    pub running: String,
}

/// The mdBook this preprocessor was built against (`mdbook-preprocessor`'s pinned version,
/// which `ci/common.sh` installs too; a test holds the two equal) is the only one it runs under:
/// its book format, markdown options and heading ids are that version's.
pub fn check_mdbook_version(running: &str) -> std::result::Result<(), WrongMdBook> {
    match running == MDBOOK_VERSION {
        true => Ok(()),
        false => Err(WrongMdBook { running: running.to_owned() }),
    }
}
