//! `cargo xtask asm` as a reader uses it: the listing the book shows, and one clear message
//! (exit 2) for a name that does not exist.

use std::path::Path;
use std::process::{Command, Output};

mod common;

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn stdout(output: &Output) -> &str {
    std::str::from_utf8(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> &str {
    std::str::from_utf8(&output.stderr).unwrap()
}

/// The body of a chapter's snapshot (`path` under `chapters/`): what the book shows.
fn snapshot_body(path: &str) -> String {
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chapters").join(path);
    let snapshot = std::fs::read_to_string(snapshot).unwrap();
    // insta's header is the text between the first two `---` lines.
    snapshot.splitn(3, "---\n").nth(2).unwrap().to_owned()
}

#[test]
fn asm_prints_exactly_the_listing_the_chapter_snapshot_checks() {
    let output = xtask(&["asm", "ch01", "hello_world::{{closure}}", "--source"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        snapshot_body("ch01-the-experiment/tests/snapshots/ch01-the-experiment__asm__hello_world_state_machine.snap")
    );
}

/// A function of a package of the lockfile (chapter 12 shows tokio's waker functions so): the
/// command the snapshot records prints its body.
#[test]
fn asm_of_a_package_prints_exactly_the_listing_the_chapter_snapshot_records() {
    let snapshot = "ch12-tokio/tests/snapshots/ch12-tokio__asm__waker_tokio_clone.snap";
    let output = xtask(&["asm", "--package", "tokio", "tokio::runtime::task::waker::clone_waker", "--data"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), snapshot_body(snapshot));
    let output = xtask(&["asm", "--package", "tokio", "a", "b"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("with --package, name the function alone"), "{}", stderr(&output));
}

/// An experiment's listing: the flag on the command line is the flag a chapter's test passes,
/// and the command the listing records is the command that was run.
#[test]
fn asm_with_a_codegen_flag_prints_exactly_the_listing_a_test_gets_with_that_flag() {
    let command = ["asm", "ch08", "run_in_view", "-C", "llvm-args=-enable-dfa-jump-thread"];
    let output = xtask(&command);
    assert!(output.status.success(), "{}", stderr(&output));
    let flags = listings::CodegenFlags::default().with_codegen("llvm-args=-enable-dfa-jump-thread");
    let listing = listings::asm_with_flags("ch08", "run_in_view", &listings::AsmOptions::default(), &flags)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stdout(&output), listing.to_string());
    assert_eq!(listing.command, format!("cargo xtask {}", command.join(" ")));
}

#[test]
fn drop_glue_prints_exactly_the_mir_a_chapter_snapshot_checks_and_refuses_an_unknown_future() {
    let output = xtask(&["drop-glue", "ch07", "held_across_awaits"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        snapshot_body("ch07-cancellation/tests/snapshots/ch07-cancellation__mir__held_across_awaits_drop_glue.snap")
    );

    let output = xtask(&["drop-glue", "ch07", "held_across_await"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "error: no drop glue `drop_in_place::<{async fn body of held_across_await()}>` in ch07-cancellation (did you mean drop_in_place::<{async fn body of held_across_awaits()}>"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn list_names_every_function_with_code_of_its_own() {
    let output = xtask(&["asm", "ch01-the-experiment", "--list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let names: Vec<&str> = stdout(&output).lines().collect();
    for expected in [
        "ch01_the_experiment::noop_clone",
        "ch01_the_experiment::hello_world::{{closure}}",
        "<ch01_the_experiment::DummyFuture as core::future::future::Future>::poll",
    ] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
}

#[test]
fn an_unknown_chapter_exits_2_naming_the_chapters() {
    let output = xtask(&["asm", "ch1-the-experiment", "noop"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: unknown chapter `ch1-the-experiment` (did you mean ch01-the-experiment?); the chapters are: ch01-the-experiment"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
}

#[test]
fn an_unknown_function_exits_2_with_the_closest_names() {
    let output = xtask(&["asm", "ch01", "noop_clonee"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "error: no function `noop_clonee` in the assembly of ch01-the-experiment (did you mean noop_clone"
        ),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("\n  ch01_the_experiment::noop\n"), "{}", stderr(&output));
    // The command it names is one the reader can run as it is.
    assert!(stderr(&output).ends_with("; `cargo xtask asm ch01 --list` lists them again)\n"), "{}", stderr(&output));
}

/// Every command's output ends quietly, exit 0, when its reader closes the pipe early
/// (`cargo xtask asm ch01-the-experiment --list | head -1`): no panic on the broken pipe. The
/// commands print through one function (`stdout.rs`), so a few of them stand for all.
#[test]
fn every_command_piped_into_a_reader_that_stops_early_ends_quietly() {
    for args in [
        &["asm", "ch01-the-experiment", "--list"][..],
        &["asm", "ch01", "noop_clone"],
        &["mir", "ch01", "--list"],
        &["type-sizes", "ch01", "hello_world"],
        &["system-packages"],
        &["target-dir"],
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command.args(args);
        let (status, stderr) = common::into_a_closed_pipe(command, std::time::Duration::from_secs(60));
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn a_missing_function_argument_is_a_usage_error() {
    let output = xtask(&["asm", "ch01"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("<FUNCTION>") && stderr(&output).contains("Usage: cargo xtask asm"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn another_compiler_gets_one_message_naming_both_versions() {
    // A toolchain folder whose rustc claims to be a nightly: the listing compile must refuse it
    // before building anything.
    let toolchain = std::env::temp_dir().join(format!("under-the-await-fake-toolchain-{}", std::process::id()));
    std::fs::create_dir_all(&toolchain).unwrap();
    let rustc = toolchain.join("rustc");
    std::fs::write(&rustc, "#!/bin/sh\nprintf 'rustc 1.96.0-nightly (0123456789 2026-05-01)\\nbinary: rustc\\nrelease: 1.96.0-nightly\\n'\n").unwrap();
    #[cfg(unix)]
    #[cfg(unix)]
    std::fs::set_permissions(&rustc, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["asm", "ch01", "noop"])
        .env("CARGO", toolchain.join("cargo"))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&toolchain).unwrap();

    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with("error: the listings are pinned to rustc 1.95.0 (rust-toolchain.toml) but this run uses rustc 1.96.0-nightly (0123456789 2026-05-01)."), "{message}");
    assert!(message.lines().count() <= 3, "one message, not a wall: {message}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn check_snapshots_fails_naming_every_snapshot_no_test_asserted() {
    let references = std::env::temp_dir().join(format!("under-the-await-no-references-{}", std::process::id()));
    std::fs::write(&references, "").unwrap();
    let output = xtask(&["check-snapshots", references.to_str().unwrap()]);
    std::fs::remove_file(&references).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains(
            "error: chapters/ch01-the-experiment/tests/snapshots/ch01-the-experiment__asm__noop.snap: no test asserts this snapshot"
        ),
        "{message}"
    );
    assert!(message.trim_end().ends_with("snapshot(s) that the book could show but nothing checks"), "{message}");
}

#[test]
fn an_async_fns_name_suggests_its_body_first() {
    let output = xtask(&["asm", "ch01", "hello_world"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "error: no function `hello_world` in the assembly of ch01-the-experiment (did you mean hello_world::{{closure}} or"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_empty_or_unknown_type_names_the_closest_few_and_how_to_list_them_all_not_every_type() {
    for (name, start) in [
        ("", "error: no type `` in ch01-the-experiment; "),
        ("hello", "error: no type `hello` in ch01-the-experiment (did you mean {async fn body of hello_world()} or "),
    ] {
        let output = xtask(&["type-sizes", "ch01", name]);
        assert_eq!(output.status.code(), Some(2));
        let message = stderr(&output);
        assert!(message.starts_with(start), "{message}");
        assert!(message.contains("; `cargo xtask type-sizes ch01 --list` lists all "), "{message}");
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(message.len() < 400, "a few names, not every type: {message}");
    }
}
