//! `-Zprint-type-sizes`, parsed: each type's size, its variants and the offsets of their fields,
//! and a table of the layout generated from them in which every byte of the type lies in exactly
//! one row and every field, zero-sized or overlapping another, has a cell of its own.
//!
//! rustc prints a variant's fields in offset order, starting after the discriminant, with a
//! `padding` line before a field that does not follow on directly and an explicit `offset` for a
//! field that lies before that point (a coroutine's shared prefix, a union's second field); see
//! `print_type_sizes` in `compiler/rustc_session/src/code_stats.rs`. The offsets below are
//! recovered by the same rule. Where the tag lies is not printed: an enum's tag comes first (the
//! same rule puts every variant's fields after it); an `async fn`'s future's tag offset is read
//! from the debug information (`debuginfo.rs`) and set with [`TypeLayout::place_tag`].

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::ops::Range;

const PREFIX: &str = "print-type-size ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeLayout {
    /// `{async fn body of hello_world()}`.
    pub name: String,
    pub size: u64,
    pub align: u64,
    /// The tag's size, for enums and coroutines.
    pub discriminant: Option<u64>,
    /// Where the tag lies, where that is known.
    pub tag: Option<TagPlace>,
    pub variants: Vec<Variant>,
    /// The print-out of this type, without the `print-type-size` prefixes.
    pub printed: String,
    /// For an `async fn`'s future, its states as the debug information describes them (tag
    /// value, variant, source line); empty where that is not known.
    pub states: Vec<super::debuginfo::StateSource>,
}

/// Where a type's tag lies, and how that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagPlace {
    /// An enum's tag: first, before every variant's fields (rustc's printing rule).
    First,
    /// An `async fn`'s future: the offset of the `__state` member of its debug information.
    FromDebugInfo(u64),
}

