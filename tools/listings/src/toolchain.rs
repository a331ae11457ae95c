//! Which compiler the listings come from, and the refusal to use any other.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use kept::{Computation, Entry, Key, Memo, Output};

use crate::{Error, Workspace};

/// The checkout's `rust-toolchain.toml`, read when this crate is compiled.
const TOOLCHAIN_FILE: &str = include_str!("../../../rust-toolchain.toml");

/// The pinned release, e.g. `1.95.0`, from `rust-toolchain.toml`'s `channel`.
pub fn pinned_release() -> String {
    let table: toml::Table = TOOLCHAIN_FILE.parse().expect("rust-toolchain.toml is valid TOML");
    table["toolchain"]["channel"].as_str().expect("rust-toolchain.toml names a channel").to_owned()
}

/// The `rustc` that compiles the listings, checked to be the pinned one.
#[derive(Debug, Clone)]
pub struct Rustc {
    pub path: PathBuf,
    /// `rustc 1.95.0 (59807616e 2026-04-14)`: recorded in every snapshot.
    pub version_line: String,
}

impl Rustc {
    /// The compiler of the toolchain this process runs under, refused unless it is the pinned one.
    ///
    /// Under `cargo test` or `cargo run`, `$CARGO` is the toolchain's own cargo, and its `rustc`
    /// lies beside it; asking that binary avoids going through a rustup proxy that could resolve
    /// differently in a child process.
    pub fn for_listings(workspace: &Workspace) -> Result<Rustc, Error> {
        let path = std::env::var_os("CARGO")
            .map(PathBuf::from)
            .map(|cargo| cargo.with_file_name("rustc"))
            .filter(|rustc| rustc.is_file())
            .unwrap_or_else(|| PathBuf::from("rustc"));
        let verbose = verbose_version(&path, workspace)?;
        check_release(&pinned_release(), &verbose)?;
        Ok(Rustc { version_line: version_line(&verbose), path })
    }
}

/// What `rustc -vV` prints. Each `rustc -vV` takes 10 to 20 ms here, and a test run has well over
/// a hundred processes, many of which ask, so the answer is kept: in this
/// process, and in the workspace's kept results for the next ones. Its key is the identity of the
/// compiler's binary (its canonical path, size and modification time), as cargo keeps the same
/// answer in `.rustc_info.json` (`cargo/src/cargo/util/rustc.rs`, `rustc_fingerprint`); a
/// compiler found through `PATH` alone is asked every time.
fn verbose_version(path: &Path, workspace: &Workspace) -> Result<String, Error> {
    static ASKED: LazyLock<Memo<PathBuf, Result<String, Error>>> = LazyLock::new(Memo::new);
    ASKED.get(path.to_owned(), || {
        let key = binary_identity(path).map(|identity| Key::new("rustc-vV").with(identity));
        let kept = workspace.kept();
        if let Some(verbose) =
            key.as_ref().and_then(|key| kept.get(key)).and_then(|e| e.text("verbose").map(str::to_owned))
        {
            return Ok(verbose);
        }
        let output = Command::new(path)
            .arg("-vV")
            .current_dir(&workspace.root)
            .output()
            .map_err(|e| Error::Spawn { program: path.display().to_string(), reason: e.to_string() })?;
        let verbose = String::from_utf8_lossy(&output.stdout).into_owned();
        // Only the pinned compiler's: another is refused anyway, and a test's fake compiler (a new
        // file every run) would leave one more entry each time.
        if output.status.success()
            && let Some(key) = &key
            && check_release(&pinned_release(), &verbose).is_ok()
        {
            // One that cannot be kept costs the next process a `rustc -vV`.
            let entry = Entry::new(vec![Output::new("verbose", verbose.clone().into_bytes())]);
            let _ = kept.keep(key, &entry, &[], Computation::start());
        }
        Ok(verbose)
    })
}

/// The canonical path, size and modification time of a compiler's binary.
fn binary_identity(path: &Path) -> Option<String> {
    let binary = std::fs::canonicalize(path).ok()?;
    let metadata = std::fs::metadata(&binary).ok()?;
    let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some(format!("{} {} {modified}", binary.display(), metadata.len()))
}

/// `rustc 1.95.0 (59807616e 2026-04-14)` from the output of `rustc -vV`.
fn version_line(verbose: &str) -> String {
    verbose.lines().next().unwrap_or("rustc (unknown version)").trim().to_owned()
}

/// Refuses any compiler whose `release:` is not the pinned one (a nightly of the same number
/// included: its `release` reads `1.95.0-nightly`).
pub(crate) fn check_release(pinned: &str, verbose: &str) -> Result<(), Error> {
    let found_release = verbose.lines().find_map(|line| line.strip_prefix("release: ")).unwrap_or("unknown").trim();
    if found_release == pinned {
        Ok(())
    } else {
        Err(Error::ToolchainMismatch {
            pinned: pinned.to_owned(),
            found: version_line(verbose),
            found_release: found_release.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compiler_s_identity_is_its_binary_s_path_size_and_time() {
        let dir = std::env::temp_dir().join(format!("listings-compiler-identity-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let binary = dir.join("rustc");
        std::fs::write(&binary, "a compiler").unwrap();
        let first = binary_identity(&binary).unwrap();
        assert_eq!(binary_identity(&binary).as_ref(), Some(&first));
        // Another compiler at the same path: another size (or time), another identity.
        std::fs::write(&binary, "another compiler").unwrap();
        assert_ne!(binary_identity(&binary), Some(first));
        // A compiler found through PATH has none: it is asked every time.
        assert_eq!(binary_identity(Path::new("rustc-nowhere-on-disk")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    const STABLE: &str = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nrelease: 1.95.0\nLLVM version: 22.1.2\n";
    const NIGHTLY: &str = "rustc 1.96.0-nightly (0123456789 2026-04-20)\nbinary: rustc\nrelease: 1.96.0-nightly\n";

    #[test]
    fn the_pinned_release_comes_from_rust_toolchain_toml() {
        assert_eq!(pinned_release(), "1.95.0");
    }

    #[test]
    fn the_pinned_compiler_is_accepted() {
        assert_eq!(check_release("1.95.0", STABLE), Ok(()));
    }

    #[test]
    fn another_compiler_is_refused_with_both_versions_named() {
        let error = check_release("1.95.0", NIGHTLY).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("pinned to rustc 1.95.0"), "{message}");
        assert!(message.contains("rustc 1.96.0-nightly (0123456789 2026-04-20)"), "{message}");
        assert!(!message.contains('\u{1b}'), "no terminal colours in {message}");
    }
}
