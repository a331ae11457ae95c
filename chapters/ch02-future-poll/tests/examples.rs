//! The chapter's programs, run as the reader runs them, print what the page says they print.

use std::path::PathBuf;
use std::process::Command;

/// The example binary that `cargo test` built beside this test: `deps/` holds the test,
/// `examples/` the examples of the same profile.
fn example(name: &str) -> PathBuf {
    listings::built_example(env!("CARGO_PKG_NAME"), name)
}

fn run(name: &str) -> (String, String) {
    let output = Command::new(example(name)).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn poll_by_hand_shows_two_pendings_then_ready_for_the_leaf_and_for_the_async_block() {
    let (stdout, _) = run("poll_by_hand");
    assert_eq!(
        stdout,
        "ByteAfter::new(2, 42)\n\
         \x20 poll 1: Pending\n\
         \x20 poll 2: Pending\n\
         \x20 poll 3: Ready(42)\n\
         async { Countdown { polls_left: 1 }.await; ByteAfter::new(1, 7).await + 1 }\n\
         \x20 poll 1: Pending\n\
         \x20 poll 2: Pending\n\
         \x20 poll 3: Ready(8)\n"
    );
}

#[test]
fn poll_after_ready_shows_async_code_panicking_and_hand_written_futures_doing_what_their_authors_chose() {
    let (stdout, stderr) = run("poll_after_ready");
    assert_eq!(
        stdout,
        "an async fn\n\
         \x20 poll 1: Ready(3)\n\
         \x20 poll 2: panicked: `async fn` resumed after completion\n\
         \x20 poll 3: panicked: `async fn` resumed after completion\n\
         an async block\n\
         \x20 poll 1: Ready(4)\n\
         \x20 poll 2: panicked: `async fn` resumed after completion\n\
         std::future::ready(5)\n\
         \x20 poll 1: Ready(5)\n\
         \x20 poll 2: panicked: `Ready` polled after completion\n\
         ByteAfter::new(0, 11)\n\
         \x20 poll 1: Ready(11)\n\
         \x20 poll 2: Ready(11)\n\
         \x20 poll 3: Ready(11)\n"
    );
    assert_eq!(stderr, "", "the quiet panic hook keeps the caught panics off stderr");
}
