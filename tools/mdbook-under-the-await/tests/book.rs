//! The preprocessor on the real book and on broken copies of it: every listing renders from its
//! snapshot, and every kind of breakage fails with the page, the line and what exists instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_preprocessor::config::Config;
use mdbook_under_the_await::{compiler_explorer, preprocess};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The book as mdBook would hand it over: the pages listed in SUMMARY.md, unexpanded.
fn real_book() -> Book {
    let src = workspace_root().join("book");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let pages: Vec<String> = pulldown_cmark::Parser::new(&summary)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect();
    assert!(pages.len() >= 2, "SUMMARY.md lists {pages:?}");
    // Chapter pages are numbered, as mdBook numbers them; the course checks only those.
    let chapters = pages.iter().enumerate().map(|(index, page)| {
        let mut chapter = Chapter::new(page, std::fs::read_to_string(src.join(page)).unwrap(), page, vec![]);
        chapter.number = page.starts_with("ch").then(|| SectionNumber::new(vec![index as u32]));
        BookItem::Chapter(chapter)
    });
    Book::new_with_items(chapters.collect())
}

fn book_with_page(content: &str) -> Book {
    Book::new_with_items(vec![BookItem::Chapter(Chapter::new(
        "Test page",
        content.to_owned(),
        "ch01-the-experiment.md",
        vec![],
    ))])
}

fn problems(root: &Path, mut book: Book) -> Vec<String> {
    preprocess(root, &root.join("book"), &mut book).iter().map(ToString::to_string).collect()
}

/// A one-page book after a clean preprocess: the page's new content.
fn rendered(content: &str) -> String {
    let root = workspace_root();
    let mut book = book_with_page(content);
    let found = preprocess(&root, &root.join("book"), &mut book);
    assert!(found.is_empty(), "{found:#?}");
    page(&book, "ch01-the-experiment.md")
}

