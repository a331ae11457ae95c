//! Where cargo builds the checkout: the one folder under which the tools write what they build
//! and compute (their own builds, scratch folders, kept results). Many people point
//! `CARGO_TARGET_DIR` at one folder for all their checkouts; a tool that wrote to the checkout's
//! `target/` regardless would miss what cargo built and run stale programs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use crate::Memo;

/// Cargo's target directory for the workspace at `root`, as this process finds it, first found
/// first:
///
/// 1. `CARGO_TARGET_DIR` or `CARGO_BUILD_TARGET_DIR`, if absolute: what cargo itself would use
///    now (a relative one is relative to where cargo was started, which a test, started in its
///    package's folder, cannot know);
/// 2. the target directory the running program was built in: a test, `xtask` and the
///    preprocessor run from their profile's folder (`<target>/debug/`, `<target>/debug/deps/`,
///    which holds cargo's `.fingerprint/`) whatever told cargo where it is (the variable, a
///    config file's `build.target-dir`, the default);
/// 3. what `cargo metadata` says from `root` (`target_directory`), for a program cargo did not
///    build there (a doc-test runs from a temporary folder);
/// 4. `root/target`.
///
/// Found once per process and root.
pub fn target_dir(root: &Path) -> PathBuf {
    static FOUND: LazyLock<Memo<PathBuf, PathBuf>> = LazyLock::new(Memo::new);
    FOUND.get(root.to_owned(), || {
        from_the_environment()
            .or_else(holding_the_running_program)
            .or_else(|| from_cargo_metadata(root))
            .unwrap_or_else(|| root.join("target"))
    })
}

fn holding_the_running_program() -> Option<PathBuf> {
    let program = std::env::current_exe().ok()?;
    let profile = program.ancestors().skip(1).find(|dir| dir.join(".fingerprint").is_dir())?;
    // `<target>/debug/`, or `<target>/<triple>/debug/` for a build with `--target`: the target
    // directory is the one with cargo's record of the compiler it asked.
    let mut above = profile.ancestors().skip(1).take(2);
    let found = above.clone().find(|dir| dir.join(".rustc_info.json").is_file());
    found.or_else(|| above.next()).map(Path::to_owned)
}

fn from_the_environment() -> Option<PathBuf> {
    let dir = ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"].iter().find_map(std::env::var_os)?;
    Some(PathBuf::from(dir)).filter(|dir| dir.is_absolute())
}

fn from_cargo_metadata(root: &Path) -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    metadata.get("target_directory")?.as_str().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_finds_the_target_directory_cargo_built_it_in() {
        // This test runs from <target directory>/debug/deps/; cargo says where that is.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let running = holding_the_running_program().expect("a test runs from cargo's target directory");
        assert_eq!(
            running.canonicalize().unwrap(),
            from_cargo_metadata(&root).unwrap().canonicalize().unwrap(),
            "cargo metadata disagrees (CARGO_TARGET_DIR changed since the build?)"
        );
        if from_the_environment().is_none() {
            assert_eq!(target_dir(&root), running);
        }
    }
}
