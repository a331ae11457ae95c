//! The listing directives: a checked snapshot of compiler output, rendered with its caption.
//!
//! `{{#asm CHAPTER NAME [no-source] [part=PART] [note="LINE" "text"]…}}` shows the snapshot
//! `chapters/<chapter>/tests/snapshots/<chapter>__asm__<NAME>.snap` — the text the chapter's
//! tests compare on every run, never insta's header — as HTML of the preprocessor's own
//! (`asm_html.rs`: lines that wrap, source-line groups), with checked notes (`notes.rs`) and a
//! caption naming the function, the compiler and the flags, and a Compiler Explorer link.
//! `part=PART` shows the part of the listing that the chapter's test defines and snapshots as
//! `<NAME>@<PART>.snap`: a page names a part, never a range of lines, so that a listing that
//! grows cannot shift what the page shows.
//!
//! `{{#mir CHAPTER NAME}}`, `{{#hir CHAPTER NAME}}` and `{{#type-sizes CHAPTER NAME}}` show the
//! snapshots of the compiler's intermediate stages the same way (`part=PART` applies to them too).
//!
//! `{{#historical-asm PATH "caption"}}` shows a listing that nothing regenerates (the seed
//! note's), labelled as such.

use std::path::Path;

use listings::{Excerpt, ListingKind, Origin, StoredListing, Workspace, asm::Line, read_snapshot};

use crate::notes::{self, Note};
use crate::{asm_html, compiler_explorer};

const ASM_OPTIONS: &str = "`no-source`, `part=PART`, `note=\"LINE\" \"text\"`";

const STAGE_OPTIONS: &str = "`part=PART`";

pub fn render_asm(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let (chapter, name, stored, options) = stored_listing(ListingKind::Asm, arguments, workspace, ASM_OPTIONS)?;
    let mut lines = stored.asm_lines().map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    let mut options = options.iter();
    while let Some(option) = options.next() {
        match option.as_str() {
            "no-source" => lines.retain(|line| !matches!(line, Line::Source { .. })),
            part if part.starts_with("part=") => {}
            anchor if anchor.starts_with("note=") => {
                let Some(text) = options.next() else {
                    return Err(format!("`{anchor}` needs its text after it: note=\"LINE\" \"text\""));
                };
                notes.push(Note { anchor: anchor["note=".len()..].to_owned(), text: text.clone() });
            }
            other => return Err(format!("unknown option `{other}` of {{{{#asm}}}}; the options are {ASM_OPTIONS}")),
        }
    }
    let body = lines.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    let placed = notes::place(&notes, &body).map_err(|e| format!("{{{{#asm {} {name}}}}}: {e}", chapter.slug))?;
    let Origin::Asm { flags, .. } = &stored.provenance.origin else {
        return Err(format!("the snapshot of `{name}` in {} is not an assembly listing", chapter.slug));
    };
    let source = std::fs::read_to_string(chapter.dir.join("src/lib.rs")).map_err(|e| e.to_string())?;
    let options = flags.compiler_explorer_options(&chapter.edition().map_err(|e| e.to_string())?);
    let explorer = compiler_explorer::link(&source, stored.provenance.release(), &options);
    Ok(asm_figure(
        &format!("listing-{}-{name}", chapter.slug),
        &asm_html::render(&lines, &placed),
        &notes::markdown_list(&notes),
        &format!(
            "{} · <a class=\"compiler-explorer\" href=\"{explorer}\">Open in Compiler Explorer</a>",
            caption(&stored)
        ),
    ))
}

/// `{{#mir …}}`, `{{#hir …}}`, `{{#type-sizes …}}`.
pub fn render_stage(kind: ListingKind, arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let (chapter, name, stored, options) = stored_listing(kind, arguments, workspace, STAGE_OPTIONS)?;
    if let Some(other) = options.iter().find(|option| !option.starts_with("part=")) {
        return Err(format!("unknown option `{other}` of {{{{#{}}}}}; the options are {STAGE_OPTIONS}", kind.as_str()));
    }
    // highlight.js's Rust grammar reads MIR and HIR well enough; a layout is a plain table.
    let language = if kind == ListingKind::TypeSizes { "text" } else { "rust" };
    Ok(figure(
        kind.as_str(),
        &format!("{}-{}-{name}", kind.as_str(), chapter.slug),
        language,
        stored.body.trim_end_matches('\n'),
        &caption(&stored),
    ))
}

