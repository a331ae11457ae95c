//! Instruction counts from valgrind's callgrind, for one function of a program.
//!
//! callgrind runs the program on a simulated CPU and counts every instruction it executes
//! (its event `Ir`); the count does not depend on the machine's load, unlike a time. Two options
//! restrict it to what is measured:
//!
//! - `--collect-atstart=no --toggle-collect=F` counts only while the program is inside `F` and
//!   whatever `F` calls, tail calls included, so the loop that calls `F` is not counted;
//! - `--zero-before=M` throws the counts away when the program enters `M`, so a warm-up before
//!   it (thread-locals made on first use, the first allocations) is not counted either.
//!
//! The count of a run is decided by the program's bytes, its arguments, what is measured and the
//! valgrind that counts, and, where the measured code calls into the C library (an allocation),
//! by that library and the CPU: glibc picks some of its functions by the CPU's features
//! (`GLIBC_TUNABLES` can change its pick), which is why chapter 9's claims on allocations are
//! ratios with a tolerance. So a count is kept (`kept`) under all of these: the C library's
//! bytes, the CPU's name and `GLIBC_TUNABLES` with the rest. A run counted before is not run
//! under callgrind again; the test command, which counts again on every run to check the page's
//! claims, then costs a build check of the program and the reading of its bytes. A new build of
//! the program (any change of the code it runs) has other bytes and is counted afresh.
//! `UNDER_THE_AWAIT_RECOUNT=1` counts everything again.
//!
//! The function names are callgrind's demangled ones: `ch03_wakers::clone_of`,
//! `<ch09_cost::TwoSuspensionPoints as core::future::future::Future>::poll`,
//! `ch05_lowering::two_suspension_points::{{closure}}` (legacy symbols, without their hash).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use kept::{Computation, Entry, Kept, Key, Output};

use crate::Error;

/// What needs valgrind, and how to get it on the systems the book's set-up names: said by
/// [`Error::ValgrindMissing`] and by `cargo xtask system-tools` (which `ci/student-setup` runs).
/// valgrind's page of the platforms it supports (<https://valgrind.org/info/platforms.html>)
/// names no current macOS release.
pub const NEEDED_FOR: &str = "chapter 9's tests and exercises count the instructions a function executes with \
     valgrind's tool callgrind (ci/test and ci/bench-cost run them)";
pub const HOW_TO_INSTALL: &str = "on Debian or Ubuntu `sudo apt-get install valgrind`, on Fedora \
     `sudo dnf install valgrind`; valgrind does not run on current macOS: there, use the book's container \
     (Dockerfile, .devcontainer/), which has it";

/// A valgrind that runs: its path and its version (`valgrind-3.19.0`), and where its counts are
/// kept.
#[derive(Debug, Clone)]
pub struct Callgrind {
    valgrind: PathBuf,
    pub version: String,
    kept: Kept,
}

/// What to count in one run of a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured<'a> {
    /// Only instructions executed inside this function (and its callees) count.
    pub function: &'a str,
    /// Counts made before the program enters this function are discarded.
    pub from: &'a str,
}

impl Callgrind {
    /// The `valgrind` on `PATH`, or an error saying how to install it; its counts are kept in
    /// `kept` (the workspace's: `listings::Workspace::kept`).
    pub fn find(kept: Kept) -> Result<Callgrind, Error> {
        let valgrind = PathBuf::from("valgrind");
        let output = Command::new(&valgrind).arg("--version").output().map_err(|error| Error::ValgrindMissing {
            program: valgrind.display().to_string(),
            reason: error.to_string(),
        })?;
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if !output.status.success() || !version.starts_with("valgrind-") {
            return Err(Error::ValgrindMissing {
                program: valgrind.display().to_string(),
                reason: format!("`valgrind --version` printed {version:?}"),
            });
        }
        Ok(Callgrind { valgrind, version, kept })
    }

    /// The instructions `program args…` executes inside `measured.function`, counted from its
    /// first entry into `measured.from` on.
    pub fn count(&self, program: &Path, args: &[&str], measured: &Measured<'_>) -> Result<u64, Error> {
        let key = self.key(program, args, measured);
        let recount = std::env::var_os("UNDER_THE_AWAIT_RECOUNT").is_some();
        if !recount
            && let Some(key) = &key
            && let Some(count) = self.kept.get(key).and_then(|entry| entry.text("count")?.parse().ok())
        {
            return Ok(count);
        }
        let count = self.run(program, args, measured)?;
        if let Some(key) = key {
            // A count that cannot be kept only costs the next run a count.
            let entry = Entry::new(vec![Output::new("count", count.to_string().into_bytes())]);
            let _ = self.kept.keep(&key, &entry, &[], Computation::start());
        }
        Ok(count)
    }

