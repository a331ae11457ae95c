//! The preprocessor on the real book and on broken copies of it: every listing renders from its
//! snapshot, and every kind of breakage fails with the page, the line and what exists instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
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
    let chapters = pages.iter().map(|page| {
        BookItem::Chapter(Chapter::new(page, std::fs::read_to_string(src.join(page)).unwrap(), page, vec![]))
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
fn a_part_shows_the_lines_its_test_defined_and_says_where_they_lie() {
    let root = workspace_root();
    let content = rendered("{{#asm ch04 block_on_dyn part=loops no-source}}\n");
    let code = content.split("```x86asm\n").nth(1).unwrap().split("\n```").next().unwrap();
    let part = listings::read_snapshot(
        &root.join("chapters/ch04-executors/tests/snapshots/ch04-executors__asm__block_on_dyn@loops.snap"),
    )
    .unwrap();
    let without_source: Vec<&str> = part.body.lines().filter(|line| !listings::asm::is_source_line(line)).collect();
    assert_eq!(code, without_source.join("\n"));
    let excerpt = part.provenance.excerpt.expect("a part's provenance says which lines it shows");
    assert!(content.contains(&format!("lines {}–{} of {}", excerpt.first, excerpt.last, excerpt.of)), "{content}");
}

#[test]
fn a_line_range_is_no_longer_accepted_and_a_missing_part_names_the_parts() {
    let found = problems(
        &workspace_root(),
        book_with_page("{{#asm ch04 block_on_dyn lines=45-60}}\n{{#asm ch04 block_on_dyn part=loop}}\n"),
    );
    assert_eq!(
        found,
        [
            "book/ch01-the-experiment.md:1: unknown option `lines=45-60` of {{#asm}}; the options are `no-source`, `part=PART`",
            "book/ch01-the-experiment.md:2: no part `loop` of the listing `block_on_dyn` in ch04-executors (no file chapters/ch04-executors/tests/snapshots/ch04-executors__asm__block_on_dyn@loop.snap); its parts are: loops",
        ]
    );
}

#[test]
fn an_include_written_with_spaces_is_checked_like_any_other() {
    let page = "```rust,ignore\n{{ #include ../chapters/ch01-the-experiment/src/lib.rs:no_such_anchor }}\n```\n";
    let found = problems(&workspace_root(), book_with_page(page));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "book/ch01-the-experiment.md:2: ../chapters/ch01-the-experiment/src/lib.rs: no `ANCHOR: no_such_anchor`"
        ),
        "{}",
        found[0]
    );
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
        "book/ch01-the-experiment.md:2: unknown option `colour` of {{#asm}}; the options are `no-source`, `part=PART`"
    );
}

#[test]
fn a_deleted_snapshot_fails_the_build() {
    // A workspace of one chapter with one listing, whose snapshot is then deleted.
    let root = std::env::temp_dir().join(format!("book-deleted-snapshot-{}", std::process::id()));
    let snapshots = root.join("chapters/ch09-gone/tests/snapshots");
    std::fs::create_dir_all(&snapshots).unwrap();
    std::fs::create_dir_all(root.join("book")).unwrap();
    let snapshot = snapshots.join("ch09-gone__asm__f.snap");
    let provenance = listings::Provenance {
        subject: "f".into(),
        compiler: "rustc 1.95.0 (x)".into(),
        origin: listings::Origin::Asm { flags: Default::default(), options: Default::default() },
        excerpt: None,
    };
    std::fs::write(&snapshot, format!("---\ndescription: \"{provenance}\"\n---\nf:\n        ret\n")).unwrap();
    std::fs::write(root.join("chapters/ch09-gone/Cargo.toml"), "[package]\nname = \"ch09-gone\"\nedition = \"2024\"\n")
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

/// mdBook's book JSON with `content` as its one page, as `mdbook_version` would send it.
fn preprocessor_input(content: &str, mdbook_version: &str) -> Vec<u8> {
    let mut config = Config::default();
    config.book.src = "book".into();
    let mut context = PreprocessorContext::new(workspace_root(), config, "html".into());
    context.mdbook_version = mdbook_version.to_owned();
    serde_json::to_vec(&(context, book_with_page(content))).unwrap()
}

fn run_preprocessor(input: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-under-the-await"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn another_mdbook_version_is_refused_with_one_message_naming_both() {
    let output = run_preprocessor(&preprocessor_input("# Page\n", "0.5.5"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr
            .starts_with("error: this book's preprocessor was built for mdBook 0.5.4 but mdBook 0.5.5 is running it;"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn the_mdbook_that_ci_installs_is_the_one_the_preprocessor_was_built_for() {
    let common = std::fs::read_to_string(workspace_root().join("ci/common.sh")).unwrap();
    let installed = common
        .lines()
        .find_map(|line| line.strip_prefix("MDBOOK_VERSION=\""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("ci/common.sh pins MDBOOK_VERSION");
    assert_eq!(installed, mdbook_preprocessor::MDBOOK_VERSION);
}

#[test]
fn the_preprocessor_binary_exits_non_zero_with_one_line_per_problem() {
    let output =
        run_preprocessor(&preprocessor_input("{{#asm ch01 nope}}\n[x](#y)\n", mdbook_preprocessor::MDBOOK_VERSION));

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].starts_with("error: book/ch01-the-experiment.md:1: no assembly listing `nope`"), "{stderr}");
    assert!(lines[1].starts_with("error: book/ch01-the-experiment.md:2: link to `#y`"), "{stderr}");
    assert_eq!(lines[2], "error: 2 problem(s) in the book's sources; the book was not built");
    assert!(output.stdout.is_empty());
}
