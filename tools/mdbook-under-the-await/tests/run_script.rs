//! `run`, the command `book.toml` gives mdBook: it answers `supports` as the preprocessor does;
//! it starts the binary cargo built, which runs when cargo would not build it again and otherwise
//! hands over to `cargo run`; and without a binary where it looks, it has cargo run it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};

/// Each test writes an executable and then runs it. Were two to run at once, a child forked
/// for one could still hold the other's file open for writing when that one is run, and
/// `execve` would refuse it with ETXTBSY ("Text file busy", seen once on a loaded machine):
/// one at a time.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("run")
}

fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A folder of the test's own with a `cargo` that says how it was called, and its PATH.
fn fake_cargo(name: &str) -> (PathBuf, String) {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("run-script-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fake = dir.join("cargo");
    std::fs::write(&fake, "#!/bin/sh\necho \"in $PWD\"\necho \"args $*\"\nexec cat\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    (dir, path)
}

/// `run` with `input` on its standard input, cargo's target directory `target_dir`.
fn run(target_dir: &Path, path: &str, input: &[u8]) -> Output {
    let mut child = Command::new(script())
        .env("CARGO_TARGET_DIR", target_dir)
        .env("PATH", path)
        .env_remove("CARGO")
        .env_remove("UNDER_THE_AWAIT_CHECKOUT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

const INPUT: &[u8] = b"[{\"root\": \"...\"}, {\"items\": []}]";

fn handed_to_cargo() -> String {
    format!(
        "in {}\nargs run --quiet --locked --package mdbook-under-the-await --bin mdbook-under-the-await --\n{}",
        checkout().display(),
        String::from_utf8_lossy(INPUT)
    )
}

#[test]
fn the_run_script_answers_supports_as_the_preprocessor_does() {
    let _one_at_a_time = one_at_a_time();
    for renderer in ["html", "markdown", "pdf", "epub"] {
        let script = Command::new(script()).args(["supports", renderer]).status().unwrap();
        let binary =
            Command::new(env!("CARGO_BIN_EXE_mdbook-under-the-await")).args(["supports", renderer]).status().unwrap();
        assert_eq!(script.success(), binary.success(), "`run supports {renderer}`");
    }
}

#[test]
fn without_a_built_preprocessor_the_run_script_has_cargo_run_it_from_the_checkout() {
    let _one_at_a_time = one_at_a_time();
    let (dir, path) = fake_cargo("absent");
    let output = run(&dir.join("an empty target directory"), &path, INPUT);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout.clone()).unwrap(), handed_to_cargo());
}

#[test]
fn a_preprocessor_cargo_would_build_again_hands_over_to_cargo_run_with_its_input() {
    let _one_at_a_time = one_at_a_time();
    let (dir, path) = fake_cargo("stale");
    // The built binary, copied without cargo's record of what it was built from.
    let target = dir.join("target");
    std::fs::create_dir_all(target.join("debug")).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_mdbook-under-the-await"), target.join("debug/mdbook-under-the-await")).unwrap();
    let output = run(&target, &path, INPUT);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout.clone()).unwrap(), handed_to_cargo());
}

#[test]
fn a_preprocessor_cargo_would_not_build_again_runs_itself() {
    let _one_at_a_time = one_at_a_time();
    let (dir, path) = fake_cargo("fresh");
    // The built binary, copied (so newer than every file of the checkout), with cargo's record
    // of its one source, written before it.
    let (target, source) = (dir.join("target"), dir.join("main.rs"));
    std::fs::write(&source, "fn main() {}\n").unwrap();
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&source).unwrap().set_modified(long_ago).unwrap();
    std::fs::create_dir_all(target.join("debug")).unwrap();
    let binary = target.join("debug/mdbook-under-the-await");
    std::fs::copy(env!("CARGO_BIN_EXE_mdbook-under-the-await"), &binary).unwrap();
    std::fs::write(binary.with_extension("d"), format!("{}: {}\n", binary.display(), source.display())).unwrap();
    let output = run(&target, &path, b"not mdBook's input");
    std::fs::remove_dir_all(&dir).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.stdout.is_empty(), "cargo was run: {}", String::from_utf8_lossy(&output.stdout));
    assert!(stderr.contains("expects mdBook's preprocessor input on stdin"), "{stderr}");
}
