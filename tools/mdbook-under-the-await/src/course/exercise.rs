//! `{{#exercise NAME}}`: an exercise's task, its starter, where its files are and the two
//! commands that start and check it.
//!
//! The task is the exercise's `README.md`, the starter is cut from its solution
//! ([`course::markers`]), and the files it links to are the ones `cargo xtask exercise pack`
//! writes beside the built book (`exercises/NAME/…`). No archive of every starter is offered: one
//! unpacked in a checkout would write over a student's work; `start` never does.

use std::path::Path;

use course::exercise::{self, EXERCISES_DIR, STUDENT_DIR};

use super::Error;

pub fn render(root: &Path, name: &str) -> Result<String, Error> {
    let exercise = exercise::find(root, name)?;
    let starter = exercise.starter()?;
    let solution = exercise.solution()?;
    let name = &exercise.name;
    let tests: Vec<String> = exercise
        .test_files()
        .iter()
        .filter_map(|t| t.file_name()?.to_str().map(str::to_owned))
        .map(|file| format!("<a href=\"{EXERCISES_DIR}/{name}/tests/{file}\">tests/{file}</a>"))
        .collect();
    let fence = fence_for(&starter);
    Ok(format!(
        "<div class=\"exercise\" id=\"exercise-{name}\">\n\n{statement}\n\n\
         <div class=\"exercise-work\">\n\n\
         **Work on it** in a checkout of the book's repository (`ci/student-setup` sets it up). \
         The first command writes the starter to `{STUDENT_DIR}/{name}/src/lib.rs`; the second builds \
         your file with the exercise's checks and says, in plain words, what is still wrong.\n\n\
         ```console\n$ cargo xtask exercise start {name}\n$ cargo xtask exercise check {name}\n```\n\n\
         <p class=\"exercise-files\">Files: \
         <a href=\"{EXERCISES_DIR}/{name}/src/lib.rs\">the starter</a> · {tests} · in the repository: \
         <code>{EXERCISES_DIR}/{name}/</code></p>\n\n\
         </div>\n\n\
         <details class=\"exercise-starter\">\n<summary>The starter, <code>src/lib.rs</code></summary>\n\n\
         {fence}rust,ignore\n{starter}{fence}\n\n</details>\n\n\
         <details class=\"exercise-solution\">\n<summary>A solution (instructor view)</summary>\n\n\
         {fence}rust,ignore\n{solution}{fence}\n\n</details>\n\n\
         </div>\n",
        statement = exercise.statement.trim_end(),
        tests = tests.join(" · "),
    ))
    // mdBook's own `links` runs after this: text that looks like its directives stays text.
    .map(|html| html.replace("{{#", "\\{{#"))
}

/// A code fence longer than any run of backticks in `code`.
fn fence_for(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}