fn page(book: &Book, path: &str) -> String {
    book.iter()
        .find_map(|item| match item {
            BookItem::Chapter(c) if c.path.as_deref() == Some(Path::new(path)) => Some(c.content.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn the_real_book_preprocesses_cleanly_and_every_listing_is_its_snapshot_body() {
    let root = workspace_root();
    let mut book = real_book();
    let found = preprocess(&root, &root.join("book"), &mut book);
    assert!(found.is_empty(), "{found:#?}");
    let chapter = page(&book, "ch01-the-experiment.md");
    assert!(!chapter.contains("{{#asm"), "every listing directive is expanded");
    let snapshot =
        listings::read_snapshot(&root.join(
            "chapters/ch01-the-experiment/tests/snapshots/ch01-the-experiment__asm__hello_world_state_machine.snap",
        ))
        .unwrap();
    assert!(chapter.contains(&format!("```x86asm\n{}```", snapshot.body)), "the body, byte for byte");
    assert!(!chapter.contains("source: chapters/"), "never insta's header");
}

#[test]
fn a_caption_names_the_function_the_compiler_and_the_flags() {
    let content = rendered("{{#asm ch01 noop}}\n");
    let caption = content.split("<figcaption>").nth(1).unwrap();
    assert!(caption.starts_with("<code>ch01_the_experiment::noop</code> · rustc 1.95.0 ("), "{caption}");
    assert!(caption.contains("-C opt-level=3 -C codegen-units=1"), "{caption}");
}

#[test]
fn the_compiler_explorer_link_carries_the_chapter_source_and_the_listing_flags() {
    let root = workspace_root();
    let content = rendered("{{#asm ch01 poll_hello_world_twice_opt_level_z}}\n");
    let href = content.split("class=\"compiler-explorer\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    let (source, compiler, options) = compiler_explorer::decode(href).unwrap();
    assert_eq!(source, std::fs::read_to_string(root.join("chapters/ch01-the-experiment/src/lib.rs")).unwrap());
    assert_eq!(compiler, "r1950");
    assert_eq!(options, "--edition 2024 -C opt-level=z -C codegen-units=1 -C target-cpu=x86-64");
}

#[test]
fn no_source_and_lines_show_part_of_a_listing() {
    let content = rendered("{{#asm ch01 dummy_future_poll no-source lines=2-4}}\n");
    let code = content.split("```x86asm\n").nth(1).unwrap().split("\n```").next().unwrap();
    assert_eq!(code, "        movzx   eax, byte ptr [rdi]\n        cmp     al, 1\n        je      .LBB0_1");
    assert!(content.contains("lines 2–4 of 11"), "{content}");
}

#[test]
fn a_misspelled_listing_fails_with_file_line_and_the_listings_that_exist() {
    let found = problems(&workspace_root(), book_with_page("# Title\n\n{{#asm ch01 hello_world_state_machne}}\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "book/ch01-the-experiment.md:3: no assembly listing `hello_world_state_machne` in ch01-the-experiment (did you mean hello_world_state_machine?)"
        ),
        "{}",
        found[0]
    );
    assert!(found[0].contains("its listings are: dummy_future_poll, hello_world_state_machine, noop"), "{}", found[0]);
}

#[test]
fn an_unknown_chapter_or_option_fails_naming_what_exists() {
    let found = problems(&workspace_root(), book_with_page("{{#asm ch99 noop}}\n{{#asm ch01 noop colour}}\n"));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with(
            "book/ch01-the-experiment.md:1: unknown chapter `ch99`; the chapters are: ch01-the-experiment"
        ),
        "{}",
        found[0]
    );
    assert_eq!(
        found[1],
        "book/ch01-the-experiment.md:2: unknown option `colour` of {{#asm}}; the options are `no-source`, `lines=A-B`"
    );
}

#[test]
fn a_deleted_snapshot_fails_the_build() {
    // A workspace of one chapter with one listing, whose snapshot is then deleted.
    let root = std::env::temp_dir().join(format!("book-deleted-snapshot-{}", std::process::id()));
    let snapshots = root.join("chapters/ch09-gone/tests/snapshots");
    std::fs::create_dir_all(&snapshots).unwrap();
    std::fs::create_dir_all(root.join("book")).unwrap();
    std::fs::write(root.join("chapters/ch09-gone/Cargo.toml"), "").unwrap();
    let snapshot = snapshots.join("ch09-gone__asm__f.snap");
    std::fs::write(&snapshot, "---\ndescription: \"f · rustc 1.95.0 (x) · -C opt-level=3\"\n---\nf:\n        ret\n")
        .unwrap();
    std::fs::create_dir_all(root.join("chapters/ch09-gone/src")).unwrap();
    std::fs::write(root.join("chapters/ch09-gone/src/lib.rs"), "pub fn f() {}\n").unwrap();

    let before = problems(&root, book_with_page("{{#asm ch09 f}}\n"));
    std::fs::remove_file(&snapshot).unwrap();
    let after = problems(&root, book_with_page("{{#asm ch09 f}}\n"));
    std::fs::remove_dir_all(&root).unwrap();

    assert_eq!(before, Vec::<String>::new());
    assert_eq!(
        after,
        [
            "book/ch01-the-experiment.md:1: no assembly listing `f` in ch09-gone (no file chapters/ch09-gone/tests/snapshots/ch09-gone__asm__f.snap); its listings are: "
        ]
    );
}

#[test]
fn a_broken_include_fails_with_file_and_line() {
    let page = "Text.\n\n```rust,ignore\n{{#include ../chapters/ch01-the-experiment/src/lib.rs:no_such_anchor}}\n```\n";
    let found = problems(&workspace_root(), book_with_page(page));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("book/ch01-the-experiment.md:4: ../chapters/ch01-the-experiment/src/lib.rs: no `ANCHOR: no_such_anchor` in the file; anchors there: noop_waker, dummy_future"),
        "{}",
        found[0]
    );
}

#[test]
fn a_broken_internal_link_or_anchor_fails_with_file_and_line() {
    let page = "# Page\n\nSee [the state machine](#the-state-machine), [nothing](#nothing) and [gone](ch07.md).\n\n## The state machine\n";
    let found = problems(&workspace_root(), book_with_page(page));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("book/ch01-the-experiment.md:3: link to `#nothing`: ch01-the-experiment.md has no heading or element with id `nothing`"), "{}", found[0]);
    assert_eq!(found[1], "book/ch01-the-experiment.md:3: link to `ch07.md`: there is no page ch07.md in the book");
}

#[test]
fn the_preprocessor_binary_exits_non_zero_with_one_line_per_problem() {
    let root = workspace_root();
    let mut config = Config::default();
    config.book.src = "book".into();
    let context = PreprocessorContext::new(root.clone(), config, "html".into());
    let input = serde_json::to_vec(&(context, book_with_page("{{#asm ch01 nope}}\n[x](#y)\n"))).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-under-the-await"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &input).unwrap();
    let output = child.wait_with_output().unwrap();

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].starts_with("error: book/ch01-the-experiment.md:1: no assembly listing `nope`"), "{stderr}");
    assert!(lines[1].starts_with("error: book/ch01-the-experiment.md:2: link to `#y`"), "{stderr}");
    assert_eq!(lines[2], "error: 2 problem(s) in the book's sources; the book was not built");
    assert!(output.stdout.is_empty());
}
