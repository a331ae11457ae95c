//! Pictures drawn from the compiler's output (the `pictures` crate), shown from their snapshots.
//!
//! `{{#picture CHAPTER NAME}}` shows `chapters/<chapter>/tests/snapshots/<chapter>__picture__<NAME>.snap`:
//! the SVG inline, so that the theme's colours reach it and its labels are text, in a figure
//! whose caption is its title and where it was drawn from. A picture records the digest of each
//! listing it was drawn from; one whose listing has changed since is stale, and refused.
//!
//! `{{#type-sizes CHAPTER NAME}}` shows the picture of that layout, `layout_NAME`, with the
//! type-sizes listing folded under it: every layout the book shows has its picture, or the
//! build fails.

use listings::{ListingKind, Origin, SnapshotName, Workspace, read_snapshot};
use pictures::element_text;

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::{self, ListingName, Snapshot, Stage, escape};

/// `{{#picture CHAPTER NAME}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub chapter: String,
    pub name: String,
}

impl Picture {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Picture, ArgumentError> {
        let [chapter, name] = arguments.words.as_slice() else { return Err(ArgumentError::Usage) };
        Ok(Picture { chapter: chapter.clone(), name: name.clone() })
    }
}

impl Render for Picture {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(self.figure(context.workspace)?))
    }
}

/// `{{#type-sizes …}}`: the layout's picture, and the listing itself folded (made by
/// [`listing::stage_directive`], as the stage's row says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSizes {
    pub layout: Stage,
}

impl Render for TypeSizes {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let listing = self.layout.figure(context.workspace)?;
        let name = &self.layout.listing.name;
        let picture = Picture { chapter: self.layout.listing.chapter.clone(), name: format!("layout_{name}") };
        let picture = picture
            .figure(context.workspace)
            .map_err(|error| Error::LayoutWithoutPicture { name: name.clone(), error: Box::new(error) })?;
        Ok(Expansion::Markdown(format!(
            "{picture}<details class=\"picture-listing\">\n<summary>The compiler's print-out and the table it was drawn from</summary>\n\n{listing}\n</details>\n"
        )))
    }
}

/// Why a picture cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Boxed: a missing listing carries the listings that exist.
    #[error(transparent)]
    Listing(Box<listing::Error>),
    #[error(
        "the picture `{name}` of {chapter} names `{snapshot}` as a listing it was drawn from, which is no snapshot's name"
    )]
    NotASnapshotName { name: String, chapter: String, snapshot: String },
    /// `error` is `read_snapshot`'s, which names the file.
    #[error("the picture `{name}` of {chapter} was drawn from {error}")]
    DrawnFromUnreadable { name: String, chapter: String, error: Box<listings::Error> },
    #[error(
        "the picture `{name}` of {chapter} is stale: {snapshot}.snap has changed since it was drawn; draw it again with \
         `INSTA_UPDATE=always {command}`"
    )]
    Stale { name: String, chapter: String, snapshot: String, command: String },
    #[error("the picture `{name}` of {chapter} has a blank line, which would end its HTML block")]
    BlankLine { name: String, chapter: String },
    #[error("the picture `{name}` of {chapter} has no <title>")]
    NoTitle { name: String, chapter: String },
    #[error(
        "{error}; every type-sizes listing the book shows has a picture of its layout, `layout_{name}`: draw it in the chapter's tests/pictures.rs"
    )]
    LayoutWithoutPicture { name: String, error: Box<Error> },
}

impl From<listing::Error> for Error {
    fn from(error: listing::Error) -> Error {
        Error::Listing(Box::new(error))
    }
}

impl Picture {
    /// The figure, as markdown (the SVG inline), if the picture is not stale.
    fn figure(&self, workspace: &Workspace) -> Result<String, Error> {
        let listing = ListingName { chapter: self.chapter.clone(), name: self.name.clone(), part: None };
        let Snapshot { chapter, name, stored } = listing.read(ListingKind::Picture, workspace)?;
        let Origin::Picture { drawn_from } = &stored.provenance.origin else {
            return Err(listing::Error::WrongKind { name, chapter: chapter.slug, expected: "a picture" }.into());
        };
        let mut sources = Vec::new();
        for source in drawn_from {
            let Some(snapshot) = SnapshotName::parse(&source.snapshot) else {
                return Err(Error::NotASnapshotName { name, chapter: chapter.slug, snapshot: source.snapshot.clone() });
            };
            let listing_chapter = workspace.chapter(&snapshot.chapter_slug).map_err(listing::Error::from)?;
            let path = listing_chapter.snapshot_path(snapshot.kind, &snapshot.name, None);
            let now = read_snapshot(&path).map_err(|error| Error::DrawnFromUnreadable {
                name: name.clone(),
                chapter: chapter.slug.clone(),
                error: Box::new(error),
            })?;
            if pictures::digest(&now.body) != source.digest {
                return Err(Error::Stale {
                    name,
                    chapter: chapter.slug,
                    snapshot: source.snapshot.clone(),
                    command: stored.command.clone().unwrap_or_else(|| "cargo test".to_owned()),
                });
            }
            sources.push(format!("<code>{}</code>", escape(&snapshot.name)));
        }
        let svg = stored.body.trim_end();
        if svg.contains("\n\n") {
            return Err(Error::BlankLine { name, chapter: chapter.slug });
        }
        let Some(title) = element_text(svg, "title") else {
            return Err(Error::NoTitle { name, chapter: chapter.slug });
        };
        // The SVG has no blank line, so that it stays one HTML block of the page.
        Ok(format!(
            "<figure class=\"picture\" id=\"{}\">\n{svg}\n<figcaption>{title} · drawn by the chapter's tests from {} · {}</figcaption>\n</figure>\n",
            pictures::picture_id(&chapter.slug, &name),
            sources.join(", "),
            escape(&stored.provenance.compiler),
        ))
    }
}
