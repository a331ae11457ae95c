//! The layout of a type, a future above all: a byte ruler across, one row per variant, each
//! field a box over its bytes, the tag where the debug information puts it, padding hatched, and
//! under each run of bytes that more than one variant uses, how many do.
//!
//! It is drawn from the type-sizes listing's [`LayoutTable`], in which every byte lies in exactly
//! one row and every field has a cell: the table's rows are the picture's columns of bytes, its
//! columns (one per variant, more for a union's overlapping fields) the picture's rows.
//!
//! The columns are not to scale: a future of 2050 bytes with a 1-byte tag would leave the tag a
//! hairline. A column's width grows with the logarithm of its byte count, and widens to fit the
//! name of a field that lies in it alone; the ruler labels every boundary with its offset.

mod draw;
pub mod geometry;

use std::ops::Range;

use listings::lowering::type_sizes::{Cell, LayoutTable, Tag};
use listings::{ListingKind, Stage, StageListing, TypeLayout};

use crate::{Error, Picture, Source, picture_id};

pub use geometry::Geometry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub type_name: String,
    pub size: u64,
    pub align: u64,
    /// The byte ranges the ruler divides the type into: the table's rows.
    pub columns: Vec<Range<u64>>,
    pub rows: Vec<VariantRow>,
    /// The tag, as the table's footer describes it.
    pub tag: Option<Tag>,
}

/// One variant (or one lane of a variant whose fields overlap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantRow {
    pub name: String,
    pub boxes: Vec<ByteBox>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteBox {
    pub bytes: Range<u64>,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// `upvar` (an argument the future captured), `local` (a local saved across an await) or
    /// `field`.
    Field {
        kind: String,
        name: String,
    },
    Tag,
    Padding,
    /// Unused bytes where the tag, whose offset is not known, may lie.
    TagOrPadding,
}

impl What {
    fn label(&self) -> &str {
        match self {
            What::Field { name, .. } => name,
            What::Tag => "tag",
            What::Padding | What::TagOrPadding => "",
        }
    }

    fn words(&self) -> String {
        match self {
            What::Field { kind, name } => format!("{kind} {name}"),
            What::Tag => "the tag".to_owned(),
            What::Padding => "padding".to_owned(),
            What::TagOrPadding => "padding, or the tag".to_owned(),
        }
    }
}

impl Layout {
    /// The layout of the type a type-sizes listing shows.
    pub fn of(listing: &StageListing) -> Result<Layout, Error> {
        Ok(Layout::of_type(crate::type_layout(listing)?))
    }

    /// The layout of `subject` (an `async fn`, for its future) in `chapter`, and the type-sizes
    /// listing it is drawn from.
    pub fn of_subject(chapter: &str, subject: &str) -> Result<(Layout, StageListing), Error> {
        let listing = crate::stage_listing(chapter, Stage::TypeSizes, subject)?;
        Ok((Layout::of(&listing)?, listing))
    }

    /// What `row` has over `bytes`: a field's name, `tag` or `padding`; `None` for nothing.
    pub fn over(&self, row: &str, bytes: Range<u64>) -> Option<&str> {
        let found = self.row(row)?.boxes.iter().find(|b| b.bytes.start <= bytes.start && bytes.end <= b.bytes.end)?;
        Some(match &found.what {
            What::Field { name, .. } => name,
            What::Tag => "tag",
            What::Padding | What::TagOrPadding => "padding",
        })
    }

    pub fn of_type(layout: &TypeLayout) -> Layout {
        let table: LayoutTable = layout.table();
        let rows = table
            .columns
            .iter()
            .enumerate()
            .map(|(column, name)| {
                let mut boxes: Vec<ByteBox> = Vec::new();
                for row in &table.rows {
                    let what = match &row.cells[column] {
                        Cell::Empty => continue,
                        Cell::Continues => {
                            if let Some(last) = boxes.last_mut() {
                                last.bytes.end = row.bytes.end;
                            }
                            continue;
                        }
                        Cell::Starts { kind, name } => What::Field { kind: kind.clone(), name: name.clone() },
                        Cell::Tag => What::Tag,
                        Cell::Padding => What::Padding,
                        Cell::TagOrPadding => What::TagOrPadding,
                    };
                    match boxes.last_mut() {
                        // A tag or padding over several rows is one box; a field starts anew.
                        Some(last)
                            if !matches!(what, What::Field { .. })
                                && last.what == what
                                && last.bytes.end == row.bytes.start =>
                        {
                            last.bytes.end = row.bytes.end
                        }
                        _ => boxes.push(ByteBox { bytes: row.bytes.clone(), what }),
                    }
                }
                VariantRow { name: name.clone(), boxes }
            })
            .collect();
        Layout {
            type_name: layout.name.clone(),
            size: layout.size,
            align: layout.align,
            columns: table.rows.iter().map(|row| row.bytes.clone()).collect(),
            rows,
            tag: table.tag,
        }
    }

    pub fn row(&self, name: &str) -> Option<&VariantRow> {
        self.rows.iter().find(|row| row.name == name)
    }

    /// Each column of bytes that a field of more than one row lies over, with those rows.
    pub fn shared(&self) -> Vec<(Range<u64>, Vec<&str>)> {
        self.columns
            .iter()
            .filter_map(|bytes| {
                let users: Vec<&str> = self
                    .rows
                    .iter()
                    .filter(|row| {
                        row.boxes.iter().any(|b| {
                            matches!(b.what, What::Field { .. })
                                && b.bytes.start <= bytes.start
                                && bytes.end <= b.bytes.end
                        })
                    })
                    .map(|row| row.name.as_str())
                    .collect();
                (users.len() > 1 && !bytes.is_empty()).then(|| (bytes.clone(), users))
            })
            .collect()
    }

