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
//!
//! Every directive that names a snapshot reads its `CHAPTER LISTING [options]` with
//! [`ListingArguments::parse`] and finds the file with [`ListingName::read`], which says which
//! listings or parts exist when it is not there.

use std::path::Path;

use listings::lowering::Book;
use listings::{Excerpt, ListingKind, Origin, StoredListing, Workspace, asm::Line, read_snapshot};

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError, boxed};
use crate::notes::{self, Note};
use crate::picture::TypeSizes;
use crate::{asm_html, compiler_explorer};

/// `CHAPTER LISTING`, and the part of it a page shows: the name of one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingName {
    /// As the page writes it: a slug, a crate name or a number prefix (`ch01`).
    pub chapter: String,
    pub name: String,
    pub part: Option<String>,
}

/// The options a listing directive takes after `CHAPTER LISTING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Options {
    None,
    /// `part=PART`.
    Part,
    /// `no-source`, `part=PART` and `note="LINE" "text"`.
    Asm,
}

impl Options {
    /// As the message for an unknown option lists them; empty for none.
    fn help(self) -> &'static str {
        match self {
            Options::None => "",
            Options::Part => "`part=PART`",
            Options::Asm => "`no-source`, `part=PART`, `note=\"LINE\" \"text\"`",
        }
    }
}

/// `CHAPTER LISTING [options]`, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingArguments {
    pub listing: ListingName,
    pub no_source: bool,
    pub notes: Vec<Note>,
}

impl ListingArguments {
    pub fn parse(arguments: &[String], options: Options) -> Result<ListingArguments, ArgumentError> {
        let [chapter, name, rest @ ..] = arguments else { return Err(ArgumentError::Usage) };
        let mut parsed = ListingArguments {
            listing: ListingName { chapter: chapter.clone(), name: name.clone(), part: None },
            no_source: false,
            notes: Vec::new(),
        };
        let unknown =
            |option: &str| ArgumentError::UnknownOption { option: option.to_owned(), options: options.help() };
        let mut rest = rest.iter();
        while let Some(option) = rest.next() {
            if let Some(part) = option.strip_prefix("part=")
                && options != Options::None
            {
                if parsed.listing.part.replace(part.to_owned()).is_some() {
                    return Err(ArgumentError::Repeated { option: "part=".to_owned() });
                }
            } else if option == "no-source" && options == Options::Asm {
                parsed.no_source = true;
            } else if let Some(anchor) = option.strip_prefix("note=")
                && options == Options::Asm
            {
                let Some(text) = rest.next() else {
                    return Err(ArgumentError::NoteWithoutText { option: option.clone() });
                };
                parsed.notes.push(Note { anchor: anchor.to_owned(), text: text.clone() });
            } else {
                return Err(unknown(option));
            }
        }
        Ok(parsed)
    }
}

/// A snapshot a directive names, read.
pub struct Snapshot {
    /// The chapter crate it belongs to (not mdBook's page).
    pub chapter: listings::Chapter,
    pub name: String,
    pub stored: StoredListing,
}

impl ListingName {
    /// The snapshot of this listing (or of its part), or an error saying which listings or parts
    /// exist.
    pub fn read(&self, kind: ListingKind, workspace: &Workspace) -> Result<Snapshot, Error> {
        let chapter = workspace.chapter(&self.chapter)?;
        let relative = |path: &Path| path.strip_prefix(&workspace.root).unwrap_or(path).display().to_string();
        let name = &self.name;
        let listing_path = chapter.snapshot_path(kind, name, None);
        if !listing_path.is_file() {
            let known = chapter.listing_names(kind);
            return Err(Error::NoListing {
                kind,
                closest: listings::closest_names(name, &known).into_iter().next(),
                name: name.clone(),
                chapter: chapter.slug,
                file: relative(&listing_path),
                known,
            });
        }
        let path = chapter.snapshot_path(kind, name, self.part.as_deref());
        if let Some(part) = &self.part
            && !path.is_file()
        {
            return Err(Error::NoPart {
                part: part.clone(),
                name: name.clone(),
                file: relative(&path),
                known: chapter.part_names(kind, name),
                chapter: chapter.slug,
            });
        }
        let stored = read_snapshot(&path).map_err(|e| Error::Unreadable(Box::new(e)))?;
        Ok(Snapshot { chapter, name: name.clone(), stored })
    }
}

