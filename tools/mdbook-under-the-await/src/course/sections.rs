//! Sections of a taught page: each `##` heading carries a teaching time and speaker notes.
//!
//! ```markdown
//! ## The state machine
//!
//! {{#time 20 min workshop}}
//!
//! {{#notes}}
//! - What to draw, what to ask, what students get wrong.
//! {{#end-notes}}
//! ```
//!
//! `workshop` puts the section in the half-day workshop as well as the two-day course. Readers
//! see neither the time nor the notes; the instructor view (`course.js`), the projector view's
//! notes window and the trainer's print do.

use std::ops::Range;
use std::path::PathBuf;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::directive::{self, ArgumentError, Arguments};
use crate::links::{id_from_content, markdown_options};

pub const NOTES_START: &str = "<aside class=\"speaker-notes\" aria-label=\"Speaker notes\">\n<p class=\"speaker-notes-title\">Speaker notes</p>\n\n";
pub const NOTES_END: &str = "\n\n</aside>";

/// One `##` section of a taught page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The page, relative to the book's source folder: `ch01-the-experiment.md`.
    pub page: PathBuf,
    /// The page's title, as the summary names it.
    pub page_title: String,
    /// The top-level chapter the page belongs to (itself, or its parent for a sub-page).
    pub chapter: String,
    /// The heading as written, markdown included: ``How `Poll<T>` comes back``.
    pub heading: String,
    /// The heading's id, as mdBook derives it.
    pub id: String,
    pub time: Time,
    /// The section shows a compiler listing (`{{#asm}}`, `{{#mir}}` … `{{#asm-line}}`).
    pub shows_a_listing: bool,
    /// The section is an exercise (`{{#exercise}}`).
    pub exercise: bool,
    /// The chapter whose quiz the section holds (`{{#quiz CHAPTER}}`).
    pub quiz: Option<String>,
}

/// A directive that shows compiler output: an assembly listing or a line of one, a stage's
/// listing, the historical listing.
fn shows_a_listing(name: &str) -> bool {
    matches!(name, "asm" | "asm-line" | "cpp-asm" | "cpp-asm-line" | "historical-asm")
        || listings::STAGES.iter().any(|row| row.name == name && row.directive().is_some())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    pub minutes: u32,
    /// Taught in the half-day workshop too.
    pub workshop: bool,
}

impl Time {
    /// `{{#time 20 min}}` or `{{#time 20 min workshop}}`.
    pub fn parse(arguments: &Arguments<'_>) -> Result<Time, ArgumentError> {
        let (minutes, workshop) = match arguments.strs().as_slice() {
            [minutes, "min"] => (minutes.to_string(), false),
            [minutes, "min", "workshop"] => (minutes.to_string(), true),
            _ => return Err(ArgumentError::Usage),
        };
        match minutes.parse() {
            Ok(0) | Err(_) => {
                Err(ArgumentError::Invalid { argument: minutes, expected: "a number of minutes above zero" })
            }
            Ok(minutes) => Ok(Time { minutes, workshop }),
        }
    }
}

pub fn render_time(time: &Time) -> String {
    let workshop = if time.workshop { " · in the half-day workshop" } else { "" };
    format!(
        "<p class=\"section-time\" data-minutes=\"{}\" data-workshop=\"{}\">{} min{workshop}</p>",
        time.minutes, time.workshop, time.minutes
    )
}

/// What is wrong with the sections of a page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SectionProblem {
    /// `directive` is `time` or `notes`.
    #[error("`{{{{#{directive}}}}}` before the page's first `##` heading belongs to no section")]
    BeforeFirstHeading { directive: &'static str },
    #[error("section “{heading}” has no teaching time: add `{{{{#time N min}}}}` under its heading")]
    NoTime { heading: String },
    #[error("section “{heading}” has two teaching times")]
    TwoTimes { heading: String },
    #[error("section “{heading}” has no speaker notes: add `{{{{#notes}}}}` … `{{{{#end-notes}}}}`")]
    NoNotes { heading: String },
    #[error("the speaker notes of “{heading}” must be one `{{{{#notes}}}}` closed by one `{{{{#end-notes}}}}`")]
    UnbalancedNotes { heading: String },
    #[error("only the numbered chapters of SUMMARY.md are taught: this page cannot carry a time")]
    TimeOnUntaughtPage,
}

