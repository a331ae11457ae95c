//! The course in the book, through the whole preprocessor: quizzes, exercises, times, notes and
//! the schedule, on the real book and on pages broken on purpose.

use std::path::{Path, PathBuf};

use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_under_the_await::preprocess;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A book of one numbered page (`ch01-the-experiment-practice.md`), preprocessed: the page after
/// expansion, or the problems.
fn preprocessed(content: &str) -> Result<String, Vec<String>> {
    let mut chapter = Chapter::new("Practice", content.to_owned(), "ch01-the-experiment-practice.md", vec![]);
    chapter.number = Some(SectionNumber::new(vec![1]));
    let mut book = Book::new_with_items(vec![BookItem::Chapter(chapter)]);
    let root = root();
    let problems: Vec<String> =
        preprocess(&root, &root.join("book"), &mut book).iter().map(ToString::to_string).collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    match book.iter().next() {
        Some(BookItem::Chapter(chapter)) => Ok(chapter.content.clone()),
        _ => unreachable!(),
    }
}

const TIMED: &str = "{{#time 10 min}}\n\n{{#notes}}\n- a note\n{{#end-notes}}\n";

#[test]
fn a_quiz_renders_every_question_with_its_answer_and_the_answers_for_print() {
    let page = preprocessed(&format!("# P\n\n## Quiz\n\n{TIMED}\n{{{{#quiz ch01-the-experiment}}}}\n")).unwrap();
    let quiz = course::Quiz::of_chapter(&root(), "ch01-the-experiment").unwrap();
    for question in &quiz.questions {
        let id = format!("id=\"quiz-ch01-the-experiment-{}\"", question.id);
        assert!(page.contains(&id), "{id} missing");
    }
    assert!(page.contains("data-answer=\"4\""), "the jump table's four entries");
    assert!(page.contains("<div class=\"quiz-answers\">"), "the answers, for print");
    assert!(!page.contains("\n\n<li"), "no blank line inside the quiz's HTML block");
}

#[test]
fn an_exercise_shows_its_task_its_commands_its_files_and_its_starter() {
    let page =
        preprocessed(&format!("# P\n\n## Exercise\n\n{TIMED}\n{{{{#exercise ch03-counting-waker}}}}\n")).unwrap();
    assert!(page.contains("$ cargo xtask exercise check ch03-counting-waker"));
    assert!(page.contains("href=\"exercises/ch03-counting-waker/tests/machine_code.rs\""));
    assert!(!page.contains(".tar.gz"), "no archive of starters, which could be unpacked over a student's work");
    let starter = course::exercise::find(&root(), "ch03-counting-waker").unwrap().starter().unwrap();
    assert!(page.contains(&starter), "the starter, cut from the solution, as it is");
    assert!(!page.contains("// exercise: starter"), "no marker reaches the page");
}

#[test]
fn a_section_without_a_time_or_notes_fails_the_build_at_its_heading() {
    let problems =
        preprocessed("# P\n\n## Timed\n\n{{#time 5 min}}\n{{#notes}}\nx\n{{#end-notes}}\n\n## Untimed\n\nText.\n")
            .unwrap_err();
    assert_eq!(
        problems,
        [
            "book/ch01-the-experiment-practice.md:10: section “Untimed” has no teaching time: add `{{#time N min}}` under its heading",
            "book/ch01-the-experiment-practice.md:10: section “Untimed” has no speaker notes: add `{{#notes}}` … `{{#end-notes}}`",
        ]
    );
}

#[test]
fn a_malformed_time_fails_once_with_its_usage() {
    let problems = preprocessed("# P\n\n## A\n\n{{#time ten min}}\n\n{{#notes}}\nx\n{{#end-notes}}\n").unwrap_err();
    assert_eq!(
        problems,
        [
            "book/ch01-the-experiment-practice.md:5: `ten` is not a number of minutes above zero; usage: {{#time N min [workshop]}}, e.g. {{#time 15 min}}"
        ]
    );
}

#[test]
fn unknown_quizzes_and_exercises_are_errors_naming_what_exists() {
    let problems = preprocessed(&format!(
        "# P\n\n## A\n\n{TIMED}\n{{{{#quiz ch09-nothing}}}}\n\n{{{{#exercise ch03-countng-waker}}}}\n"
    ))
    .unwrap_err();
    assert!(problems[0].contains("cannot read") && problems[0].contains("ch09-nothing/quiz.toml"), "{}", problems[0]);
    assert!(
        problems[1].contains("there is no exercise `ch03-countng-waker` (did you mean ch03-counting-waker?)"),
        "{}",
        problems[1]
    );
}

#[test]
fn the_schedule_links_every_section_and_fits_two_days() {
    let section =
        "## A\n\n{{#time 30 min workshop}}\n\n{{#exercise ch03-counting-waker}}\n\n{{#notes}}\nx\n{{#end-notes}}";
    let page = preprocessed(&format!("# P\n\n{section}\n\n{{{{#schedule}}}}\n")).unwrap();
    assert!(page.contains("## The two-day course"), "{page}");
    assert!(page.contains("| 09:00 | [A](ch01-the-experiment-practice.md#a) | Practice | 30 |"), "{page}");
    assert!(page.contains("## The half-day workshop"), "{page}");
    assert!(page.contains("| 09:10 | [A](ch01-the-experiment-practice.md#a) | Practice | 30 |"), "{page}");
    let lecture = section.replace("{{#exercise ch03-counting-waker}}", "A lecture.");
    let problems = preprocessed(&format!("# P\n\n{lecture}\n\n{{{{#schedule}}}}\n")).unwrap_err();
    assert!(problems[0].ends_with("the half-day workshop has no exercise: mark one exercise section `workshop`"));
}
