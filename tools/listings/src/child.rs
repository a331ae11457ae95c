//! The compiler as a child process: the same cleared environment and path remapping for every
//! cargo and rustc the listings run, so that nothing about this machine reaches a listing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{Error, Workspace};

/// What a child keeps of this process's environment: enough to find the toolchain and the
/// crate cache, nothing that could change the code (`RUSTFLAGS`, wrappers, cargo config paths).
pub(crate) const LOCATES_THE_TOOLCHAIN: &[&str] = &["PATH", "HOME", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"];

/// `program`, run from the workspace root with a cleared environment.
pub fn isolated(program: impl AsRef<std::ffi::OsStr>, workspace: &Workspace) -> Command {
    let mut command = Command::new(program);
    command.current_dir(&workspace.root).env_clear();
    for kept in LOCATES_THE_TOOLCHAIN {
        if let Some(value) = std::env::var_os(kept) {
            command.env(kept, value);
        }
    }
    command
}

/// What decides what an [`isolated`] command writes: the compiler's version, the working
/// folder, the arguments and the environment it sets. Not the program's path, nor the compiler's
/// (`RUSTC`: `stable/bin/rustc` and `1.95.0/bin/rustc` may be one binary), nor the variables
/// that only locate the toolchain: `cargo test` runs a test with a `CARGO` and a `PATH` of its own,
/// a `cargo xtask asm` from a shell has others, and both reach the same pinned compiler, whose
/// version line is part of the fingerprint.
pub(crate) fn fingerprint(command: &Command, rustc: &crate::Rustc) -> String {
    let mut fingerprint = format!("{} in {:?}", rustc.version_line, command.get_current_dir());
    for (key, value) in command.get_envs() {
        // `RUSTC` is the compiler's path: the version line stands for the compiler.
        if key != "RUSTC" && !LOCATES_THE_TOOLCHAIN.iter().any(|kept| key == *kept) {
            fingerprint.push_str(&format!(" {key:?}={value:?}"));
        }
    }
    for arg in command.get_args() {
        fingerprint.push_str(&format!(" {arg:?}"));
    }
    fingerprint
}

/// [`fingerprint`] of a command that writes into `scratch`, a folder of this run's own: the folder
/// stands as `<scratch>`, so that the same command run in another folder has the same fingerprint.
pub(crate) fn fingerprint_in(command: &Command, rustc: &crate::Rustc, scratch: &Path) -> String {
    fingerprint(command, rustc).replace(&scratch.display().to_string(), "<scratch>")
}

/// `--remap-path-prefix` flags: the checkout becomes `.`, the crate cache `/cargo-home`.
pub fn path_remaps(workspace: &Workspace) -> Vec<String> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let mut remaps = vec![format!("--remap-path-prefix={}=.", workspace.root.display())];
    if let Some(home) = cargo_home {
        remaps.push(format!("--remap-path-prefix={}=/cargo-home", home.display()));
    }
    remaps
}

/// Runs `command`; a failure is the chapter's build failing, with the compiler's own words.
pub fn run(command: &mut Command, chapter: &str) -> Result<Output, Error> {
    let output = command
        .output()
        .map_err(|e| Error::Spawn { program: format!("{:?}", command.get_program()), reason: e.to_string() })?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(Error::Build { chapter: chapter.to_owned(), stderr: String::from_utf8_lossy(&output.stderr).into_owned() })
    }
}

/// Reads a file the compiler wrote.
pub fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Read { path: path.display().to_string(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rustc() -> crate::Rustc {
        crate::Rustc { path: "rustc".into(), version_line: "rustc 1.95.0 (59807616e 2026-04-14)".into() }
    }

    fn cargo_rustc(program: &str, path: &str) -> Command {
        let mut command = Command::new(program);
        let rustc = std::path::Path::new(program).with_file_name("rustc");
        command.current_dir("/w").env_clear().env("PATH", path).env("RUSTC", rustc);
        command.args(["rustc", "--profile", "listings"]);
        command
    }

    #[test]
    fn a_build_from_cargo_test_and_one_from_a_shell_share_their_fingerprint() {
        let from_cargo_test = cargo_rustc("/toolchains/1.95.0/bin/cargo", "/toolchains/1.95.0/bin:/usr/bin");
        let from_a_shell = cargo_rustc("cargo", "/root/.cargo/bin:/usr/bin");
        assert_eq!(fingerprint(&from_cargo_test, &rustc()), fingerprint(&from_a_shell, &rustc()));
    }

    #[test]
    fn an_argument_a_variable_or_the_compiler_changes_the_fingerprint() {
        let base = fingerprint(&cargo_rustc("cargo", "/usr/bin"), &rustc());
        let mut more_args = cargo_rustc("cargo", "/usr/bin");
        more_args.arg("-Copt-level=1");
        let mut more_env = cargo_rustc("cargo", "/usr/bin");
        more_env.env("CARGO_ENCODED_RUSTFLAGS", "--cfg=x");
        let other_compiler = crate::Rustc { version_line: "rustc 1.96.0 (0 2026-05-28)".into(), ..rustc() };
        for other in [
            fingerprint(&more_args, &rustc()),
            fingerprint(&more_env, &rustc()),
            fingerprint(&cargo_rustc("cargo", "/usr/bin"), &other_compiler),
        ] {
            assert_ne!(base, other);
        }
    }
}
