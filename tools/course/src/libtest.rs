//! What `cargo test` said about a student's file, read back into results, and told in plain
//! words.
//!
//! libtest's human output is the only one a stable toolchain offers (its JSON format is
//! unstable), and its shape has been the same for years: a `test NAME ... ok|FAILED|ignored`
//! line per test, then a `---- NAME stdout ----` block per failure with the panic's message.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::checks::{Check, CheckNotes};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRun {
    /// rustc's errors, when the file (or the tests against it) did not compile.
    pub compile_errors: Option<String>,
    pub tests: Vec<TestResult>,
    /// Test programs that died before they finished (a signal, an abort), and whose tests
    /// were not run again alone.
    pub crashes: Vec<Crash>,
    /// Test programs that crashed, and whose tests were then run again one by one
    /// ([`TestRun::rerun`]): their results are in `tests`.
    pub reran: Vec<Crash>,
}

/// A test program that died before it finished, read from cargo's `process didn't exit
/// successfully: `PROGRAM` (signal: N, NAME: WHAT)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crash {
    /// `program` is the test target's name (`contract` for `tests/contract.rs`), without the
    /// hash cargo appends to its file; `path` the file cargo ran; `signal` is cargo's
    /// `11, SIGSEGV: invalid memory reference`.
    Signal { program: String, path: PathBuf, signal: String },
    /// A line of that kind in a shape this reader does not know: kept whole, never dropped.
    Unread { line: String },
}

impl Crash {
    const SAYS: &str = "process didn't exit successfully: ";

    /// The crash a line of cargo's stderr reports, if it reports one.
    fn read(line: &str) -> Option<Crash> {
        let (_, rest) = line.split_once(Crash::SAYS)?;
        let (command, signal) = rest.rsplit_once(" (signal: ")?;
        let signal = signal.strip_suffix(')').unwrap_or(signal).to_owned();
        let path = command.strip_prefix('`').map(program_path);
        let program = path
            .and_then(|path| path.rsplit('/').next())
            .map(|file| match file.rsplit_once('-') {
                Some((target, hash)) if !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()) => target,
                _ => file,
            })
            .filter(|program| !program.is_empty());
        Some(match program {
            Some(program) => {
                Crash::Signal { program: program.to_owned(), path: PathBuf::from(path.unwrap_or_default()), signal }
            }
            None => Crash::Unread { line: line.trim().to_owned() },
        })
    }
}

/// The program at the head of cargo's quoted command, `PROGRAM ARG…`. Cargo writes the program
/// unquoted, so its path may hold spaces (a checkout or target directory at a path with a
/// space): the program is a test target's file in a `deps` folder, and ends at the first space
/// or backtick after that folder; without one, at the first space.
fn program_path(command: &str) -> &str {
    let file_start = command.rfind("/deps/").map_or(0, |at| at + "/deps/".len());
    let end = command[file_start..].find([' ', '`']).map_or(command.len(), |at| file_start + at);
    &command[..end]
}

impl std::fmt::Display for Crash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Crash::Signal { program, signal, .. } => write!(f, "`{program}` (signal: {signal})"),
            Crash::Unread { line } => f.write_str(line),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// `a_clone_counts_itself_and_takes_a_strong_count`.
    pub name: String,
    pub outcome: Outcome,
    /// For a failure, what the panic said (an assertion's message, a `todo!()`).
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Ignored,
    /// Run alone, the test took its program down: `signal` as cargo words it.
    Crashed {
        signal: String,
    },
    /// Never reported: its test program crashed before it ran, or was never built.
    NotRun,
}

impl Outcome {
    /// Whether the check counts as failing: anything but a pass (an ignored test is no check).
    pub fn fails(&self) -> bool {
        !matches!(self, Outcome::Passed | Outcome::Ignored)
    }
}

impl TestResult {
    /// The result of one test run alone (`PROGRAM --exact NAME --test-threads=1`): libtest's
    /// report on `stdout`, or, for a program killed by `signal`, the crash and the last line it
    /// wrote to `stderr` (the C library's or std's last word: `free(): double free detected …`).
    pub fn alone(name: &str, signal: Option<String>, stdout: &str, stderr: &str) -> TestResult {
        if let Some(signal) = signal {
            let said = stderr.lines().map(str::trim).rfind(|line| !line.is_empty()).map(str::to_owned);
            return TestResult { name: name.to_owned(), outcome: Outcome::Crashed { signal }, message: said };
        }
        let run = TestRun::read(stdout, "");
        run.tests.into_iter().find(|t| t.name == name).unwrap_or_else(|| TestResult {
            name: name.to_owned(),
            outcome: Outcome::NotRun,
            message: None,
        })
    }
}

