//! `-Zprint-type-sizes`, parsed: each type's size, its variants and the offsets of their fields,
//! and a table of the layout generated from them.
//!
//! rustc prints a variant's fields in offset order, starting after the discriminant, with a
//! `padding` line before a field that does not follow on directly and an explicit `offset` for a
//! field that lies before that point (a coroutine's shared prefix); see `print_type_sizes` in
//! `compiler/rustc_session/src/code_stats.rs`. The offsets below are recovered by the same rule.
//! Where the tag itself lies is not printed; for an `async fn`, the stage appends one line
//! `tag-offset `{async fn body of f()}`: N bytes` read from the debug information
//! (`debuginfo.rs`), and the table places the tag there.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

const PREFIX: &str = "print-type-size ";
/// The prefix of the lines the stage adds after rustc's print-out.
pub const TAG_OFFSET: &str = "tag-offset ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeLayout {
    /// `{async fn body of hello_world()}`.
    pub name: String,
    pub size: u64,
    pub align: u64,
    /// The tag's size, for enums and coroutines.
    pub discriminant: Option<u64>,
    /// Where the tag lies, when the debug information says so (async fns).
    pub tag_offset: Option<u64>,
    pub variants: Vec<Variant>,
    /// The print-out of this type, without the `print-type-size` prefixes.
    pub printed: String,
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
                tag_offset: None,
                variants: Vec::new(),
                printed: String::new(),
            });
        }
        let Some(layout) = layouts.last_mut() else { continue };
        layout.printed.push_str(line);
        layout.printed.push('\n');
        let discriminant = layout.discriminant.unwrap_or(0);
        if let Some(rest) = body.strip_prefix("discriminant: ") {
            layout.discriminant = bytes_values(rest).first().copied();
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
    let tag_offsets: HashMap<&str, u64> = printout
        .lines()
        .filter_map(|line| line.strip_prefix(TAG_OFFSET)?.strip_prefix('`')?.rsplit_once("`: "))
        .filter_map(|(name, bytes)| Some((name, *bytes_values(bytes).first()?)))
        .collect();
    for layout in &mut layouts {
        layout.tag_offset = tag_offsets.get(layout.name.as_str()).copied();
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

impl TypeLayout {
    /// The layout as a table: one column per variant, one row per byte range on which some
    /// variant's field starts or ends, so that what overlaps shares a row.
    pub fn table(&self) -> String {
        let mut bounds: BTreeSet<u64> = BTreeSet::new();
        for field in self.variants.iter().flat_map(|v| &v.fields).filter(|f| f.size > 0) {
            bounds.insert(field.offset);
            bounds.insert(field.offset + field.size);
        }
        let tag = self.tag_offset.zip(self.discriminant).map(|(offset, size)| offset..offset + size);
        if let Some(tag) = &tag {
            bounds.insert(tag.start);
            bounds.insert(tag.end);
        }
        let bounds: Vec<u64> = bounds.into_iter().collect();
        let headers: Vec<String> =
            self.variants.iter().map(|v| v.name.clone().unwrap_or_else(|| "fields".to_owned())).collect();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for range in bounds.windows(2) {
            let (start, end) = (range[0], range[1]);
            let mut row = vec![format!("{start}..{end}")];
            let in_tag = tag.as_ref().is_some_and(|tag| tag.start <= start && end <= tag.end);
            for variant in &self.variants {
                let cell = variant.fields.iter().find(|f| f.size > 0 && f.offset <= start && end <= f.offset + f.size);
                row.push(match cell {
                    Some(f) if f.offset == start => format!("{} {}", f.kind, f.name),
                    Some(_) => "  ┊".to_owned(),
                    None if in_tag => "tag".to_owned(),
                    None => String::new(),
                });
            }
            rows.push(row);
        }
        let mut widths: Vec<usize> =
            std::iter::once("bytes".len()).chain(headers.iter().map(|h| h.chars().count())).collect();
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut table = String::new();
        let line = |cells: &[String]| {
            let filled = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |last| last + 1);
            let padded: Vec<String> = cells[..filled].iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            padded.join(" │ ").trim_end().to_owned()
        };
        let header: Vec<String> = std::iter::once("bytes".to_owned()).chain(headers).collect();
        let _ = writeln!(table, "{}", line(&header));
        let _ = writeln!(table, "{}", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("─┼─"));
        for row in &rows {
            let _ = writeln!(table, "{}", line(row));
        }
        let tag = match (self.discriminant, self.tag_offset) {
            (Some(bytes), Some(offset)) => {
                format!("; the tag: {bytes} byte(s) at offset {offset} (the `__state` member of the debug information)")
            }
            (Some(bytes), None) => format!("; the tag: {bytes} byte(s), at an offset the print-out does not give"),
            (None, _) => String::new(),
        };
        let _ = writeln!(table, "{} bytes in all, alignment {}{tag}", self.size, self.align);
        table
    }
}

/// The cells of the row for `bytes` (`"16..24"`) of a table made by [`TypeLayout::table`], one per
/// variant, trimmed. A row leaves out its trailing empty cells, and so does this. `None` if there
/// is no such row. (For the tests of a chapter, which state where a field lies in each variant.)
pub fn table_row(table: &str, bytes: &str) -> Option<Vec<String>> {
    let row = table.lines().find(|line| line.split('│').next().map(str::trim) == Some(bytes))?;
    Some(row.split('│').skip(1).map(|cell| cell.trim().to_owned()).collect())
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
    fn a_tag_offset_line_places_the_tag_in_every_variant() {
        let printout = "\
print-type-size type: `{async fn body of hello_world()}`: 2 bytes, alignment: 1 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Unresumed`: 0 bytes
print-type-size     variant `Suspend0`: 1 bytes
print-type-size         local `.__awaitee`: 1 bytes, type: DummyFuture
tag-offset `{async fn body of hello_world()}`: 0 bytes
";
        let layout = &layouts(printout)[0];
        assert_eq!(layout.tag_offset, Some(0));
        assert!(!layout.printed.contains("tag-offset"), "the print-out stays rustc's");
        assert_eq!(
            layout.table(),
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
    fn a_row_of_the_table_reads_back_as_its_cells_without_the_empty_ones_at_the_end() {
        let table = layouts(PRINTOUT)[0].table();
        assert_eq!(table_row(&table, "4..8").unwrap(), ["", "local x"]);
        assert_eq!(table_row(&table, "0..4").unwrap(), ["upvar x", "upvar x"]);
        assert_eq!(table_row(&table, "72..76").unwrap(), Vec::<String>::new());
        assert_eq!(table_row(&table, "8..9"), None);
    }

    #[test]
    fn the_table_puts_overlapping_fields_on_shared_rows() {
        let table = layouts(PRINTOUT)[0].table();
        assert_eq!(
            table,
            "\
bytes  │ Unresumed │ Suspend0        │ Returned
───────┼───────────┼─────────────────┼─────────
0..4   │ upvar x   │ upvar x
4..8   │           │ local x
8..72  │           │ local a
72..76
76..77 │           │ local __awaitee
112 bytes in all, alignment 4; the tag: 1 byte(s), at an offset the print-out does not give
"
        );
    }
}
