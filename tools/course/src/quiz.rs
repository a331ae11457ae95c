//! A chapter's quiz: questions about what rustc does, whose answers the compiler gives.
//!
//! The questions live beside the chapter's crate, in `chapters/chNN-slug/quiz.toml`:
//!
//! ```toml
//! [[question]]
//! id = "jump-table-entries"
//! prompt = "How many entries does the jump table of `hello_world::{{closure}}` have?"
//! answer = 4
//! why = "One per state: …"
//!
//! [[question]]
//! id = "third-entry"
//! prompt = "…"
//! choices = ["…", "…", "…"]
//! answer = "…"          # one of the choices
//! why = "…"
//! ```
//!
//! The book renders them (`{{#quiz chNN-slug}}`); the chapter's `tests/quiz.rs` computes the
//! truth of every question from the chapter's snapshots and measurements ([`crate::facts`])
//! and hands it to [`assert_answers`], which fails on any question whose answer the compiler
//! contradicts, and on any question nothing checks.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Deserialize;

/// The file of a chapter's quiz, relative to the chapter's folder.
pub const QUIZ_FILE: &str = "quiz.toml";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    /// `ch01-the-experiment`.
    pub chapter: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Unique in its quiz, kebab-case: the key the chapter's test checks it under.
    pub id: String,
    /// Markdown.
    pub prompt: String,
    pub answer: Answer,
    /// Markdown: shown after an answer, right or wrong.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A whole number, typed in: a count, a size, an offset.
    Number(i64),
    /// One of several choices.
    Choice { choices: Vec<String>, right: usize },
}

impl Answer {
    /// The answer as the page shows it and the browser compares it.
    pub fn text(&self) -> String {
        match self {
            Answer::Number(number) => number.to_string(),
            Answer::Choice { choices, right } => choices[*right].clone(),
        }
    }
}

/// What the compiler says the answer is, computed by a chapter's test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    Number(i64),
    Choice(String),
}

impl fmt::Display for Truth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Truth::Number(number) => write!(f, "{number}"),
            Truth::Choice(choice) => write!(f, "\"{choice}\""),
        }
    }
}

impl From<usize> for Truth {
    fn from(number: usize) -> Truth {
        Truth::Number(number as i64)
    }
}

impl From<u64> for Truth {
    fn from(number: u64) -> Truth {
        Truth::Number(number as i64)
    }
}

