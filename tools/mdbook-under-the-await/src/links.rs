//! Internal links: every `[text](page.md#fragment)` must lead to a page of the book and to an
//! id on that page. mdBook renders a dead link without a word.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The markdown extensions mdBook 0.5 turns on, so that we parse pages as it does.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The ids a page will have once rendered: one per heading, as mdBook derives them
/// (`mdbook-html`'s `id_from_content` and `unique_id`), plus any `id="…"` written in HTML.
pub fn ids(page: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut heading: Option<(Option<String>, String)> = None;
    for event in Parser::new_ext(page, markdown_options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => heading = Some((id.map(|id| id.to_string()), String::new())),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, content)) = heading.as_mut() {
                    content.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => match heading.take() {
                Some((Some(explicit), _)) => {
                    ids.insert(explicit);
                }
                Some((None, content)) => {
                    ids.insert(unique_id(&id_from_content(&content), &ids));
                }
                None => {}
            },
            Event::Html(html) | Event::InlineHtml(html) => ids.extend(html_ids(&html)),
            _ => {}
        }
    }
    ids
}

/// mdBook's rule: lower case; letters, digits, `_` and `-` kept; white space becomes `-`.
pub fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

fn unique_id(id: &str, used: &HashSet<String>) -> String {
    if !used.contains(id) {
        return id.to_owned();
    }
    (1..).map(|n| format!("{id}-{n}")).find(|candidate| !used.contains(candidate)).unwrap()
}

fn html_ids(html: &str) -> Vec<String> {
    html.split("id=\"").skip(1).filter_map(|rest| rest.split_once('"').map(|(id, _)| id.to_owned())).collect()
}

/// A link of a page, with its byte offset for the error message.
pub struct Link {
    pub destination: String,
    pub offset: usize,
}

pub fn links(page: &str) -> Vec<Link> {
    Parser::new_ext(page, markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                Some(Link { destination: dest_url.to_string(), offset: range.start })
            }
            _ => None,
        })
        .collect()
}

/// A link that leads nowhere: mdBook renders it without a word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokenLink {
    #[error("link to `{destination}`: there is no page {} in the book", target.display())]
    NoPage { destination: String, target: PathBuf },
    #[error(
        "link to `{destination}`: {} has no heading or element with id `{fragment}`; its ids: {}",
        target.display(),
        known.join(", ")
    )]
    NoId { destination: String, target: PathBuf, fragment: String, known: Vec<String> },
}

/// Checks one link of the page at `page_path` (relative to the book's source folder) against
/// the ids of every page. External links are not followed: this machine cannot reach them.
pub fn check(
    destination: &str,
    page_path: &Path,
    pages: &HashMap<PathBuf, HashSet<String>>,
    src: &Path,
) -> Result<(), BrokenLink> {
    if destination.contains("://") || destination.starts_with("mailto:") {
        return Ok(());
    }
    let (path, fragment) = destination.split_once('#').unwrap_or((destination, ""));
    let target = if path.is_empty() {
        page_path.to_owned()
    } else {
        let joined = normalise(&page_path.parent().unwrap_or(Path::new("")).join(path));
        match joined.extension().and_then(|e| e.to_str()) {
            Some("html") => joined.with_extension("md"),
            _ => joined,
        }
    };
    let Some(ids) = pages.get(&target) else {
        if target.extension().is_some_and(|e| e == "md") || !src.join(&target).exists() {
            return Err(BrokenLink::NoPage { destination: destination.to_owned(), target });
        }
        return Ok(());
    };
    if !fragment.is_empty() && !ids.contains(fragment) {
        let mut known: Vec<String> = ids.iter().cloned().collect();
        known.sort();
        return Err(BrokenLink::NoId {
            destination: destination.to_owned(),
            target,
            fragment: fragment.to_owned(),
            known,
        });
    }
    Ok(())
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_follow_mdbooks_rule() {
        let ids = ids(
            "# The experiment\n## `DummyFuture::poll`: two bytes\n## Then and now\n## Then and now\n### Custom {#mine}\n",
        );
        for id in ["the-experiment", "dummyfuturepoll-two-bytes", "then-and-now", "then-and-now-1", "mine"] {
            assert!(ids.contains(id), "{id} not in {ids:?}");
        }
    }

    #[test]
    fn links_to_missing_pages_or_fragments_are_refused_and_others_pass() {
        let pages: HashMap<PathBuf, HashSet<String>> = [
            (PathBuf::from("a.md"), ids("# A\n## Wakers\n")),
            (PathBuf::from("b.md"), ids("# B\n<figure id=\"listing-x\">\n")),
        ]
        .into();
        let here = Path::new("a.md");
        let src = Path::new("/nonexistent");
        assert_eq!(check("b.md", here, &pages, src), Ok(()));
        assert_eq!(check("b.md#listing-x", here, &pages, src), Ok(()));
        assert_eq!(check("#wakers", here, &pages, src), Ok(()));
        assert_eq!(check("https://example.com/x.md#y", here, &pages, src), Ok(()));
        assert_eq!(
            check("c.md", here, &pages, src),
            Err(BrokenLink::NoPage { destination: "c.md".into(), target: "c.md".into() })
        );
        assert!(
            check("b.md#nope", here, &pages, src)
                .unwrap_err()
                .to_string()
                .contains("b.md has no heading or element with id `nope`")
        );
    }
}
