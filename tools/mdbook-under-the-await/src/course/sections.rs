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
//! see neither the time nor the notes; the instructor view (`course.js`) and print do.

use std::ops::Range;
use std::path::PathBuf;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::directive;
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    pub minutes: u32,
    /// Taught in the half-day workshop too.
    pub workshop: bool,
}

/// `20 min` or `20 min workshop`.
pub fn parse_time(arguments: &[String]) -> Result<Time, String> {
    let usage = "usage: {{#time N min}} or {{#time N min workshop}}";
    match arguments.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [minutes, "min", rest @ ..] if rest.is_empty() || rest == ["workshop"] => {
            let minutes: u32 = minutes.parse().map_err(|_| format!("`{minutes}` is no number of minutes; {usage}"))?;
            if minutes == 0 {
                return Err(format!("a section takes some time; {usage}"));
            }
            Ok(Time { minutes, workshop: !rest.is_empty() })
        }
        _ => Err(usage.to_owned()),
    }
}

pub fn render_time(time: &Time) -> String {
    let workshop = if time.workshop { " · in the half-day workshop" } else { "" };
    format!(
        "<p class=\"section-time\" data-minutes=\"{}\" data-workshop=\"{}\">{} min{workshop}</p>",
        time.minutes, time.workshop, time.minutes
    )
}

/// The sections of a taught page, or its problems as (byte offset, message): a section
/// without a time, or with two; a time or notes outside any section; notes never closed.
pub fn sections_of(
    page: &str,
    path: &std::path::Path,
    page_title: &str,
    chapter: &str,
) -> Result<Vec<Section>, Vec<(usize, String)>> {
    let headings = headings(page);
    let mut problems = Vec::new();
    let mut sections = Vec::new();
    let directives = directive::find(page);
    let in_range = |range: &Range<usize>, name: &str| -> Vec<(usize, Vec<String>)> {
        directives
            .iter()
            .filter(|d| d.name == name && range.contains(&d.span.start))
            .map(|d| (d.span.start, d.arguments()))
            .collect()
    };
    let first = headings.first().map_or(page.len(), |h| h.offset);
    for name in ["time", "notes"] {
        if let Some((offset, _)) = in_range(&(0..first), name).first() {
            problems.push((
                *offset,
                format!("`{{{{#{name}}}}}` before the page's first `##` heading belongs to no section"),
            ));
        }
    }
    for (index, heading) in headings.iter().enumerate() {
        let end = headings.get(index + 1).map_or(page.len(), |next| next.offset);
        let range = heading.offset..end;
        let times = in_range(&range, "time");
        let time = match times.as_slice() {
            [] => {
                problems.push((
                    heading.offset,
                    format!(
                        "section “{}” has no teaching time: add `{{{{#time N min}}}}` under its heading",
                        heading.text
                    ),
                ));
                None
            }
            [(offset, arguments)] => match parse_time(arguments) {
                Ok(time) => Some(time),
                Err(message) => {
                    problems.push((*offset, message));
                    None
                }
            },
            [_, (offset, _), ..] => {
                problems.push((*offset, format!("section “{}” has two teaching times", heading.text)));
                None
            }
        };
        let (opened, closed) = (in_range(&range, "notes"), in_range(&range, "end-notes"));
        match (opened.len(), closed.len()) {
            (0, _) => problems.push((
                heading.offset,
                format!("section “{}” has no speaker notes: add `{{{{#notes}}}}` … `{{{{#end-notes}}}}`", heading.text),
            )),
            (1, 1) if closed[0].0 > opened[0].0 => {}
            _ => problems.push((
                opened[0].0,
                format!(
                    "the speaker notes of “{}” must be one `{{{{#notes}}}}` closed by one `{{{{#end-notes}}}}`",
                    heading.text
                ),
            )),
        }
        if let Some(time) = time {
            sections.push(Section {
                page: path.to_owned(),
                page_title: page_title.to_owned(),
                chapter: chapter.to_owned(),
                heading: heading.text.clone(),
                id: heading.id.clone(),
                time,
            });
        }
    }
    if problems.is_empty() { Ok(sections) } else { Err(problems) }
}

/// A page that is not taught must not pretend to be.
pub fn untimed_page_problems(page: &str) -> Vec<(usize, String)> {
    directive::find(page)
        .into_iter()
        .filter(|d| d.name == "time")
        .map(|d| {
            (
                d.span.start,
                "only the numbered chapters of SUMMARY.md are taught: this page cannot carry a time".to_owned(),
            )
        })
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
    fn malformed_times_and_unclosed_notes_are_problems() {
        let problems = check("## A\n{{#time soon}}\n{{#notes}}\nx\n").unwrap_err();
        assert!(problems.iter().any(|(_, m)| m.starts_with("usage: {{#time N min}}")), "{problems:?}");
        assert!(problems.iter().any(|(_, m)| m.contains("closed by one")), "{problems:?}");
        assert!(parse_time(&["0".into(), "min".into()]).is_err());
    }
}
