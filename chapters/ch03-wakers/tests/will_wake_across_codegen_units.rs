//! `will_wake` compares vtable addresses, and one vtable can have several addresses: a clone of
//! `Waker::noop()` is not `will_wake` of the original once the program is split into codegen
//! units the way an incremental (debug) build splits it. Compiled here with the pinned rustc,
//! so that the flags are the only variable.

use std::path::{Path, PathBuf};
use std::process::Command;

const PROGRAM: &str = "tests/programs/noop_will_wake.rs";

fn rustc() -> PathBuf {
    listings::Rustc::for_listings(&listings::Workspace::this_checkout()).unwrap_or_else(|error| panic!("{error}")).path
}

/// Builds the program at opt-level 0 with `flags`, runs it, and returns what it printed.
fn will_wake_with(name: &str, flags: &[String]) -> String {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("will_wake_across_codegen_units").join(name);
    // A fresh directory: an incremental build starts from nothing, as a first `cargo build` does.
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    let binary = out_dir.join("noop_will_wake");
    let status = Command::new(rustc())
        .args(["--edition=2024", "-C", "opt-level=0"])
        .args(flags.iter().map(|flag| flag.replace("{out_dir}", &out_dir.display().to_string())))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(PROGRAM))
        .arg("-o")
        .arg(&binary)
        .status()
        .unwrap();
    assert!(status.success(), "rustc failed on {PROGRAM}");
    let output = Command::new(&binary).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_clone_of_waker_noop_will_wake_the_original_in_one_codegen_unit() {
    let flags = ["-C".to_owned(), "codegen-units=1".to_owned()];
    assert_eq!(will_wake_with("one_codegen_unit", &flags), "true");
}

#[test]
fn a_clone_of_waker_noop_does_not_will_wake_the_original_in_an_incremental_build() {
    // Cargo's dev profile compiles incrementally, which splits a crate into many codegen units.
    let flags = ["-C".to_owned(), "incremental={out_dir}/incremental".to_owned()];
    assert_eq!(will_wake_with("incremental", &flags), "false");
}
