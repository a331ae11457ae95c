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
//! workshop = true       # asked in the half-day workshop (optional)
//! [question.wrong]      # optional: why a wrong choice is wrong, shown when it is picked
//! "…" = "…"
//! ```
//!
//! The half-day workshop asks the questions marked `workshop = true` of a quiz it teaches; its
//! schedule names them, and the build fails if it teaches a quiz with none marked.
//!
//! The book renders them (`{{#quiz chNN-slug}}`); the chapter's `tests/quiz.rs` computes the
//! truth of every question from the chapter's snapshots and measurements ([`crate::facts`])
//! and hands it to [`assert_answers`], which fails on any question whose answer the compiler
//! contradicts, and on any question nothing checks.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, line_of, toml_error};

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
    /// For a choice: why a wrong choice is wrong (its index, markdown), shown when it is picked.
    pub wrong: Vec<(usize, String)>,
    /// Asked in the half-day workshop.
    pub workshop: bool,
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

/// A `quiz.toml` that cannot be read as a quiz, at a 1-based line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct QuizError {
    pub line: usize,
    pub problem: QuizProblem,
}

/// What is wrong with a quiz at a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuizProblem {
    /// Not TOML, or not the shape of a quiz (a key missing, unknown or of the wrong type): TOML's
    /// own message, without its excerpt of the file.
    #[error("{message}")]
    Toml { message: String },
    #[error("question id `{id}`: use lower-case letters, digits and `-`")]
    Id { id: String },
    #[error("two questions have the id `{id}` (the first at line {first_line})")]
    DuplicateId { id: String, first_line: usize },
    #[error("question `{id}`: the answer \"{answer}\" is none of its choices {choices:?}")]
    AnswerNotAChoice { id: String, answer: String, choices: Vec<String> },
    #[error("question `{id}`: a choice needs at least two choices")]
    TooFewChoices { id: String },
    #[error("question `{id}`: without `choices`, the answer is a whole number, not {found}")]
    NotANumber { id: String, found: String },
    #[error("question `{id}`: with `choices`, the answer is one of them, not {found}")]
    NotAChoice { id: String, found: String },
    #[error("a quiz needs at least one [[question]]")]
    NoQuestion,
    #[error("question `{id}`: `wrong` explains {choice:?}, which is none of its wrong choices")]
    WrongNotAWrongChoice { id: String, choice: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    question: Vec<QuestionFile>,
}

/// Spanned where a check after parsing may refuse the value: the error names its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    id: Spanned<String>,
    prompt: String,
    #[serde(default)]
    choices: Option<Spanned<Vec<String>>>,
    answer: Spanned<toml::Value>,
    why: String,
    #[serde(default)]
    wrong: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    #[serde(default)]
    workshop: bool,
}

impl Quiz {
    /// The quiz of chapter `slug` in the checkout at `root`.
    pub fn of_chapter(root: &Path, slug: &str) -> Result<Quiz, Error> {
        let file = root.join("chapters").join(slug).join(QUIZ_FILE);
        let text = std::fs::read_to_string(&file).map_err(|e| Error::read(&file, e))?;
        Quiz::parse(slug, &text).map_err(|error| Error::Quiz { file, error })
    }

