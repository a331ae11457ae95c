//! `{{#table CHAPTER NAME}}`: a table generated from listings by a chapter's tests (the
//! snapshot `chapters/<chapter>/tests/snapshots/<chapter>__table__<NAME>.snap`, whose body is a
//! markdown table), rendered as a table with the caption of a listing.

use listings::{ListingKind, Workspace};

use crate::listing::{caption, stored_listing};

pub fn render_table(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let (chapter, name, stored, options) = stored_listing(ListingKind::Table, arguments, workspace, "none")?;
    if let Some(option) = options.first() {
        return Err(format!("unknown option `{option}` of {{{{#table}}}}; it takes none"));
    }
    // Blank lines around the table, so that mdBook reads it as markdown inside the HTML.
    Ok(format!(
        "<figure class=\"listing listing-table\" id=\"table-{}-{name}\">\n\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        chapter.slug,
        stored.body.trim_end(),
        caption(&stored)
    ))
}