/// What a reader calls a listing of this kind.
pub fn noun(kind: ListingKind) -> &'static str {
    match kind {
        ListingKind::Asm => "assembly",
        ListingKind::Stage(stage) => stage.row().shown_by().noun,
        ListingKind::Table => "generated table",
        ListingKind::CppAsm => "C++ assembly",
        ListingKind::Picture => "picture",
        ListingKind::Experiment => "experiment",
        ListingKind::Session => "session",
    }
}

/// highlight.js's language for a listing of this kind: a stage's row says its own.
fn language(kind: ListingKind) -> &'static str {
    match kind {
        ListingKind::Stage(stage) => stage.row().shown_by().language,
        ListingKind::Asm | ListingKind::CppAsm => "x86asm",
        ListingKind::Table | ListingKind::Picture | ListingKind::Experiment | ListingKind::Session => "text",
    }
}

/// Why a listing cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chapter(#[from] listings::Error),
    #[error(
        "no {} listing `{name}` in {chapter}{} (no file {file}); its listings are: {}",
        noun(*kind),
        closest.as_ref().map(|c| format!(" (did you mean {c}?)")).unwrap_or_default(),
        if known.is_empty() { "none".to_owned() } else { known.join(", ") }
    )]
    NoListing {
        kind: ListingKind,
        name: String,
        chapter: String,
        closest: Option<String>,
        file: String,
        known: Vec<String>,
    },
    #[error(
        "no part `{part}` of the listing `{name}` in {chapter} (no file {file}); its parts are: {}",
        if known.is_empty() { "none (a test defines them with listings::Part)".to_owned() } else { known.join(", ") }
    )]
    NoPart { part: String, name: String, chapter: String, file: String, known: Vec<String> },
    /// The snapshot cannot be read back (the error names the file and line).
    #[error(transparent)]
    Unreadable(Box<listings::Error>),
    #[error("the snapshot of `{name}` in {chapter} is not {expected}")]
    WrongKind { name: String, chapter: String, expected: &'static str },
    #[error("cannot read {file}: {reason}")]
    Read { file: String, reason: String },
    #[error("{{{{#asm {chapter} {name}}}}}: {error}")]
    Note { chapter: String, name: String, error: notes::Error },
    #[error("the snapshot of C++ listing `{name}` names no .cpp source in its header")]
    NoCppSource { name: String },
}

impl Error {
    /// A file of the checkout that could not be read, named from the checkout's root.
    pub fn read(file: &Path, workspace: &Workspace, error: &std::io::Error) -> Error {
        Error::Read {
            file: file.strip_prefix(&workspace.root).unwrap_or(file).display().to_string(),
            reason: error.to_string(),
        }
    }
}

/// `{{#asm …}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asm {
    pub listing: ListingName,
    pub no_source: bool,
    pub notes: Vec<Note>,
}

impl Asm {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Asm, ArgumentError> {
        let ListingArguments { listing, no_source, notes } = ListingArguments::parse(&arguments.words, Options::Asm)?;
        Ok(Asm { listing, no_source, notes })
    }
}