    /// What decides a count: the program's bytes, the arguments, what is measured and this
    /// valgrind's version. `None` if the program cannot be read (the run will say why).
    fn key(&self, program: &Path, args: &[&str], measured: &Measured<'_>) -> Option<Key> {
        let mut key = Key::new("callgrind").with(std::fs::read(program).ok()?).with(c_library());
        let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
        let machine = [self.version.as_str(), &crate::machine::cpu(), &tunables];
        for part in machine.into_iter().chain([measured.function, measured.from]).chain(args.iter().copied()) {
            key = key.with(part);
        }
        Some(key)
    }

    /// One run under callgrind.
    fn run(&self, program: &Path, args: &[&str], measured: &Measured<'_>) -> Result<u64, Error> {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let out = std::env::temp_dir().join(format!(
            "callgrind.{}.{}.out",
            std::process::id(),
            RUNS.fetch_add(1, Ordering::Relaxed)
        ));
        let mut command = Command::new(&self.valgrind);
        command
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg("--collect-atstart=no")
            .arg(format!("--toggle-collect={}", measured.function))
            .arg(format!("--zero-before={}", measured.from))
            .arg(program)
            .args(args);
        let shown = format!("{} {}", program.display(), args.join(" "));
        let output = command.output().map_err(|error| Error::Run {
            command: format!("valgrind --tool=callgrind … {shown}"),
            status: "not started".to_owned(),
            stderr: error.to_string(),
        })?;
        let text = std::fs::read_to_string(&out);
        let _ = std::fs::remove_file(&out);
        if !output.status.success() {
            return Err(Error::Run {
                command: format!("valgrind --tool=callgrind … {shown}"),
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        let text = text
            .map_err(|error| Error::CallgrindOutput { path: out.display().to_string(), reason: error.to_string() })?;
        match total_instructions(&text) {
            Some(0) => Err(Error::NothingCounted { function: measured.function.to_owned(), command: shown }),
            Some(count) => Ok(count),
            None => Err(Error::CallgrindOutput {
                path: out.display().to_string(),
                reason: "no `summary:` or `totals:` line".to_owned(),
            }),
        }
    }
}

/// The bytes of the C library this process runs with, which a program it starts runs with too:
/// the files mapped into it whose names are the C library's or its loader's (read once).
fn c_library() -> &'static [u8] {
    static BYTES: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
        let mut files: Vec<&str> = maps
            .lines()
            .filter_map(|line| line.split_whitespace().nth(5))
            .filter(|file| file.contains("/libc.so") || file.contains("/ld-linux"))
            .collect();
        files.sort();
        files.dedup();
        files.iter().flat_map(|file| std::fs::read(file).unwrap_or_default()).collect()
    });
    &BYTES
}

/// The total of the `Ir` event in a callgrind output file: its `totals:` line, or the older
/// `summary:` line (the event list is `events: Ir` unless other events were asked for).
pub fn total_instructions(callgrind_out: &str) -> Option<u64> {
    let line = callgrind_out
        .lines()
        .find(|line| line.starts_with("totals:"))
        .or_else(|| callgrind_out.lines().find(|line| line.starts_with("summary:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_kept_under_what_decides_it() {
        let dir = std::env::temp_dir().join(format!("callgrind-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let program = dir.join("workload");
        std::fs::write(&program, b"first build").unwrap();
        let callgrind =
            Callgrind { valgrind: PathBuf::from("valgrind"), version: "valgrind-3.19.0".into(), kept: Kept::at(&dir) };
        let measured = Measured { function: "f", from: "g" };
        let keep = |args: &[&str], measured: &Measured<'_>, count: &str| {
            let key = callgrind.key(&program, args, measured).unwrap();
            let entry = Entry::new(vec![Output::new("count", count.as_bytes().to_vec())]);
            callgrind.kept.keep(&key, &entry, &[], Computation::start()).unwrap();
        };
        keep(&["run", "poll", "3"], &measured, "7");
        let counted = |args: &[&str], measured: &Measured<'_>| callgrind.count(&program, args, measured).ok();
        assert_eq!(counted(&["run", "poll", "3"], &measured), Some(7), "the same run, its kept count");
        // Anything else is run (and this program does not run: no count).
        assert_eq!(counted(&["run", "poll", "2"], &measured), None, "other arguments");
        assert_eq!(counted(&["run", "poll", "3"], &Measured { function: "f", from: "h" }), None, "another marker");
        std::fs::write(&program, b"second build").unwrap();
        assert_eq!(counted(&["run", "poll", "3"], &measured), None, "another build of the program");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_c_library_a_count_is_kept_under_is_found() {
        assert!(c_library().len() > 100_000, "no C library mapped into this process was read");
    }

    #[test]
    fn the_total_is_read_from_the_totals_or_the_summary_line() {
        let out =
            "# callgrind format\nversion: 1\ncmd:  ./t 1000\nevents: Ir\nfn=(1) t::clone_of\n0 6000\n\nsummary: 6000\n";
        assert_eq!(total_instructions(out), Some(6000));
        assert_eq!(total_instructions("events: Ir\nsummary: 12\ntotals: 12\n"), Some(12));
        assert_eq!(total_instructions("events: Ir\n"), None);
    }
}
