//! Results the book's tools keep for their next run, in one place and one format.
//!
//! A run of the test command starts well over a hundred processes (137 test binaries and the
//! doc-tests of 36 crates, counted in one run) that compile the same chapters, ask the same
//! compiler its version and count the same programs under callgrind. A result is kept here for
//! the others and for the next run (two processes that miss at the same moment both compute it,
//! and the second write replaces the first with the same result). One rule holds for every kind
//! of result:
//!
//! - **The key** ([`Key`]) is a SHA-256 of everything that decides the result and is known before
//!   it is computed: its kind, the compiler's version, the command (arguments, and the
//!   environment the child gets minus the variables that only locate the toolchain:
//!   `listings`' `child::fingerprint`), and whatever bytes the caller passes in (a snippet's
//!   text, a program's bytes).
//! - **The inputs** are the files the computation says it read (rustc's dep-info; for a stage of
//!   a chapter, its `src/lib.rs`, which a test holds to be the only file the stage reads). The entry
//!   records each with the SHA-256 of its bytes and holds only while every one of them still has
//!   those bytes: any edit is computed again, even one that keeps the length and the
//!   modification time. An input that changed while the result was being computed is not kept.
//! - **The entry** holds the outputs whole: their bytes and their permissions, so that a kept
//!   result is the same file a fresh computation writes ([`Output::write`]). It is written
//!   whole ([`write_atomically`]): a process reading beside the writer finds all of it or none.
//! - **The place** is `<cargo's target directory>/under-the-await/kept/<kind>/<key>`
//!   ([`target_dir`]); nothing else invalidates an entry, and deleting the folder costs one cold
//!   run. A failed computation is never kept.
//!
//! Within one process, [`Memo`] makes the threads of a test binary share one computation;
//! across processes, [`Kept`] does.

mod atomic;
mod dep_info;
mod entry;
mod key;
mod memo;
mod target_dir;

pub use atomic::write_atomically;
pub use dep_info::dep_info_inputs;
pub use entry::{Entry, Output};
pub use key::Key;
pub use memo::Memo;
pub use target_dir::target_dir;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use entry::Recorded;

/// The folder of kept results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    dir: PathBuf,
}

impl Kept {
    /// The results kept in cargo's target directory `target_dir`.
    pub fn in_target_dir(target_dir: &Path) -> Kept {
        Kept { dir: target_dir.join("under-the-await/kept") }
    }

    /// The results kept in `dir` (a test's own folder).
    pub fn at(dir: impl Into<PathBuf>) -> Kept {
        Kept { dir: dir.into() }
    }

    /// The entry kept under `key`, if there is one and every file it was computed from still
    /// has the bytes it had then.
    pub fn get(&self, key: &Key) -> Option<Entry> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let Recorded { inputs, entry } = Recorded::decode(&bytes)?;
        inputs.iter().all(|(path, digest)| key::digest_of_file(path).as_ref() == Some(digest)).then_some(entry)
    }

    /// Keeps `entry` under `key`, with the files it was computed from (`read`, as the computation
    /// says; an empty list when it reads none). Returns whether it was kept: not when one of the
    /// files cannot be read, or was modified after `computation` started (the result may be
    /// of its older bytes).
    pub fn keep(&self, key: &Key, entry: &Entry, read: &[PathBuf], computation: Computation) -> std::io::Result<bool> {
        let mut inputs = Vec::with_capacity(read.len());
        for path in read {
            if computation.saw_a_change_of(path) {
                return Ok(false);
            }
            let Some(digest) = key::digest_of_file(path) else { return Ok(false) };
            inputs.push((path.clone(), digest));
        }
        let recorded = Recorded { inputs, entry: entry.clone() };
        write_atomically(&self.path(key), &recorded.encode())?;
        Ok(true)
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(key.kind()).join(key.name())
    }
}

