//! `cargo xtask exercise` as a student meets it: the list, and one clear message (exit 2) for a
//! name that is no exercise. (`check`, `verify` and `start` run cargo on the checkout's target
//! folder, which this test's own cargo holds: the test command runs `verify` after the tests.)

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

#[test]
fn list_names_every_exercise_with_its_title_chapter_by_chapter() {
    let output = xtask(&["exercise", "list"]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let names: Vec<&str> = stdout.lines().map(|line| line.split_whitespace().next().unwrap()).collect();
    assert!(names.len() >= 10, "two or more exercises for each of chapters 1 to 5: {names:?}");
    for chapter in ["ch01", "ch02", "ch03", "ch04", "ch05"] {
        assert!(names.iter().filter(|n| n.starts_with(chapter)).count() >= 2, "{chapter}: {names:?}");
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "in the book's order");
    let columns: Vec<usize> = stdout
        .lines()
        .map(|line| {
            let name = line.split_whitespace().next().unwrap();
            name.len() + line[name.len()..].len() - line[name.len()..].trim_start().len()
        })
        .collect();
    assert!(columns.iter().all(|&at| at == columns[0]), "every title in one column, however long the name: {stdout}");
    let longest = names.iter().map(|name| name.len()).max().unwrap();
    assert_eq!(columns[0], longest + 2, "two spaces after the longest name: {stdout}");
    assert!(
        stdout
            .lines()
            .any(|line| line.starts_with("ch03-counting-waker ") && line.ends_with("  A waker vtable that counts"))
    );
}

#[test]
fn an_unknown_exercise_exits_2_naming_the_closest_and_every_exercise() {
    for command in [&["exercise", "check", "ch03-countng-waker"][..], &["exercise", "start", "ch03-countng-waker"]] {
        let output = xtask(command);
        assert_eq!(output.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.starts_with(
                "error: there is no exercise `ch03-countng-waker` (did you mean ch03-counting-waker?); the exercises are: ch01-lower-hello-world, "
            ),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn checking_an_exercise_not_yet_started_says_how_to_start_it() {
    let output = xtask(&["exercise", "check", "ch05-shrink-the-future", "--file", "/nonexistent/lib.rs"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: cannot read /nonexistent/lib.rs"), "{stderr}");
}
