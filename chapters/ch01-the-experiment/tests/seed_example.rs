//! The seed's program, run as the reader runs it, prints what the seed's program printed.

use std::process::Command;

#[test]
fn the_seed_example_prints_hello_world_then_completes_on_the_second_poll() {
    let example = listings::built_example(env!("CARGO_PKG_NAME"), "seed");
    let output = Command::new(&example).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "hello, world!\nCompleted on second poll!\n");
}
