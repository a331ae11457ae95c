//! Pictures drawn from the compiler's output, as SVG.
//!
//! Each picture is drawn from the typed values the listings pipeline already has, never from
//! anything typed in, so that a new compiler redraws it:
//!
//! | picture | drawn from | module |
//! |---|---|---|
//! | the layout of a future (or any type) | a type-sizes listing's [`TypeLayout`] and its [`LayoutTable`](listings::lowering::type_sizes::LayoutTable) | [`layout`] |
//! | the states of a coroutine | the MIR of its resume function, and the states the debug information describes (tag value, variant, line of each `.await`) | [`states`] |
//! | a waker in memory | an assembly listing with `--data` (the words, the vtable's `.quad`s), and the layouts of `RawWaker` and `RawWakerVTable` | [`waker`] |
//! | a jump table | an assembly listing (the dispatch on the state byte, the table's entries) and the future's states | [`jump_table`] |
//!
//! Each picture is made in three steps, each in a module of its own: the picture's module reads
//! the listings into its typed value ([`states::States::of`], refusing with an [`Error`] that
//! names what it looked for and what the listing has); its `geometry` module places that value
//! (every box, label and arrow, as a plain value a test can assert on: [`states::Geometry`]); its
//! `draw` module writes the geometry as SVG with [`svg`]'s writer, in short functions that
//! decide nothing.
//!
//! A chapter's `tests/pictures.rs` draws them and checks each against its snapshot with
//! [`assert_picture_snapshot!`] (`<chapter>__picture__<name>.snap`, the SVG as its body); the
//! book shows them with `{{#picture CHAPTER NAME}}`. A picture's header records, for each
//! listing it was drawn from, the snapshot and the digest of its body: the book refuses a
//! picture whose listing has changed since it was drawn.

mod error;
pub mod jump_table;
pub mod layout;
pub mod states;
pub mod svg;
pub mod waker;

use listings::{DrawnFrom, ListingKind, Origin, Provenance, Stage, StageListing, TypeLayout};

pub use error::{Error, TagSeen};

/// Re-exported so that [`assert_picture_snapshot!`] works in crates that depend only on this one.
pub use listings;

/// An SVG picture and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// The SVG document, exactly as the book shows it.
    pub svg: String,
    pub provenance: Provenance,
    /// The command that draws it again: `cargo test -p ch05-lowering --test pictures`.
    pub command: String,
}

/// A listing a picture is drawn from: its kind, the name its snapshot has, and its text as the
/// snapshot stores it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub kind: ListingKind,
    pub name: &'a str,
    pub text: &'a str,
}

impl Picture {
    /// A picture of `subject` (`layout of {async fn body of hello_world()}`), drawn by `compiler`
    /// from `sources` of the chapter `chapter_slug`.
    pub fn new(svg: String, subject: &str, compiler: &str, chapter_slug: &str, sources: &[Source<'_>]) -> Picture {
        let drawn_from = sources
            .iter()
            .map(|source| DrawnFrom {
                snapshot: listings::snapshot_name(chapter_slug, source.kind, source.name),
                digest: digest(source.text),
            })
            .collect();
        let provenance = Provenance {
            subject: subject.to_owned(),
            compiler: compiler.to_owned(),
            origin: Origin::Picture { drawn_from },
            excerpt: None,
        };
        let command = provenance.command(chapter_slug, subject);
        Picture { svg, provenance, command }
    }

    /// The `<title>` of the SVG.
    pub fn title(&self) -> &str {
        element_text(&self.svg, "title").unwrap_or_default()
    }

    /// The `<desc>` of the SVG: the picture in words.
    pub fn description(&self) -> &str {
        element_text(&self.svg, "desc").unwrap_or_default()
    }
}

/// The digest a picture records of each listing it was drawn from: the one an experiment records
/// of its two listings, so that one function says what "changed since" means.
pub use listings::experiment::digest;

/// The text of the first `<NAME …>…</NAME>` of an SVG document, still escaped.
pub fn element_text<'a>(svg: &'a str, name: &str) -> Option<&'a str> {
    let start = svg.find(&format!("<{name} "))?;
    let open_end = start + svg[start..].find('>')? + 1;
    let close = open_end + svg[open_end..].find(&format!("</{name}>"))?;
    Some(&svg[open_end..close])
}

/// The id a picture has in the page, and the prefix of the ids inside it.
pub fn picture_id(chapter_slug: &str, name: &str) -> String {
    format!("picture-{chapter_slug}-{name}")
}

/// The future of an `async fn` as the type-sizes stage describes it, with its states.
pub fn future_layout(chapter: &str, function: &str) -> Result<TypeLayout, Error> {
    let listing = stage_listing(chapter, Stage::TypeSizes, function)?;
    type_layout(&listing).cloned()
}

/// The listing of `subject` at `stage` in `chapter`.
fn stage_listing(chapter: &str, stage: Stage, subject: &str) -> Result<StageListing, Error> {
    listings::stage(chapter, stage, subject).map_err(|error| Error::Listing {
        asked: format!("the {} listing of `{subject}`", stage.name()),
        error: Box::new(error),
    })
}