impl From<&str> for Truth {
    fn from(choice: &str) -> Truth {
        Truth::Choice(choice.to_owned())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    question: Vec<QuestionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    id: String,
    prompt: String,
    #[serde(default)]
    choices: Option<Vec<String>>,
    answer: toml::Value,
    why: String,
}

impl Quiz {
    /// The quiz of chapter `slug` in the checkout at `root`.
    pub fn of_chapter(root: &Path, slug: &str) -> Result<Quiz, String> {
        let path = root.join("chapters").join(slug).join(QUIZ_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Quiz::parse(slug, &text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(chapter: &str, text: &str) -> Result<Quiz, String> {
        let file: QuizFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut seen = HashSet::new();
        let mut questions = Vec::new();
        for question in file.question {
            let id = question.id;
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(format!("question id `{id}`: use lower-case letters, digits and `-`"));
            }
            if !seen.insert(id.clone()) {
                return Err(format!("two questions have the id `{id}`"));
            }
            let answer = match (question.choices, question.answer) {
                (None, toml::Value::Integer(number)) => Answer::Number(number),
                (Some(choices), toml::Value::String(answer)) => {
                    let right = choices.iter().position(|c| *c == answer).ok_or_else(|| {
                        format!("question `{id}`: the answer \"{answer}\" is none of its choices {choices:?}")
                    })?;
                    if choices.len() < 2 {
                        return Err(format!("question `{id}`: a choice needs at least two choices"));
                    }
                    Answer::Choice { choices, right }
                }
                (None, other) => {
                    return Err(format!(
                        "question `{id}`: without `choices`, the answer is a whole number, not {other}"
                    ));
                }
                (Some(_), other) => {
                    return Err(format!("question `{id}`: with `choices`, the answer is one of them, not {other}"));
                }
            };
            questions.push(Question { id, prompt: question.prompt, answer, why: question.why });
        }
        if questions.is_empty() {
            return Err("a quiz needs at least one [[question]]".to_owned());
        }
        Ok(Quiz { chapter: chapter.to_owned(), questions })
    }

    /// Every disagreement between the quiz and `truths`, or `Ok` if there is none.
    pub fn check(&self, truths: &[(&str, Truth)]) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let by_id: HashMap<&str, &Truth> = truths.iter().map(|(id, truth)| (*id, truth)).collect();
        for question in &self.questions {
            let Some(truth) = by_id.get(question.id.as_str()) else {
                problems.push(format!(
                    "question `{}` is checked by nothing: add its truth to the chapter's tests/quiz.rs",
                    question.id
                ));
                continue;
            };
            let agrees = match (&question.answer, truth) {
                (Answer::Number(answer), Truth::Number(truth)) => answer == truth,
                (Answer::Choice { choices, right }, Truth::Choice(truth)) => {
                    if !choices.contains(truth) {
                        problems.push(format!(
                            "question `{}`: the compiler's answer {truth} is none of the choices {choices:?}",
                            question.id
                        ));
                        continue;
                    }
                    choices[*right] == *truth
                }
                _ => {
                    problems.push(format!(
                        "question `{}`: its check gives {truth}, a different kind of answer",
                        question.id
                    ));
                    continue;
                }
            };
            if !agrees {
                problems.push(format!(
                    "question `{}`: the quiz says {}, the compiler says {truth}; fix the answer (and its why) in chapters/{}/{QUIZ_FILE}",
                    question.id,
                    question.answer.text(),
                    self.chapter
                ));
            }
        }
        for (id, _) in truths {
            if !self.questions.iter().any(|q| q.id == *id) {
                problems.push(format!("tests/quiz.rs checks `{id}`, which is no question of the quiz"));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// For a chapter's `tests/quiz.rs`: panics, listing every problem, unless each question of
/// the chapter's quiz has exactly the answer the compiler gives.
pub fn assert_answers(chapter: &str, truths: &[(&str, Truth)]) {
    let root = listings::Workspace::this_checkout().root;
    let quiz = Quiz::of_chapter(&root, chapter).unwrap_or_else(|e| panic!("{e}"));
    if let Err(problems) = quiz.check(truths) {
        panic!("the quiz of {chapter} disagrees with the compiler:\n  {}", problems.join("\n  "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIZ: &str = r#"
[[question]]
id = "entries"
prompt = "How many?"
answer = 4
why = "One per state."

[[question]]
id = "slot"
prompt = "Which?"
choices = ["clone", "wake", "drop"]
answer = "drop"
why = "Offset 24."
"#;

    #[test]
    fn questions_parse_into_numbers_and_choices() {
        let quiz = Quiz::parse("ch01", QUIZ).unwrap();
        assert_eq!(quiz.questions[0].answer, Answer::Number(4));
        assert_eq!(quiz.questions[1].answer.text(), "drop");
    }

    #[test]
    fn a_quiz_that_agrees_with_the_compiler_passes() {
        let quiz = Quiz::parse("ch01", QUIZ).unwrap();
        assert_eq!(quiz.check(&[("entries", 4usize.into()), ("slot", "drop".into())]), Ok(()));
    }

    #[test]
    fn wrong_unchecked_and_unknown_answers_are_each_reported() {
        let quiz = Quiz::parse("ch01", QUIZ).unwrap();
        let problems = quiz.check(&[("entries", 5usize.into()), ("nope", 1usize.into())]).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("the quiz says 4, the compiler says 5"), "{}", problems[0]);
        assert!(problems[1].contains("`slot` is checked by nothing"), "{}", problems[1]);
        assert!(problems[2].contains("checks `nope`, which is no question"), "{}", problems[2]);
    }

    #[test]
    fn a_malformed_quiz_is_refused_with_a_reason() {
        let not_a_choice =
            "[[question]]\nid = \"a\"\nprompt = \"p\"\nchoices = [\"x\", \"y\"]\nanswer = \"z\"\nwhy = \"w\"\n";
        assert!(Quiz::parse("c", not_a_choice).unwrap_err().contains("none of its choices"));
        let duplicate = format!("{QUIZ}\n[[question]]\nid = \"slot\"\nprompt = \"p\"\nanswer = 1\nwhy = \"w\"\n");
        assert!(Quiz::parse("c", &duplicate).unwrap_err().contains("two questions have the id `slot`"));
        let text_answer = "[[question]]\nid = \"a\"\nprompt = \"p\"\nanswer = \"x\"\nwhy = \"w\"\n";
        assert!(Quiz::parse("c", text_answer).unwrap_err().contains("is a whole number"));
    }
}
