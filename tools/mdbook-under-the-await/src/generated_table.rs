//! `{{#table CHAPTER NAME}}`: a table generated from listings by a chapter's tests (the
//! snapshot `chapters/<chapter>/tests/snapshots/<chapter>__table__<NAME>.snap`, whose body is a
//! markdown table), rendered as a table with the caption of a listing.

use listings::ListingKind;

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::{ListingArguments, ListingName, Options, Snapshot, caption};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub listing: ListingName,
}

impl Table {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Table, ArgumentError> {
        Ok(Table { listing: ListingArguments::parse(&arguments.words, Options::None)?.listing })
    }
}

impl Render for Table {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let Snapshot { chapter, name, stored } = self.listing.read(ListingKind::Table, context.workspace)?;
        // Blank lines around the table, so that mdBook reads it as markdown inside the HTML.
        Ok(Expansion::Markdown(format!(
            "<figure class=\"listing listing-table\" id=\"table-{}-{name}\">\n\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            chapter.slug,
            stored.body.trim_end(),
            caption(&stored)
        )))
    }
}
