//! `{{#asm-line CHAPTER LISTING "line"}}`: one line of a checked listing, quoted in the prose.
//!
//! A sentence that explains an instruction quotes it through this directive rather than typing
//! it: the build fails, naming the page and line, when the listing no longer contains that line
//! (after a compiler bump, say), so the prose cannot go on explaining an instruction that is
//! gone. Spacing does not matter (`mov  esi, 29` and `mov esi, 29` are the same line); everything
//! else must match exactly.

use listings::{ListingKind, Workspace};

use crate::listing::stored_listing;

/// The quoted line as inline code, if the listing has it.
pub fn render_asm_line(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    render_line(ListingKind::Asm, arguments, workspace)
}

/// `{{#cpp-asm-line CHAPTER LISTING "line"}}`: the same for a C++ listing (`cpp_listing.rs`).
pub fn render_cpp_asm_line(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    render_line(ListingKind::CppAsm, arguments, workspace)
}

fn render_line(kind: ListingKind, arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let usage = format!("usage: {{{{#{}-line CHAPTER LISTING \"line as the listing shows it\"}}}}", kind.as_str());
    let [_, _, quoted] = arguments else { return Err(usage) };
    let (chapter, name, stored, _) = stored_listing(kind, &arguments[..2], workspace, "")?;
    let wanted = normalise(quoted);
    let lines: Vec<String> = stored.body.lines().map(normalise).filter(|line| !line.is_empty()).collect();
    if lines.contains(&wanted) {
        return Ok(inline_code(&wanted));
    }
    let closest = listings::closest_names(&wanted, &lines);
    Err(format!(
        "the {} listing `{name}` of {} has no line `{wanted}`{}",
        if kind == ListingKind::CppAsm { "C++ assembly" } else { "assembly" },
        chapter.slug,
        closest.first().map(|line| format!("; the closest is `{line}`")).unwrap_or_default()
    ))
}

/// A listing line as a reader writes it: runs of spaces and tabs become one space, leading and
/// trailing ones go.
pub(crate) fn normalise(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` as a markdown code span, with a fence longer than any run of backticks inside it.
fn inline_code(text: &str) -> String {
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
