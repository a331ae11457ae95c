//! The chapter's program, run as the reader runs it, prints what the page says it prints.

use std::process::Command;

#[test]
fn the_pointer_is_made_at_the_first_poll_inside_the_future_and_a_move_after_it_leaves_it_behind() {
    let example = listings::built_example(env!("CARGO_PKG_NAME"), "where_the_pointer_points");
    let output = Command::new(&example).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "\
points_into_itself(&seen): a future of 40 bytes; seen = 0 (the body has not run)
moved into Box::pin, then polled: Pending
  seen, where view points:  box + 0
  the 8 bytes at box + 16:  box + 0
polled again: Ready(7)
pinned in place with Pin::new_unchecked, then polled: Pending
  seen, where view points:  stack + 0
then moved into a Box, breaking the promise:
  the 8 bytes at box + 16:  stack + 0 (outside the box)
"
    );
}
