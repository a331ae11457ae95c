//! `cargo xtask exercise …`: a student's commands (list, start, check, asm) and the test
//! command's (verify, pack).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Subcommand;
use course::checks::{self, CheckNotes};
use course::exercise::{self, EXERCISES_DIR, Exercise, STUDENT_DIR};
use course::libtest::{Crash, TestResult, TestRun};
use listings::{AsmOptions, CodegenFlags, Workspace};

use crate::stdout::{out, outln};

#[derive(Subcommand)]
pub enum ExerciseCommand {
    /// List the exercises, chapter by chapter.
    List,
    /// Write an exercise's starter into my-exercises/NAME/ (your work is never overwritten).
    Start {
        /// The exercise, e.g. `ch03-counting-waker` (`cargo xtask exercise list` lists them).
        name: String,
        /// Start again from the starter; your file is kept as src/lib.rs.bak (.bak.2, … if that exists).
        #[arg(long)]
        force: bool,
    },
    /// Check your work on one exercise, and say in plain words what is still wrong.
    Check {
        name: String,
        /// Check this file instead of my-exercises/NAME/src/lib.rs.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Print the x86-64 listing of a function of your file, exactly as the checks read it.
    Asm {
        name: String,
        /// The function, e.g. `counting_wake_by_ref` or `'hello_twice::{{closure}}'`.
        function: String,
        /// The file to compile instead of my-exercises/NAME/src/lib.rs.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// For the test command: every solution passes its checks; every starter compiles and fails them.
    Verify {
        /// Check the starters only. `ci/test` asks for this: the exercises are members of the
        /// workspace, so its `cargo test --workspace` has just run every solution's checks.
        #[arg(long)]
        starters_only: bool,
    },
    /// Write, into DIR, the files each exercise's page links to (a folder an exercise).
    Pack { dir: PathBuf },
}

/// Exit codes: 0 done (or all checks pass), 1 checks fail or something broke, 2 unknown name.
pub fn run(command: ExerciseCommand) -> ExitCode {
    let root = Workspace::this_checkout().root;
    let result = match command {
        ExerciseCommand::List => list(&root),
        ExerciseCommand::Start { name, force } => find(&root, &name).and_then(|e| start(&root, &e, force)),
        ExerciseCommand::Check { name, file } => find(&root, &name).and_then(|e| check(&root, &e, file.as_deref())),
        ExerciseCommand::Asm { name, function, file } => {
            find(&root, &name).and_then(|e| asm(&root, &e, &function, file.as_deref()))
        }
        ExerciseCommand::Verify { starters_only } => verify(&root, starters_only),
        ExerciseCommand::Pack { dir } => pack(&root, &dir),
    };
    match result {
        Ok(code) => code,
        Err(Failure { message, code }) => {
            eprintln!("error: {message}");
            code
        }
    }
}

struct Failure {
    message: String,
    code: ExitCode,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, code: ExitCode::FAILURE }
    }
}

/// A name that is no exercise exits 2, as a mistyped command does; anything else 1.
impl From<course::Error> for Failure {
    fn from(error: course::Error) -> Failure {
        let code = match error {
            course::Error::UnknownExercise(_) => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        };
        Failure { message: error.to_string(), code }
    }
}

fn find(root: &Path, name: &str) -> Result<Exercise, Failure> {
    Ok(exercise::find(root, name)?)
}

/// One line per exercise, the titles in one column however long the names.
fn list(root: &Path) -> Result<ExitCode, Failure> {
    let exercises = exercise::exercises(root)?;
    let width = exercises.iter().map(|e| e.name.chars().count()).max().unwrap_or(0);
    for exercise in exercises {
        outln!("{:<width$}  {}", exercise.name, exercise.title);
    }
    Ok(ExitCode::SUCCESS)
}

/// The package name prefix of a student's own attempt.
const MINE: &str = "my";

fn student_package(root: &Path, exercise: &Exercise) -> PathBuf {
    root.join(STUDENT_DIR).join(&exercise.name)
}