impl TestRun {
    /// Reads the output of `cargo test --no-fail-fast` (libtest on stdout, cargo on stderr).
    pub fn read(stdout: &str, stderr: &str) -> TestRun {
        let compile_errors = stderr.contains("error: could not compile").then(|| compiler_errors(stderr));
        let mut tests: Vec<TestResult> = stdout
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("test ")?;
                let (name, outcome) = rest.rsplit_once(" ... ")?;
                let outcome = match outcome.trim() {
                    "ok" => Outcome::Passed,
                    "FAILED" => Outcome::Failed,
                    "ignored" => Outcome::Ignored,
                    _ => return None,
                };
                Some(TestResult { name: name.to_owned(), outcome, message: None })
            })
            .collect();
        for (name, message) in failure_messages(stdout) {
            if let Some(test) = tests.iter_mut().find(|t| t.name == name && t.message.is_none()) {
                test.message = Some(message);
            }
        }
        let crashes = stderr.lines().filter_map(Crash::read).collect();
        TestRun { compile_errors, tests, crashes, reran: Vec::new() }
    }

    /// Every check of the exercise gets a result, in the order of its test files: one that no
    /// program reported is [`Outcome::NotRun`], and counts as failing.
    pub fn complete(&mut self, checks: &[Check]) {
        for check in checks {
            if !self.tests.iter().any(|t| t.name == check.name) {
                self.tests.push(TestResult { name: check.name.clone(), outcome: Outcome::NotRun, message: None });
            }
        }
        let at = |name: &str| checks.iter().position(|c| c.name == name).unwrap_or(usize::MAX);
        self.tests.sort_by_key(|t| at(&t.name));
    }

    /// The results of a crashed program's tests, each run again alone, in place of what the
    /// crashed run reported of them; the crash is then accounted for, test by test.
    pub fn rerun(&mut self, crash: &Crash, alone: Vec<TestResult>) {
        self.tests.retain(|t| !alone.iter().any(|a| a.name == t.name));
        self.tests.extend(alone);
        self.crashes.retain(|c| c != crash);
        self.reran.push(crash.clone());
    }

    pub fn passed(&self) -> usize {
        self.tests.iter().filter(|t| t.outcome == Outcome::Passed).count()
    }

    /// Checks failed, crashed or not run.
    pub fn failed(&self) -> usize {
        self.tests.iter().filter(|t| t.outcome.fails()).count()
    }

    /// Compiled, ran, crashed nowhere, and every test passed.
    pub fn all_passed(&self) -> bool {
        self.compile_errors.is_none() && self.crashes.is_empty() && self.failed() == 0 && self.passed() > 0
    }

    /// The report a student reads: what passes, and for each check still failing, what it
    /// checks, what went wrong, and what usually causes it (from `notes`). The total is out of
    /// `total` checks, the exercise's (at least those reported).
    pub fn explain(&self, exercise: &str, total: usize, notes: &CheckNotes) -> String {
        let mut out = String::new();
        let total = total.max(self.passed() + self.failed());
        if let Some(errors) = &self.compile_errors {
            let (first, more) = first_error(errors);
            let _ = writeln!(
                out,
                "Your file does not compile yet, so none of the {total} checks of {exercise} can run. rustc's first error:\n"
            );
            for line in first.lines() {
                let _ = writeln!(out, "    {line}");
            }
            if more > 0 {
                let _ = writeln!(out, "\n({more} more after it: fix this one first, then check again.)");
            }
            let _ =
                writeln!(out, "\n0 of {total} checks of {exercise} pass: the file must compile before any can run.");
            return out;
        }
        for crash in &self.reran {
            let _ = writeln!(
                out,
                "  A test program crashed: {crash}. That hid the results of its other checks, so each of \
                 them ran again, alone in a process of its own.\n"
            );
        }
        for test in &self.tests {
            let mark = if test.outcome.fails() { '✗' } else { '✓' };
            if test.outcome == Outcome::Ignored {
                continue;
            }
            let _ = writeln!(out, "  {mark} {}", sentence(&test.name));
            let mut said = Vec::new();
            match &test.outcome {
                Outcome::Passed | Outcome::Ignored => continue,
                Outcome::Failed => said.extend(test.message.as_deref().map(plain_message)),
                Outcome::Crashed { signal } => {
                    said.push(format!(
                        "crashed its test program (signal: {signal}): unsafe code read, wrote or freed memory it does \
                         not own."
                    ));
                    said.extend(test.message.as_ref().map(|last| format!("Its last words: {last}")));
                }
                Outcome::NotRun => said
                    .push("did not run: its test program crashed or stopped before it got to this check.".to_owned()),
            }
            let cause = match test.outcome {
                Outcome::Crashed { .. } => notes.crash_cause(&test.name),
                _ => notes.cause(&test.name),
            };
            said.extend(cause.map(|cause| format!("Usually: {cause}")));
            for line in said.iter().flat_map(|text| text.lines()) {
                let _ = writeln!(out, "      {line}");
            }
        }
        for crash in &self.crashes {
            let _ = writeln!(
                out,
                "  ✗ a test program crashed before it could finish: {crash}\n      \
                 Unsafe code that frees, reads or writes memory it does not own does this; \
                 check every `unsafe` block against its SAFETY comment."
            );
        }
        match (self.failed(), self.crashes.is_empty()) {
            (0, true) if total > 0 => {
                let _ = writeln!(out, "\nAll {total} checks of {exercise} pass. Well done.");
            }
            (0, true) => {
                let _ = writeln!(out, "\nNo check ran: is the exercise's tests folder empty?");
            }
            _ => {
                let failing = total - self.passed();
                let verb = if failing == 1 { "fails" } else { "fail" };
                let _ =
                    writeln!(out, "\n{} of {total} checks of {exercise} pass; {failing} still {verb}.", self.passed());
            }
        }
        out
    }
}

