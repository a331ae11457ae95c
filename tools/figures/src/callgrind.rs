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
//! The count of a run depends only on the program's bytes, its arguments, what is measured and
//! the valgrind that counts (on one machine: the C library picks its string functions by CPU).
//! So a count is remembered beside the program, in `callgrind-counts/`, under a digest of all
//! four, and a run whose digest was seen before is not run again: the test command, which counts
//! again on every run to check the page's claims, costs nothing when the measured program has
//! not changed since. A new build of the program (any change of the code it runs) has another
//! digest and is counted afresh. `UNDER_THE_AWAIT_RECOUNT=1` counts everything again.
//!
//! The function names are callgrind's demangled ones: `ch03_wakers::clone_of`,
//! `<ch09_cost::TwoSuspensionPoints as core::future::future::Future>::poll`,
//! `ch05_lowering::two_suspension_points::{{closure}}` (legacy symbols, without their hash).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use crate::Error;

/// A valgrind that runs: its path and its version (`valgrind-3.19.0`).
#[derive(Debug, Clone)]
pub struct Callgrind {
    valgrind: PathBuf,
    pub version: String,
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
    /// The `valgrind` on `PATH`, or an error saying how to install it.
    pub fn find() -> Result<Callgrind, Error> {
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
        Ok(Callgrind { valgrind, version })
    }

    /// The instructions `program args…` executes inside `measured.function`, counted from its
    /// first entry into `measured.from` on.
    pub fn count(&self, program: &Path, args: &[&str], measured: &Measured<'_>) -> Result<u64, Error> {
        let remembered = self.remembered(program, args, measured);
        if std::env::var_os("UNDER_THE_AWAIT_RECOUNT").is_none()
            && let Some(count) = remembered.as_ref().and_then(|path| std::fs::read_to_string(path).ok())
            && let Ok(count) = count.trim().parse()
        {
            return Ok(count);
        }
        let count = self.run(program, args, measured)?;
        if let Some(path) = remembered {
            // A count that cannot be remembered only costs the next run a count.
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
            let _ = std::fs::write(&path, count.to_string());
        }
        Ok(count)
    }

    /// Where the count of this run is remembered: beside the program, named by the digest of the
    /// program's bytes, the arguments, what is measured and this valgrind's version. `None` if the
    /// program cannot be read (the run will say why).
    fn remembered(&self, program: &Path, args: &[&str], measured: &Measured<'_>) -> Option<PathBuf> {
        let mut digest = Sha256::new();
        digest.update(program_digest(program)?);
        for part in [self.version.as_str(), measured.function, measured.from].into_iter().chain(args.iter().copied()) {
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part.as_bytes());
        }
        let name: String = digest.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
        Some(program.parent()?.join("callgrind-counts").join(name))
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

/// The digest of a program's bytes, computed once per process for each program file (a
/// measurement counts the same program some thirty times).
fn program_digest(program: &Path) -> Option<[u8; 32]> {
    static DIGESTS: std::sync::Mutex<Vec<(PathBuf, std::time::SystemTime, [u8; 32])>> =
        std::sync::Mutex::new(Vec::new());
    let modified = std::fs::metadata(program).and_then(|m| m.modified()).ok()?;
    let mut digests = DIGESTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, _, digest)) = digests.iter().find(|(path, time, _)| path == program && *time == modified) {
        return Some(*digest);
    }
    let digest: [u8; 32] = Sha256::digest(std::fs::read(program).ok()?).into();
    digests.push((program.to_owned(), modified, digest));
    Some(digest)
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
    fn a_count_is_remembered_beside_the_program_under_what_decides_it() {
        let dir = std::env::temp_dir().join(format!("callgrind-memo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let program = dir.join("workload");
        std::fs::write(&program, b"first build").unwrap();
        let callgrind = Callgrind { valgrind: PathBuf::from("valgrind"), version: "valgrind-3.19.0".into() };
        let measured = Measured { function: "f", from: "g" };
        let path = |args: &[&str], measured: &Measured<'_>| callgrind.remembered(&program, args, measured).unwrap();
        let first = path(&["run", "poll", "3"], &measured);
        assert_eq!(first.parent().unwrap(), dir.join("callgrind-counts"));
        assert_eq!(first, path(&["run", "poll", "3"], &measured), "the same run, the same name");
        assert_ne!(first, path(&["run", "poll", "2"], &measured), "other arguments");
        assert_ne!(first, path(&["run", "poll", "3"], &Measured { function: "f", from: "h" }), "another marker");
        std::fs::write(&program, b"second build").unwrap();
        assert_ne!(first, path(&["run", "poll", "3"], &measured), "another build of the program");
        std::fs::remove_dir_all(&dir).unwrap();
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
