//! The compiler as a child process: the same cleared environment and path remapping for every
//! cargo and rustc the listings run, so that nothing about this machine reaches a listing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{Error, Workspace};

/// What a child keeps of this process's environment: enough to find the toolchain and the
/// crate cache, nothing that could change the code (`RUSTFLAGS`, wrappers, cargo config paths).
const KEPT: &[&str] = &["PATH", "HOME", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"];

/// `program`, run from the workspace root with a cleared environment.
pub fn isolated(program: impl AsRef<std::ffi::OsStr>, workspace: &Workspace) -> Command {
    let mut command = Command::new(program);
    command.current_dir(&workspace.root).env_clear();
    for kept in KEPT {
        if let Some(value) = std::env::var_os(kept) {
            command.env(kept, value);
        }
    }
    command
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
