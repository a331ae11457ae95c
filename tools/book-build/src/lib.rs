//! The book built exactly as `mdbook build` builds it, by mdBook's own
//! library at the version the preprocessor is built against (`mdbook build` is `MDBook::load`
//! then `build`, `mdbook/src/cmd/build.rs`). The test command and the Pages workflow build the
//! site this way, so a fresh machine compiles mdBook's crates once, inside the workspace's build,
//! instead of installing the `mdbook` binary beside it. Any warning or error mdBook logs fails
//! the build: a warning there is a page that renders wrong.

use std::cell::Cell;
use std::path::Path;

use mdbook_driver::MDBook;
use mdbook_under_the_await::UnderTheAwait;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// The book's own preprocessor's table in `book.toml`.
const OURS: &str = "preprocessor.under-the-await";

thread_local! {
    /// The warnings and errors logged on this thread: mdBook builds on the caller's thread, and
    /// two builds on two threads (the tests) must not count each other's.
    static COMPLAINTS: Cell<usize> = const { Cell::new(0) };
}

struct CountComplaints;

impl<S: Subscriber> Layer<S> for CountComplaints {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        // tracing orders levels by verbosity: ERROR < WARN < INFO.
        if *event.metadata().level() <= Level::WARN {
            COMPLAINTS.set(COMPLAINTS.get() + 1);
        }
    }
}

/// Standard error through `eprint!`, which libtest captures: a test's expected warnings stay out
/// of the test command's output unless the test fails.
struct Eprint;

impl std::io::Write for Eprint {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        eprint!("{}", String::from_utf8_lossy(bytes));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Prints mdBook's log as `mdbook` does (INFO and above, to standard error) and counts its
/// complaints. Once per process; a second call changes nothing.
fn log_like_mdbook() {
    let printed = tracing_subscriber::fmt::layer()
        .without_time()
        .with_ansi(false)
        .with_writer(|| Eprint)
        .with_filter(tracing_subscriber::filter::LevelFilter::INFO);
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(printed).with(CountComplaints));
}

/// Builds the book at `root` into its `build-dir`; `Err` names what went wrong, mdBook's own error
/// or how many warnings it logged.
pub fn build(root: &Path) -> Result<(), String> {
    log_like_mdbook();
    let before = COMPLAINTS.get();
    let mut book = MDBook::load(root).map_err(|e| format!("mdBook cannot load {}: {e:#}", root.display()))?;
    if book.config.contains_key(OURS) {
        // The same preprocessor `book.toml` names, in this process instead of as the command that
        // plain `mdbook build` runs: no child process, no shell script, no trip of the whole book
        // through JSON and back (about 80 ms of every build, and of every reload of serve-book).
        // mdBook keeps the preprocessors in the order book.toml gives, by name; this replaces the
        // command in its place.
        book.with_preprocessor(UnderTheAwait);
    }
    book.build().map_err(|e| format!("mdBook failed: {e:#}"))?;
    match COMPLAINTS.get() - before {
        0 => Ok(()),
        n => Err(format!("mdBook logged {n} warning(s) or error(s) above; a warning is a page that renders wrong")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A book of one page in a scratch folder, with the given page text.
    fn scratch_book(name: &str, page: &str) -> std::path::PathBuf {
        let root = std::env::temp_dir().join(format!("book-build-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("book.toml"), "[book]\ntitle = \"scratch\"\n").unwrap();
        std::fs::write(root.join("src/SUMMARY.md"), "# Summary\n\n- [A page](page.md)\n").unwrap();
        std::fs::write(root.join("src/page.md"), page).unwrap();
        root
    }

    #[test]
    fn a_clean_book_builds_into_its_build_dir() {
        let root = scratch_book("clean", "# A page\n");
        assert_eq!(build(&root), Ok(()));
        assert!(root.join("book/page.html").is_file());
        let files: Vec<String> = std::fs::read_dir(root.join("book"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(files.iter().any(|f| f.starts_with("searchindex-")), "the site is searchable: {files:?}");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_warning_from_mdbook_fails_the_build() {
        // An include of a missing file: mdBook logs an error, leaves the directive in the page
        // and carries on, so `mdbook build` would exit 0.
        let root = scratch_book("warning", "# A page\n\n{{#include missing.rs}}\n");
        let result = build(&root);
        assert!(result.is_err(), "{result:?}");
        let _ = std::fs::remove_dir_all(&root);
    }
}