fn start(root: &Path, exercise: &Exercise, force: bool) -> Result<ExitCode, Failure> {
    let package = student_package(root, exercise);
    let lib = package.join("src/lib.rs");
    // Cut before anything is moved: a starter that cannot be cut leaves the student's file in place.
    let starter = exercise.starter()?;
    if lib.exists() {
        if !force {
            return Err(format!(
                "{} exists: your work on {}. Check it with `cargo xtask exercise check {}`, or start again with --force (your file is kept as src/lib.rs.bak, or .bak.2, … if that exists)",
                shown(root, &lib),
                exercise.name,
                exercise.name
            )
            .into());
        }
        let kept = free_backup_name(&lib);
        std::fs::rename(&lib, &kept)
            .map_err(|e| format!("cannot keep {} as {}: {e}", lib.display(), kept.display()))?;
        outln!("Your file is kept as {}.", shown(root, &kept));
    }
    exercise::write_package(root, exercise, MINE, &package, &starter)?;
    outln!("{}: {}", exercise.name, exercise.title);
    outln!("The task is in {}; your file is {}.", shown(root, &package.join("README.md")), shown(root, &lib));
    outln!("Check it with: cargo xtask exercise check {}", exercise.name);
    Ok(ExitCode::SUCCESS)
}

/// `lib.rs.bak`, or the first of `lib.rs.bak.2`, `lib.rs.bak.3`, … that does not exist: a second
/// `start --force` keeps the file the first one kept.
fn free_backup_name(lib: &Path) -> PathBuf {
    std::iter::once(lib.with_extension("rs.bak"))
        .chain((2..).map(|n| lib.with_extension(format!("rs.bak.{n}"))))
        .find(|path| !path.exists())
        .expect("an unused name")
}

