//! The page's "simplified reading" of `.await` is not compiler output: it is written by hand.
//! This test holds it to the compiler's own text, chapter 5's HIR snapshot of `hello_world`
//! (which chapter 5's tests compare with rustc 1.95.0 on every run): if rustc lowers `.await`
//! differently, or the page's reading gains, loses or changes a line, the test fails.
//!
//! Both sides are reduced the same way (whitespace dropped except between two identifier
//! characters), the HIR's loop is rewritten by the renamings the page states (full paths,
//! `Poll::`, `cx` for the `Context`), and then every line of the page's reading must be the
//! next piece of that reduced HIR, with nothing left over at the end.

use std::path::Path;

/// The renamings the page announces before its reading, HIR → page, on reduced text. Each
/// applies exactly once.
const RENAMINGS: [(&str, &str); 6] = [
    ("match into_future(", "match IntoFuture::into_future("),
    ("poll(new_unchecked(", "Future::poll(Pin::new_unchecked("),
    ("get_context(_task_context)", "cx"),
    ("Ready{0:result}", "Poll::Ready(result)"),
    ("Pending{}", "Poll::Pending"),
    ("_task_context=(yield());", "cx=yield();"),
];

/// Drops whitespace, except one space between two identifier characters (`mut __awaitee`).
fn reduce(text: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && is_ident(c) && out.chars().last().is_some_and(is_ident) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// The HIR of `.await`: from `match into_future(` to the `}` that closes that `match`.
fn hir_of_await(hir: &str) -> &str {
    let start = hir.find("match into_future(").expect("the HIR has `match into_future(`");
    let mut depth = 0;
    for (offset, c) in hir[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &hir[start..=start + offset];
                }
            }
            _ => {}
        }
    }
    panic!("the `match` of `.await` is not closed:\n{hir}")
}

/// The page's reading: the `rust,ignore` block under "## The loop inside `.await`".
fn reading_on_page(page: &str) -> &str {
    let section = &page[page.find("## The loop inside `.await`").expect("the section")..];
    let start = section.find("```rust,ignore\n").expect("a rust,ignore block") + "```rust,ignore\n".len();
    let end = start + section[start..].find("\n```").expect("the block closes");
    &section[start..end]
}

#[test]
fn the_await_loop_on_the_page_reads_chapter_5s_hir_line_by_line() {
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ch05-lowering/tests/snapshots/ch05-lowering__hir__hello_world.snap");
    let hir = std::fs::read_to_string(&snapshot).unwrap_or_else(|error| panic!("{}: {error}", snapshot.display()));
    let mut expected = reduce(hir_of_await(&hir));
    for (lowered, read) in RENAMINGS {
        assert_eq!(expected.matches(lowered).count(), 1, "`{lowered}` once in the reduced HIR: {expected}");
        expected = expected.replace(lowered, read);
    }
    let page = include_str!("../../../book/ch02-future-poll.md");
    let mut rest = expected.as_str();
    for line in reading_on_page(page).lines().filter(|line| !line.trim().is_empty()) {
        let read = reduce(line);
        rest = rest.trim_start();
        rest = rest.strip_prefix(read.as_str()).unwrap_or_else(|| {
            panic!("the page's line `{}` is not the HIR's next piece; the HIR goes on `{rest}`", line.trim())
        });
    }
    assert_eq!(rest.trim(), "", "the page's reading stops before the HIR does");
}