/// rustc's first error (up to the next diagnostic), and how many more errors follow it.
fn first_error(errors: &str) -> (String, usize) {
    let starts_diagnostic = |line: &str| line.starts_with("error") || line.starts_with("warning");
    let is_error = |line: &str| {
        (line.starts_with("error[") || line.starts_with("error:"))
            && !line.starts_with("error: could not compile")
            && !line.starts_with("error: aborting")
    };
    let lines: Vec<&str> = errors.lines().collect();
    let Some(start) = lines.iter().position(|l| is_error(l)) else { return (errors.to_owned(), 0) };
    let end = lines[start + 1..].iter().position(|l| starts_diagnostic(l)).map_or(lines.len(), |at| start + 1 + at);
    let first = lines[start..end]
        .iter()
        .filter(|line| !line.starts_with("For more information about this error"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned();
    let more = lines[end..].iter().filter(|l| is_error(l)).count();
    (first, more)
}

/// `a_clone_counts_itself` → `a clone counts itself`: the tests' names are sentences.
pub fn sentence(test_name: &str) -> String {
    test_name.rsplit("::").next().unwrap_or(test_name).replace('_', " ")
}

/// A panic's message, said for a student: an unfinished `todo!()` is called what it is.
fn plain_message(message: &str) -> String {
    match message.strip_prefix("not yet implemented") {
        Some(rest) => format!("not written yet: this is still the starter's `todo!()`{rest}"),
        None => message.to_owned(),
    }
}

/// (test name, message) for every `---- NAME stdout ----` block.
fn failure_messages(stdout: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in stdout.lines() {
        let header = line.strip_prefix("---- ").and_then(|rest| rest.strip_suffix(" stdout ----"));
        let block_ends = header.is_some() || line == "failures:" || line.starts_with("test result:");
        if block_ends && let Some((name, lines)) = current.take() {
            found.push((name, panic_message(&lines)));
        }
        match (header, current.as_mut()) {
            (Some(name), _) => current = Some((name.to_owned(), Vec::new())),
            (None, Some((_, lines))) => lines.push(line),
            (None, None) => {}
        }
    }
    if let Some((name, lines)) = current {
        found.push((name, panic_message(&lines)));
    }
    found
}

/// The message of the first panic in a failure's captured output.
fn panic_message(lines: &[&str]) -> String {
    let start = lines.iter().position(|line| line.starts_with("thread '") && line.contains("panicked at "));
    let Some(start) = start else { return lines.join("\n").trim().to_owned() };
    lines[start + 1..]
        .iter()
        .take_while(|line| !line.starts_with("note: run with `RUST_BACKTRACE") && !line.starts_with("stack backtrace:"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// rustc's diagnostics from cargo's stderr, without cargo's progress lines.
fn compiler_errors(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| {
            let trimmed = line.trim_start();
            !["Compiling ", "Blocking ", "Finished ", "Running ", "Updating ", "Locking ", "Downloaded ", "Adding "]
                .iter()
                .any(|progress| trimmed.starts_with(progress))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STDOUT: &str = "\nrunning 3 tests\ntest a_clone_counts_itself ... ok\ntest wake_gives_its_count_back ... FAILED\n\
test wake_by_ref_is_written ... FAILED\n\nfailures:\n\n---- wake_gives_its_count_back stdout ----\n\n\
thread 'wake_gives_its_count_back' panicked at tests/contract.rs:40:5:\nassertion `left == right` failed: wake must give its strong count back\n  left: 3\n right: 2\n\
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n---- wake_by_ref_is_written stdout ----\n\n\
thread 'wake_by_ref_is_written' panicked at src/lib.rs:12:5:\nnot yet implemented: count the wake\n\n\nfailures:\n    wake_gives_its_count_back\n    wake_by_ref_is_written\n\n\
test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n";

    #[test]
    fn one_failing_check_still_fails_in_the_singular() {
        let stdout = "\nrunning 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n---- b stdout ----\n\n\
thread 'b' panicked at tests/contract.rs:1:1:\nno\n\n\nfailures:\n    b\n\n\
test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n";
        let text = TestRun::read(stdout, "").explain("x", 2, &CheckNotes::default());
        assert!(text.ends_with("1 of 2 checks of x pass; 1 still fails.\n"), "{text}");
    }

    #[test]
    fn results_and_panic_messages_are_read_from_libtests_output() {
        let run = TestRun::read(STDOUT, "");
        assert_eq!((run.passed(), run.failed()), (1, 2));
        assert_eq!(
            run.tests[1].message.as_deref(),
            Some("assertion `left == right` failed: wake must give its strong count back\n  left: 3\n right: 2")
        );
        assert_eq!(run.tests[2].message.as_deref(), Some("not yet implemented: count the wake"));
        assert!(!run.all_passed());
    }

    #[test]
    fn the_explanation_names_each_check_in_words_and_calls_a_todo_unwritten() {
        let text = TestRun::read(STDOUT, "").explain("ch03-counting-waker", 3, &CheckNotes::default());
        assert!(text.contains("  ✓ a clone counts itself\n"), "{text}");
        assert!(text.contains("  ✗ wake gives its count back\n      assertion `left == right` failed"), "{text}");
        assert!(text.contains("not written yet: this is still the starter's `todo!()`: count the wake"), "{text}");
        assert!(text.ends_with("1 of 3 checks of ch03-counting-waker pass; 2 still fail.\n"), "{text}");
    }

    #[test]
    fn a_compile_error_is_passed_on_without_cargos_progress_lines() {
        let stderr = "   Compiling ch03-counting-waker v0.0.0\nerror[E0308]: mismatched types\n --> src/lib.rs:3:5\n\nerror: could not compile `ch03-counting-waker` (lib) due to 1 previous error\n";
        let run = TestRun::read("", stderr);
        let errors = run.compile_errors.as_deref().unwrap();
        assert!(errors.starts_with("error[E0308]: mismatched types"), "{errors}");
        let explained = run.explain("x", 8, &CheckNotes::default());
        assert!(explained.starts_with("Your file does not compile yet, so none of the 8 checks of x can run."));
        assert!(explained.contains("    error[E0308]: mismatched types\n     --> src/lib.rs:3:5\n"), "{explained}");
        assert!(explained.ends_with("\n0 of 8 checks of x pass: the file must compile before any can run.\n"));
    }

    #[test]
    fn of_several_compile_errors_the_first_is_shown_and_the_rest_counted() {
        let errors = "warning: unused import\n --> src/lib.rs:1:5\n\nerror[E0425]: cannot find value `x`\n --> src/lib.rs:4:9\n  |\n4 |     x\n\nerror[E0308]: mismatched types\n --> src/lib.rs:9:1\n\nerror: aborting due to 2 previous errors\n";
        let (first, more) = first_error(errors);
        assert_eq!(first, "error[E0425]: cannot find value `x`\n --> src/lib.rs:4:9\n  |\n4 |     x");
        assert_eq!(more, 1);
    }

    #[test]
    fn a_crashed_program_at_a_path_with_spaces_is_read_whole() {
        let line = "  process didn't exit successfully: `/tmp/a target (elsewhere)/debug/deps/contract-0f3a9c --quiet` \
                    (signal: 11, SIGSEGV: invalid memory reference)";
        assert_eq!(
            Crash::read(line),
            Some(Crash::Signal {
                program: "contract".into(),
                path: PathBuf::from("/tmp/a target (elsewhere)/debug/deps/contract-0f3a9c"),
                signal: "11, SIGSEGV: invalid memory reference".into(),
            })
        );
    }

    #[test]
    fn a_crashed_test_program_is_reported() {
        let stderr = "error: test failed, to rerun pass `--test contract`\n\nCaused by:\n  process didn't exit successfully: `/t/debug/deps/contract-193b0f92e308b0b9` (signal: 11, SIGSEGV: invalid memory reference)\n";
        let run = TestRun::read("running 2 tests\ntest a ... ok\n", stderr);
        let signal = "11, SIGSEGV: invalid memory reference".to_owned();
        let path = PathBuf::from("/t/debug/deps/contract-193b0f92e308b0b9");
        assert_eq!(run.crashes, [Crash::Signal { program: "contract".into(), path, signal }]);
        assert!(!run.all_passed());
        let explained = run.explain("x", 2, &CheckNotes::default());
        assert!(
            explained.contains(
                "a test program crashed before it could finish: `contract` (signal: 11, SIGSEGV: invalid memory reference)"
            ),
            "{explained}"
        );
    }

    #[test]
    fn a_test_program_that_exits_with_failures_did_not_crash() {
        let stderr = "Caused by:\n  process didn't exit successfully: `/t/deps/contract-0f3a9c` (exit status: 101)\n";
        assert_eq!(TestRun::read("", stderr).crashes, []);
    }

    #[test]
    fn a_crash_in_a_shape_not_known_is_kept_whole() {
        let line = "process didn't exit successfully: ?? (signal: 6, SIGABRT: process abort signal)";
        let run = TestRun::read("", line);
        assert_eq!(run.crashes, [Crash::Unread { line: line.to_owned() }]);
        assert!(!run.all_passed());
    }

    #[test]
    fn a_crashed_programs_tests_run_alone_replace_its_report_and_every_check_is_counted() {
        let stderr = "  process didn't exit successfully: `/t/deps/contract-0f3a9c` (signal: 6, SIGABRT: process abort signal)\n";
        let mut run = TestRun::read("running 3 tests\ntest a ... ok\ntest b ... ", stderr);
        let crash = run.crashes[0].clone();
        let alone = vec![
            TestResult::alone("a", None, "running 1 test\ntest a ... ok\n", ""),
            TestResult::alone(
                "b",
                Some("6, SIGABRT: process abort signal".into()),
                "",
                "free(): double free detected in tcache 2\n",
            ),
        ];
        run.rerun(&crash, alone);
        let check = |name: &str, program: &str| Check { program: program.into(), name: name.into() };
        run.complete(&[check("b", "contract"), check("a", "contract"), check("c", "machine_code")]);
        assert_eq!(run.tests.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!((run.passed(), run.failed()), (1, 2));
        assert!(!run.all_passed());
        let notes = CheckNotes {
            causes: [("b".to_owned(), "a failure's cause.".to_owned())].into(),
            crashes: [("b".to_owned(), "a clone that takes no strong count.".to_owned())].into(),
            ..CheckNotes::default()
        };
        let text = run.explain("x", 3, &notes);
        assert!(
            text.contains("A test program crashed: `contract` (signal: 6, SIGABRT: process abort signal)."),
            "{text}"
        );
        assert!(
            text.contains(
                "  ✗ b\n      crashed its test program (signal: 6, SIGABRT: process abort signal): unsafe code read, \
                 wrote or freed memory it does not own.\n      Its last words: free(): double free detected in tcache 2\n      \
                 Usually: a clone that takes no strong count.\n"
            ),
            "{text}"
        );
        assert!(text.contains("  ✗ c\n      did not run"), "{text}");
        assert!(text.ends_with("1 of 3 checks of x pass; 2 still fail.\n"), "{text}");
    }
}
