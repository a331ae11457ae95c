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

/// What the site offers for download: a folder of files per exercise, and nothing that unpacks
/// over a checkout (the starters' archive, unpacked at a checkout's root, wrote over solved work).
#[test]
fn pack_writes_each_exercises_files_in_its_folder_and_no_archive() {
    let dir = std::env::temp_dir().join(format!("xtask-pack-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let output = xtask(&["exercise", "pack", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let names = String::from_utf8(xtask(&["exercise", "list"]).stdout).unwrap();
    let names: Vec<&str> = names.lines().filter_map(|line| line.split_whitespace().next()).collect();
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            assert!(entry.file_type().unwrap().is_dir(), "only folders at the top: {:?}", entry.path());
            entry.file_name().into_string().unwrap()
        })
        .collect();
    written.sort();
    assert_eq!(written, names, "a folder for each exercise, and nothing else");
    for name in names {
        for file in ["README.md", "src/lib.rs"] {
            assert!(dir.join(name).join(file).is_file(), "{name}/{file}");
        }
        let starter = std::fs::read_to_string(dir.join(name).join("src/lib.rs")).unwrap();
        assert!(!starter.contains("// exercise:"), "{name}: the starter, cut, without its markers");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
