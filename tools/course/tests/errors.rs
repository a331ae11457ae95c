//! The course material broken on purpose, in a checkout made up for each test: every error
//! says what it could not do (read, write, create) to which file, and where a file is
//! malformed, at which line.

use std::path::{Path, PathBuf};

use course::error::ManifestProblem;
use course::markers::{MarkerError, MarkerProblem};
use course::quiz::{QuizError, QuizProblem};
use course::{Error, Exercise, Quiz, exercise};

const SOLUTION: &str = "pub fn one() -> u8 {\n    // exercise: solution\n    1\n    // exercise: starter\n    // todo!()\n    // exercise: end\n}\n";

const EXERCISE_MANIFEST: &str =
    "[package]\nname = \"ch03-count\"\nversion = \"0.1.0\"\n\n[dev-dependencies]\nlistings.workspace = true\n";

const QUIZ: &str = "[[question]]\nid = \"entries\"\nprompt = \"How many?\"\nanswer = 4\nwhy = \"One per state.\"\n";

/// A checkout with one exercise (`ch03-count`) and one chapter's quiz (`ch01-x`), fresh for
/// the test `name`.
struct Checkout {
    root: PathBuf,
}

impl Checkout {
    fn new(name: &str) -> Checkout {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("course-errors").join(name);
        let _ = std::fs::remove_dir_all(&root);
        let checkout = Checkout { root };
        checkout.write(
            "Cargo.toml",
            "[workspace]\nmembers = []\n\n[workspace.dependencies]\nlistings = { path = \"tools/listings\" }\n",
        );
        checkout.write("Cargo.lock", "version = 4\n");
        checkout.write("tools/listings/Cargo.toml", "[package]\nname = \"listings\"\n");
        checkout.write("exercises/ch03-count/Cargo.toml", EXERCISE_MANIFEST);
        checkout.write("exercises/ch03-count/README.md", "# Count to one\n\nReturn one.\n");
        checkout.write("exercises/ch03-count/src/lib.rs", SOLUTION);
        checkout.write("exercises/ch03-count/tests/contract.rs", "#[test]\nfn one_is_one() {}\n");
        checkout.write("chapters/ch01-x/quiz.toml", QUIZ);
        checkout
    }

    fn write(&self, file: &str, text: &str) {
        let path = self.root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn path(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }

    fn exercise(&self) -> Exercise {
        exercise::find(&self.root, "ch03-count").unwrap()
    }
}

#[test]
fn the_made_up_checkout_is_read_whole_so_each_test_breaks_one_thing() {
    let checkout = Checkout::new("whole");
    assert_eq!(checkout.exercise().starter().unwrap(), "pub fn one() -> u8 {\n    todo!()\n}\n");
    assert_eq!(Quiz::of_chapter(&checkout.root, "ch01-x").unwrap().questions.len(), 1);
    let dest = checkout.path("my-exercises/ch03-count");
    exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "pub fn one() -> u8 { 1 }\n").unwrap();
    let manifest = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("listings = { path = \"../../tools/listings\" }\n"), "{manifest}");
}

#[test]
fn an_unknown_exercise_names_the_closest_and_every_exercise() {
    let checkout = Checkout::new("unknown");
    let error = exercise::find(&checkout.root, "ch03-cuont").unwrap_err();
    assert!(matches!(&error, Error::UnknownExercise(unknown) if unknown.closest == ["ch03-count"]), "{error:?}");
    assert_eq!(
        error.to_string(),
        "there is no exercise `ch03-cuont` (did you mean ch03-count?); the exercises are: ch03-count"
    );
}

#[test]
fn a_starter_line_that_is_code_is_refused_naming_the_solution_file_and_its_line() {
    let checkout = Checkout::new("marker");
    checkout.write("exercises/ch03-count/src/lib.rs", &SOLUTION.replace("    // todo!()", "    todo!()"));
    let file = checkout.path("exercises/ch03-count/src/lib.rs");
    let error = checkout.exercise().starter().unwrap_err();
    assert_eq!(
        error,
        Error::Markers {
            file: file.clone(),
            error: MarkerError { line: 5, problem: MarkerProblem::StarterNotComment }
        }
    );
    assert_eq!(
        error.to_string(),
        format!("{}:5: a starter line must be a `//` comment (the solution has to compile with it)", file.display())
    );
}

#[test]
fn a_region_never_closed_is_refused_at_the_line_that_opened_it() {
    let checkout = Checkout::new("unclosed");
    checkout.write("exercises/ch03-count/src/lib.rs", &SOLUTION.replace("    // exercise: end\n}\n", ""));
    let error = checkout.exercise().solution().unwrap_err();
    assert!(
        matches!(&error, Error::Markers { error: MarkerError { line: 2, problem: MarkerProblem::NeverClosed }, .. }),
        "{error:?}"
    );
}

#[test]
fn a_malformed_quiz_names_its_file_and_line() {
    let checkout = Checkout::new("quiz");
    checkout.write("chapters/ch01-x/quiz.toml", &QUIZ.replace("answer = 4", "answer = \"four\""));
    let file = checkout.path("chapters/ch01-x/quiz.toml");
    let error = Quiz::of_chapter(&checkout.root, "ch01-x").unwrap_err();
    let problem = QuizProblem::NotANumber { id: "entries".into(), found: "\"four\"".into() };
    assert_eq!(error, Error::Quiz { file: file.clone(), error: QuizError { line: 4, problem } });
    assert_eq!(
        error.to_string(),
        format!(
            "{}:4: question `entries`: without `choices`, the answer is a whole number, not \"four\"",
            file.display()
        )
    );
}

