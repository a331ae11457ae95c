//! Asides: what serves the curious or the expert, stepped aside from a chapter's main line.
//!
//! ```text
//! {{#aside "Deeper: why the vtable is reached through the GOT"}}
//!
//! …markdown, listings, directives…
//!
//! {{#end-aside}}
//! ```
//!
//! On the page an aside is a `<details>` element, collapsed to its one-line summary, so that a
//! reader who skips it knows what they skip; the theme (`book/theme/asides.js`) opens every
//! aside in `print.html` and when printing, and opens the one a search hit or a link lands in.
//! Its body is markdown between blank lines, so mdBook renders it and its search indexes it.
//!
//! The summary starts with its [`Kind`], which the page shows as a label. Asides do not nest,
//! each one is closed on the page that opens it, and each directive stands on a line of its own
//! (inside a paragraph, the `<details>` would not be an HTML block): [`problems`] says where a
//! page breaks one of these rules.

use std::fmt;

use crate::course::markdown;
use crate::directive::{self, ArgumentError, Arguments, Context, Expansion, Render, RenderError};

/// What an aside holds, written first in its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// More depth than the main line needs.
    Deeper,
    /// How it came to be: releases, PRs, issues.
    History,
    /// How the book's listings are made and read.
    Tooling,
    /// Anything else that can be skipped.
    Aside,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Deeper, Kind::History, Kind::Tooling, Kind::Aside];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Deeper => "Deeper",
            Kind::History => "History",
            Kind::Tooling => "Tooling",
            Kind::Aside => "Aside",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Kind::Deeper => "aside-deeper",
            Kind::History => "aside-history",
            Kind::Tooling => "aside-tooling",
            Kind::Aside => "aside-other",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

const EXPECTED: &str = "one quoted summary that starts with `Deeper:`, `History:`, `Tooling:` or `Aside:` and says \
                        what the aside holds";

/// `{{#aside "Kind: summary"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aside {
    pub kind: Kind,
    /// After the kind and its colon, trimmed; inline markdown.
    pub summary: String,
}

impl Aside {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Aside, ArgumentError> {
        let invalid = || ArgumentError::Invalid { argument: arguments.raw.to_owned(), expected: EXPECTED };
        let [written] = arguments.words.as_slice() else { return Err(invalid()) };
        let (kind, summary) = written.split_once(':').ok_or_else(invalid)?;
        let kind = Kind::ALL.into_iter().find(|k| k.label() == kind.trim()).ok_or_else(invalid)?;
        let summary = summary.trim();
        if summary.is_empty() {
            return Err(invalid());
        }
        Ok(Aside { kind, summary: summary.to_owned() })
    }
}

impl Aside {
    /// The `<details>` element's start, up to the blank line after which its body is markdown.
    fn opening(&self) -> Result<String, crate::course::Error> {
        let summary = markdown::to_html(&self.summary, true)?;
        Ok(format!(
            "<details class=\"aside {}\">\n<summary><span class=\"aside-kind\">{}</span> {summary}</summary>\n\n",
            self.kind.class(),
            self.kind.label(),
        ))
    }
}

impl Render for Aside {
    fn render(&self, _: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(self.opening()?))
    }
}

/// `{{#end-aside}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndAside;

impl EndAside {
    pub fn parse(arguments: &Arguments<'_>) -> Result<EndAside, ArgumentError> {
        if arguments.words.is_empty() { Ok(EndAside) } else { Err(ArgumentError::Usage) }
    }
}

impl Render for EndAside {
    fn render(&self, _: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown("\n\n</details>\n".to_owned()))
    }
}

/// How a page misuses asides.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("an aside opened inside another (opened on line {outer}); asides do not nest: close the first one")]
    Nested { outer: usize },
    #[error("`{{{{#end-aside}}}}` closes no aside: no `{{{{#aside \"…\"}}}}` is open here")]
    EndWithoutAside,
    #[error("this aside is never closed: end it with `{{{{#end-aside}}}}` on a line of its own")]
    Unclosed,
    #[error(
        "`{{{{#{name}}}}}` shares its line with other text; it must stand on a line of its own, with blank lines around the aside's body"
    )]
    NotOnItsOwnLine { name: &'static str },
}

