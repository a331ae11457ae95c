//! Step 6: listings as `insta` snapshots, and reading them back for the book.
//!
//! The snapshot files are the single source of what the book prints: the tests write and check
//! them, the book's preprocessor reads them. Their names and header format are defined here
//! only. A header records the listing's [`Provenance`] (as insta's `description`) and the
//! command that prints the listing again (as insta's `expression`):
//!
//! ```text
//! ---
//! source: chapters/ch01-the-experiment/tests/listings.rs
//! description: "ch01_the_experiment::noop_clone · rustc 1.95.0 (…) · --target … · with the constants it refers to"
//! expression: cargo xtask asm ch01 noop_clone --data
//! ---
//! ```
//!
//! A page that shows only part of a long listing names a [`Part`]: a range of its lines that
//! the test defines by content, where it asserts what the part shows, and snapshots beside the
//! whole listing as `<listing>@<part>.snap`. The range has no other home.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use crate::asm::{AsmListing, Line, Listing};
use crate::error::{Expected, Format, ParseError};
use crate::lowering::type_sizes::{TagAndStates, TypeLayout};
use crate::provenance::{Excerpt, Provenance};
use crate::{Chapter, Error, Stage, Workspace};

/// Checks an [`AsmListing`](crate::AsmListing) against its snapshot
/// `tests/snapshots/<package>__asm__<name>.snap`.
///
/// The snapshot's header records the function, the compiler, the flags and the command that
/// prints the listing; its body is exactly what the book shows. Use it in a chapter's tests:
///
/// ```no_run
/// let listing = listings::asm(env!("CARGO_PKG_NAME"), "noop", &Default::default()).unwrap();
/// listings::assert_asm_snapshot!("noop", listing);
/// ```
#[macro_export]
macro_rules! assert_asm_snapshot {
    ($name:expr, $listing:expr $(,)?) => {{
        let listing: &$crate::AsmListing = &$listing;
        $crate::snapshot_settings(&listing.provenance, None).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), $crate::ListingKind::Asm, $name),
                listing.to_string(),
                listing.command.as_str()
            );
        });
    }};
}

/// Checks a [`StageListing`](crate::StageListing) (HIR, MIR, type sizes) against its snapshot
/// `tests/snapshots/<package>__<stage>__<name>.snap`, like [`assert_asm_snapshot!`].
#[macro_export]
macro_rules! assert_stage_snapshot {
    ($name:expr, $listing:expr $(,)?) => {{
        let listing: &$crate::StageListing = &$listing;
        $crate::stage_snapshot_settings(listing).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), $crate::ListingKind::from(listing.stage), $name),
                listing.to_string(),
                listing.command.as_str()
            );
        });
        $crate::check_recorded_header(env!("CARGO_PKG_NAME"), listing, $name);
    }};
}

/// Checks a [`Part`](crate::Part) of the listing `$listing_name` against its snapshot
/// `tests/snapshots/<package>__<kind>__<listing>@<part>.snap`, which `{{#asm CHAPTER LISTING
/// part=PART}}` (and `{{#mir …}}` etc.) shows.
///
/// ```no_run
/// let listing = listings::asm(env!("CARGO_PKG_NAME"), "block_on_dyn", &Default::default()).unwrap();
/// let lines = listing.rendered_lines();
/// let first = lines.iter().position(|l| l.starts_with(".LBB")).unwrap() + 1;
/// let part = listings::Part::of_asm(&listing, "loops", first..=lines.len());
/// listings::assert_part_snapshot!("block_on_dyn", part);
/// ```
#[macro_export]
macro_rules! assert_part_snapshot {
    ($listing_name:expr, $part:expr $(,)?) => {{
        let part: &$crate::Part = &$part;
        $crate::snapshot_settings(&part.provenance, Some(&part.name)).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), part.provenance.kind(), $listing_name),
                part.text.clone(),
                part.command.as_str()
            );
        });
    }};
}

/// How every listing snapshot is written: named by the caller (no module prefix), the
/// provenance as its description, a part's name as the file's `@suffix`.
pub fn snapshot_settings(provenance: &Provenance, part: Option<&str>) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(false);
    settings.set_description(provenance.to_string());
    if let Some(part) = part {
        settings.set_snapshot_suffix(part);
    }
    settings
}