/// The snapshot a directive names (the part's, with `part=PART`), or an error saying which
/// listings or parts exist.
pub(crate) fn stored_listing<'a>(
    kind: ListingKind,
    arguments: &'a [String],
    workspace: &Workspace,
    options_help: &str,
) -> Result<(listings::Chapter, String, StoredListing, &'a [String]), String> {
    let [chapter, name, options @ ..] = arguments else {
        return Err(format!("usage: {{{{#{} CHAPTER LISTING [{options_help}]}}}}", kind.as_str()));
    };
    let chapter = workspace.chapter(chapter).map_err(|e| e.to_string())?;
    let part = options.iter().find_map(|option| option.strip_prefix("part="));
    let relative = |path: &Path| path.strip_prefix(&workspace.root).unwrap_or(path).display().to_string();
    let listing_path = chapter.snapshot_path(kind, name, None);
    if !listing_path.is_file() {
        let known = chapter.listing_names(kind);
        return Err(format!(
            "no {} listing `{name}` in {}{} (no file {}); its listings are: {}",
            match kind {
                ListingKind::Asm => "assembly",
                ListingKind::Mir => "MIR",
                ListingKind::Hir => "HIR",
                ListingKind::TypeSizes => "type-size",
                ListingKind::Table => "generated table",
                ListingKind::CppAsm => "C++ assembly",
                ListingKind::Picture => "picture",
            },
            chapter.slug,
            listings::closest_names(name, &known).first().map(|c| format!(" (did you mean {c}?)")).unwrap_or_default(),
            relative(&listing_path),
            if known.is_empty() { "none".to_owned() } else { known.join(", ") }
        ));
    }
    let path = chapter.snapshot_path(kind, name, part);
    if let Some(part) = part
        && !path.is_file()
    {
        let known = chapter.part_names(kind, name);
        return Err(format!(
            "no part `{part}` of the listing `{name}` in {} (no file {}); its parts are: {}",
            chapter.slug,
            relative(&path),
            if known.is_empty() {
                "none (a test defines them with listings::Part)".to_owned()
            } else {
                known.join(", ")
            }
        ));
    }
    let stored = read_snapshot(&path).map_err(|e| e.to_string())?;
    Ok((chapter, name.clone(), stored, options))
}

/// `<code>function</code> · rustc … · flags[ · lines A–B of N]`.
pub(crate) fn caption(stored: &StoredListing) -> String {
    let mut how = stored.provenance.clone();
    let excerpt = how.excerpt.take();
    let mut caption =
        format!("<code>{}</code> · {} · {}", escape(&how.subject), escape(&how.compiler), escape(&how.how()));
    if let Some(Excerpt { first, last, of }) = excerpt {
        caption.push_str(&format!(" · lines {first}–{last} of {of}"));
    }
    caption
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

/// A figure of assembly rendered by [`asm_html`]: the `<pre>` is HTML already, so it must stay
/// on one line of the page (a blank line would end mdBook's HTML block); the notes are markdown,
/// between blank lines, so that their inline code renders.
pub(crate) fn asm_figure(id: &str, code: &str, notes: &str, caption: &str) -> String {
    let notes =
        if notes.is_empty() { String::new() } else { format!("<div class=\"listing-notes\">\n\n{notes}\n</div>\n") };
    format!(
        "<figure class=\"listing listing-asm\" id=\"{id}\">\n<pre><code class=\"nohighlight listing-code asm\">{code}</code></pre>\n{notes}<figcaption>{caption}</figcaption>\n</figure>\n"
    )
}

/// A figure whose code block mdBook highlights: the fence must be markdown, so blank lines
/// separate it from the HTML around it.
pub(crate) fn figure(kind: &str, id: &str, language: &str, code: &str, caption: &str) -> String {
    format!(
        "<figure class=\"listing listing-{kind}\" id=\"{id}\">\n\n```{language}\n{code}\n```\n\n<figcaption>{caption}</figcaption>\n</figure>\n"
    )
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
