//! `{{#asm-line CHAPTER LISTING "line"}}`: one line of a checked listing, quoted in the prose.
//!
//! A sentence that explains an instruction quotes it through this directive rather than typing
//! it: the build fails, naming the page and line, when the listing no longer contains that line
//! (after a compiler bump, say), so the prose cannot go on explaining an instruction that is
//! gone. Spacing does not matter (`mov  esi, 29` and `mov esi, 29` are the same line); everything
//! else must match exactly.

use listings::ListingKind;

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::{ListingName, Snapshot, noun};

/// `{{#asm-line …}}` (`kind` [`ListingKind::Asm`]) or `{{#cpp-asm-line …}}` (a C++ listing,
/// `cpp_listing.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub kind: ListingKind,
    pub listing: ListingName,
    /// As the page writes it.
    pub line: String,
}

impl Quote {
    pub fn parse(kind: ListingKind, arguments: &Arguments<'_>) -> Result<Quote, ArgumentError> {
        let [chapter, name, line] = arguments.words.as_slice() else { return Err(ArgumentError::Usage) };
        let listing = ListingName { chapter: chapter.clone(), name: name.clone(), part: None };
        Ok(Quote { kind, listing, line: line.clone() })
    }
}

/// The listing no longer has the quoted line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {} listing `{name}` of {chapter} has no line `{line}`{}",
    noun(*kind),
    closest.as_ref().map(|line| format!("; the closest is `{line}`")).unwrap_or_default()
)]
pub struct Error {
    pub kind: ListingKind,
    pub name: String,
    pub chapter: String,
    /// Normalised.
    pub line: String,
    pub closest: Option<String>,
}

impl Render for Quote {
    /// The quoted line as inline code, if the listing has it.
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let Snapshot { chapter, name, stored } = self.listing.read(self.kind, context.workspace)?;
        let wanted = normalise(&self.line);
        let lines: Vec<String> = stored.body.lines().map(normalise).filter(|line| !line.is_empty()).collect();
        if lines.contains(&wanted) {
            return Ok(Expansion::Markdown(inline_code(&wanted)));
        }
        let closest = listings::closest_names(&wanted, &lines).into_iter().next();
        Err(Error { kind: self.kind, name, chapter: chapter.slug, line: wanted, closest }.into())
    }
}

/// A listing line as a reader writes it: the same form an experiment records its evidence in.
pub(crate) use listings::experiment::normalise;

/// `text` as a markdown code span, with a fence longer than any run of backticks inside it.
pub(crate) fn inline_code(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_is_not_part_of_a_line() {
        assert_eq!(normalise("        mov     esi, 29"), "mov esi, 29");
        assert_eq!(normalise("; src/lib.rs:95  fut.await;"), "; src/lib.rs:95 fut.await;");
    }

    #[test]
    fn a_quote_with_backticks_gets_a_longer_fence() {
        assert_eq!(inline_code("mov esi, 29"), "`mov esi, 29`");
        assert_eq!(inline_code("; `async fn`"), "`` ; `async fn` ``");
    }
}