/// [`snapshot_settings`] for a stage's listing, whose header also records what its text does not
/// say (insta's `info`): a type's [`TagAndStates`](crate::lowering::type_sizes::TagAndStates).
pub fn stage_snapshot_settings(listing: &crate::StageListing) -> insta::Settings {
    let mut settings = snapshot_settings(&listing.provenance, None);
    if let Some(info) = listing.recorded_info() {
        settings.set_raw_info(&insta::internals::Content::String(info));
    }
    settings
}

/// Fails when the header of a stage listing's snapshot no longer records what the listing would
/// (insta compares bodies only, so a header can go stale while the body still matches): an
/// `async fn`'s states move with its source lines, and the quiz reads them from the header.
pub fn check_recorded_header(chapter: &str, listing: &crate::StageListing, name: &str) {
    let workspace = Workspace::this_checkout();
    let Ok(chapter) = workspace.chapter(chapter) else { return };
    let path = chapter.snapshot_path(crate::ListingKind::from(listing.stage), name, None);
    // A snapshot insta has not written yet (it left a `.snap.new` for review) has no header to check.
    if !path.is_file() {
        return;
    }
    let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
    let wanted = listing.recorded_info();
    assert!(
        stored.info == wanted,
        "{}: its header records {:?}, the listing now {:?}; write it again with `INSTA_UPDATE=always \
         INSTA_FORCE_UPDATE=1 cargo test -p {}`",
        path.display(),
        stored.info,
        wanted,
        chapter.slug
    );
}

/// A named range of a listing's lines, for a page that shows only part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// `loops`: what the page names it by.
    pub name: String,
    /// The lines, as the book shows them.
    pub text: String,
    /// The listing's provenance, with the range of lines (1-based, title included) it covers.
    pub provenance: Provenance,
    pub command: String,
}

impl Part {
    /// Lines `lines` (1-based, counting the title line) of an assembly listing.
    pub fn of_asm(listing: &crate::AsmListing, name: &str, lines: RangeInclusive<usize>) -> Part {
        Part::of_text(&listing.to_string(), name, lines, &listing.provenance, &listing.command)
    }

    /// Lines `lines` (1-based) of a MIR, HIR or type-size listing.
    pub fn of_stage(listing: &crate::StageListing, name: &str, lines: RangeInclusive<usize>) -> Part {
        Part::of_text(&listing.to_string(), name, lines, &listing.provenance, &listing.command)
    }

    fn of_text(text: &str, name: &str, lines: RangeInclusive<usize>, provenance: &Provenance, command: &str) -> Part {
        let all: Vec<&str> = text.lines().collect();
        let (first, last) = (*lines.start(), *lines.end());
        assert!(
            1 <= first && first <= last && last <= all.len(),
            "part `{name}`: lines {first}..={last} do not lie within the listing's {} lines",
            all.len()
        );
        let mut provenance = provenance.clone();
        provenance.excerpt = Some(Excerpt { first, last, of: all.len() });
        Part {
            name: name.to_owned(),
            text: all[first - 1..last].iter().map(|line| format!("{line}\n")).collect(),
            provenance,
            command: command.to_owned(),
        }
    }

    /// The part's lines.
    pub fn lines(&self) -> Vec<&str> {
        self.text.lines().collect()
    }
}

/// What a listing shows; part of its snapshot's name, and the `cargo xtask` subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    Asm,
    /// A stage of the compiler's listings, named by its row of [`STAGES`](crate::STAGES). A
    /// stage's listings are of the kind `ListingKind::from(stage)`: drop glue's are MIR's.
    Stage(Stage),
    /// A table generated from listings (`figures.rs`), rendered as a markdown table.
    Table,
    /// A C++ listing made by the pinned g++ (`cpp/`).
    CppAsm,
    /// An SVG picture drawn from listings (the `pictures` crate).
    Picture,
    /// A why-experiment: two listings that differ by one change, and the lines of the first
    /// that show the effect the second lacks (`experiment.rs`).
    Experiment,
    /// What a program, or gdb on a program, printed when a chapter's test ran it, normalised
    /// (`session.rs`).
    Session,
}

