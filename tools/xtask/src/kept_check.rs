//! `cargo xtask check-kept`: every result the tools keep for their next run (`kept`) is the same,
//! byte for byte, permissions and error messages included, whether it is computed or read back.
//!
//! It runs `xtask kept-probe` twice in a target directory of its own (`CARGO_TARGET_DIR`, which
//! the tools follow): first cold, where everything is computed and kept, then warm, where every
//! result must come from what the first run kept (no entry is written or rewritten). Each probe
//! writes what each computation gave; the two reports must be equal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use listings::{AsmOptions, CodegenFlags, STAGES, Workspace};

use crate::stdout::{out, outln};
use sha2::{Digest, Sha256};

/// The library the standalone computations compile: one function to list, one to run.
const LIBRARY: &str = "#[inline(never)]\npub fn answer() -> i32 {\n    std::hint::black_box(42)\n}\n";
/// The program linked with it, whose call of the library's function callgrind counts.
const MAIN: &str = "#[inline(never)]\nfn start_counting() {}\nfn main() {\n    start_counting();\n    assert_eq!(probe::answer(), 42);\n}\n";

pub fn check_kept() -> ExitCode {
    let workspace = Workspace::this_checkout();
    let dir = workspace.tools_dir("check-kept");
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {error}", dir.display());
        return ExitCode::FAILURE;
    }
    let report = |run: &str| -> Result<String, String> {
        let out = dir.join(format!("{run}.report"));
        let status = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
            .arg("kept-probe")
            .arg(&out)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .status()
            .map_err(|e| format!("cannot run the probe: {e}"))?;
        if !status.success() {
            return Err(format!("the {run} probe failed ({status})"));
        }
        std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))
    };
    let kept = dir.join("target/under-the-await/kept");
    let result = report("cold").and_then(|cold| {
        let before = entries(&kept);
        let warm = report("warm")?;
        Ok((cold, warm, before, entries(&kept)))
    });
    let (cold, warm, before, after) = match result {
        Ok(reports) => reports,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut problems = Vec::new();
    for (cold_line, warm_line) in cold.lines().zip(warm.lines()) {
        if cold_line != warm_line {
            problems.push(format!("computed: {cold_line}\n    kept: {warm_line}"));
        }
    }
    if cold.lines().count() != warm.lines().count() {
        problems.push("the two runs reported different computations".to_owned());
    }
    if before.is_empty() {
        problems.push(format!("the cold run kept nothing in {}", kept.display()));
    }
    if before != after {
        problems.push(format!(
            "the warm run computed again instead of reading what was kept: entries before {before:?}, after {after:?}"
        ));
    }
    out!("{cold}");
    if problems.is_empty() {
        outln!("{} computations, {} kept entries: the same computed and kept", cold.lines().count(), before.len());
        let _ = std::fs::remove_dir_all(&dir);
        ExitCode::SUCCESS
    } else {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        ExitCode::FAILURE
    }
}

/// Every kept entry, with its modification time: a rewrite changes it.
fn entries(kept: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    let mut found = BTreeMap::new();
    for kind in std::fs::read_dir(kept).into_iter().flatten().flatten() {
        for entry in std::fs::read_dir(kind.path()).into_iter().flatten().flatten() {
            if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                found.insert(entry.path(), modified);
            }
        }
    }
    found
}

/// One run of every computation whose result is kept, reported a line each to `out`.
pub fn probe(out: &Path) -> ExitCode {
    let workspace = Workspace::this_checkout();
    let mut report = String::new();
    let mut line = |name: &str, result: Result<String, String>| {
        let shown = result.unwrap_or_else(|error| format!("error: {}", error.replace('\n', " / ")));
        report.push_str(&format!("{name}: {shown}\n"));
    };
    let digest = |bytes: &[u8]| Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let shown = |e: listings::Error| e.to_string();

    line("rustc -vV", listings::Rustc::for_listings(&workspace).map(|rustc| rustc.version_line).map_err(shown));
    let flags = CodegenFlags::default();
    line(
        "chapter assembly",
        listings::assembly_text("ch01", &flags).map(|text| digest(text.as_bytes())).map_err(shown),
    );
    line(
        "chapter object code",
        listings::machine_code("ch01", "noop_clone", &flags).map(|code| digest(&code.bytes)).map_err(shown),
    );
    line(
        "chapter LLVM IR (type arguments)",
        listings::type_arguments_of("ch01-the-experiment")
            .map(|arguments| digest(format!("{:?}", arguments.iter().collect::<BTreeMap<_, _>>()).as_bytes()))
            .map_err(shown),
    );
    for row in STAGES {
        let listing = listings::stage("ch01", row.stage, row.example);
        line(
            &format!("{} {}", row.name, row.example),
            listing.map(|l| digest(l.to_string().as_bytes())).map_err(shown),
        );
    }

    let sources = workspace.tools_dir("check-kept-sources");
    let write = |name: &str, text: &str| -> PathBuf {
        let path = sources.join(name);
        std::fs::create_dir_all(&sources).expect("a folder for the probe's sources");
        std::fs::write(&path, text).expect("the probe's source is written");
        // Written long before the computations start, so that they may keep their results.
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(long_ago)).expect("dated");
        path
    };
    let (library, broken) = (write("probe.rs", LIBRARY), write("broken.rs", "pub fn f() -> u8 { \"no\" }\n"));
    let options = AsmOptions::default();
    line(
        "standalone assembly",
        listings::asm_of_file(&library, "probe", "answer", &options, &flags)
            .map(|l| digest(l.to_string().as_bytes()))
            .map_err(shown),
    );
    line(
        "standalone assembly of a file that does not compile",
        listings::asm_of_file(&broken, "broken", "f", &options, &flags).map(|l| l.to_string()).map_err(shown),
    );
    match listings::program_of_file(&library, "probe", MAIN, &flags) {
        Ok(program) => {
            use std::os::unix::fs::PermissionsExt as _;
            let file = std::fs::read(&program.path).map(|bytes| digest(&bytes));
            let mode = std::fs::metadata(&program.path).map(|m| format!("{:o}", m.permissions().mode()));
            line(
                "standalone program",
                file.and_then(|file| Ok(format!("{file} mode {}", mode?))).map_err(|e| e.to_string()),
            );
            let ran = Command::new(&program.path).status().map(|status| status.to_string());
            line("standalone program, run", ran.map_err(|e| e.to_string()));
            let counted = figures::Callgrind::find(workspace.kept()).and_then(|callgrind| {
                let measured =
                    figures::callgrind::Measured { function: "probe::answer", from: "program::start_counting" };
                callgrind.count(&program.path, &[], &measured)
            });
            line("callgrind count", counted.map(|count| count.to_string()).map_err(|e| e.to_string()));
        }
        Err(error) => line("standalone program", Err(error.to_string())),
    }
    line("type check, accepted", Ok(format!("{:?}", course::facts::compiles("pub fn f() -> u8 { 1 }\n"))));
    line("type check, refused", Ok(format!("{:?}", course::facts::compiles("pub fn f() -> u8 { \"no\" }\n"))));

    match std::fs::write(out, report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write {}: {error}", out.display());
            ExitCode::FAILURE
        }
    }
}