/// The layout a type-sizes listing shows.
fn type_layout(listing: &StageListing) -> Result<&TypeLayout, Error> {
    listing.layout.as_ref().ok_or_else(|| Error::WrongStage {
        subject: listing.subject.clone(),
        found: listing.stage,
        wanted: Stage::TypeSizes,
    })
}

/// Checks a [`Picture`] against its snapshot `tests/snapshots/<package>__picture__<name>.snap`,
/// whose body is the SVG and whose header records the listings it was drawn from.
///
/// ```no_run
/// let listing = pictures::listings::stage("ch05", pictures::listings::Stage::TypeSizes, "hello_world").unwrap();
/// let drawn = pictures::layout::Layout::of(&listing).unwrap();
/// pictures::assert_picture_snapshot!("layout_hello_world", drawn.picture("ch05-lowering", "hello_world", &listing));
/// ```
#[macro_export]
macro_rules! assert_picture_snapshot {
    ($name:expr, $picture:expr $(,)?) => {{
        let picture: &$crate::Picture = &$picture;
        $crate::listings::snapshot_settings(&picture.provenance, None).bind(|| {
            $crate::listings::insta::assert_snapshot!(
                $crate::listings::snapshot_name(env!("CARGO_PKG_NAME"), $crate::listings::ListingKind::Picture, $name),
                picture.svg.clone(),
                $crate::command_of_test_file(&picture.command, file!()).as_str()
            );
        });
    }};
}

/// `command` (`cargo test -p ch12-tokio --test pictures`) with the test target of `file`, the
/// test file that draws the picture: `tests/task_pictures.rs` is `--test task_pictures`. A file
/// that is not directly in a `tests/` folder leaves the command as it is.
#[doc(hidden)]
pub fn command_of_test_file(command: &str, file: &str) -> String {
    let file = std::path::Path::new(file);
    let in_tests = file.parent().and_then(|folder| folder.file_name()).is_some_and(|name| name == "tests");
    match (command.strip_suffix(" --test pictures"), file.file_stem().and_then(|stem| stem.to_str())) {
        (Some(base), Some(target)) if in_tests => format!("{base} --test {target}"),
        _ => command.to_owned(),
    }
}

/// Draws the layout of `subject` (an `async fn`, for its future) from the type-sizes listing of
/// the calling chapter, checks it against its snapshot `layout_<subject>`, and returns it.
#[macro_export]
macro_rules! assert_layout_picture {
    ($subject:expr $(,)?) => {{
        let (subject, chapter): (&str, &str) = ($subject, env!("CARGO_PKG_NAME"));
        let (layout, listing) =
            $crate::layout::Layout::of_subject(chapter, subject).unwrap_or_else(|error| panic!("{error}"));
        $crate::assert_picture_snapshot!(&format!("layout_{subject}"), layout.picture(chapter, subject, &listing));
        layout
    }};
}

/// Draws the states of the `async fn` `function` of the calling chapter from the MIR of its
/// resume function (the listing `listing_name`), checks them against the snapshot
/// `states_<listing_name>`, and returns them.
#[macro_export]
macro_rules! assert_states_picture {
    ($function:expr, $listing_name:expr $(,)?) => {{
        let (function, listing_name, chapter): (&str, &str, &str) = ($function, $listing_name, env!("CARGO_PKG_NAME"));
        let (states, mir) =
            $crate::states::States::of_async_fn(chapter, function).unwrap_or_else(|error| panic!("{error}"));
        $crate::assert_picture_snapshot!(
            &format!("states_{listing_name}"),
            states.picture(chapter, listing_name, &mir)
        );
        states
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_records_each_listing_it_was_drawn_from_with_the_digest_of_its_text() {
        let picture = Picture::new(
            "<svg xmlns=\"x\">\n<title id=\"t\">Layout</title>\n<desc id=\"d\">Two bytes</desc>\n</svg>\n".into(),
            "layout of {async fn body of hello_world()}",
            "rustc 1.95.0 (59807616e 2026-04-14)",
            "ch05-lowering",
            &[Source {
                kind: ListingKind::Stage(listings::Stage::TypeSizes),
                name: "hello_world",
                text: "type: `x`: 2 bytes\n",
            }],
        );
        let Origin::Picture { drawn_from } = &picture.provenance.origin else { panic!("not a picture's provenance") };
        assert_eq!(drawn_from[0].snapshot, "ch05-lowering__type-sizes__hello_world");
        assert_eq!(drawn_from[0].digest, digest("type: `x`: 2 bytes"), "trailing white space does not count");
        assert_eq!(picture.provenance.to_string().parse::<Provenance>(), Ok(picture.provenance.clone()));
        assert_eq!(picture.command, "cargo test -p ch05-lowering --test pictures");
        let recorded = |file| command_of_test_file(&picture.command, file);
        assert_eq!(recorded("chapters/ch05-lowering/tests/pictures.rs"), picture.command);
        assert_eq!(recorded("tests/task_pictures.rs"), "cargo test -p ch05-lowering --test task_pictures");
        assert_eq!(
            recorded("chapters/ch10-async-today/tests/streams.rs"),
            "cargo test -p ch05-lowering --test streams"
        );
        assert_eq!(recorded("src/lib.rs"), picture.command, "not a test file: as it is");
        assert_eq!((picture.title(), picture.description()), ("Layout", "Two bytes"));
    }
}
