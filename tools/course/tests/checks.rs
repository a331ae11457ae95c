//! Every exercise's checks as `cargo xtask exercise check` counts them: read from its tests'
//! source, so that a total is the exercise's real number of checks even when nothing compiles
//! or a test program crashes; and every exercise's `checks.toml` names only checks that exist
//! and wrong solutions that exist.

use std::path::Path;

use course::checks::{self, CheckNotes};
use course::exercise;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().and_then(Path::parent).unwrap()
}

#[test]
fn the_counting_waker_has_eight_checks_in_two_test_programs() {
    let exercise = exercise::find(root(), "ch03-counting-waker").unwrap();
    let checks = checks::checks(&exercise).unwrap();
    let names: Vec<(&str, &str)> = checks.iter().map(|c| (c.program.as_str(), c.name.as_str())).collect();
    assert_eq!(names.len(), 8, "{names:?}");
    assert_eq!(names.iter().filter(|(program, _)| *program == "contract").count(), 7, "{names:?}");
    assert!(names.contains(&("machine_code", "wake_by_ref_compiles_to_one_locked_increment_and_a_return")));
}

#[test]
fn every_checks_file_names_real_checks_and_wrong_solutions_that_exist() {
    let mut wrong = 0;
    for exercise in exercise::exercises(root()).unwrap() {
        let checks = checks::checks(&exercise).unwrap();
        assert!(!checks.is_empty(), "{} has no #[test] function", exercise.name);
        let mut names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), checks.len(), "{}: two tests of one name would share a result", exercise.name);
        let notes = CheckNotes::read(&exercise, &checks).unwrap();
        for solution in &notes.wrong {
            let file = CheckNotes::wrong_file(&exercise, solution);
            assert!(file.is_file(), "{}: no {}", exercise.name, file.display());
            assert!(solution.passes < checks.len(), "{}: a wrong solution fails a check", exercise.name);
            wrong += 1;
        }
    }
    assert!(wrong >= 4, "the counting waker's four wrong solutions at least");
}

#[test]
fn the_counting_wakers_checks_each_say_what_usually_causes_a_failure() {
    let exercise = exercise::find(root(), "ch03-counting-waker").unwrap();
    let checks = checks::checks(&exercise).unwrap();
    let notes = CheckNotes::read(&exercise, &checks).unwrap();
    for check in &checks {
        assert!(notes.cause(&check.name).is_some(), "no cause for {}", check.name);
    }
}
