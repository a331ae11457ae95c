//! The preprocessor on the real book and on broken copies of it: every listing renders from its
//! snapshot, and every kind of breakage fails with the page, the line and what exists instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_preprocessor::config::Config;
use mdbook_under_the_await::directive::{Expander, TABLE};
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

/// The text of the first assembly listing of a rendered page, as a reader would copy it: one
/// line per `<span class="line">`, tags dropped, entities decoded.
fn first_asm_listing_text(content: &str) -> String {
    let code = content
        .split("<code class=\"nohighlight listing-code asm\">")
        .nth(1)
        .unwrap()
        .split("</code></pre>")
        .next()
        .unwrap();
    let mut text = String::new();
    let mut rest = code;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        let end = rest[at..].find('>').unwrap() + at;
        if rest[at..].starts_with("<span class=\"line") && !text.is_empty() {
            text.push('\n');
        }
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
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
    assert_eq!(first_asm_listing_text(&chapter), snapshot.body.trim_end(), "the body, byte for byte");
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
    let code = first_asm_listing_text(&content);
    let part = listings::read_snapshot(
        &root.join("chapters/ch04-executors/tests/snapshots/ch04-executors__asm__block_on_dyn@loops.snap"),
    )
    .unwrap();
    let without_source: Vec<String> = part
        .asm_lines()
        .unwrap()
        .iter()
        .filter(|line| !matches!(line, listings::asm::Line::Source { .. }))
        .map(ToString::to_string)
        .collect();
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
            "book/ch01-the-experiment.md:1: unknown option `lines=45-60` of {{#asm}}; the options are `no-source`, `part=PART`, `note=\"LINE\" \"text\"`",
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
fn a_quoted_line_renders_as_code_whatever_its_spacing() {
    let content = rendered("The tag: {{#asm-line ch01 dummy_future_poll \"setne    al\"}}.\n");
    assert_eq!(content, "The tag: `setne al`.\n");
}

#[test]
fn a_quoted_line_the_listing_no_longer_has_fails_with_file_line_and_the_closest_line() {
    let page = "# Title\n\nThe tag: {{#asm-line ch01 dummy_future_poll \"sete al\"}}.\n";
    let found = problems(&workspace_root(), book_with_page(page));
    assert_eq!(
        found,
        [
            "book/ch01-the-experiment.md:3: the assembly listing `dummy_future_poll` of ch01-the-experiment has no line `sete al`; the closest is `setne al`"
        ]
    );
}

#[test]
fn a_note_marks_its_line_and_follows_the_listing_as_a_numbered_list() {
    let content = rendered("{{#asm ch01 dummy_future_poll note=\"setne al\" \"the tag: 1 is `Pending`\"}}\n");
    assert!(content.contains("<span class=\"line listing-note\""), "{content}");
    assert!(
        content.contains("<span class=\"note-mark\" data-note=\"1\" role=\"img\" aria-label=\"note 1\"></span>"),
        "{content}"
    );
    assert!(content.contains("<div class=\"listing-notes\">\n\n1. the tag: 1 is `Pending`\n"), "{content}");
}

#[test]
fn a_note_whose_line_is_gone_fails_with_file_line_and_the_closest_line() {
    let page = "# Title\n\n{{#asm ch01 dummy_future_poll\n    note=\"sete al\" \"the tag\"}}\n";
    assert_eq!(
        problems(&workspace_root(), book_with_page(page)),
        [
            "book/ch01-the-experiment.md:3: {{#asm ch01-the-experiment dummy_future_poll}}: note 1: no line of the listing is `sete al` (the closest is `setne al`)"
        ]
    );
}

#[test]
fn a_note_whose_line_is_not_unique_fails() {
    let page = "{{#asm ch01 dummy_future_poll note=\"cmp al, 1\" \"compare\"}}\n";
    let found = problems(&workspace_root(), book_with_page(page));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("note 1: `cmp al, 1` is 2 lines of the listing"), "{}", found[0]);
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
        "book/ch01-the-experiment.md:2: unknown option `colour` of {{#asm}}; the options are `no-source`, `part=PART`, `note=\"LINE\" \"text\"`"
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
        origin: listings::Origin::Asm { flags: Default::default(), options: Default::default(), bootstrap: None },
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
            "book/ch01-the-experiment.md:1: no assembly listing `f` in ch09-gone (no file chapters/ch09-gone/tests/snapshots/ch09-gone__asm__f.snap); its listings are: none"
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
fn an_unknown_directive_fails_instead_of_staying_on_the_page_as_text() {
    let found = problems(&workspace_root(), book_with_page("# T\n\n{{#asmline ch01 noop \"ret\"}}\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("book/ch01-the-experiment.md:3: unknown directive `{{#asmline}}`; this book's directives are `asm`, `asm-line`,"), "{}", found[0]);
    assert!(found[0].ends_with("; did you mean `asm-line`?"), "{}", found[0]);
}

#[test]
fn the_help_for_an_unknown_directive_names_every_directive_of_the_table() {
    let found = problems(&workspace_root(), book_with_page("{{#pictur ch01 waker_noop_clone}}\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    let (ours, mdbooks) = found[0].split_once(", and mdBook's ").expect(&found[0]);
    for entry in TABLE.iter() {
        let listed = match entry.expander {
            Expander::Preprocessor => ours,
            Expander::MdBook => mdbooks,
        };
        assert!(listed.contains(&format!("`{}`", entry.name)), "{} missing from {}", entry.name, found[0]);
    }
    for name in ["picture", "quiz", "exercise", "time", "notes", "end-notes", "schedule"] {
        assert!(ours.contains(&format!("`{name}`")), "{name} missing from {ours}");
    }
    assert!(found[0].ends_with("; did you mean `picture`?"), "{}", found[0]);
}

#[test]
fn a_directive_without_its_arguments_fails_with_its_usage_and_an_example() {
    let found =
        problems(&workspace_root(), book_with_page("{{#asm}}\n\n{{#picture ch01}}\n\n{{#table ch08 t part=p}}\n"));
    assert_eq!(
        found,
        [
            "book/ch01-the-experiment.md:1: usage: {{#asm CHAPTER LISTING [no-source] [part=PART] [note=\"LINE\" \"text\"]…}}, e.g. {{#asm ch01-the-experiment hello_world_state_machine}}",
            "book/ch01-the-experiment.md:3: usage: {{#picture CHAPTER NAME}}, e.g. {{#picture ch01-the-experiment waker_noop_clone}}",
            "book/ch01-the-experiment.md:5: unknown option `part=p` of {{#table}}; it takes none",
        ]
    );
}

/// Each row's example, on one numbered page of the real checkout: the examples are the ones the
/// README lists, so none of them may name a listing, anchor or line that is gone.
#[test]
fn every_directive_of_the_table_renders_its_example_on_this_checkout() {
    let mut content = String::from("# Every directive\n\n## Examples\n\n");
    for entry in TABLE.iter() {
        content.push_str(entry.example);
        content.push_str("\n\n");
    }
    let mut chapter = Chapter::new("Every directive", content, "ch01-the-experiment.md", vec![]);
    chapter.number = Some(SectionNumber::new(vec![1]));
    let mut book = Book::new_with_items(vec![BookItem::Chapter(chapter)]);
    let root = workspace_root();
    let found = preprocess(&root, &root.join("book"), &mut book);
    assert!(found.is_empty(), "{found:#?}");
    let expanded = page(&book, "ch01-the-experiment.md");
    for entry in TABLE.iter() {
        let left = expanded.contains(entry.example);
        assert_eq!(left, entry.expander == Expander::MdBook, "{}: {expanded}", entry.example);
    }
}

#[test]
fn a_glossary_term_no_page_uses_fails_with_file_and_line() {
    let glossary = "# Glossary\n\n| term | meaning | first explained in |\n|---|---|---|\n| coroutine | a | b |\n| frobnicator | c | d |\n";
    let book = Book::new_with_items(vec![
        BookItem::Chapter(Chapter::new("One", "A coroutine, resumed.\n".to_owned(), "ch01-the-experiment.md", vec![])),
        BookItem::Chapter(Chapter::new("Glossary", glossary.to_owned(), "glossary.md", vec![])),
    ]);
    assert_eq!(
        problems(&workspace_root(), book),
        ["book/glossary.md:6: the glossary's term `frobnicator` is used on no other page of the book"]
    );
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

#[test]
fn a_generated_table_renders_as_a_markdown_table_with_its_caption() {
    let content = rendered("{{#table ch08 three_awaits_by_opt_level}}\n");
    assert!(content.contains("\n| opt-level | instructions |"), "{content}");
    assert!(content.contains(
        "<figcaption><code>ch08_machine_code::three_awaits::{{closure}} at each opt-level</code> · rustc 1.95.0"
    ));
    let found = problems(&workspace_root(), book_with_page("# T\n\n{{#table ch08 three_awaits_by_opt_levels}}\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("book/ch01-the-experiment.md:3: no generated table listing `three_awaits_by_opt_levels` in ch08-machine-code (did you mean three_awaits_by_opt_level?)"), "{found:?}");
}

#[test]
fn a_session_renders_its_body_without_insta_s_header_with_how_it_was_run_and_the_command() {
    let content = rendered("{{#session ch08 debugger_async_stack}}\n");
    assert!(content.contains("\n```text\n(gdb) break ch08_machine_code::{impl#0}::poll\n"), "{content}");
    for header in ["source:", "description:", "expression:", "\n---\n"] {
        assert!(!content.contains(header), "{header}: {content}");
    }
    assert!(content.contains("· session: rust-gdb -batch -nx, gdb 13.1, on chapters/"), "{content}");
    assert!(content.contains("run again by <code>cargo test -p ch08-machine-code --test debugger</code>"), "{content}");
    let found = problems(&workspace_root(), book_with_page("# T\n\n{{#session ch08 debugger_async_stacks}}\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "book/ch01-the-experiment.md:3: no session listing `debugger_async_stacks` in ch08-machine-code (did you mean \
             debugger_async_stack?)"
        ),
        "{found:?}"
    );
}

#[test]
fn a_cpp_listing_links_to_compiler_explorer_with_its_source_gcc_and_its_flags() {
    let root = workspace_root();
    let content = rendered("{{#cpp-asm ch08 three_awaits_destroy}}\n");
    assert!(first_asm_listing_text(&content).contains("        or      WORD PTR 40[rdi], 1"), "{content}");
    assert!(content.contains("· g++ 12.2.0 · -std=c++20 -O2"), "{content}");
    let href = content.split("class=\"compiler-explorer\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    let (source, compiler, options) = compiler_explorer::decode(href).unwrap();
    assert_eq!(source, std::fs::read_to_string(root.join("chapters/ch08-machine-code/cpp/three_awaits.cpp")).unwrap());
    assert_eq!(compiler, "g122");
    assert!(options.starts_with("-std=c++20 -O2 -masm=intel"), "{options}");
}

#[test]
fn a_quoted_cpp_line_the_listing_no_longer_has_fails_with_file_and_line() {
    assert_eq!(
        rendered("{{#cpp-asm-line ch08 three_awaits_destroy \"or WORD PTR 40[rdi], 1\"}}\n"),
        "`or WORD PTR 40[rdi], 1`\n"
    );
    let found = problems(
        &workspace_root(),
        book_with_page("# T\n\n{{#cpp-asm-line ch08 three_awaits_destroy \"or WORD PTR 42[rdi], 1\"}}\n"),
    );
    assert_eq!(
        found,
        [
            "book/ch01-the-experiment.md:3: the C++ assembly listing `three_awaits_destroy` of ch08-machine-code has no line `or WORD PTR 42[rdi], 1`; the closest is `or WORD PTR 40[rdi], 1`"
        ]
    );
}

#[test]
fn every_chapter_page_and_no_other_gives_its_reading_time_under_its_title_with_a_link_to_how_it_is_counted() {
    let root = workspace_root();
    let mut book = real_book();
    let found = preprocess(&root, &root.join("book"), &mut book);
    assert!(found.is_empty(), "{found:#?}");
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else { continue };
        let path = chapter.path.as_ref().unwrap().to_str().unwrap();
        let is_chapter = path.starts_with("ch") && !path.ends_with("-practice.md");
        let shown = chapter.content.lines().nth(2).unwrap_or_default();
        assert_eq!(shown.starts_with("<p class=\"reading-time\">Reading time: about "), is_chapter, "{path}: {shown}");
        if is_chapter {
            assert!(shown.contains("<a href=\"introduction.html#reading-time\">How this is counted</a>"), "{shown}");
        }
    }
}

#[test]
fn an_aside_left_open_fails_with_file_and_line() {
    let found =
        problems(&workspace_root(), book_with_page("# Page\n\n{{#aside \"Deeper: what is inside\"}}\n\nBody.\n"));
    assert_eq!(
        found,
        [
            "book/ch01-the-experiment.md:3: this aside is never closed: end it with `{{#end-aside}}` on a line of its own"
        ]
    );
}