/// Where a page breaks the rules of asides, as (byte offset, problem).
pub fn problems(page: &str) -> Vec<(usize, Problem)> {
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    for directive in directive::find(page) {
        let name = match directive.name {
            "aside" => "aside",
            "end-aside" => "end-aside",
            _ => continue,
        };
        let start = directive.span.start;
        if !alone_on_its_line(page, directive.span.clone()) {
            found.push((start, Problem::NotOnItsOwnLine { name }));
        }
        match (name, open) {
            ("aside", Some(outer)) => {
                found.push((start, Problem::Nested { outer: crate::diagnostic::line_of(page, outer) }))
            }
            ("aside", None) => open = Some(start),
            (_, Some(_)) => open = None,
            (_, None) => found.push((start, Problem::EndWithoutAside)),
        }
    }
    if let Some(start) = open {
        found.push((start, Problem::Unclosed));
    }
    found
}

fn alone_on_its_line(page: &str, span: std::ops::Range<usize>) -> bool {
    let line_start = page[..span.start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = page[span.end..].find('\n').map_or(page.len(), |at| span.end + at);
    page[line_start..span.start].trim().is_empty() && page[span.end..line_end].trim().is_empty()
}

/// A page with its asides' bodies taken out (the directives included): the main line.
pub fn main_line(page: &str) -> String {
    directive::without_regions(page, "aside", "end-aside")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Aside, ArgumentError> {
        Aside::parse(&Arguments::split(raw))
    }

    #[test]
    fn a_summary_starts_with_its_kind() {
        assert_eq!(
            parse("\"Deeper: why the vtable is reached through the GOT\""),
            Ok(Aside { kind: Kind::Deeper, summary: "why the vtable is reached through the GOT".into() })
        );
        assert_eq!(parse("\"History: five PRs\"").unwrap().kind, Kind::History);
        for bad in ["", "\"why the GOT\"", "\"Deep: why\"", "\"Deeper:   \"", "Deeper: two words"] {
            assert!(
                matches!(parse(bad), Err(ArgumentError::Invalid { expected: EXPECTED, .. })),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn an_aside_is_a_details_element_whose_body_stays_markdown() {
        let aside = parse("\"Tooling: how `CopyProp` shows\"").unwrap();
        assert_eq!(
            aside.opening().unwrap(),
            "<details class=\"aside aside-tooling\">\n<summary><span class=\"aside-kind\">Tooling</span> how \
             <code>CopyProp</code> shows</summary>\n\n"
        );
    }

    #[test]
    fn asides_that_nest_or_are_left_open_or_share_a_line_are_problems() {
        let page = "A\n\n{{#aside \"Deeper: x\"}}\n\nB\n\n{{#aside \"Deeper: y\"}}\n\n{{#end-aside}}\n\n{{#end-aside}}\n\
                    text {{#aside \"History: z\"}}\n";
        let found: Vec<Problem> = problems(page).into_iter().map(|(_, problem)| problem).collect();
        assert_eq!(
            found,
            vec![
                Problem::Nested { outer: 3 },
                Problem::EndWithoutAside,
                Problem::NotOnItsOwnLine { name: "aside" },
                Problem::Unclosed
            ]
        );
        assert!(problems("{{#aside \"Aside: a\"}}\n\nbody\n\n{{#end-aside}}\n").is_empty());
    }

    #[test]
    fn the_main_line_is_the_page_without_its_asides() {
        let page = "One.\n\n{{#aside \"Deeper: x\"}}\n\nHidden.\n\n{{#end-aside}}\n\nTwo.\n";
        assert_eq!(main_line(page), "One.\n\n\n\nTwo.\n");
    }
}
