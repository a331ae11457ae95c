//! The glossary page (`glossary.md`): a table whose first column names a term. A term that no
//! other page of the book uses is a leftover, and fails the build like a dead link does (the
//! links of the glossary are checked with every other link).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::links::markdown_options;

/// The page that holds the glossary, relative to the book's source folder.
pub const PAGE: &str = "glossary.md";

/// Every term of the glossary's tables, with the byte offset of its row: the text of the first
/// cell of each body row, without its code or emphasis markers.
pub fn terms(glossary: &str) -> Vec<(usize, String)> {
    let mut terms = Vec::new();
    let (mut in_head, mut cell, mut column) = (false, None::<(usize, String)>, 0);
    for (event, range) in Parser::new_ext(glossary, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => column = 0,
            Event::Start(Tag::TableCell) if !in_head && column == 0 => cell = Some((range.start, String::new())),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, content)) = cell.as_mut() {
                    content.push_str(&text);
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some((offset, term)) = cell.take() {
                    terms.push((offset, term.trim().to_owned()));
                }
                column += 1;
            }
            _ => {}
        }
    }
    terms
}

/// Whether `page` uses `term`: case aside, as a whole word, or its plural.
pub fn uses(page: &str, term: &str) -> bool {
    uses_lowercase(&page.to_lowercase(), &term.to_lowercase())
}

/// [`uses`], for a page and a term already in lower case: the book's pages are lowered once, not
/// once for each of the glossary's fifty terms.
fn uses_lowercase(page: &str, term: &str) -> bool {
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    page.match_indices(term).any(|(at, _)| {
        let before = page[..at].chars().next_back();
        let rest = &page[at + term.len()..];
        let rest = rest
            .strip_prefix("es")
            .or_else(|| rest.strip_prefix('s'))
            .filter(|r| !r.starts_with(word_char))
            .unwrap_or(rest);
        !before.is_some_and(word_char) && !rest.starts_with(word_char)
    })
}

/// What is wrong with the glossary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{PAGE} has no table of terms (| term | meaning | first explained in |)")]
    NoTable,
    #[error("the glossary's term `{term}` is used on no other page of the book")]
    UnusedTerm { term: String },
}

/// The glossary's problems with their byte offsets in the glossary: each term no page uses.
pub fn unused_terms(glossary: &str, pages: &[&str]) -> Vec<(usize, Problem)> {
    let found = terms(glossary);
    if found.is_empty() {
        return vec![(0, Problem::NoTable)];
    }
    let pages: Vec<String> = pages.iter().map(|page| page.to_lowercase()).collect();
    found
        .into_iter()
        .filter(|(_, term)| {
            let term = term.to_lowercase();
            !pages.iter().any(|page| uses_lowercase(page, &term))
        })
        .map(|(offset, term)| (offset, Problem::UnusedTerm { term }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOSSARY: &str = "# Glossary\n\n| term | meaning | first |\n|---|---|---|\n| `will_wake` | a | [b](c.md) |\n| landing pad | d | e |\n";

    #[test]
    fn terms_are_the_first_cells_of_the_body_rows_without_markup() {
        let terms: Vec<String> = terms(GLOSSARY).into_iter().map(|(_, term)| term).collect();
        assert_eq!(terms, ["will_wake", "landing pad"]);
    }

    #[test]
    fn a_term_is_used_as_a_whole_word_in_any_case_or_in_the_plural() {
        assert!(uses("Landing pads are blocks", "landing pad"));
        assert!(uses("calls `will_wake`", "will_wake"));
        assert!(uses("A tag.", "tag"));
        assert!(!uses("the stage", "tag"));
        assert!(!uses("tagged", "tag"));
    }

    #[test]
    fn an_unused_term_is_reported_at_its_row() {
        let problems = unused_terms(GLOSSARY, &["it calls will_wake"]);
        assert_eq!(problems.len(), 1);
        let (offset, message) = &problems[0];
        assert!(GLOSSARY[*offset..].starts_with("| landing pad") || GLOSSARY[*offset..].starts_with(" landing pad"));
        assert_eq!(message.to_string(), "the glossary's term `landing pad` is used on no other page of the book");
    }
}