impl ListingKind {
    /// Every kind, so that a kind can be read back from its name ([`SnapshotName::parse`]): a
    /// stage's only where its listings are not another stage's.
    pub fn all() -> Vec<ListingKind> {
        let stages = Stage::all().filter(|stage| stage.row().shown_as() == *stage).map(ListingKind::Stage);
        [ListingKind::Asm]
            .into_iter()
            .chain(stages)
            .chain([
                ListingKind::Table,
                ListingKind::CppAsm,
                ListingKind::Picture,
                ListingKind::Experiment,
                ListingKind::Session,
            ])
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Asm => "asm",
            ListingKind::Stage(stage) => stage.name(),
            ListingKind::Table => "table",
            ListingKind::CppAsm => "cpp-asm",
            ListingKind::Picture => "picture",
            ListingKind::Experiment => "experiment",
            ListingKind::Session => "session",
        }
    }
}

impl From<Stage> for ListingKind {
    /// The kind its row says its listings are stored as.
    fn from(stage: Stage) -> Self {
        ListingKind::Stage(stage.row().shown_as())
    }
}

/// `ch01-the-experiment__asm__noop`: the snapshot's name (its file is that plus `.snap`, or
/// `@part.snap` for a part).
pub fn snapshot_name(chapter_slug: &str, kind: ListingKind, name: &str) -> String {
    format!("{chapter_slug}__{}__{name}", kind.as_str())
}

/// A snapshot's name taken apart: the inverse of [`snapshot_name`], for the names other headers
/// record (a picture's provenance names each listing it was drawn from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotName {
    pub chapter_slug: String,
    pub kind: ListingKind,
    /// The listing's name, which may itself hold `__`.
    pub name: String,
}

impl SnapshotName {
    /// `ch01-the-experiment__asm__noop` as [`snapshot_name`] writes it, or `None` for a text that
    /// no chapter, kind and name give.
    pub fn parse(snapshot: &str) -> Option<SnapshotName> {
        let (chapter_slug, rest) = snapshot.split_once("__")?;
        let (kind, name) = rest.split_once("__")?;
        let kind = ListingKind::all().into_iter().find(|known| known.as_str() == kind)?;
        (!chapter_slug.is_empty() && !name.is_empty()).then(|| SnapshotName {
            chapter_slug: chapter_slug.to_owned(),
            kind,
            name: name.to_owned(),
        })
    }
}

/// A listing as its snapshot stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredListing {
    pub provenance: Provenance,
    /// The command that prints the listing again, from the header.
    pub command: Option<String>,
    /// What else the header records (insta's `info`): a type-sizes listing's tag and states,
    /// and the line of the file it is on.
    pub info: Option<String>,
    pub info_line: usize,
    /// Exactly what the test compared: the listing's text.
    pub body: String,
    /// The file it was read from, and the line of it the body starts on, so that an error in
    /// the body names the file's own line.
    pub path: PathBuf,
    pub body_line: usize,
}

impl StoredListing {
    /// The body as an assembly listing (or a C++ one), with the header's provenance and command.
    pub fn asm(&self) -> Result<AsmListing, Error> {
        let listing: Listing = self.body.parse().map_err(|e| self.located(e))?;
        Ok(AsmListing {
            listing,
            provenance: self.provenance.clone(),
            command: self.command.clone().unwrap_or_default(),
        })
    }

    /// The body as a type-sizes listing, its tag's place and states read from the header.
    pub fn type_layout(&self) -> Result<TypeLayout, Error> {
        let header_line = |e: ParseError| {
            let text = self.info.as_deref().unwrap_or_default();
            ParseError::quoting(Format::TagAndStates, self.info_line, text, e.expected).in_file(self.path.display())
        };
        let header: TagAndStates = self.info.as_deref().unwrap_or_default().parse().map_err(header_line)?;
        Ok(TypeLayout::from_listing(&self.body, &header).map_err(|e| self.located(e))?)
    }

