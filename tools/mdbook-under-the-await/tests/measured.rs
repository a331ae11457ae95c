//! `{{#figures …}}` and `{{#figure …}}` on a workspace of one measuring chapter: the table and the
//! value render from `figures.toml`, and a missing file, a stale one, an unknown table or value
//! fail the build with the page, the line and what to do.

use std::path::{Path, PathBuf};

use figures::{Figures, Input, MeasuredWith, Table, Value};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_under_the_await::preprocess;

/// A checkout with one chapter, `ch09-measured`, whose figures depend on its `src/lib.rs`.
struct Checkout {
    root: PathBuf,
}

impl Checkout {
    fn new(name: &str) -> Checkout {
        let root = std::env::temp_dir().join(format!("book-measured-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("chapters/ch09-measured/src")).unwrap();
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::write(root.join("chapters/ch09-measured/Cargo.toml"), "").unwrap();
        std::fs::write(root.join("chapters/ch09-measured/src/lib.rs"), "pub fn measured() {}\n").unwrap();
        Checkout { root }
    }

    fn figures_path(&self) -> PathBuf {
        self.root.join("chapters/ch09-measured/figures.toml")
    }

    /// Writes figures measured on the sources as they are now, by the pinned compiler.
    fn measure(&self) {
        let figures = Figures {
            provenance: MeasuredWith {
                compiler: format!("rustc {} (0123456789 2026-04-14)", listings::pinned_release()),
                valgrind: "valgrind-3.19.0".to_owned(),
                cpu: "Some CPU, 2 logical CPUs".to_owned(),
                wall_clock: "median of 7 runs".to_owned(),
                command: "ci/bench-measured".to_owned(),
            },
            values: [("ratio".to_owned(), Value::Decimal(1.1842)), ("count".to_owned(), Value::Count(90))].into(),
            inputs: vec![Input::of(&self.root, "chapters/ch09-measured/src/lib.rs").unwrap()],
            packages: Vec::new(),
            tables: vec![Table {
                name: "polls".to_owned(),
                columns: vec!["poll".to_owned(), "`async fn`".to_owned(), "by hand".to_owned()],
                rows: vec![
                    vec!["first".to_owned(), "30".to_owned(), "24".to_owned()],
                    vec!["a | b".to_owned(), "+6".to_owned(), "–".to_owned()],
                ],
            }],
        };
        figures.write(&self.figures_path()).unwrap();
    }

    /// The page after preprocessing, or the problems found.
    fn render(&self, page: &str) -> Result<String, Vec<String>> {
        let mut book = Book::new_with_items(vec![BookItem::Chapter(Chapter::new(
            "Test page",
            page.to_owned(),
            "ch09-measured.md",
            vec![],
        ))]);
        let problems = preprocess(&self.root, &self.root.join("book"), &mut book);
        if !problems.is_empty() {
            return Err(problems.iter().map(ToString::to_string).collect());
        }
        let BookItem::Chapter(chapter) = book.iter().next().unwrap() else { unreachable!() };
        Ok(chapter.content.clone())
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_table_renders_as_markdown_with_numbers_right_aligned_and_a_caption_naming_what_measured_it() {
    let checkout = Checkout::new("table");
    checkout.measure();
    let page = checkout.render("{{#figures ch09-measured polls}}\n").unwrap();
    assert!(page.starts_with("<figure class=\"figures\" id=\"figures-ch09-measured-polls\">\n\n"), "{page}");
    assert!(
        page.contains(
            "| poll | `async fn` | by hand |\n| --- | ---: | ---: |\n| first | 30 | 24 |\n| a \\| b | +6 | – |\n"
        ),
        "{page}"
    );
    let caption = page.split("<figcaption>").nth(1).unwrap();
    assert!(caption.starts_with("Measured by <code>ci/bench-measured</code> on Some CPU, 2 logical CPUs: instructions counted by callgrind (valgrind-3.19.0) in code compiled by rustc "), "{caption}");
    assert!(caption.contains("wall clock, in nanoseconds: median of 7 runs"), "{caption}");
}

#[test]
fn a_value_renders_as_the_tables_show_it() {
    let checkout = Checkout::new("value");
    checkout.measure();
    let page =
        checkout.render("Three polls: {{#figure ch09-measured count}}, {{#figure ch09-measured ratio}} times.\n");
    assert_eq!(page.unwrap(), "Three polls: 90, 1.18 times.\n");
}

#[test]
fn a_missing_figures_file_fails_with_the_page_the_line_and_who_writes_it() {
    let checkout = Checkout::new("missing");
    let problems = checkout.render("# Cost\n\n{{#figures ch09-measured polls}}\n").unwrap_err();
    assert_eq!(
        problems,
        [
            "book/ch09-measured.md:3: no measured figures for ch09-measured: chapters/ch09-measured/figures.toml does not exist; the chapter's measuring script (`ci/bench-*`) writes it"
        ]
    );
}

#[test]
fn figures_of_a_source_that_changed_since_are_stale_and_fail_naming_the_source_and_the_command() {
    let checkout = Checkout::new("stale");
    checkout.measure();
    let source = checkout.root.join("chapters/ch09-measured/src/lib.rs");
    std::fs::write(&source, read(&source) + "pub fn changed() {}\n").unwrap();
    let problems = checkout.render("{{#figure ch09-measured count}}\n").unwrap_err();
    assert_eq!(
        problems,
        [
            "book/ch09-measured.md:1: the figures in chapters/ch09-measured/figures.toml are stale: chapters/ch09-measured/src/lib.rs has changed since they were measured; run `ci/bench-measured` to measure them again"
        ]
    );
}

#[test]
fn figures_of_another_compiler_are_stale() {
    let checkout = Checkout::new("compiler");
    checkout.measure();
    let path = checkout.figures_path();
    let text = read(&path).replace(&format!("rustc {} ", listings::pinned_release()), "rustc 1.80.0 ");
    std::fs::write(&path, text).unwrap();
    let problems = checkout.render("{{#figure ch09-measured count}}\n").unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains(&format!(
            "they were measured with rustc 1.80.0 (0123456789 2026-04-14), and the book is pinned to rustc {}",
            listings::pinned_release()
        )),
        "{problems:?}"
    );
}

#[test]
fn an_unknown_table_or_value_fails_naming_those_there_are() {
    let checkout = Checkout::new("unknown");
    checkout.measure();
    let problems = checkout
        .render("{{#figures ch09-measured poll}}\n{{#figure ch09-measured counts}}\n{{#figures ch09-measured}}\n")
        .unwrap_err();
    assert_eq!(
        problems,
        [
            "book/ch09-measured.md:1: no table `poll`; the tables are: polls (in chapters/ch09-measured/figures.toml)",
            "book/ch09-measured.md:2: no figure `counts`; the figures are: count, ratio (in chapters/ch09-measured/figures.toml)",
            "book/ch09-measured.md:3: usage: {{#figures CHAPTER TABLE}}, e.g. {{#figures ch09-cost wakers}}",
        ]
    );
}
