//! The example the chapter runs prints the sizes the chapter states.

use std::process::Command;

#[test]
fn the_future_sizes_example_prints_each_futures_size_and_poll_count() {
    let example = listings::built_example(env!("CARGO_PKG_NAME"), "future_sizes");
    let output = Command::new(&example).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "\
async fn                                       bytes polls  output
two_suspension_points(5)                          40     3  (5, 5)
buffer_held_across_await()                      1026     2  0
buffer_in_block_before_await()                     3     2  0
buffer_borrowed_then_dropped_before_await()     1027     2  0
buffer_read_without_borrow_before_await()          3     2  0
two_big_awaits_in_sequence()                    1028     3  0
argument_counted_twice([1; 1024])               2050     2  0
"
    );
}
