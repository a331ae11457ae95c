//! Step 6: listings as `insta` snapshots, and reading them back for the book.
//!
//! The snapshot files are the single source of what the book prints: the tests write and check
//! them, the book's preprocessor reads them. Their names and header format are defined here
//! only.

use std::path::{Path, PathBuf};

use crate::Chapter;

/// Checks a [`Listing`](crate::Listing) against its snapshot
/// `tests/snapshots/<package>__asm__<name>.snap`.
///
/// The snapshot's header records the function, the compiler and the flags; its body is exactly
/// what the book shows. Use it in a chapter's tests:
///
/// ```no_run
/// let listing = listings::asm(env!("CARGO_PKG_NAME"), "noop", &Default::default()).unwrap();
/// listings::assert_asm_snapshot!("noop", listing);
/// ```
#[macro_export]
macro_rules! assert_asm_snapshot {
    ($name:expr, $listing:expr $(,)?) => {{
        let listing: &$crate::Listing = &$listing;
        $crate::snapshot_settings(&listing.provenance).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), $crate::ListingKind::Asm, $name),
                listing.to_string()
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
        $crate::snapshot_settings(&listing.provenance).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), $crate::ListingKind::from(listing.stage), $name),
                listing.to_string()
            );
        });
    }};
}

/// How every listing snapshot is written: named by the caller (no module prefix), no Rust
/// expression in the header, and the provenance (function, compiler, flags) as its description.
pub fn snapshot_settings(provenance: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(provenance.to_owned());
    settings
}

/// What a listing shows; part of its snapshot's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    Asm,
    Hir,
    Mir,
    TypeSizes,
    /// A table generated from listings (`figures.rs`), rendered as a markdown table.
    Table,
    /// A C++ listing made by the pinned g++ (`cpp/`).
    CppAsm,
}

impl ListingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Asm => "asm",
            ListingKind::Hir => "hir",
            ListingKind::Mir => "mir",
            ListingKind::TypeSizes => "type-sizes",
            ListingKind::Table => "table",
            ListingKind::CppAsm => "cpp-asm",
        }
    }
}

impl From<crate::Stage> for ListingKind {
    fn from(stage: crate::Stage) -> Self {
        match stage {
            crate::Stage::Hir => ListingKind::Hir,
            // Drop glue is MIR too: `{{#mir …}}` shows it, and its snapshot header names the flags.
            crate::Stage::Mir | crate::Stage::DropGlue => ListingKind::Mir,
            crate::Stage::TypeSizes => ListingKind::TypeSizes,
        }
    }
}

/// `ch01-the-experiment__asm__noop`: the snapshot's name (its file is that plus `.snap`).
pub fn snapshot_name(chapter_slug: &str, kind: ListingKind, name: &str) -> String {
    format!("{chapter_slug}__{}__{name}", kind.as_str())
}

/// A listing as its snapshot stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredListing {
    /// The header's description: `function · rustc … · flags[ · extras]`.
    pub provenance: String,
    /// Exactly what the test compared: the listing's text.
    pub body: String,
}

impl StoredListing {
    /// The function the listing is of (the first field of the provenance).
    pub fn function(&self) -> &str {
        self.provenance.split(" · ").next().unwrap_or_default()
    }
}

impl Chapter {
    pub fn snapshot_dir(&self) -> PathBuf {
        self.dir.join("tests/snapshots")
    }

    pub fn snapshot_path(&self, kind: ListingKind, name: &str) -> PathBuf {
        self.snapshot_dir().join(format!("{}.snap", snapshot_name(&self.slug, kind, name)))
    }

    /// The names of the chapter's listings of one kind, sorted.
    pub fn listing_names(&self, kind: ListingKind) -> Vec<String> {
        let prefix = format!("{}__{}__", self.slug, kind.as_str());
        let mut names: Vec<String> = std::fs::read_dir(self.snapshot_dir())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter_map(|file| file.strip_suffix(".snap")?.strip_prefix(&prefix).map(str::to_owned))
            .collect();
        names.sort();
        names
    }
}

/// Reads a snapshot file written by [`assert_asm_snapshot!`].
pub fn read_snapshot(path: &Path) -> Result<StoredListing, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_snapshot(&text).ok_or_else(|| format!("{} is not an insta snapshot with a description", path.display()))
}

/// insta's format: `---`, a YAML header, `---`, then the body.
fn parse_snapshot(text: &str) -> Option<StoredListing> {
    let rest = text.strip_prefix("---\n")?;
    let (header, body) = rest.split_once("\n---\n")?;
    let description = header.lines().find_map(|line| line.strip_prefix("description: "))?;
    // insta quotes the description as a YAML double-quoted string, whose escapes are JSON's.
    let provenance = match description.starts_with('"') {
        true => serde_json::from_str(description).ok()?,
        false => description.to_owned(),
    };
    Some(StoredListing { provenance, body: body.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_splits_into_provenance_and_body() {
        let text = "---\nsource: chapters/x/tests/listings.rs\ndescription: \"f · rustc 1.95.0 · -C opt-level=3\"\n---\nf:\n        ret\n";
        let stored = parse_snapshot(text).unwrap();
        assert_eq!(stored.provenance, "f · rustc 1.95.0 · -C opt-level=3");
        assert_eq!(stored.function(), "f");
        assert_eq!(stored.body, "f:\n        ret\n");
    }

    #[test]
    fn a_file_without_a_header_is_not_a_snapshot() {
        assert_eq!(parse_snapshot("f:\n        ret\n"), None);
    }

    #[test]
    fn snapshot_names_carry_chapter_kind_and_name() {
        assert_eq!(snapshot_name("ch01-the-experiment", ListingKind::Asm, "noop"), "ch01-the-experiment__asm__noop");
    }
}
