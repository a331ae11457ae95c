//! Whether the preprocessor's binary that `run` found is the one cargo would run now.
//!
//! `run`, the command `book.toml` gives mdBook, starts the binary straight from the target
//! directory when it finds it there: `cargo run` costs about a tenth of a second on every build
//! of the book, about half of what the preprocessor itself takes. So, before it reads mdBook's
//! input, the binary checks the part of cargo's rule that an author's edit trips: that it was
//! built from this checkout, and that no file it was built from is newer than it. Those files
//! are the ones cargo's dep-info beside the binary lists (the sources of every workspace package
//! it is built from), and the workspace's manifest, lockfile, toolchain pin and cargo
//! configuration. When one is, the binary hands over to `cargo run`, which builds it again. This
//! is cargo's rule for a unit's sources (`cargo/src/cargo/core/compiler/fingerprint/mod.rs`,
//! "mtime comparison"), read from cargo's own record; nothing of the project's is kept for it.
//! The workspace's files are compared by time where cargo compares what they say, so an edit
//! that leaves the build as it was (a comment in `Cargo.toml`) hands over to `cargo run`, which
//! finds nothing to build, until the binary is next built: slower, never wrong. What the check
//! does not see is a change cargo would rebuild for without a file changing (flags or features
//! given on the command line, an environment variable a build reads): after such a change,
//! `ci/build-book` or `cargo build -p mdbook-under-the-await` builds it again.

use std::path::Path;

/// Why the binary at `exe`, built from the checkout `built_from`, is not what cargo would run for
/// the checkout `checkout`; `None` when it is.
pub fn why_stale(exe: &Path, built_from: &Path, checkout: &Path) -> Option<String> {
    let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_owned());
    if canonical(built_from) != canonical(checkout) {
        return Some(format!("it was built from {}", built_from.display()));
    }
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let built = modified(exe)?;
    let dep_info = exe.with_extension("d");
    let Ok(text) = std::fs::read_to_string(&dep_info) else {
        return Some(format!("cargo's record of its sources, {}, cannot be read", dep_info.display()));
    };
    let sources = kept::dep_info_inputs(&text);
    if sources.is_empty() {
        return Some(format!("{} lists no source", dep_info.display()));
    }
    // The workspace's files cargo also reads, where they exist (a checkout has no cargo
    // configuration of its own, say).
    let workspace_files = ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml", ".cargo/config.toml"]
        .iter()
        .map(|file| checkout.join(file))
        .filter(|file| file.exists());
    sources.into_iter().chain(workspace_files).find_map(|source| match modified(&source) {
        Some(changed) if changed <= built => None,
        Some(_) => Some(format!("{} changed since it was built", source.display())),
        None => Some(format!("{} is gone", source.display())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn dated(path: &Path, seconds_ago: u64) {
        let when = SystemTime::now() - std::time::Duration::from_secs(seconds_ago);
        std::fs::File::options().write(true).open(path).unwrap().set_modified(when).unwrap();
    }

    #[test]
    fn a_binary_is_stale_when_a_source_cargo_lists_or_a_pin_is_newer_or_another_checkout_built_it() {
        let dir = std::env::temp_dir().join(format!("freshness-{}", std::process::id()));
        let checkout = dir.join("a checkout");
        std::fs::create_dir_all(checkout.join("src")).unwrap();
        let (exe, source) = (dir.join("preprocessor"), checkout.join("src/main.rs"));
        for file in ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml", "src/main.rs"] {
            std::fs::write(checkout.join(file), "").unwrap();
            dated(&checkout.join(file), 60);
        }
        std::fs::write(&exe, "a program").unwrap();
        dated(&exe, 30);
        assert!(why_stale(&exe, &checkout, &checkout).unwrap().contains("cannot be read"));
        let escaped = source.display().to_string().replace(' ', "\\ ");
        std::fs::write(exe.with_extension("d"), format!("{}: {escaped}\n", exe.display())).unwrap();
        assert_eq!(why_stale(&exe, &checkout, &checkout), None);
        assert!(why_stale(&exe, &dir, &checkout).unwrap().contains("built from"));
        dated(&source, 10);
        assert!(why_stale(&exe, &checkout, &checkout).unwrap().contains("src/main.rs changed"));
        dated(&source, 60);
        dated(&checkout.join("Cargo.lock"), 10);
        assert!(why_stale(&exe, &checkout, &checkout).unwrap().contains("Cargo.lock changed"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
