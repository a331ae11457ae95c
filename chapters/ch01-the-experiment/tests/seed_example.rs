//! The seed's program, run as the reader runs it, prints what the seed's program printed.

use std::process::Command;

#[test]
fn the_seed_example_prints_hello_world_then_completes_on_the_second_poll() {
    // Integration tests and examples land in the same profile folder: `deps/` holds this test,
    // `examples/` the example that `cargo test` built beside it.
    let profile_dir = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().to_owned();
    let example = profile_dir.join("examples").join(format!("seed{}", std::env::consts::EXE_SUFFIX));
    assert!(
        example.is_file(),
        "{} is missing: run `cargo test -p {}` (it builds the examples)",
        example.display(),
        env!("CARGO_PKG_NAME")
    );
    let output = Command::new(&example).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "hello, world!\nCompleted on second poll!\n");
}