impl TagPlace {
    pub fn offset(self) -> u64 {
        match self {
            TagPlace::First => 0,
            TagPlace::FromDebugInfo(offset) => offset,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// `Suspend0`; `None` for a struct's single "variant".
    pub name: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// `field`, `upvar` (a captured argument) or `local` (a local saved across a suspension).
    pub kind: String,
    pub name: String,
    pub offset: u64,
    pub size: u64,
}

impl Field {
    fn bytes(&self) -> Range<u64> {
        self.offset..self.offset + self.size
    }

    fn label(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

/// Every type in the print-out, in its order (largest first).
pub fn layouts(printout: &str) -> Vec<TypeLayout> {
    let mut layouts: Vec<TypeLayout> = Vec::new();
    let mut min_offset = 0;
    let mut padding = 0;
    for line in printout.lines().filter_map(|l| l.strip_prefix(PREFIX)) {
        let body = line.trim_start();
        if let Some(rest) = body.strip_prefix("type: `") {
            let Some((name, numbers)) = rest.rsplit_once("`: ") else { continue };
            let numbers = bytes_values(numbers);
            layouts.push(TypeLayout {
                name: name.to_owned(),
                size: numbers.first().copied().unwrap_or(0),
                align: numbers.get(1).copied().unwrap_or(0),
                discriminant: None,
                tag: None,
                variants: Vec::new(),
                printed: String::new(),
                states: Vec::new(),
            });
        }
        let Some(layout) = layouts.last_mut() else { continue };
        layout.printed.push_str(line);
        layout.printed.push('\n');
        let discriminant = layout.discriminant.unwrap_or(0);
        if let Some(rest) = body.strip_prefix("discriminant: ") {
            layout.discriminant = bytes_values(rest).first().copied();
            // Coroutines get their tag's place from the debug information, if at all.
            layout.tag = (!layout.name.starts_with('{')).then_some(TagPlace::First);
        } else if let Some(rest) = body.strip_prefix("variant `") {
            let name = rest.split('`').next().unwrap_or_default().to_owned();
            layout.variants.push(Variant { name: Some(name), fields: Vec::new() });
            (min_offset, padding) = (discriminant, 0);
        } else if let Some(rest) = body.strip_prefix("padding: ") {
            padding = bytes_values(rest).first().copied().unwrap_or(0);
        } else if let Some((kind, rest)) = body.split_once(" `.") {
            if layout.variants.is_empty() {
                layout.variants.push(Variant { name: None, fields: Vec::new() });
                (min_offset, padding) = (0, 0);
            }
            let (name, numbers) = rest.split_once("`: ").unwrap_or((rest, ""));
            let size = bytes_values(numbers).first().copied().unwrap_or(0);
            let offset = explicit_offset(numbers).unwrap_or(min_offset + padding);
            layout.variants.last_mut().unwrap().fields.push(Field {
                kind: kind.to_owned(),
                name: name.to_owned(),
                offset,
                size,
            });
            (min_offset, padding) = (offset + size, 0);
        }
    }
    layouts
}

/// `2 bytes, alignment: 1 bytes` → [2, 1].
fn bytes_values(text: &str) -> Vec<u64> {
    text.split(" bytes").filter_map(|part| part.rsplit(' ').next()?.parse().ok()).collect()
}

fn explicit_offset(text: &str) -> Option<u64> {
    text.split_once("offset: ")?.1.split(' ').next()?.parse().ok()
}

/// A layout as rows of bytes and columns of fields. Each variant gets a column, and more than
/// one where its fields overlap (a union's); each row is a byte range on which no field starts
/// or ends, or a zero-width row where a zero-sized field lies; the rows cover the type's bytes
/// from 0 to its size, each byte once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutTable {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub size: u64,
    pub align: u64,
    /// What the footer says of the tag.
    pub tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub bytes: Range<u64>,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Nothing of this column's variant here.
    Empty,
    /// A field starts here: `local __awaitee`.
    Starts(String),
    /// The field above goes on.
    Continues,
    /// The tag.
    Tag,
    /// No variant uses these bytes.
    Padding,
    /// No variant uses these bytes, and the tag, whose offset is not known, may be among them.
    TagOrPadding,
}

impl TypeLayout {
    /// Places an `async fn`'s tag, read from the debug information.
    pub fn place_tag(&mut self, offset: u64) {
        if self.discriminant.is_some() {
            self.tag = Some(TagPlace::FromDebugInfo(offset));
        }
    }

    pub fn table(&self) -> LayoutTable {
        // (column title, whether it is its variant's first column, the fields in it)
        let lanes: Vec<(String, bool, Vec<&Field>)> = self
            .variants
            .iter()
            .flat_map(|variant| {
                let name = variant.name.clone().unwrap_or_else(|| "fields".to_owned());
                lanes(&variant.fields).into_iter().enumerate().map(move |(i, lane)| match i {
                    0 => (name.clone(), true, lane),
                    n => (format!("{name} ({})", n + 1), false, lane),
                })
            })
            .collect();
        let tag = self.tag.zip(self.discriminant).map(|(place, size)| place.offset()..place.offset() + size);
        let mut bounds: BTreeSet<u64> = [0, self.size].into();
        for field in self.variants.iter().flat_map(|v| &v.fields) {
            bounds.extend([field.offset, field.offset + field.size]);
        }
        bounds.extend(tag.iter().flat_map(|tag| [tag.start, tag.end]));
        let bounds: Vec<u64> = bounds.into_iter().collect();
        let zero_sized: BTreeSet<u64> =
            self.variants.iter().flat_map(|v| &v.fields).filter(|f| f.size == 0).map(|f| f.offset).collect();
        let mut ranges: Vec<Range<u64>> = Vec::new();
        for (i, &bound) in bounds.iter().enumerate() {
            if zero_sized.contains(&bound) {
                ranges.push(bound..bound);
            }
            if let Some(&next) = bounds.get(i + 1) {
                ranges.push(bound..next);
            }
        }
        let rows = ranges
            .into_iter()
            .map(|bytes| {
                let mut cells: Vec<Cell> = lanes
                    .iter()
                    .map(|(_, first, fields)| {
                        let in_tag = tag.as_ref().is_some_and(|tag| tag.start <= bytes.start && bytes.end <= tag.end);
                        match fields.iter().find(|f| covers(f, &bytes)) {
                            Some(f) if f.offset == bytes.start && (f.size > 0 || bytes.is_empty()) => {
                                Cell::Starts(f.label())
                            }
                            Some(_) => Cell::Continues,
                            None if in_tag && *first && !bytes.is_empty() => Cell::Tag,
                            None => Cell::Empty,
                        }
                    })
                    .collect();
                if !bytes.is_empty() && cells.iter().all(|c| *c == Cell::Empty) {
                    let unused = match (tag.is_some(), self.discriminant) {
                        (false, Some(_)) => Cell::TagOrPadding,
                        _ => Cell::Padding,
                    };
                    cells.iter_mut().for_each(|c| *c = unused.clone());
                    if cells.is_empty() {
                        cells.push(unused);
                    }
                }
                Row { bytes, cells }
            })
            .collect();
        let tag = match (self.discriminant, self.tag) {
            (Some(bytes), Some(TagPlace::FromDebugInfo(offset))) => Some(format!(
                "the tag: {bytes} byte(s) at offset {offset} (the `__state` member of the debug information)"
            )),
            (Some(bytes), Some(TagPlace::First)) => {
                Some(format!("the tag: {bytes} byte(s) at offset 0, before every variant's fields"))
            }
            (Some(bytes), None) => Some(format!("the tag: {bytes} byte(s), at an offset the print-out does not give")),
            (None, _) => None,
        };
        let columns = if lanes.is_empty() {
            vec!["fields".to_owned()]
        } else {
            lanes.into_iter().map(|(name, _, _)| name).collect()
        };
        LayoutTable { columns, rows, size: self.size, align: self.align, tag }
    }

    /// Every field of every variant, with its column in [`TypeLayout::table`].
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.variants.iter().flat_map(|v| &v.fields)
    }
}

/// Whether `field` lies over the row `bytes`: a sized field over every row within it, a
/// zero-sized one only over the zero-width row at its offset.
fn covers(field: &Field, bytes: &Range<u64>) -> bool {
    match (field.size, bytes.is_empty()) {
        (0, true) => field.offset == bytes.start,
        (0, false) | (_, true) => false,
        _ => field.offset <= bytes.start && bytes.end <= field.offset + field.size,
    }
}

/// The fields of one variant dealt into lanes in which no two overlap: one lane for a struct,
/// one per overlapping field for a union; one, empty, for a variant without fields.
fn lanes(fields: &[Field]) -> Vec<Vec<&Field>> {
    let clash = |a: &Field, b: &Field| match (a.size, b.size) {
        (0, 0) => a.offset == b.offset,
        (0, _) => b.offset < a.offset && a.offset < b.offset + b.size,
        (_, 0) => a.offset < b.offset && b.offset < a.offset + a.size,
        _ => a.bytes().start < b.bytes().end && b.bytes().start < a.bytes().end,
    };
    let mut lanes: Vec<Vec<&Field>> = Vec::new();
    for field in fields {
        match lanes.iter_mut().find(|lane| lane.iter().all(|other| !clash(field, other))) {
            Some(lane) => lane.push(field),
            None => lanes.push(vec![field]),
        }
    }
    if lanes.is_empty() {
        lanes.push(Vec::new());
    }
    lanes
}

impl Cell {
    /// The cell as the table prints it.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Starts(label) => label.clone(),
            Cell::Continues => "  ┊".to_owned(),
            Cell::Tag => "tag".to_owned(),
            Cell::Padding => "padding".to_owned(),
            Cell::TagOrPadding => "tag or padding".to_owned(),
        }
    }
}