/// When a computation started: a file it read that was modified since (or just before, within
/// the coarseness of the file system's clock) may have been read with other bytes than it has
/// now, so its result is not kept.
#[derive(Debug, Clone, Copy)]
pub struct Computation {
    started: SystemTime,
}

impl Computation {
    /// The file system stamps a modification with a clock that may lag the system's by a tick
    /// (a few milliseconds on Linux); a margin well above it costs, at worst, one more
    /// computation of a file saved a moment before.
    const CLOCK_MARGIN: Duration = Duration::from_millis(100);

    pub fn start() -> Computation {
        Computation { started: SystemTime::now() }
    }

    fn saw_a_change_of(&self, path: &Path) -> bool {
        let threshold = self.started.checked_sub(Self::CLOCK_MARGIN).unwrap_or(self.started);
        std::fs::metadata(path).and_then(|m| m.modified()).map_or(true, |modified| modified >= threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kept-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A file that was written long enough ago to be kept as an input.
    fn old_file(path: &Path, bytes: &[u8]) {
        std::fs::write(path, bytes).unwrap();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options().write(true).open(path).unwrap().set_modified(an_hour_ago).unwrap();
    }

    fn entry() -> Entry {
        Entry::new(vec![
            Output::new("listing.s", b"\tmov\teax, 42\n\tret\n".to_vec()),
            Output { name: "program".into(), bytes: vec![0x7f, b'E', b'L', b'F', 0, 0xff, b'\n'], mode: 0o755 },
        ])
    }

    #[test]
    fn an_entry_comes_back_whole_while_its_inputs_keep_their_bytes() {
        let dir = scratch("whole");
        let kept = Kept::at(dir.join("kept"));
        let source = dir.join("a source with spaces.rs");
        old_file(&source, b"pub fn answer() -> u32 { 42 }\n");
        let key = Key::new("test").with("rustc 1.95.0").with("--emit=asm");
        assert_eq!(kept.get(&key), None, "nothing kept yet");
        assert!(kept.keep(&key, &entry(), std::slice::from_ref(&source), Computation::start()).unwrap());
        assert_eq!(kept.get(&key), Some(entry()));
        assert_eq!(kept.get(&Key::new("test").with("rustc 1.95.0").with("--emit=obj")), None, "another key");
        // An edit that keeps the length and the modification time is still an edit.
        let modified = std::fs::metadata(&source).unwrap().modified().unwrap();
        std::fs::write(&source, b"pub fn answer() -> u32 { 43 }\n").unwrap();
        std::fs::File::options().write(true).open(&source).unwrap().set_modified(modified).unwrap();
        assert_eq!(kept.get(&key), None, "an input has other bytes");
        std::fs::write(&source, b"pub fn answer() -> u32 { 42 }\n").unwrap();
        assert_eq!(kept.get(&key), Some(entry()), "the same bytes again");
        std::fs::remove_file(&source).unwrap();
        assert_eq!(kept.get(&key), None, "an input is gone");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_result_whose_input_changed_while_it_was_computed_is_not_kept() {
        let dir = scratch("changed");
        let kept = Kept::at(dir.join("kept"));
        let source = dir.join("lib.rs");
        let computation = Computation::start();
        std::fs::write(&source, b"edited during the computation").unwrap();
        let key = Key::new("test");
        assert!(!kept.keep(&key, &entry(), std::slice::from_ref(&source), computation).unwrap());
        assert_eq!(kept.get(&key), None);
        assert!(!kept.keep(&key, &entry(), &[dir.join("missing.rs")], Computation::start()).unwrap(), "unreadable");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_damaged_entry_is_not_a_result() {
        let dir = scratch("damaged");
        let kept = Kept::at(&dir);
        let key = Key::new("test").with("x");
        assert!(kept.keep(&key, &entry(), &[], Computation::start()).unwrap());
        let path = kept.path(&key);
        let whole = std::fs::read(&path).unwrap();
        for cut in 0..whole.len() {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert_eq!(kept.get(&key), None, "an entry cut at byte {cut} of {}", whole.len());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