/// The sections of a taught page, or its problems as (byte offset, problem): a section
/// without a time, or with two; a time or notes outside any section; notes never closed.
///
/// A time that does not parse is the expansion's to report (the directive's own error, once):
/// its section is left out here, without a problem of its own.
pub fn sections_of(
    page: &str,
    path: &std::path::Path,
    page_title: &str,
    chapter: &str,
) -> Result<Vec<Section>, Vec<(usize, SectionProblem)>> {
    let headings = headings(page);
    let mut problems = Vec::new();
    let mut sections = Vec::new();
    let directives = directive::find(page);
    let in_range = |range: &Range<usize>, name: &str| -> Vec<&directive::Found<'_>> {
        directives.iter().filter(|d| d.name == name && range.contains(&d.span.start)).collect()
    };
    let first = headings.first().map_or(page.len(), |h| h.offset);
    for directive in ["time", "notes"] {
        if let Some(found) = in_range(&(0..first), directive).first() {
            problems.push((found.span.start, SectionProblem::BeforeFirstHeading { directive }));
        }
    }
    for (index, heading) in headings.iter().enumerate() {
        let end = headings.get(index + 1).map_or(page.len(), |next| next.offset);
        let range = heading.offset..end;
        let heading_text = || heading.text.clone();
        let time = match in_range(&range, "time").as_slice() {
            [] => {
                problems.push((heading.offset, SectionProblem::NoTime { heading: heading_text() }));
                None
            }
            [time] => Time::parse(&time.arguments).ok(),
            [_, second, ..] => {
                problems.push((second.span.start, SectionProblem::TwoTimes { heading: heading_text() }));
                None
            }
        };
        let (opened, closed) = (in_range(&range, "notes"), in_range(&range, "end-notes"));
        match (opened.as_slice(), closed.as_slice()) {
            ([], _) => problems.push((heading.offset, SectionProblem::NoNotes { heading: heading_text() })),
            ([open], [close]) if close.span.start > open.span.start => {}
            ([open, ..], _) => {
                problems.push((open.span.start, SectionProblem::UnbalancedNotes { heading: heading_text() }))
            }
        }
        if let Some(time) = time {
            sections.push(Section {
                page: path.to_owned(),
                page_title: page_title.to_owned(),
                chapter: chapter.to_owned(),
                heading: heading.text.clone(),
                id: heading.id.clone(),
                time,
                shows_a_listing: directives.iter().any(|d| range.contains(&d.span.start) && shows_a_listing(d.name)),
                exercise: !in_range(&range, "exercise").is_empty(),
                quiz: in_range(&range, "quiz").first().and_then(|d| d.arguments.strs().first().map(|c| c.to_string())),
            });
        }
    }
    if problems.is_empty() { Ok(sections) } else { Err(problems) }
}

/// A page that is not taught must not pretend to be.
pub fn untimed_page_problems(page: &str) -> Vec<(usize, SectionProblem)> {
    directive::find(page)
        .into_iter()
        .filter(|d| d.name == "time")
        .map(|d| (d.span.start, SectionProblem::TimeOnUntaughtPage))
        .collect()
}

struct Heading {
    offset: usize,
    /// As written, without the `##`.
    text: String,
    id: String,
}

/// The `##` headings with their offsets and mdBook ids (explicit `{#id}` kept).
fn headings(page: &str) -> Vec<Heading> {
    let mut found = Vec::new();
    let mut written = Vec::new();
    let mut current: Option<(usize, Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(page, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, id, .. }) => {
                current = Some((range.start, id.map(|id| id.to_string()), String::new()));
                written.push(page[range].trim().trim_start_matches('#').trim().to_owned());
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, content)) = current.as_mut() {
                    content.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Some((offset, explicit, content)) = current.take() {
                    let id = explicit.unwrap_or_else(|| id_from_content(&content));
                    let text = written.pop().unwrap_or(content);
                    let text = text.split(" {#").next().unwrap_or_default().to_owned();
                    found.push(Heading { offset, text, id });
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn check(page: &str) -> Result<Vec<Section>, Vec<(usize, String)>> {
        sections_of(page, Path::new("p.md"), "P", "P")
            .map_err(|problems| problems.into_iter().map(|(offset, problem)| (offset, problem.to_string())).collect())
    }

    #[test]
    fn every_section_carries_its_time_and_notes() {
        let page = "# P\n\nIntro.\n\n## One\n\n{{#time 20 min workshop}}\n\n{{#notes}}\n- a\n{{#end-notes}}\n\n\
                    ## Two `code`\n{{#time 5 min}}\n{{#notes}}\nb\n{{#end-notes}}\n";
        let sections = check(page).unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!((sections[0].heading.as_str(), sections[0].time), ("One", Time { minutes: 20, workshop: true }));
        assert_eq!((sections[1].id.as_str(), sections[1].time.workshop), ("two-code", false));
        assert_eq!(sections[1].heading, "Two `code`");
    }

    #[test]
    fn a_section_without_time_or_notes_is_a_problem_at_its_heading() {
        let page = "# P\n\n## One\n\nText.\n\n## Two\n{{#time 5 min}}\n{{#notes}}\nb\n{{#end-notes}}\n";
        let problems = check(page).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, page.find("## One").unwrap());
        assert!(problems[0].1.contains("section “One” has no teaching time"), "{}", problems[0].1);
        assert!(problems[1].1.contains("has no speaker notes"), "{}", problems[1].1);
    }

    #[test]
    fn unclosed_notes_are_a_problem_and_a_malformed_time_is_left_to_its_directive() {
        let problems = check("## A\n{{#time soon}}\n{{#notes}}\nx\n").unwrap_err();
        assert_eq!(
            problems,
            [(20, "the speaker notes of “A” must be one `{{#notes}}` closed by one `{{#end-notes}}`".to_owned())]
        );
    }

    #[test]
    fn a_time_is_minutes_above_zero_and_perhaps_workshop() {
        let parse = |raw: &str| Time::parse(&Arguments::split(raw));
        assert_eq!(parse("20 min workshop"), Ok(Time { minutes: 20, workshop: true }));
        assert_eq!(parse("5 min"), Ok(Time { minutes: 5, workshop: false }));
        assert_eq!(parse("soon"), Err(ArgumentError::Usage));
        assert_eq!(parse("5 min lecture"), Err(ArgumentError::Usage));
        for minutes in ["0", "-3", "ten"] {
            assert_eq!(
                parse(&format!("{minutes} min")),
                Err(ArgumentError::Invalid { argument: minutes.into(), expected: "a number of minutes above zero" })
            );
        }
    }
}
