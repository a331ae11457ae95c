//! `{{#quiz CHAPTER}}`: the chapter's `quiz.toml` as questions a reader answers in the page.
//!
//! The page needs no server: each question carries its answer (`data-answer`, and rendered in
//! `.quiz-answer-text`), its explanation, and for a wrong choice that has one, why it is wrong
//! (`.quiz-wrong-why`); `book/theme/course.js` compares and shows them. A question the half-day
//! workshop asks says so, as a section's time does. In print, the check buttons disappear and
//! the answers are printed after the questions.

use std::fmt::Write as _;
use std::path::Path;

use course::quiz::{Answer, Quiz};

use super::Error;
use super::markdown::{escape, to_html};

pub fn render(root: &Path, chapter: &str) -> Result<String, Error> {
    let quiz = Quiz::of_chapter(root, chapter)?;
    let rustc = listings::pinned_release();
    let mut questions = String::new();
    let mut answers = String::new();
    for question in &quiz.questions {
        let id = format!("quiz-{chapter}-{}", question.id);
        let why = to_html(&question.why, false)?;
        let mut wrong_whys = String::new();
        for (index, text) in &question.wrong {
            let _ = write!(
                wrong_whys,
                "<div class=\"quiz-wrong-why\" data-choice=\"{index}\" hidden>{}</div>",
                to_html(text, false)?
            );
        }
        let workshop = match question.workshop {
            true => "<p class=\"quiz-workshop\">In the half-day workshop</p>",
            false => "",
        };
        let (kind, form) = match &question.answer {
            Answer::Number(_) => (
                "number",
                format!(
                    "<input class=\"quiz-number\" type=\"number\" inputmode=\"numeric\" step=\"1\" name=\"{id}\" aria-label=\"Your answer\">"
                ),
            ),
            Answer::Choice { choices, .. } => {
                let mut list = String::from("<ul class=\"quiz-choices\">");
                for (index, choice) in choices.iter().enumerate() {
                    let _ = write!(
                        list,
                        "<li><label><input type=\"radio\" name=\"{id}\" value=\"{}\" data-choice=\"{index}\"> \
                         <span class=\"quiz-choice-text\">{}</span></label></li>",
                        escape(choice),
                        to_html(choice, true)?
                    );
                }
                list.push_str("</ul>");
                ("choice", list)
            }
        };
        let _ = write!(
            questions,
            "<li class=\"quiz-question\" id=\"{id}\" data-kind=\"{kind}\" data-answer=\"{answer}\">\
             {workshop}<div class=\"quiz-prompt\">{prompt}</div>\
             <form class=\"quiz-form\">{form}<button type=\"submit\" class=\"quiz-check\">Check</button></form>\
             <span class=\"quiz-answer-text\" hidden>{answer_html}</span>\
             <div class=\"quiz-feedback\" role=\"status\" hidden></div>\
             {wrong_whys}<div class=\"quiz-why\" hidden>{why}</div></li>",
            answer = escape(&question.answer.text()),
            answer_html = to_html(&question.answer.text(), true)?,
            prompt = to_html(&question.prompt, false)?,
        );
        let _ = write!(answers, "<li><strong>{}</strong> {why}</li>", to_html(&question.answer.text(), true)?);
    }
    // No blank line anywhere: it would end mdBook's HTML block and let markdown in.
    let (questions, answers) = (questions.replace("\n\n", "\n"), answers.replace("\n\n", "\n"));
    Ok(format!(
        "<section class=\"quiz\" id=\"quiz-{chapter}\" data-rustc=\"{rustc}\">\
         <p class=\"quiz-intro\">Answer, then press <em>Check</em>: each answer is what rustc {rustc} says, \
         checked against this chapter's listings and measurements by the book's tests.</p>\
         <ol class=\"quiz-questions\">{questions}</ol>\
         <div class=\"quiz-answers\"><p>Answers</p><ol>{answers}</ol></div></section>\n"
    ))
}
