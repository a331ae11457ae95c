//! The page's "simplified reading" of `.await` is not compiler output: it is written by hand.
//! This test holds it to the compiler's own text, chapter 5's HIR snapshot of `hello_world`
//! (which chapter 5's tests compare with rustc 1.95.0 on every run): if rustc lowers `.await`
//! differently, the reading on chapter 2's page must be looked at again.

use std::path::Path;

/// Each line of the page's reading, and the HIR it reads, in order.
const READING: [(&str, &str); 6] = [
    ("match IntoFuture::into_future(fut) {", "match into_future(fut) {"),
    ("mut __awaitee => loop {", "mut __awaitee =>\n                            loop {"),
    (
        "match unsafe { Future::poll(Pin::new_unchecked(&mut __awaitee), cx) } {",
        "poll(new_unchecked(&mut __awaitee),\n                                            get_context(_task_context))",
    ),
    ("Poll::Ready(result) => break result,", "Ready {  0: result } => break result,"),
    ("Poll::Pending => {}", "Pending {} => { }"),
    ("cx = yield ();", "_task_context = (yield ());"),
];

#[test]
fn the_await_loop_on_the_page_reads_chapter_5s_hir_line_by_line() {
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ch05-lowering/tests/snapshots/ch05-lowering__hir__hello_world.snap");
    let hir = std::fs::read_to_string(&snapshot).unwrap_or_else(|error| panic!("{}: {error}", snapshot.display()));
    let page = include_str!("../../../book/ch02-future-poll.md");
    let (mut in_hir, mut on_page) = (0, 0);
    for (reading, lowered) in READING {
        in_hir += hir[in_hir..].find(lowered).unwrap_or_else(|| panic!("the HIR has no `{lowered}` here:\n{hir}"));
        on_page += page[on_page..].find(reading).unwrap_or_else(|| panic!("the page's reading has no `{reading}`"));
    }
}