fn check(root: &Path, exercise: &Exercise, file: Option<&Path>) -> Result<ExitCode, Failure> {
    let package = match file {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| course::Error::read(file, e))?;
            let package = tools_dir(root, "exercise-check").join("given").join(&exercise.name);
            exercise::write_package(root, exercise, "given", &package, &text)?;
            package
        }
        None => {
            let package = student_package(root, exercise);
            if !package.join("src/lib.rs").is_file() {
                return Err(format!(
                    "you have not started {} yet: `cargo xtask exercise start {}` writes its starter to {}",
                    exercise.name,
                    exercise.name,
                    shown(root, &package.join("src/lib.rs"))
                )
                .into());
            }
            exercise::refresh_manifest(root, exercise, MINE, &package)?;
            package
        }
    };
    outln!(
        "Checking {} against the checks of {}: {}\n",
        shown(root, &package.join("src/lib.rs")),
        exercise.name,
        exercise.title
    );
    let checked = check_package(root, exercise, &package)?;
    out!("{}", checked.explain());
    Ok(if checked.run.all_passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A package's test run against the exercise's checks, with what they are about.
struct Checked {
    exercise: String,
    run: TestRun,
    /// The exercise's number of checks, counted from its tests' source.
    total: usize,
    notes: CheckNotes,
}

impl Checked {
    fn explain(&self) -> String {
        self.run.explain(&self.exercise, self.total, &self.notes)
    }
}

/// Runs the exercise's tests on `package`. A test program that crashed has hidden the results
/// of its other tests, and which of them crashed it: its tests run again, each alone in a
/// process of its own, so that every check has a result of its own, the same on every run.
/// A check that no program reported counts as failing.
fn check_package(root: &Path, exercise: &Exercise, package: &Path) -> Result<Checked, Failure> {
    let checks = checks::checks(exercise)?;
    let notes = CheckNotes::read(exercise, &checks)?;
    let mut run = run_tests(root, package)?;
    for crash in run.crashes.clone() {
        let Crash::Signal { program, path, .. } = &crash else { continue };
        let mut names = list_tests(package, path);
        if names.is_empty() {
            names = checks.iter().filter(|c| &c.program == program).map(|c| c.name.clone()).collect();
        }
        let alone = names.iter().map(|name| run_alone(package, path, name)).collect::<Result<Vec<_>, _>>()?;
        run.rerun(&crash, alone);
    }
    if run.compile_errors.is_none() {
        run.complete(&checks);
    }
    Ok(Checked { exercise: exercise.name.clone(), run, total: checks.len(), notes })
}

/// The tests of a test program (`--list --format terse`: `NAME: test` lines).
fn list_tests(package: &Path, program: &Path) -> Vec<String> {
    let Ok(output) = Command::new(program).current_dir(package).args(["--list", "--format", "terse"]).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect()
}

/// One test of a test program, alone: `--exact NAME --test-threads=1`, in the package's folder
/// as cargo runs it.
fn run_alone(package: &Path, program: &Path, name: &str) -> Result<TestResult, String> {
    let output = Command::new(program)
        .current_dir(package)
        .env("CARGO_MANIFEST_DIR", package)
        .args(["--exact", name, "--test-threads=1", "--color", "never"])
        .output()
        .map_err(|e| format!("could not run {}: {e}", program.display()))?;
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok(TestResult::alone(name, signal_of(&output.status), &stdout, &stderr))
}

/// The signal that killed a process, worded as cargo words it (`6, SIGABRT: process abort signal`).
#[cfg(unix)]
fn signal_of(status: &std::process::ExitStatus) -> Option<String> {
    use std::os::unix::process::ExitStatusExt;
    let signal = status.signal()?;
    let name = match signal {
        4 => "SIGILL: illegal instruction",
        5 => "SIGTRAP: trace/breakpoint trap",
        6 => "SIGABRT: process abort signal",
        7 => "SIGBUS: access to undefined memory",
        8 => "SIGFPE: erroneous arithmetic operation",
        9 => "SIGKILL: kill",
        11 => "SIGSEGV: invalid memory reference",
        _ => "",
    };
    Some(if name.is_empty() { signal.to_string() } else { format!("{signal}, {name}") })
}

#[cfg(not(unix))]
fn signal_of(status: &std::process::ExitStatus) -> Option<String> {
    // Outside Unix a crash is an exit code no test program returns on its own (101 is a failure).
    status.code().filter(|code| ![0, 101].contains(code)).map(|code| format!("exit code {code}"))
}

/// `cargo test` of a package outside the workspace, in the workspace's target directory (the
/// dependencies are then built once for the workspace and every exercise). Only the test
/// targets run (`--test '*'`: the exercise's checks): tests or doc examples a student writes in
/// their own file are theirs, and neither count among the checks nor change the total.
fn run_tests(root: &Path, package: &Path) -> Result<TestRun, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(package)
        .args(["test", "--test", "*", "--no-fail-fast", "--color", "never", "--manifest-path"])
        .arg(package.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", listings::Workspace { root: root.to_owned() }.target_dir())
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    Ok(TestRun::read(&String::from_utf8_lossy(&output.stdout), &String::from_utf8_lossy(&output.stderr)))
}

fn asm(root: &Path, exercise: &Exercise, function: &str, file: Option<&Path>) -> Result<ExitCode, Failure> {
    let file = file.map(Path::to_owned).unwrap_or_else(|| student_package(root, exercise).join("src/lib.rs"));
    if !file.is_file() {
        return Err(format!(
            "no file {}: start the exercise first (`cargo xtask exercise start {}`)",
            shown(root, &file),
            exercise.name
        )
        .into());
    }
    let listing = listings::asm_of_file(
        &file,
        &exercise.crate_name(),
        function,
        &AsmOptions::default(),
        &CodegenFlags::default(),
    )
    .map_err(|e| e.to_string())?;
    out!("{listing}");
    Ok(ExitCode::SUCCESS)
}

fn verify(root: &Path, starters_only: bool) -> Result<ExitCode, Failure> {
    let exercises = exercise::exercises(root)?;
    let mut defects = Vec::new();
    // Each version is a `cargo test` of a package of its own: cargo builds one at a time (they
    // share the target directory), but their tests, some of which wait out a timeout on purpose,
    // run side by side.
    let mut jobs = Vec::new();
    for (at, exercise) in exercises.iter().enumerate() {
        if !starters_only {
            jobs.push(Job { at, version: Version::Solution, lib: exercise.solution()? });
        }
        jobs.push(Job { at, version: Version::Starter, lib: exercise.starter()? });
        let notes = CheckNotes::read(exercise, &checks::checks(exercise)?)?;
        for wrong in notes.wrong {
            let file = CheckNotes::wrong_file(exercise, &wrong);
            let lib = std::fs::read_to_string(&file).map_err(|e| course::Error::read(&file, e))?;
            jobs.push(Job { at, version: Version::Wrong(wrong), lib });
        }
    }
    let mut runs = jobs.iter().zip(run_all(root, &exercises, &jobs)?).peekable();
    let mut wrong_solutions = 0;
    let width = exercises.iter().map(|e| e.name.chars().count()).max().unwrap_or(0);
    for exercise in &exercises {
        let solution = if starters_only { None } else { runs.next().map(|(_, run)| run) };
        let (_, starter) = runs.next().expect("a run of every starter");
        let solution_line = match &solution {
            Some(solution) => format!("solution passes {}/{}", solution.run.passed(), solution.total),
            None => "solution checked by cargo test".to_owned(),
        };
        outln!(
            "{:<width$}  {solution_line}; starter compiles: {}, fails {} of {}",
            exercise.name,
            if starter.run.compile_errors.is_none() { "yes" } else { "NO" },
            starter.total - starter.run.passed(),
            starter.total
        );
        if let Some(solution) = solution
            && !solution.run.all_passed()
        {
            defects.push(format!(
                "the solution of {} does not pass its checks:\n{}",
                exercise.name,
                solution.explain()
            ));
        }
        match (&starter.run.compile_errors, starter.run.failed()) {
            (Some(errors), _) => defects.push(format!("the starter of {} does not compile:\n{errors}", exercise.name)),
            (None, 0) => defects
                .push(format!("the starter of {} already passes every check: there is nothing to do", exercise.name)),
            _ => {}
        }
        while let Some((Job { version: Version::Wrong(_), .. }, _)) = runs.peek() {
            let Some((Job { version: Version::Wrong(wrong), .. }, checked)) = runs.next() else { unreachable!() };
            wrong_solutions += 1;
            match wrong_solution_defects(wrong, &checked) {
                None => outln!(
                    "{:<width$}  wrong solution {}: {} of {} pass, the report names what it must",
                    "",
                    wrong.file.display(),
                    checked.run.passed(),
                    checked.total
                ),
                Some(defect) => defects.push(format!(
                    "the check of {}'s wrong solution {}: {defect}; it said:\n{}",
                    exercise.name,
                    wrong.file.display(),
                    checked.explain()
                )),
            }
        }
    }
    if exercises.is_empty() {
        defects.push(format!("no exercise found under {EXERCISES_DIR}/"));
    }
    if defects.is_empty() {
        let wrong = format!("; the check's report on each of {wrong_solutions} wrong solutions is as expected");
        match starters_only {
            true => outln!("{} exercises: every starter compiles and fails{wrong}", exercises.len()),
            false => {
                outln!("{} exercises: every solution passes, every starter compiles and fails{wrong}", exercises.len())
            }
        }
        Ok(ExitCode::SUCCESS)
    } else {
        Err(defects.join("\n").into())
    }
}

/// What is wrong with the check's report on a wrong solution, if anything: its total must be
/// the exercise's number of checks, its passes those expected, its exit a failure, and it must
/// say everything the exercise's `checks.toml` expects.
fn wrong_solution_defects(wrong: &checks::WrongSolution, checked: &Checked) -> Option<String> {
    let text = checked.explain();
    let total_line = format!("{} of {} checks of {} pass", wrong.passes, checked.total, checked.exercise);
    if checked.run.all_passed() {
        return Some("it passes every check".to_owned());
    }
    if !text.contains(&total_line) {
        return Some(format!("its report does not say \"{total_line}\""));
    }
    let missing: Vec<&str> = wrong.says.iter().map(String::as_str).filter(|says| !text.contains(says)).collect();
    (!missing.is_empty()).then(|| format!("its report does not say {missing:?}"))
}

/// A version of an exercise's library that the test command checks.
#[derive(Clone)]
enum Version {
    Solution,
    Starter,
    /// One of the exercise's wrong solutions (its `checks.toml`).
    Wrong(checks::WrongSolution),
}

impl Version {
    /// The folder, under `exercise-check/`, and the prefix of the package's name: packages of
    /// one exercise share the target folder, and cargo tells their builds apart by name.
    fn kind(&self) -> String {
        match self {
            Version::Solution => "solution".to_owned(),
            Version::Starter => "starter".to_owned(),
            Version::Wrong(wrong) => {
                let stem = wrong.file.file_stem().and_then(|s| s.to_str()).unwrap_or("wrong");
                format!("wrong-{stem}")
            }
        }
    }
}

#[derive(Clone)]
struct Job {
    /// The exercise's place in the list.
    at: usize,
    version: Version,
    lib: String,
}

/// The checks of each job's version, in the jobs' order, at most `AT_ONCE` runs at a time.
fn run_all(root: &Path, exercises: &[Exercise], jobs: &[Job]) -> Result<Vec<Checked>, Failure> {
    const AT_ONCE: usize = 4;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<Result<Checked, Failure>>>> =
        std::sync::Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let job = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(Job { at, version, lib }) = jobs.get(job) else { break };
                    let run = run_version(root, &exercises[*at], &version.kind(), lib);
                    results.lock().unwrap_or_else(|p| p.into_inner())[job] = Some(run);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|p| p.into_inner()).into_iter().map(|r| r.expect("every job ran")).collect()
}

