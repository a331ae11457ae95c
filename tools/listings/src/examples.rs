//! Chapter examples as the chapters' tests run them.

use std::path::PathBuf;

/// The example `name` that `cargo test -p <package>` built beside the calling test.
///
/// Integration tests and examples land in the same profile folder: `deps/` holds the test,
/// `examples/` the examples. Panics, naming the command to run, if the example is not there
/// (as when a single test target was built with `--test`).
pub fn built_example(package: &str, name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("the test knows its own path");
    let profile_dir = test.parent().and_then(|deps| deps.parent()).expect("a test lives in <profile>/deps/");
    let example = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        example.is_file(),
        "{} is missing: run `cargo test -p {package}` (it builds the examples)",
        example.display()
    );
    example
}