    pub fn parse(chapter: &str, text: &str) -> Result<Quiz, QuizError> {
        let file: QuizFile = toml::from_str(text).map_err(|error| {
            let (line, message) = toml_error(text, &error);
            QuizError { line, problem: QuizProblem::Toml { message } }
        })?;
        let at = |span: std::ops::Range<usize>, problem| QuizError { line: line_of(text, span.start), problem };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut questions = Vec::new();
        for question in file.question {
            let id_span = question.id.span();
            let id = question.id.into_inner();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(at(id_span, QuizProblem::Id { id }));
            }
            if let Some(&first_line) = seen.get(&id) {
                return Err(at(id_span, QuizProblem::DuplicateId { id, first_line }));
            }
            seen.insert(id.clone(), line_of(text, id_span.start));
            let answer_span = question.answer.span();
            let answer = match (question.choices, question.answer.into_inner()) {
                (None, toml::Value::Integer(number)) => Answer::Number(number),
                (Some(choices), toml::Value::String(answer)) => {
                    let choices_span = choices.span();
                    let choices = choices.into_inner();
                    let Some(right) = choices.iter().position(|c| *c == answer) else {
                        return Err(at(answer_span, QuizProblem::AnswerNotAChoice { id, answer, choices }));
                    };
                    if choices.len() < 2 {
                        return Err(at(choices_span, QuizProblem::TooFewChoices { id }));
                    }
                    Answer::Choice { choices, right }
                }
                (None, other) => return Err(at(answer_span, QuizProblem::NotANumber { id, found: other.to_string() })),
                (Some(_), other) => {
                    return Err(at(answer_span, QuizProblem::NotAChoice { id, found: other.to_string() }));
                }
            };
            let mut wrong = Vec::new();
            if let Some(explained) = question.wrong {
                let span = explained.span();
                for (choice, why) in explained.into_inner() {
                    let index = match &answer {
                        Answer::Choice { choices, right } => {
                            choices.iter().position(|c| *c == choice).filter(|i| i != right)
                        }
                        Answer::Number(_) => None,
                    };
                    let Some(index) = index else {
                        return Err(at(span, QuizProblem::WrongNotAWrongChoice { id, choice }));
                    };
                    wrong.push((index, why));
                }
                wrong.sort();
            }
            questions.push(Question {
                id,
                prompt: question.prompt,
                answer,
                why: question.why,
                wrong,
                workshop: question.workshop,
            });
        }
        if questions.is_empty() {
            return Err(QuizError { line: 1, problem: QuizProblem::NoQuestion });
        }
        Ok(Quiz { chapter: chapter.to_owned(), questions })
    }

    /// Every disagreement between the quiz and `truths`, or `Ok` if there is none.
    pub fn check(&self, truths: &[(&str, Truth)]) -> Result<(), Vec<Disagreement>> {
        let mut problems = Vec::new();
        let by_id: HashMap<&str, &Truth> = truths.iter().map(|(id, truth)| (*id, truth)).collect();
        for question in &self.questions {
            let id = question.id.clone();
            let Some(&truth) = by_id.get(question.id.as_str()) else {
                problems.push(Disagreement::Unchecked { id });
                continue;
            };
            let truth = truth.clone();
            let agrees = match (&question.answer, &truth) {
                (Answer::Number(answer), Truth::Number(number)) => answer == number,
                (Answer::Choice { choices, right }, Truth::Choice(choice)) => {
                    if !choices.contains(choice) {
                        problems.push(Disagreement::TruthNotAChoice { id, truth, choices: choices.clone() });
                        continue;
                    }
                    choices[*right] == *choice
                }
                _ => {
                    problems.push(Disagreement::KindOfAnswer { id, truth });
                    continue;
                }
            };
            if !agrees {
                let chapter = self.chapter.clone();
                problems.push(Disagreement::Wrong { id, quiz: question.answer.text(), truth, chapter });
            }
        }
        for (id, _) in truths {
            if !self.questions.iter().any(|q| q.id == *id) {
                problems.push(Disagreement::NoSuchQuestion { id: (*id).to_owned() });
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// A question whose answer the compiler does not give, or a check of no question.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Disagreement {
    #[error("question `{id}` is checked by nothing: add its truth to the chapter's tests/quiz.rs")]
    Unchecked { id: String },
    #[error("question `{id}`: the compiler's answer {truth} is none of the choices {choices:?}")]
    TruthNotAChoice { id: String, truth: Truth, choices: Vec<String> },
    #[error("question `{id}`: its check gives {truth}, a different kind of answer")]
    KindOfAnswer { id: String, truth: Truth },
    #[error(
        "question `{id}`: the quiz says {quiz}, the compiler says {truth}; fix the answer (and its why) in chapters/{chapter}/{QUIZ_FILE}"
    )]
    Wrong { id: String, quiz: String, truth: Truth, chapter: String },
    #[error("tests/quiz.rs checks `{id}`, which is no question of the quiz")]
    NoSuchQuestion { id: String },
}