#[test]
fn a_quiz_that_is_not_toml_names_its_file_and_the_line_of_the_mistake() {
    let checkout = Checkout::new("quiz-syntax");
    checkout.write("chapters/ch01-x/quiz.toml", &QUIZ.replace("prompt = \"How many?\"", "prompt = \"How many?"));
    let file = checkout.path("chapters/ch01-x/quiz.toml");
    let error = Quiz::of_chapter(&checkout.root, "ch01-x").unwrap_err();
    assert!(
        matches!(&error, Error::Quiz { file: f, error: QuizError { line: 3, problem: QuizProblem::Toml { .. } } } if *f == file),
        "{error:?}"
    );
    assert!(error.to_string().starts_with(&format!("{}:3: ", file.display())), "{error}");
}

#[test]
fn a_missing_quiz_cannot_be_read() {
    let checkout = Checkout::new("no-quiz");
    let error = Quiz::of_chapter(&checkout.root, "ch09-nothing").unwrap_err();
    assert!(matches!(&error, Error::Read { path, .. } if *path == checkout.path("chapters/ch09-nothing/quiz.toml")));
    assert!(error.to_string().starts_with("cannot read "), "{error}");
}

#[test]
fn a_readme_without_its_title_is_refused_at_line_1() {
    let checkout = Checkout::new("title");
    checkout.write("exercises/ch03-count/README.md", "Count to one.\n");
    let error = exercise::exercises(&checkout.root).unwrap_err();
    assert_eq!(error, Error::NoTitle { readme: checkout.path("exercises/ch03-count/README.md") });
}

#[test]
fn a_package_whose_file_cannot_be_written_says_write_not_read() {
    let checkout = Checkout::new("unwritable");
    let dest = checkout.path("my-exercises/ch03-count");
    // A folder where the file goes: no write can succeed, not even as root.
    std::fs::create_dir_all(dest.join("src/lib.rs")).unwrap();
    let error = exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "x").unwrap_err();
    assert!(matches!(&error, Error::Write { path, .. } if *path == dest.join("src/lib.rs")), "{error:?}");
    assert!(error.to_string().starts_with(&format!("cannot write {}: ", dest.join("src/lib.rs").display())), "{error}");
}

#[test]
fn a_package_under_a_file_cannot_have_its_folder_created() {
    let checkout = Checkout::new("under-a-file");
    checkout.write("my-exercises", "a file where the folder goes\n");
    let dest = checkout.path("my-exercises/ch03-count");
    let error = exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "x").unwrap_err();
    assert!(matches!(&error, Error::CreateFolder { path, .. } if *path == dest.join("src")), "{error:?}");
}

#[test]
fn a_lock_file_that_cannot_be_read_is_named_not_its_folder() {
    let checkout = Checkout::new("no-lock");
    std::fs::remove_file(checkout.path("Cargo.lock")).unwrap();
    let dest = checkout.path("my-exercises/ch03-count");
    let error = exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "x").unwrap_err();
    assert!(matches!(&error, Error::Read { path, .. } if *path == checkout.path("Cargo.lock")), "{error:?}");
}

#[test]
fn an_exercises_library_dependencies_are_its_packages_and_a_missing_one_is_refused_at_its_line() {
    let checkout = Checkout::new("dependencies");
    checkout.write(
        "exercises/ch03-count/Cargo.toml",
        &format!("{EXERCISE_MANIFEST}\n[dependencies]\nfutures = \"0.3\"\nlistings.workspace = true\n"),
    );
    let dest = checkout.path("my-exercises/ch03-count");
    exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "x").unwrap();
    let manifest = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(
            "[dependencies]\nfutures = \"0.3\"\nlistings = { path = \"../../tools/listings\" }\n\n[dev-dependencies]\n"
        ),
        "the library's dependencies, in a table of their own before the checks': {manifest}"
    );
    checkout.write(
        "exercises/ch03-count/Cargo.toml",
        &format!("{EXERCISE_MANIFEST}\n[dependencies]\nkept.workspace = true\n"),
    );
    let error = exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "x").unwrap_err();
    assert_eq!(
        error,
        Error::Manifest {
            file: checkout.path("exercises/ch03-count/Cargo.toml"),
            line: 9,
            problem: ManifestProblem::NotInWorkspace { name: "kept".into() }
        }
    );
}

#[test]
fn a_workspace_dependency_the_workspace_lacks_is_refused_at_its_line() {
    let checkout = Checkout::new("not-in-workspace");
    checkout.write("exercises/ch03-count/Cargo.toml", &format!("{EXERCISE_MANIFEST}kept.workspace = true\n"));
    let dest = checkout.path("my-exercises/ch03-count");
    let error = exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "x").unwrap_err();
    let file = checkout.path("exercises/ch03-count/Cargo.toml");
    assert_eq!(
        error,
        Error::Manifest {
            file: file.clone(),
            line: 7,
            problem: ManifestProblem::NotInWorkspace { name: "kept".into() }
        }
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}:7: `kept` is `workspace = true`, but the workspace's Cargo.toml has no `kept` in [workspace.dependencies]",
            file.display()
        )
    );
}

#[test]
fn a_dependency_that_is_neither_version_nor_table_is_refused_at_its_line() {
    let checkout = Checkout::new("dependency-spec");
    checkout.write("exercises/ch03-count/Cargo.toml", &format!("{EXERCISE_MANIFEST}odd = 3\n"));
    let dest = checkout.path("my-exercises/ch03-count");
    let error = exercise::write_package(&checkout.root, &checkout.exercise(), "my", &dest, "x").unwrap_err();
    assert!(
        matches!(&error, Error::Manifest { line: 7, problem: ManifestProblem::DependencySpec { name, .. }, .. } if name == "odd"),
        "{error:?}"
    );
}
