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

use listings::{Origin, Workspace, read_snapshot};
use pictures::element_text;

use crate::listing::{escape, stored_listing};

pub fn render_picture(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let [chapter, name] = arguments else {
        return Err("usage: {{#picture CHAPTER NAME}}".to_owned());
    };
    picture_figure(chapter, name, workspace)
}

/// `{{#type-sizes …}}`: the layout's picture, and the listing itself folded.
pub fn render_type_sizes(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let [chapter, name, ..] = arguments else {
        return Err("usage: {{#type-sizes CHAPTER LISTING [`part=PART`]}}".to_owned());
    };
    let listing = crate::listing::render_stage(listings::ListingKind::TypeSizes, arguments, workspace)?;
    let picture = picture_figure(chapter, &format!("layout_{name}"), workspace).map_err(|e| {
        format!("{e}; every type-sizes listing the book shows has a picture of its layout, `layout_{name}`: draw it in the chapter's tests/pictures.rs")
    })?;
    Ok(format!(
        "{picture}<details class=\"picture-listing\">\n<summary>The compiler's print-out and the table it was drawn from</summary>\n\n{listing}\n</details>\n"
    ))
}

fn picture_figure(chapter: &str, name: &str, workspace: &Workspace) -> Result<String, String> {
    let arguments = [chapter.to_owned(), name.to_owned()];
    let (chapter, name, stored, _) = stored_listing(listings::ListingKind::Picture, &arguments, workspace, "none")?;
    let Origin::Picture { drawn_from } = &stored.provenance.origin else {
        return Err(format!("the snapshot of `{name}` in {} is not a picture", chapter.slug));
    };
    for source in drawn_from {
        let slug = source.snapshot.split("__").next().unwrap_or_default();
        let listing_chapter = workspace.chapter(slug).map_err(|e| e.to_string())?;
        let path = listing_chapter.snapshot_dir().join(format!("{}.snap", source.snapshot));
        let now =
            read_snapshot(&path).map_err(|e| format!("the picture `{name}` of {} was drawn from {e}", chapter.slug))?;
        if pictures::digest(&now.body) != source.digest {
            return Err(format!(
                "the picture `{name}` of {} is stale: {}.snap has changed since it was drawn; draw it again with \
                 `INSTA_UPDATE=always {}`",
                chapter.slug,
                source.snapshot,
                stored.command.as_deref().unwrap_or("cargo test")
            ));
        }
    }
    let svg = stored.body.trim_end();
    if svg.contains("\n\n") {
        return Err(format!(
            "the picture `{name}` of {} has a blank line, which would end its HTML block",
            chapter.slug
        ));
    }
    let title =
        element_text(svg, "title").ok_or_else(|| format!("the picture `{name}` of {} has no <title>", chapter.slug))?;
    let sources: Vec<String> = drawn_from
        .iter()
        .map(|d| format!("<code>{}</code>", escape(d.snapshot.rsplit("__").next().unwrap_or_default())))
        .collect();
    // The SVG has no blank line, so that it stays one HTML block of the page.
    Ok(format!(
        "<figure class=\"picture\" id=\"{}\">\n{svg}\n<figcaption>{title} · drawn by the chapter's tests from {} · {}</figcaption>\n</figure>\n",
        pictures::picture_id(&chapter.slug, &name),
        sources.join(", "),
        escape(&stored.provenance.compiler),
    ))
}