/// For a chapter's `tests/quiz.rs`: panics, listing every problem, unless each question of
/// the chapter's quiz has exactly the answer the compiler gives.
pub fn assert_answers(chapter: &str, truths: &[(&str, Truth)]) {
    let root = listings::Workspace::this_checkout().root;
    let quiz = Quiz::of_chapter(&root, chapter).unwrap_or_else(|e| panic!("{e}"));
    if let Err(problems) = quiz.check(truths) {
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
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
        assert_eq!(
            problems,
            [
                Disagreement::Wrong {
                    id: "entries".into(),
                    quiz: "4".into(),
                    truth: Truth::Number(5),
                    chapter: "ch01".into()
                },
                Disagreement::Unchecked { id: "slot".into() },
                Disagreement::NoSuchQuestion { id: "nope".into() },
            ]
        );
        assert_eq!(
            problems[0].to_string(),
            "question `entries`: the quiz says 4, the compiler says 5; fix the answer (and its why) in chapters/ch01/quiz.toml"
        );
    }

    #[test]
    fn a_truth_of_another_kind_or_outside_the_choices_is_reported_as_such() {
        let quiz = Quiz::parse("ch01", QUIZ).unwrap();
        let problems = quiz.check(&[("entries", "four".into()), ("slot", "poll".into())]).unwrap_err();
        let choices = vec!["clone".to_owned(), "wake".into(), "drop".into()];
        assert_eq!(
            problems,
            [
                Disagreement::KindOfAnswer { id: "entries".into(), truth: Truth::Choice("four".into()) },
                Disagreement::TruthNotAChoice { id: "slot".into(), truth: Truth::Choice("poll".into()), choices },
            ]
        );
    }

    /// The quiz `QUIZ` with a third question: `lines` in its place.
    fn with_third(lines: &str) -> String {
        format!("{QUIZ}\n[[question]]\n{lines}")
    }

    #[test]
    fn a_malformed_quiz_is_refused_naming_the_line_and_what_is_wrong() {
        // QUIZ's last line is 13; the third question's header is line 15, its keys from 16.
        let refused = |text: &str| Quiz::parse("c", text).unwrap_err();
        let at = |line, problem| QuizError { line, problem };
        assert_eq!(
            refused(&with_third("id = \"a\"\nprompt = \"p\"\nchoices = [\"x\", \"y\"]\nanswer = \"z\"\nwhy = \"w\"\n")),
            at(
                19,
                QuizProblem::AnswerNotAChoice {
                    id: "a".into(),
                    answer: "z".into(),
                    choices: vec!["x".into(), "y".into()]
                }
            )
        );
        assert_eq!(
            refused(&with_third("id = \"slot\"\nprompt = \"p\"\nanswer = 1\nwhy = \"w\"\n")),
            at(16, QuizProblem::DuplicateId { id: "slot".into(), first_line: 9 })
        );
        assert_eq!(
            refused(&with_third("id = \"a\"\nprompt = \"p\"\nanswer = \"x\"\nwhy = \"w\"\n")),
            at(18, QuizProblem::NotANumber { id: "a".into(), found: "\"x\"".into() })
        );
        assert_eq!(
            refused(&with_third("id = \"a\"\nprompt = \"p\"\nchoices = [\"x\"]\nanswer = \"x\"\nwhy = \"w\"\n")),
            at(18, QuizProblem::TooFewChoices { id: "a".into() })
        );
        assert_eq!(
            refused(&with_third("id = \"A b\"\nprompt = \"p\"\nanswer = 1\nwhy = \"w\"\n")),
            at(16, QuizProblem::Id { id: "A b".into() })
        );
    }

    #[test]
    fn a_wrong_choice_can_be_explained_and_a_question_marked_for_the_workshop() {
        let text =
            format!("{QUIZ}\nworkshop = true\n[question.wrong]\n\"wake\" = \"Offset 8.\"\n\"clone\" = \"Offset 0.\"\n");
        let quiz = Quiz::parse("c", &text).unwrap();
        assert_eq!(quiz.questions[1].wrong, [(0, "Offset 0.".to_owned()), (1, "Offset 8.".to_owned())]);
        assert!(quiz.questions[1].workshop && !quiz.questions[0].workshop);
        let right_explained = format!("{QUIZ}\n[question.wrong]\n\"drop\" = \"No.\"\n");
        assert_eq!(
            Quiz::parse("c", &right_explained).unwrap_err().problem,
            QuizProblem::WrongNotAWrongChoice { id: "slot".into(), choice: "drop".into() }
        );
    }

    #[test]
    fn a_quiz_that_is_not_toml_or_not_a_quiz_names_the_line_tomls_parser_gives() {
        let unclosed = Quiz::parse("c", &with_third("id = \"a\nprompt = \"p\"\n")).unwrap_err();
        assert_eq!(unclosed.line, 16, "{unclosed}");
        assert!(matches!(unclosed.problem, QuizProblem::Toml { .. }), "{unclosed}");
        let unknown_key =
            Quiz::parse("c", &with_third("id = \"a\"\nprompt = \"p\"\nanswr = 1\nwhy = \"w\"\n")).unwrap_err();
        assert_eq!(unknown_key.line, 18, "{unknown_key}");
        assert!(unknown_key.to_string().starts_with("line 18: unknown field `answr`"), "{unknown_key}");
        let none = Quiz::parse("c", "question = []\n").unwrap_err();
        assert_eq!(none, QuizError { line: 1, problem: QuizProblem::NoQuestion });
    }
}