impl Render for Asm {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let workspace = context.workspace;
        let Snapshot { chapter, name, stored } = self.listing.read(ListingKind::Asm, workspace)?;
        let mut lines = stored.asm_lines().map_err(|e| Error::Unreadable(Box::new(e)))?;
        if self.no_source {
            lines.retain(|line| !matches!(line, Line::Source { .. }));
        }
        let notes = &self.notes;
        let body = lines.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        let placed = notes::place(notes, &body).map_err(|error| Error::Note {
            chapter: chapter.slug.clone(),
            name: name.clone(),
            error,
        })?;
        let Origin::Asm { flags, .. } = &stored.provenance.origin else {
            return Err(Error::WrongKind { name, chapter: chapter.slug, expected: "an assembly listing" }.into());
        };
        let source_path = match standalone_file(stored.command.as_deref()) {
            Some(file) => workspace.root.join(file),
            None => chapter.dir.join("src/lib.rs"),
        };
        let source = std::fs::read_to_string(&source_path).map_err(|e| Error::read(&source_path, workspace, &e))?;
        let options = flags.compiler_explorer_options(&chapter.edition().map_err(Error::Chapter)?);
        let explorer = compiler_explorer::link(&source, stored.provenance.release(), &options);
        let crate_name = chapter.slug.replace('-', "_");
        let manifest_path = chapter.dir.join("Cargo.toml");
        let manifest =
            std::fs::read_to_string(&manifest_path).map_err(|e| Error::read(&manifest_path, workspace, &e))?;
        let needs_dependencies = standalone_file(stored.command.as_deref()).is_none()
            && (crate::single_file::needs_dependencies(&stored.provenance.subject, &crate_name, &source)
                || !crate::single_file::plain_dependencies(&manifest).is_empty());
        Ok(Expansion::Markdown(asm_figure(
            &format!("listing-{}-{name}", chapter.slug),
            &asm_html::render(&lines, &placed),
            &notes::markdown_list(notes),
            &match (flags.needs_bootstrap(), needs_dependencies) {
                // Compiler Explorer's rustc of this release is a stable one, which refuses `-Z`
                // and cannot be given RUSTC_BOOTSTRAP=1: a link would open an error.
                (true, _) => {
                    format!("{} · not on Compiler Explorer (its stable rustc refuses -Z flags)", caption(&stored))
                }
                // The link carries `src/lib.rs` alone, where this code is not.
                (false, true) => format!(
                    "{} · not on Compiler Explorer (it needs the chapter's dependencies, and a link carries one file)",
                    caption(&stored)
                ),
                (false, false) => format!(
                    "{} · <a class=\"compiler-explorer\" href=\"{explorer}\">Open in Compiler Explorer</a>",
                    caption(&stored)
                ),
            },
        )))
    }
}

/// The file of a listing compiled on its own (`listings::asm_of_file`, whose command is rustc's,
/// ending with the file from the workspace root), which its Compiler Explorer link carries in
/// place of the chapter's `src/lib.rs`; none for a listing of the chapter (`cargo xtask asm …`).
fn standalone_file(command: Option<&str>) -> Option<&str> {
    let command = command?;
    let rustc = command.split_whitespace().take(2).any(|word| word == "rustc");
    rustc.then(|| command.split_whitespace().last()).flatten()
}

/// `{{#mir …}}`, `{{#hir …}}`: a listing of one of the compiler's intermediate stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub kind: ListingKind,
    pub listing: ListingName,
}

impl Stage {
    pub fn parse(kind: ListingKind, arguments: &Arguments<'_>) -> Result<Stage, ArgumentError> {
        let ListingArguments { listing, .. } = ListingArguments::parse(&arguments.words, Options::Part)?;
        Ok(Stage { kind, listing })
    }

    /// The figure, as markdown.
    pub fn figure(&self, workspace: &Workspace) -> Result<String, Error> {
        let Snapshot { chapter, name, stored } = self.listing.read(self.kind, workspace)?;
        Ok(figure(
            self.kind.as_str(),
            &format!("{}-{}-{name}", self.kind.as_str(), chapter.slug),
            language(self.kind),
            stored.body.trim_end_matches('\n'),
            &caption(&stored),
        ))
    }
}

impl Render for Stage {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(self.figure(context.workspace)?))
    }
}