impl LayoutTable {
    /// The cells of the row that covers exactly `bytes`, as the table prints them, one per
    /// column, without the empty ones at the end: what a test holds a page's reading of the
    /// table to (`["", "local view"]` for bytes 16..24 of a future whose view only `Suspend0`
    /// holds).
    pub fn row(&self, bytes: Range<u64>) -> Option<Vec<String>> {
        let row = self.rows.iter().find(|row| row.bytes == bytes)?;
        let mut cells: Vec<String> = row.cells.iter().map(Cell::text).collect();
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        Some(cells)
    }

    /// What is wrong with the table, if anything: a byte in no row or in two, a field without
    /// the cell where it starts, or shown twice.
    pub fn check(&self, layout: &TypeLayout) -> Result<(), String> {
        let mut next = 0;
        for row in &self.rows {
            if row.bytes.start != next {
                return Err(format!("{}: bytes {next}..{} are in no row, or in two", layout.name, row.bytes.start));
            }
            next = row.bytes.end;
        }
        if next != layout.size {
            return Err(format!("{}: the rows end at {next}, the type at {}", layout.name, layout.size));
        }
        for field in layout.fields() {
            let starts = self.rows.iter().flat_map(|r| &r.cells).filter(|c| **c == Cell::Starts(field.label())).count();
            let expected = layout.fields().filter(|f| f.label() == field.label()).count();
            if starts != expected {
                return Err(format!("{}: `{}` starts in {starts} cell(s), not {expected}", layout.name, field.label()));
            }
        }
        Ok(())
    }
}