    /// The body's lines as an assembly listing prints them: for a part, which starts anywhere in
    /// its listing (see [`parse_lines`](crate::asm::parse_lines)).
    pub fn asm_lines(&self) -> Result<Vec<Line>, Error> {
        Ok(crate::asm::parse_lines(&self.body).map_err(|e| self.located(e))?)
    }

    /// An error in the body, at its line of the file.
    fn located(&self, mut error: ParseError) -> ParseError {
        error.line += self.body_line - 1;
        error.in_file(self.path.display())
    }
}

impl Chapter {
    pub fn snapshot_dir(&self) -> PathBuf {
        self.dir.join("tests/snapshots")
    }

    /// The file of a listing's snapshot, or of one of its parts.
    pub fn snapshot_path(&self, kind: ListingKind, name: &str, part: Option<&str>) -> PathBuf {
        let suffix = part.map(|part| format!("@{part}")).unwrap_or_default();
        self.snapshot_dir().join(format!("{}{suffix}.snap", snapshot_name(&self.slug, kind, name)))
    }

    /// The names of the chapter's listings of one kind, sorted.
    pub fn listing_names(&self, kind: ListingKind) -> Vec<String> {
        self.snapshot_stems(&format!("{}__{}__", self.slug, kind.as_str()))
            .into_iter()
            .filter(|stem| !stem.contains('@'))
            .collect()
    }

    /// The names of one listing's parts, sorted.
    pub fn part_names(&self, kind: ListingKind, name: &str) -> Vec<String> {
        self.snapshot_stems(&format!("{}@", snapshot_name(&self.slug, kind, name)))
    }

    fn snapshot_stems(&self, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.snapshot_dir())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter_map(|file| file.strip_suffix(".snap")?.strip_prefix(prefix).map(str::to_owned))
            .collect();
        names.sort();
        names
    }
}

/// Reads a snapshot file written by [`assert_asm_snapshot!`] and its kin.
pub fn read_snapshot(path: &Path) -> Result<StoredListing, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Read { path: path.display().to_string(), reason: e.to_string() })?;
    let mut stored = parse_snapshot(&text).map_err(|e| e.in_file(path.display()))?;
    stored.path = path.to_owned();
    Ok(stored)
}

/// insta's format: `---`, a YAML header, `---`, then the body.
fn parse_snapshot(text: &str) -> Result<StoredListing, ParseError> {
    let not_one = || ParseError::at(Format::Snapshot, text, 1, Expected::SnapshotHeader);
    let rest = text.strip_prefix("---\n").ok_or_else(not_one)?;
    let (header, body) = rest.split_once("\n---\n").ok_or_else(not_one)?;
    let field = |key: &str| {
        header.lines().enumerate().find_map(|(index, line)| Some((index + 2, line, line.strip_prefix(key)?))).map(
            |(number, line, value)| {
                match value.starts_with('"') {
                    // insta quotes a YAML string in double quotes, whose escapes are JSON's.
                    true => serde_json::from_str(value)
                        .map_err(|_| ParseError::quoting(Format::Snapshot, number, line, Expected::QuotedString)),
                    false => Ok(value.to_owned()),
                }
                .map(|value| (number, line, value))
            },
        )
    };
    let (number, line, description) = field("description: ").ok_or_else(not_one)??;
    let provenance =
        description.parse().map_err(|e: ParseError| ParseError::quoting(Format::Snapshot, number, line, e.expected))?;
    let command = field("expression: ").transpose()?.map(|(_, _, value)| value);
    let (info_line, info) = match field("info: ").transpose()? {
        Some((number, _, value)) => (number, Some(value)),
        None => (0, None),
    };
    let body_line = header.lines().count() + 3;
    Ok(StoredListing { provenance, command, info, info_line, body: body.to_owned(), path: PathBuf::new(), body_line })
}

