//! The listing directives: a checked snapshot of compiler output, rendered with its caption.
//!
//! `{{#asm CHAPTER NAME [no-source] [lines=A-B]}}` shows the snapshot
//! `chapters/<chapter>/tests/snapshots/<chapter>__asm__<NAME>.snap` — the text the chapter's
//! tests compare on every run, never insta's header — highlighted as x86 assembly, with a
//! caption naming the function, the compiler and the flags, and a Compiler Explorer link.
//!
//! `{{#mir CHAPTER NAME}}`, `{{#hir CHAPTER NAME}}` and `{{#type-sizes CHAPTER NAME}}` show the
//! snapshots of the compiler's intermediate stages the same way (`lines=A-B` applies to them too).
//!
//! `{{#historical-asm PATH "caption"}}` shows a listing that nothing regenerates (the seed
//! note's), labelled as such.

use std::path::Path;

use listings::{ListingKind, StoredListing, Workspace, asm::is_source_line, read_snapshot};

use crate::compiler_explorer;

const ASM_OPTIONS: &str = "`no-source`, `lines=A-B`";

const STAGE_OPTIONS: &str = "`lines=A-B`";

pub fn render_asm(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let (chapter, name, stored, options) = stored_listing(ListingKind::Asm, arguments, workspace, ASM_OPTIONS)?;
    let mut lines: Vec<&str> = stored.body.lines().collect();
    let mut note = String::new();
    for option in options {
        match option.as_str() {
            "no-source" => lines.retain(|line| !is_source_line(line)),
            range if range.starts_with("lines=") => note = select_lines(&mut lines, range)?,
            other => return Err(format!("unknown option `{other}` of {{{{#asm}}}}; the options are {ASM_OPTIONS}")),
        }
    }
    let source = std::fs::read_to_string(chapter.dir.join("src/lib.rs")).map_err(|e| e.to_string())?;
    let explorer = compiler_explorer::link(&source, release(&stored), &compiler_explorer::options(opt_level(&stored)));
    Ok(figure(
        "asm",
        &format!("listing-{}-{name}", chapter.slug),
        "x86asm",
        &lines.join("\n"),
        &format!(
            "{} · <a class=\"compiler-explorer\" href=\"{explorer}\">Open in Compiler Explorer</a>",
            caption(&stored, &note)
        ),
    ))
}

/// `{{#mir …}}`, `{{#hir …}}`, `{{#type-sizes …}}`.
pub fn render_stage(kind: ListingKind, arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let (chapter, name, stored, options) = stored_listing(kind, arguments, workspace, STAGE_OPTIONS)?;
    let mut lines: Vec<&str> = stored.body.lines().collect();
    let mut note = String::new();
    for option in options {
        match option.as_str() {
            range if range.starts_with("lines=") => note = select_lines(&mut lines, range)?,
            other => {
                return Err(format!(
                    "unknown option `{other}` of {{{{#{}}}}}; the options are {STAGE_OPTIONS}",
                    kind.as_str()
                ));
            }
        }
    }
    // highlight.js's Rust grammar reads MIR and HIR well enough; a layout is a plain table.
    let language = if kind == ListingKind::TypeSizes { "text" } else { "rust" };
    Ok(figure(
        kind.as_str(),
        &format!("{}-{}-{name}", kind.as_str(), chapter.slug),
        language,
        &lines.join("\n"),
        &caption(&stored, &note),
    ))
}

/// The snapshot a directive names, or an error saying which listings exist.
pub(crate) fn stored_listing<'a>(
    kind: ListingKind,
    arguments: &'a [String],
    workspace: &Workspace,
    options_help: &str,
) -> Result<(listings::Chapter, &'a str, StoredListing, &'a [String]), String> {
    let [chapter, name, options @ ..] = arguments else {
        return Err(format!("usage: {{{{#{} CHAPTER LISTING [{options_help}]}}}}", kind.as_str()));
    };
    let chapter = workspace.chapter(chapter).map_err(|e| e.to_string())?;
    let path = chapter.snapshot_path(kind, name);
    if !path.is_file() {
        let known = chapter.listing_names(kind);
        return Err(format!(
            "no {} listing `{name}` in {}{} (no file {}); its listings are: {}",
            match kind {
                ListingKind::Asm => "assembly",
                ListingKind::Mir => "MIR",
                ListingKind::Hir => "HIR",
                ListingKind::TypeSizes => "type-size",
            },
            chapter.slug,
            listings::closest_names(name, &known).first().map(|c| format!(" (did you mean {c}?)")).unwrap_or_default(),
            path.strip_prefix(&workspace.root).unwrap_or(&path).display(),
            known.join(", ")
        ));
    }
    let stored = read_snapshot(&path)?;
    Ok((chapter, name.as_str(), stored, options))
}

fn select_lines(lines: &mut Vec<&str>, option: &str) -> Result<String, String> {
    let (first, last) = parse_range(&option["lines=".len()..], lines.len())?;
    let note = format!(" · lines {first}–{last} of {}", lines.len());
    *lines = lines[first - 1..last].to_vec();
    Ok(note)
}

/// `<code>function</code> · rustc … · flags[ · lines …]`.
fn caption(stored: &StoredListing, note: &str) -> String {
    format!(
        "<code>{}</code> · {}{note}",
        escape(stored.function()),
        escape(stored.provenance.split(" · ").skip(1).collect::<Vec<_>>().join(" · ").as_str()),
    )
}

pub fn render_historical_asm(arguments: &[String], page_dir: &Path) -> Result<String, String> {
    let [path, caption] = arguments else {
        return Err("usage: {{#historical-asm PATH \"caption\"}}".to_owned());
    };
    let text = std::fs::read_to_string(page_dir.join(path)).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(figure(
        "asm historical",
        &format!("historical-{}", Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or("listing")),
        "x86asm",
        text.trim_end(),
        &format!(
            "{} · <strong>historical</strong>: printed as recorded, not regenerated by this book's tests",
            escape(caption)
        ),
    ))
}

/// A figure whose code block mdBook highlights: the fence must be markdown, so blank lines
/// separate it from the HTML around it.
fn figure(kind: &str, id: &str, language: &str, code: &str, caption: &str) -> String {
    format!(
        "<figure class=\"listing listing-{kind}\" id=\"{id}\">\n\n```{language}\n{code}\n```\n\n<figcaption>{caption}</figcaption>\n</figure>\n"
    )
}

fn parse_range(range: &str, len: usize) -> Result<(usize, usize), String> {
    let parsed = range.split_once('-').and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
    match parsed {
        Some((first, last)) if 1 <= first && first <= last && last <= len => Ok((first, last)),
        _ => Err(format!("`lines={range}` is not a range A-B within the listing's {len} lines")),
    }
}

/// `rustc 1.95.0 (59807616e 2026-04-14)` → `1.95.0`.
fn release(stored: &StoredListing) -> &str {
    stored.provenance.split(" · ").nth(1).and_then(|rustc| rustc.split_whitespace().nth(1)).unwrap_or("unknown")
}

fn opt_level(stored: &StoredListing) -> &str {
    stored.provenance.split_once("-C opt-level=").and_then(|(_, rest)| rest.split_whitespace().next()).unwrap_or("3")
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_must_lie_within_the_listing() {
        assert_eq!(parse_range("2-4", 10), Ok((2, 4)));
        assert!(parse_range("0-4", 10).is_err());
        assert!(parse_range("4-2", 10).is_err());
        assert!(parse_range("2-11", 10).unwrap_err().contains("within the listing's 10 lines"));
    }
}