impl fmt::Display for LayoutTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = Cell::text;
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                std::iter::once(format!("{}..{}", row.bytes.start, row.bytes.end))
                    .chain(row.cells.iter().map(text))
                    .collect()
            })
            .collect();
        let header: Vec<String> = std::iter::once("bytes".to_owned()).chain(self.columns.iter().cloned()).collect();
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let filled = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |last| last + 1);
            let padded: Vec<String> = cells[..filled].iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            padded.join(" │ ").trim_end().to_owned()
        };
        writeln!(f, "{}", line(&header))?;
        writeln!(f, "{}", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("─┼─"))?;
        for row in &rows {
            writeln!(f, "{}", line(row))?;
        }
        let mut footer = format!("{} bytes in all, alignment {}", self.size, self.align);
        if let Some(tag) = &self.tag {
            let _ = write!(footer, "; {tag}");
        }
        writeln!(f, "{footer}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTOUT: &str = "\
print-type-size type: `{async fn body of two_awaits()}`: 112 bytes, alignment: 4 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Unresumed`: 4 bytes
print-type-size         upvar `.x`: 4 bytes, offset: 0 bytes, alignment: 4 bytes
print-type-size     variant `Suspend0`: 76 bytes
print-type-size         upvar `.x`: 4 bytes, offset: 0 bytes, alignment: 4 bytes
print-type-size         local `.x`: 4 bytes
print-type-size         local `.a`: 64 bytes
print-type-size         padding: 4 bytes
print-type-size         local `.__awaitee`: 1 bytes, alignment: 1 bytes, type: YieldOnce
print-type-size     variant `Returned`: 0 bytes
print-type-size type: `DummyFuture`: 1 bytes, alignment: 1 bytes
print-type-size     field `.count`: 1 bytes
";

    #[test]
    fn offsets_are_recovered_by_rustcs_printing_rule() {
        let layouts = layouts(PRINTOUT);
        assert_eq!(layouts.len(), 2);
        let coroutine = &layouts[0];
        assert_eq!((coroutine.size, coroutine.align, coroutine.discriminant), (112, 4, Some(1)));
        let suspend0: Vec<(&str, &str, u64, u64)> =
            coroutine.variants[1].fields.iter().map(|f| (f.kind.as_str(), f.name.as_str(), f.offset, f.size)).collect();
        assert_eq!(
            suspend0,
            [("upvar", "x", 0, 4), ("local", "x", 4, 4), ("local", "a", 8, 64), ("local", "__awaitee", 76, 1)]
        );
        assert_eq!(
            layouts[1].variants[0].fields[0],
            Field { kind: "field".into(), name: "count".into(), offset: 0, size: 1 }
        );
    }

    #[test]
    fn a_placed_tag_shows_in_every_variant() {
        let printout = "\
print-type-size type: `{async fn body of hello_world()}`: 2 bytes, alignment: 1 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Unresumed`: 0 bytes
print-type-size     variant `Suspend0`: 1 bytes
print-type-size         local `.__awaitee`: 1 bytes, type: DummyFuture
";
        let mut layout = layouts(printout).remove(0);
        assert_eq!(layout.tag, None, "a coroutine's tag is placed from the debug information only");
        layout.place_tag(0);
        assert_eq!(
            layout.table().to_string(),
            "\
bytes │ Unresumed │ Suspend0
──────┼───────────┼────────────────
0..1  │ tag       │ tag
1..2  │           │ local __awaitee
2 bytes in all, alignment 1; the tag: 1 byte(s) at offset 0 (the `__state` member of the debug information)
"
        );
    }

    #[test]
    fn every_byte_has_a_row_even_where_no_field_lies_and_the_tag_is_not_placed() {
        let layout = &layouts(PRINTOUT)[0];
        let table = layout.table();
        assert_eq!(table.check(layout), Ok(()));
        assert_eq!(
            table.to_string(),
            "\
bytes   │ Unresumed      │ Suspend0        │ Returned
────────┼────────────────┼─────────────────┼───────────────
0..4    │ upvar x        │ upvar x
4..8    │                │ local x
8..72   │                │ local a
72..76  │ tag or padding │ tag or padding  │ tag or padding
76..77  │                │ local __awaitee
77..112 │ tag or padding │ tag or padding  │ tag or padding
112 bytes in all, alignment 4; the tag: 1 byte(s), at an offset the print-out does not give
"
        );
    }

    #[test]
    fn overlapping_fields_get_columns_of_their_own() {
        let printout = "\
print-type-size type: `Overlapping`: 8 bytes, alignment: 8 bytes
print-type-size     variant `Overlapping`: 8 bytes
print-type-size         field `.word`: 4 bytes
print-type-size         field `.wide`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
";
        let layout = &layouts(printout)[0];
        assert_eq!(layout.table().check(layout), Ok(()));
        assert_eq!(
            layout.table().to_string(),
            "\
bytes │ Overlapping │ Overlapping (2)
──────┼─────────────┼────────────────
0..4  │ field word  │ field wide
4..8  │             │   ┊
8 bytes in all, alignment 8
"
        );
    }

    #[test]
    fn zero_sized_fields_get_zero_width_rows_and_an_all_zero_sized_type_shows_its_fields() {
        let printout = "\
print-type-size type: `AllZeroSized`: 0 bytes, alignment: 1 bytes
print-type-size     field `.marker`: 0 bytes
print-type-size     field `.unit`: 0 bytes
";
        let layout = &layouts(printout)[0];
        assert_eq!(layout.table().check(layout), Ok(()));
        assert_eq!(
            layout.table().to_string(),
            "\
bytes │ fields       │ fields (2)
──────┼──────────────┼───────────
0..0  │ field marker │ field unit
0 bytes in all, alignment 1
"
        );
    }

    #[test]
    fn an_enums_tag_comes_first_and_trailing_padding_has_its_row() {
        let printout = "\
print-type-size type: `Tagged`: 16 bytes, alignment: 8 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Large`: 15 bytes
print-type-size         padding: 7 bytes
print-type-size         field `.0`: 8 bytes, alignment: 8 bytes
print-type-size     variant `Small`: 1 bytes
print-type-size         field `.0`: 1 bytes
";
        let layout = &layouts(printout)[0];
        assert_eq!(layout.tag, Some(TagPlace::First));
        assert_eq!(layout.table().check(layout), Ok(()));
        assert_eq!(
            layout.table().to_string(),
            "\
bytes │ Large   │ Small
──────┼─────────┼────────
0..1  │ tag     │ tag
1..2  │         │ field 0
2..8  │ padding │ padding
8..16 │ field 0
16 bytes in all, alignment 8; the tag: 1 byte(s) at offset 0, before every variant's fields
"
        );
    }
}
