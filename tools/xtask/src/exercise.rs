//! `cargo xtask exercise …`: a student's commands (list, start, check, asm) and the test
//! command's (verify, pack).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Subcommand;
use course::exercise::{self, EXERCISES_DIR, Exercise, STUDENT_DIR};
use course::libtest::TestRun;
use listings::{AsmOptions, CodegenFlags, Workspace};

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

fn list(root: &Path) -> Result<ExitCode, Failure> {
    for exercise in exercise::exercises(root)? {
        println!("{:<28} {}", exercise.name, exercise.title);
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
        println!("Your file is kept as {}.", shown(root, &kept));
    }
    exercise::write_package(root, exercise, MINE, &package, &starter)?;
    println!("{}: {}", exercise.name, exercise.title);
    println!("The task is in {}; your file is {}.", shown(root, &package.join("README.md")), shown(root, &lib));
    println!("Check it with: cargo xtask exercise check {}", exercise.name);
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
    println!(
        "Checking {} against the checks of {}: {}\n",
        shown(root, &package.join("src/lib.rs")),
        exercise.name,
        exercise.title
    );
    let run = run_tests(root, &package)?;
    print!("{}", run.explain(&exercise.name));
    Ok(if run.all_passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `cargo test` of a package outside the workspace, in the workspace's target directory (the
/// dependencies are then built once for the workspace and every exercise).
fn run_tests(root: &Path, package: &Path) -> Result<TestRun, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(package)
        .args(["test", "--no-fail-fast", "--color", "never", "--manifest-path"])
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
    print!("{listing}");
    Ok(ExitCode::SUCCESS)
}

fn verify(root: &Path, starters_only: bool) -> Result<ExitCode, Failure> {
    let exercises = exercise::exercises(root)?;
    let mut defects = Vec::new();
    let kinds: &[&str] = if starters_only { &["starters"] } else { &["solutions", "starters"] };
    // Each version is a `cargo test` of a package of its own: cargo builds one at a time (they
    // share the target directory), but their tests, some of which wait out a timeout on purpose,
    // run side by side.
    let mut runs = run_all(root, &exercises, kinds)?.into_iter();
    for exercise in &exercises {
        let solution = if starters_only { None } else { runs.next() };
        let starter = runs.next().expect("a run of every starter");
        let solution_line = match &solution {
            Some(solution) => {
                format!("solution passes {}/{}", solution.passed(), solution.passed() + solution.failed())
            }
            None => "solution checked by cargo test".to_owned(),
        };
        println!(
            "{:<28} {solution_line}; starter compiles: {}, fails {} of {}",
            exercise.name,
            if starter.compile_errors.is_none() { "yes" } else { "NO" },
            starter.failed(),
            starter.passed() + starter.failed()
        );
        if let Some(solution) = solution
            && !solution.all_passed()
        {
            defects.push(format!(
                "the solution of {} does not pass its checks:\n{}",
                exercise.name,
                solution.explain(&exercise.name)
            ));
        }
        match (&starter.compile_errors, starter.failed()) {
            (Some(errors), _) => defects.push(format!("the starter of {} does not compile:\n{errors}", exercise.name)),
            (None, 0) => defects
                .push(format!("the starter of {} already passes every check: there is nothing to do", exercise.name)),
            _ => {}
        }
    }
    if exercises.is_empty() {
        defects.push(format!("no exercise found under {EXERCISES_DIR}/"));
    }
    if defects.is_empty() {
        match starters_only {
            true => println!("{} exercises: every starter compiles and fails", exercises.len()),
            false => println!("{} exercises: every solution passes, every starter compiles and fails", exercises.len()),
        }
        Ok(ExitCode::SUCCESS)
    } else {
        Err(defects.join("\n").into())
    }
}

/// The test runs of the given versions (`solutions`, `starters`) of every exercise, in the
/// exercises' order and then the kinds' order, at most [`AT_ONCE`] runs at a time.
fn run_all(root: &Path, exercises: &[Exercise], kinds: &[&'static str]) -> Result<Vec<TestRun>, Failure> {
    const AT_ONCE: usize = 4;
    let jobs: Vec<(usize, &'static str, String)> = exercises
        .iter()
        .enumerate()
        .flat_map(|(at, exercise)| {
            kinds.iter().map(move |&kind| {
                let lib = if kind == "solutions" { exercise.solution() } else { exercise.starter() };
                lib.map(|lib| (at, kind, lib))
            })
        })
        .collect::<Result<_, _>>()?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<Result<TestRun, Failure>>>> =
        std::sync::Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let job = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((at, kind, lib)) = jobs.get(job) else { break };
                    let run = run_version(root, &exercises[*at], kind, lib);
                    results.lock().unwrap_or_else(|p| p.into_inner())[job] = Some(run);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|p| p.into_inner()).into_iter().map(|r| r.expect("every job ran")).collect()
}

/// Writes `lib` as a package under `<target>/under-the-await/exercise-check/<kind>/` and runs the
/// exercise's tests.
fn run_version(root: &Path, exercise: &Exercise, kind: &str, lib: &str) -> Result<TestRun, Failure> {
    let package = tools_dir(root, "exercise-check").join(kind).join(&exercise.name);
    exercise::write_package(root, exercise, kind.trim_end_matches('s'), &package, lib)?;
    Ok(run_tests(root, &package)?)
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
    println!("{} exercises: their files in {}", exercises.len(), dir.display());
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