/// The snapshot files of the book's chapters that no test asserted, given the file insta
/// writes when `INSTA_SNAPSHOT_REFERENCES_FILE` names it (one asserted snapshot's path a line),
/// and any `.snap.new` a failed run left behind. Such a file would let the book show a listing
/// that nothing checks any more.
pub fn unchecked_snapshots(workspace: &Workspace, references: &str) -> Result<Vec<PathBuf>, crate::Error> {
    let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let asserted: HashSet<PathBuf> =
        references.lines().filter(|l| !l.is_empty()).map(|l| canonical(Path::new(l))).collect();
    let mut unchecked = Vec::new();
    for chapter in workspace.chapters()? {
        for entry in std::fs::read_dir(chapter.snapshot_dir()).into_iter().flatten().filter_map(Result::ok) {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let pending = name.ends_with(".snap.new") || name.ends_with(".pending-snap");
            if pending || (name.ends_with(".snap") && !asserted.contains(&canonical(&path))) {
                unchecked.push(path.strip_prefix(&workspace.root).unwrap_or(&path).to_owned());
            }
        }
    }
    unchecked.sort();
    Ok(unchecked)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "---\nsource: chapters/x/tests/listings.rs\ndescription: \"f · rustc 1.95.0 (x) · --target x86_64-unknown-linux-gnu -C opt-level=3 -C codegen-units=1 -C debuginfo=line-tables-only -C target-cpu=x86-64 -C llvm-args=-x86-asm-syntax=intel (Intel syntax), paths remapped\"\nexpression: cargo xtask asm ch01 f\n---\n";

    #[test]
    fn a_snapshot_splits_into_provenance_command_and_body() {
        let stored = parse_snapshot(&format!("{HEADER}f:\n        ret\n")).unwrap();
        assert_eq!(stored.provenance.subject, "f");
        assert_eq!(stored.provenance.release(), "1.95.0");
        assert_eq!(stored.command.as_deref(), Some("cargo xtask asm ch01 f"));
        assert_eq!(stored.body, "f:\n        ret\n");
    }

    #[test]
    fn a_file_without_a_header_is_not_a_snapshot() {
        assert!(parse_snapshot("f:\n        ret\n").is_err());
    }

    #[test]
    fn snapshot_names_carry_chapter_kind_and_name() {
        assert_eq!(snapshot_name("ch01-the-experiment", ListingKind::Asm, "noop"), "ch01-the-experiment__asm__noop");
        let chapter = Chapter { slug: "ch04-executors".into(), dir: "/c".into() };
        assert_eq!(
            chapter.snapshot_path(ListingKind::Asm, "block_on_dyn", Some("loops")),
            Path::new("/c/tests/snapshots/ch04-executors__asm__block_on_dyn@loops.snap")
        );
    }

    #[test]
    fn a_snapshot_name_reads_back_into_its_chapter_kind_and_name() {
        for kind in ListingKind::all() {
            for name in ["noop", "layout__with_underscores", "a"] {
                let written = snapshot_name("ch05-lowering", kind, name);
                let read = SnapshotName::parse(&written).unwrap();
                assert_eq!((read.chapter_slug.as_str(), read.kind, read.name.as_str()), ("ch05-lowering", kind, name));
            }
        }
        for not_one in ["ch05-lowering", "ch05-lowering__asm", "ch05-lowering__asm__", "__asm__f", "ch05__llvm__f"] {
            assert_eq!(SnapshotName::parse(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn a_snapshot_no_test_asserted_is_reported_and_an_asserted_one_is_not() {
        let root = std::env::temp_dir().join(format!("listings-unchecked-{}", std::process::id()));
        let snapshots = root.join("chapters/ch09-x/tests/snapshots");
        std::fs::create_dir_all(&snapshots).unwrap();
        std::fs::write(root.join("chapters/ch09-x/Cargo.toml"), "").unwrap();
        for file in ["ch09-x__asm__kept.snap", "ch09-x__asm__renamed_away.snap", "ch09-x__asm__failed.snap.new"] {
            std::fs::write(snapshots.join(file), HEADER).unwrap();
        }
        let workspace = Workspace { root: root.clone() };
        let references = format!("{}\n", snapshots.join("ch09-x__asm__kept.snap").display());
        let unchecked = unchecked_snapshots(&workspace, &references).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            unchecked,
            [
                PathBuf::from("chapters/ch09-x/tests/snapshots/ch09-x__asm__failed.snap.new"),
                PathBuf::from("chapters/ch09-x/tests/snapshots/ch09-x__asm__renamed_away.snap"),
            ]
        );
    }
}
