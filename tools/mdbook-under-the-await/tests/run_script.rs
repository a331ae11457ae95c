//! `run`, the command `book.toml` gives mdBook: it answers `supports` as the preprocessor does,
//! and otherwise has cargo run the preprocessor from the checkout's root, with mdBook's input,
//! so that cargo (which knows every file the binary is built from, and where its target
//! directory is) decides whether to build it first.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("run")
}

#[test]
fn the_run_script_answers_supports_as_the_preprocessor_does() {
    for renderer in ["html", "markdown", "pdf", "epub"] {
        let script = Command::new(script()).args(["supports", renderer]).status().unwrap();
        let binary =
            Command::new(env!("CARGO_BIN_EXE_mdbook-under-the-await")).args(["supports", renderer]).status().unwrap();
        assert_eq!(script.success(), binary.success(), "`run supports {renderer}`");
    }
}

#[test]
fn the_run_script_has_cargo_run_the_preprocessor_from_the_checkout_with_mdbooks_input() {
    // A `cargo` of the test's own, first on PATH, that says how it was called.
    let dir = std::env::temp_dir().join(format!("run-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fake = dir.join("cargo");
    std::fs::write(&fake, "#!/bin/sh\necho \"in $PWD\"\necho \"args $*\"\nexec cat\n").unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut child = Command::new(script())
        .current_dir(&dir)
        .env("PATH", path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"[{\"root\": \"...\"}, {\"items\": []}]").unwrap();
    let output = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!(
            "in {}\nargs run --quiet --locked --package mdbook-under-the-await --bin mdbook-under-the-await --\n\
             [{{\"root\": \"...\"}}, {{\"items\": []}}]",
            root.display()
        )
    );
}