/// Writes `lib` as a package under `<target>/under-the-await/exercise-check/<kind>/` and checks
/// it as `cargo xtask exercise check` does.
fn run_version(root: &Path, exercise: &Exercise, kind: &str, lib: &str) -> Result<Checked, Failure> {
    let package = tools_dir(root, "exercise-check").join(kind).join(&exercise.name);
    exercise::write_package(root, exercise, kind, &package, lib)?;
    check_package(root, exercise, &package)
}

/// The files each exercise's page links to: its task, its starter and its checks, one folder an
/// exercise. There is no archive of every starter: unpacked in a checkout it would write over a
/// student's solved work, and a starter outside a checkout cannot be checked (the checks use the
/// book's own crates). `start` writes a starter, and never over a student's file.
fn pack(root: &Path, dir: &Path) -> Result<ExitCode, Failure> {
    let exercises = exercise::exercises(root)?;
    let write = |path: PathBuf, text: &str| -> Result<(), course::Error> {
        let folder = path.parent().expect("a file in a folder");
        std::fs::create_dir_all(folder).map_err(|e| course::Error::create_folder(folder, e))?;
        std::fs::write(&path, text).map_err(|e| course::Error::write(&path, e))
    };
    for exercise in &exercises {
        let published = dir.join(&exercise.name);
        write(published.join("README.md"), &format!("# {}\n\n{}", exercise.title, exercise.statement))?;
        write(published.join("src/lib.rs"), &exercise.starter()?)?;
        for test in exercise.test_files() {
            let text = std::fs::read_to_string(&test).map_err(|e| course::Error::read(&test, e))?;
            write(published.join("tests").join(test.file_name().unwrap()), &text)?;
        }
    }
    outln!("{} exercises: their files in {}", exercises.len(), dir.display());
    Ok(ExitCode::SUCCESS)
}

/// `<target>/under-the-await/<name>`: a folder of the tools' own in cargo's target directory.
fn tools_dir(root: &Path, name: &str) -> PathBuf {
    listings::Workspace { root: root.to_owned() }.tools_dir(name)
}

fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::free_backup_name;

    #[test]
    fn a_second_start_again_keeps_the_file_the_first_one_kept() {
        let dir = std::env::temp_dir().join(format!("xtask-backup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lib = dir.join("lib.rs");
        assert_eq!(free_backup_name(&lib), dir.join("lib.rs.bak"));
        std::fs::write(dir.join("lib.rs.bak"), "the first attempt").unwrap();
        assert_eq!(free_backup_name(&lib), dir.join("lib.rs.bak.2"));
        std::fs::write(dir.join("lib.rs.bak.2"), "the second attempt").unwrap();
        assert_eq!(free_backup_name(&lib), dir.join("lib.rs.bak.3"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