/// The typed value of a stage's directive (`{{#mir …}}`, `{{#type-sizes …}}`): its listing, or
/// for a layout its picture with the listing folded under it, as the stage's row says.
pub fn stage_directive(stage: listings::Stage, arguments: &Arguments<'_>) -> Result<Box<dyn Render>, ArgumentError> {
    let Stage { listing, .. } = Stage::parse(ListingKind::from(stage), arguments)?;
    Ok(stage_listing(stage, listing))
}

/// A stage's listing as its directive shows it (see [`stage_directive`]); also what an
/// experiment (`experiment.rs`) shows of a stage.
pub fn stage_listing(stage: listings::Stage, listing: ListingName) -> Box<dyn Render> {
    let listing = Stage { kind: ListingKind::from(stage), listing };
    match stage.row().book {
        Book::Listing(_) | Book::AsListingsOf(_) => boxed(listing),
        Book::LayoutPicture(_) => boxed(TypeSizes { layout: listing }),
    }
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

/// `{{#historical-asm PATH "caption"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Historical {
    /// Relative to the page's folder.
    pub path: String,
    pub caption: String,
}

impl Historical {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Historical, ArgumentError> {
        let [path, caption] = arguments.words.as_slice() else { return Err(ArgumentError::Usage) };
        Ok(Historical { path: path.clone(), caption: caption.clone() })
    }
}

impl Render for Historical {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let Historical { path, caption } = self;
        let text = std::fs::read_to_string(context.page_dir.join(path))
            .map_err(|e| Error::Read { file: path.clone(), reason: e.to_string() })?;
        Ok(Expansion::Markdown(figure(
            "asm historical",
            &format!("historical-{}", Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or("listing")),
            "x86asm",
            text.trim_end(),
            &format!(
                "{} · <strong>historical</strong>: printed as recorded, not regenerated by this book's tests",
                escape(caption)
            ),
        )))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_of_a_file_of_its_own_links_that_file_and_a_chapter_s_listing_its_library() {
        let standalone =
            "RUSTC_BOOTSTRAP=1 rustc --edition 2024 -Z x chapters/ch03-wakers/tests/experiments/wake_twice.rs";
        assert_eq!(standalone_file(Some(standalone)), Some("chapters/ch03-wakers/tests/experiments/wake_twice.rs"));
        assert_eq!(standalone_file(Some("rustc --crate-type lib a.rs")), Some("a.rs"));
        assert_eq!(standalone_file(Some("cargo xtask asm ch03 wake_twice -Z rustc")), None);
        assert_eq!(standalone_file(None), None);
    }

    fn words(text: &str) -> Vec<String> {
        Arguments::split(text).words
    }

    #[test]
    fn a_listing_s_options_are_read_once_into_their_places() {
        let parsed = ListingArguments::parse(
            &words("ch04 block_on_dyn no-source part=loops note=\"ret\" \"returns\""),
            Options::Asm,
        );
        assert_eq!(
            parsed,
            Ok(ListingArguments {
                listing: ListingName {
                    chapter: "ch04".into(),
                    name: "block_on_dyn".into(),
                    part: Some("loops".into())
                },
                no_source: true,
                notes: vec![Note { anchor: "ret".into(), text: "returns".into() }],
            })
        );
    }

    #[test]
    fn an_option_the_directive_does_not_take_is_refused_naming_those_it_takes() {
        let refused = |text: &str, options| ListingArguments::parse(&words(text), options).unwrap_err();
        assert_eq!(
            refused("ch05 f no-source", Options::Part),
            ArgumentError::UnknownOption { option: "no-source".into(), options: "`part=PART`" }
        );
        assert_eq!(
            refused("ch08 t part=x", Options::None),
            ArgumentError::UnknownOption { option: "part=x".into(), options: "" }
        );
        assert_eq!(refused("ch04 f part=a part=b", Options::Asm), ArgumentError::Repeated { option: "part=".into() });
        assert_eq!(
            refused("ch01 f note=ret", Options::Asm),
            ArgumentError::NoteWithoutText { option: "note=ret".into() }
        );
        assert_eq!(refused("ch01", Options::Asm), ArgumentError::Usage);
    }
}