    /// The layout in words: the SVG's description.
    pub fn description(&self) -> String {
        let mut text = format!("{}: {}, alignment {}.", self.type_name, listings::bytes(self.size), self.align);
        if let Some(tag) = &self.tag {
            let tag = tag.to_string();
            let mut first = tag.chars();
            let capitalised: String = first.next().into_iter().flat_map(char::to_uppercase).chain(first).collect();
            text.push_str(&format!(" {capitalised}."));
        }
        for row in &self.rows {
            let fields: Vec<String> = row
                .boxes
                .iter()
                .filter(|b| matches!(b.what, What::Field { .. }))
                .map(|b| format!("{} at bytes {}..{}", b.what.words(), b.bytes.start, b.bytes.end))
                .collect();
            let fields = if fields.is_empty() { "no field".to_owned() } else { fields.join(", ") };
            text.push_str(&format!(" {}: {fields}.", row.name));
        }
        let padding: Vec<String> = self
            .rows
            .first()
            .into_iter()
            .flat_map(|row| &row.boxes)
            .filter(|b| matches!(b.what, What::Padding | What::TagOrPadding))
            .map(|b| format!("{}..{}", b.bytes.start, b.bytes.end))
            .collect();
        if !padding.is_empty() {
            text.push_str(&format!(" Padding at bytes {}.", padding.join(" and ")));
        }
        for (bytes, users) in self.shared() {
            text.push_str(&format!(" Bytes {}..{} are used by {}.", bytes.start, bytes.end, users.join(", ")));
        }
        text
    }

    /// The picture, for the listing `listing_name` of the chapter `chapter_slug`.
    pub fn picture(&self, chapter_slug: &str, listing_name: &str, listing: &StageListing) -> Picture {
        let id = picture_id(chapter_slug, &format!("layout_{listing_name}"));
        let text = listing.to_string();
        Picture::new(
            self.svg(&id),
            &format!("layout of {}", self.type_name),
            &listing.provenance.compiler,
            chapter_slug,
            &[Source { kind: ListingKind::Stage(listings::Stage::TypeSizes), name: listing_name, text: &text }],
        )
    }

    pub fn title(&self) -> String {
        format!("Layout of {}: {}, alignment {}", self.type_name, listings::bytes(self.size), self.align)
    }

    /// Where everything in the picture lies.
    pub fn geometry(&self) -> Geometry<'_> {
        Geometry::of(self)
    }

    /// The picture as an SVG document, its ids prefixed with `id`: what [`Layout::picture`]
    /// holds, for a layout drawn outside a chapter's tests (`cargo xtask future`).
    pub fn svg(&self, id: &str) -> String {
        draw::svg(&self.geometry(), id, &self.title(), &self.description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listings::lowering::type_sizes::layouts;

    const TWO_AWAITS: &str = "\
print-type-size type: `{async fn body of two()}`: 40 bytes, alignment: 8 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Unresumed`: 8 bytes
print-type-size         upvar `.before`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
print-type-size     variant `Suspend0`: 24 bytes
print-type-size         upvar `.before`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
print-type-size         local `.before`: 8 bytes
print-type-size         padding: 8 bytes
print-type-size         local `.__awaitee`: 1 bytes, alignment: 1 bytes
print-type-size     variant `Suspend1`: 39 bytes
print-type-size         upvar `.before`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
print-type-size         local `.before`: 8 bytes
print-type-size         padding: 8 bytes
print-type-size         local `.__awaitee`: 1 bytes, alignment: 1 bytes
print-type-size         padding: 7 bytes
print-type-size         local `.between`: 8 bytes, alignment: 8 bytes
print-type-size     variant `Returned`: 8 bytes
print-type-size         upvar `.before`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
";

    pub(super) fn two_awaits() -> Layout {
        let mut layout = layouts(TWO_AWAITS).unwrap().remove(0);
        layout.place_tag(16);
        Layout::of_type(&layout)
    }

    #[test]
    fn each_variant_is_a_row_of_its_fields_at_their_offsets_with_the_tag_where_it_was_placed() {
        let layout = two_awaits();
        let names: Vec<&str> = layout.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Unresumed", "Suspend0", "Suspend1", "Returned"]);
        let suspend1: Vec<(Range<u64>, &str)> =
            layout.row("Suspend1").unwrap().boxes.iter().map(|b| (b.bytes.clone(), b.what.label())).collect();
        assert_eq!(
            suspend1,
            [
                (0..8, "before"),
                (8..16, "before"),
                (16..17, "tag"),
                (17..24, ""),
                (24..25, "__awaitee"),
                (25..32, ""),
                (32..40, "between")
            ]
        );
    }

    #[test]
    fn bytes_that_several_variants_use_are_counted_as_shared() {
        let layout = two_awaits();
        let shared = layout.shared();
        let spans: Vec<(Range<u64>, usize)> = shared.iter().map(|(b, users)| (b.clone(), users.len())).collect();
        assert_eq!(spans, [(0..8, 4), (8..16, 2), (24..25, 2)]);
    }

    #[test]
    fn the_svg_labels_every_field_and_hatches_the_padding() {
        let layout = two_awaits();
        let svg = layout.svg("p");
        for label in [">__awaitee</text>", ">between</text>", ">tag</text>", ">Suspend1</text>", ">40</text>"] {
            assert!(svg.contains(label), "{label} missing from {svg}");
        }
        assert_eq!(
            svg.matches("fill=\"url(#p-hatch)\"").count(),
            4 * 2 + 1,
            "two runs of padding in four rows, and the legend"
        );
        assert!(
            svg.contains("<title id=\"p-title\">Layout of {async fn body of two()}: 40 bytes, alignment 8</title>")
        );
    }
}
