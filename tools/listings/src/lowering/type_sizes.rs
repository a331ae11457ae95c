//! `-Zprint-type-sizes`, parsed: each type's size, its variants and the offsets of their fields,
//! and a table of the layout generated from them in which every byte of the type lies in exactly
//! one row and every field, zero-sized or overlapping another, has a cell of its own.
//!
//! rustc prints a variant's fields in offset order, starting after the discriminant, with a
//! `padding` line before a field that does not follow on directly and an explicit `offset` for a
//! field that lies before that point (a coroutine's shared prefix, a union's second field); see
//! `print_type_sizes` in `compiler/rustc_session/src/code_stats.rs`. The offsets below are
//! recovered by the same rule. Where the tag lies is not printed: an enum's tag comes first (the
//! same rule puts every variant's fields after it); a coroutine's (an `async fn`'s future, an async
//! closure's body, an `async` block) tag offset is read from the debug information
//! (`debuginfo.rs`) and set with [`TypeLayout::place_tag`].
//!
//! The parser reads every line or fails naming it: a type that the print-out ends before it is
//! whole (its fields do not reach the size its line gives, by the rule rustc prints `end
//! padding` by), a number it cannot read, a field outside its type, a line of no known shape.
//!
//! A type-sizes listing (what a snapshot stores) is the type's print-out without the prefixes,
//! a blank line and its table: [`TypeLayout`]'s `Display`, read back by
//! [`TypeLayout::from_listing`] with the tag's place and the states, which the text does not
//! say, from the snapshot's header ([`TagAndStates`]).

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use super::debuginfo::StateSource;
use crate::error::{Expected, Format, LayoutProblem, ParseError};

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
    pub states: Vec<StateSource>,
}

/// Where a type's tag lies, and how that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagPlace {
    /// An enum's tag: first, before every variant's fields (rustc's printing rule).
    First,
    /// A coroutine's: the offset of the `__state` member of its debug information.
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
    /// The bytes it lies over. The parser refuses a field that ends past `u64::MAX`; one built
    /// by hand ends there.
    pub fn bytes(&self) -> Range<u64> {
        self.offset..self.offset.saturating_add(self.size)
    }

    fn label(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

/// Every type in the print-out (rustc's standard output, every line prefixed), in its order
/// (largest first).
pub fn layouts(printout: &str) -> Result<Vec<TypeLayout>, ParseError> {
    let mut reader = Reader::new(Format::TypeSizes, printout);
    for (index, line) in printout.lines().enumerate() {
        let unprefixed = line
            .strip_prefix(PREFIX)
            .ok_or_else(|| ParseError::quoting(Format::TypeSizes, index + 1, line, Expected::TypeSizesPrefix))?;
        reader.line(index + 1, line, unprefixed)?;
    }
    reader.finish()
}

/// Reads a print-out line by line, one type open at a time.
struct Reader<'a> {
    format: Format,
    input: &'a str,
    layouts: Vec<TypeLayout>,
    open: Option<OpenType>,
}

/// The type being read, and where its lines have got to.
struct OpenType {
    layout: TypeLayout,
    /// The line of each variant's line.
    variant_lines: Vec<usize>,
    /// Each variant's size as printed (its size less the discriminant's).
    variant_sizes: Vec<u64>,
    /// Fields of a struct-like type (no variant lines) have been read.
    struct_like: bool,
    /// Where the next field starts unless its line says otherwise, and the padding before it.
    min_offset: u64,
    padding: u64,
    end_padding: Option<u64>,
}

impl<'a> Reader<'a> {
    fn new(format: Format, input: &'a str) -> Reader<'a> {
        Reader { format, input, layouts: Vec::new(), open: None }
    }

    /// One line: `line` as it reads, `body` without any prefix.
    fn line(&mut self, number: usize, line: &str, body: &str) -> Result<(), ParseError> {
        let error = |expected| ParseError::quoting(self.format, number, line, expected);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let text = &body[indent..];
        if indent == 0 {
            let (name, size, align) = type_line(text).ok_or_else(|| error(Expected::TypeLine))?;
            self.close(number)?;
            self.open = Some(OpenType {
                layout: TypeLayout {
                    name: name.to_owned(),
                    size,
                    align,
                    discriminant: None,
                    tag: None,
                    variants: Vec::new(),
                    printed: format!("{body}\n"),
                    states: Vec::new(),
                },
                variant_lines: Vec::new(),
                variant_sizes: Vec::new(),
                struct_like: false,
                min_offset: 0,
                padding: 0,
                end_padding: None,
            });
            return Ok(());
        }
        let open = self.open.as_mut().ok_or_else(|| error(Expected::TypeBeforeItsParts))?;
        open.layout.printed.push_str(body);
        open.layout.printed.push('\n');
        let in_variant = !open.layout.variants.is_empty() && !open.struct_like;
        let no_parts_yet = open.layout.variants.is_empty() && open.layout.discriminant.is_none();
        if open.end_padding.is_some() {
            // `end padding` is the last line rustc prints of a type.
            return Err(error(Expected::TypeLine));
        }
        match indent {
            4 if text.starts_with("discriminant: ") && no_parts_yet => {
                let bytes = bytes_only(&text["discriminant: ".len()..])
                    .ok_or_else(|| error(Expected::Bytes { what: "the discriminant" }))?;
                open.layout.discriminant = Some(bytes);
                // Coroutines get their tag's place from the debug information, if at all.
                open.layout.tag = (!open.layout.name.starts_with('{')).then_some(TagPlace::First);
            }
            4 if text.starts_with("variant `") && !open.struct_like => {
                let (name, size) = variant_line(text).ok_or_else(|| error(Expected::TypeSizesLine))?;
                open.layout.variants.push(Variant { name: Some(name.to_owned()), fields: Vec::new() });
                open.variant_lines.push(number);
                open.variant_sizes.push(size);
                (open.min_offset, open.padding) = (open.layout.discriminant.unwrap_or(0), 0);
            }
            4 if text.starts_with("end padding: ") => {
                let bytes = bytes_only(&text["end padding: ".len()..])
                    .ok_or_else(|| error(Expected::Bytes { what: "the end padding" }))?;
                open.end_padding = Some(bytes);
            }
            // A struct's fields and padding lie directly under its type; an enum's under a variant.
            4 | 8 if (indent == 8) == in_variant => {
                if indent == 4 && !open.struct_like {
                    if open.layout.discriminant.is_some() {
                        return Err(error(Expected::TypeSizesLine));
                    }
                    open.struct_like = true;
                    open.layout.variants.push(Variant { name: None, fields: Vec::new() });
                    (open.min_offset, open.padding) = (0, 0);
                }
                if let Some(rest) = text.strip_prefix("padding: ") {
                    open.padding = bytes_only(rest).ok_or_else(|| error(Expected::Bytes { what: "the padding" }))?;
                    return Ok(());
                }
                let line = field_line(text).map_err(error)?;
                let offset = match line.offset {
                    Some(offset) => offset,
                    None => open
                        .min_offset
                        .checked_add(open.padding)
                        .ok_or_else(|| error(Expected::FieldWithinType { size: open.layout.size }))?,
                };
                let end = offset.checked_add(line.size).filter(|end| *end <= open.layout.size);
                let end = end.ok_or_else(|| error(Expected::FieldWithinType { size: open.layout.size }))?;
                open.layout.variants.last_mut().expect("a variant").fields.push(Field {
                    kind: line.kind.to_owned(),
                    name: line.name.to_owned(),
                    offset,
                    size: line.size,
                });
                (open.min_offset, open.padding) = (end, 0);
            }
            _ => return Err(error(Expected::TypeSizesLine)),
        }
        Ok(())
    }

    /// Ends the open type where the line `number` (or the end of the input) begins: it must be
    /// whole by rustc's own arithmetic.
    fn close(&mut self, number: usize) -> Result<(), ParseError> {
        let Some(open) = self.open.take() else { return Ok(()) };
        let at = |expected| match number > self.input.lines().count() {
            true => ParseError::at_end(self.format, self.input, expected),
            false => ParseError::at(self.format, self.input, number, expected),
        };
        let layout = &open.layout;
        let discriminant = layout.discriminant.unwrap_or(0);
        let reach = |fields: &mut dyn Iterator<Item = &Field>| fields.map(|f| f.offset + f.size).max().unwrap_or(0);
        // A variant's line gives its size less the tag's. An enum's (or a union's) variant is
        // as large as its fields reach; a coroutine's is as large as its own locals reach (its
        // captured upvars' where it has none), plus the tag where the tag lies past them
        // (`variant_info_for_coroutine` in `rustc_ty_utils`), which the print-out does not say.
        for ((variant, &size), &line) in layout.variants.iter().zip(&open.variant_sizes).zip(&open.variant_lines) {
            let reached = reach(&mut variant.fields.iter());
            let whole = match layout.name.starts_with('{') {
                true => {
                    let locals = reach(&mut variant.fields.iter().filter(|f| f.kind == "local"));
                    let own = if locals > 0 { locals } else { reached };
                    size == own || u128::from(size) + u128::from(discriminant) == u128::from(own)
                }
                // A `#[repr(C)]` enum's variant without fields is printed as large as the tag
                // rounded up to the enum's alignment (tokio's `Stage::Consumed`, 4 bytes after a
                // 4-byte tag in an 8-aligned enum, on 1.95): that is whole too.
                false => {
                    let printed = u128::from(size) + u128::from(discriminant);
                    let tag_rounded = u128::from(discriminant).next_multiple_of(u128::from(layout.align.max(1)));
                    printed == u128::from(reached.max(discriminant))
                        || (variant.fields.is_empty() && printed == tag_rounded)
                }
            };
            if !whole {
                let part =
                    format!("the variant `{}` of `{}`", variant.name.as_deref().unwrap_or_default(), layout.name);
                return Err(ParseError::at(
                    self.format,
                    self.input,
                    line,
                    Expected::CompleteType { part, reached, size },
                ));
            }
        }
        // A tag tells two variants apart or more: rustc prints every one.
        if layout.discriminant.is_some() && layout.variants.len() < 2 {
            let part = format!("the type `{}`, whose discriminant tells variants apart", layout.name);
            return Err(at(Expected::CompleteType { part, reached: 0, size: layout.size }));
        }
        // rustc prints `end padding` for what the largest variant (the discriminant included) or
        // the struct's last field leaves of the type's size; a type it has no variant for at all
        // is end padding all through (a struct with no field of any size is as large as it says
        // only when it says 0 bytes).
        let end_padding = u128::from(open.end_padding.unwrap_or(0));
        let (reached, whole) = match open.struct_like || layout.variants.is_empty() {
            true => {
                let reached = layout.variants.first().map(|v| reach(&mut v.fields.iter())).unwrap_or(0);
                let whole = match reached {
                    0 => {
                        (open.end_padding.is_none() && layout.size == 0)
                            || u128::from(discriminant) + end_padding == u128::from(layout.size)
                    }
                    _ => u128::from(reached) + end_padding == u128::from(layout.size),
                };
                (reached, whole)
            }
            false => {
                let largest = open.variant_sizes.iter().map(|size| u128::from(*size) + u128::from(discriminant));
                let largest = largest.max().unwrap_or(0).max(u128::from(discriminant));
                (u64::try_from(largest).unwrap_or(u64::MAX), largest + end_padding == u128::from(layout.size))
            }
        };
        if !whole {
            let part = format!("the type `{}`", layout.name);
            return Err(at(Expected::CompleteType { part, reached, size: layout.size }));
        }
        self.layouts.push(open.layout);
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<TypeLayout>, ParseError> {
        if !self.input.is_empty() && !self.input.ends_with('\n') {
            let last = self.input.lines().count();
            return Err(ParseError::at(self.format, self.input, last, Expected::FinalNewline));
        }
        self.close(usize::MAX)?;
        Ok(self.layouts)
    }
}

/// `type: `NAME`: 16 bytes, alignment: 8 bytes` → (`NAME`, 16, 8).
fn type_line(text: &str) -> Option<(&str, u64, u64)> {
    let rest = text.strip_prefix("type: `")?;
    let (name, numbers) = rest.rsplit_once("`: ")?;
    let (size, align) = numbers.split_once(", alignment: ")?;
    Some((name, bytes_only(size)?, bytes_only(align)?))
}

/// `variant `Suspend0`: 24 bytes` → (`Suspend0`, 24).
fn variant_line(text: &str) -> Option<(&str, u64)> {
    let (name, size) = text.strip_prefix("variant `")?.rsplit_once("`: ")?;
    Some((name, bytes_only(size)?))
}

/// `16 bytes` → 16: a whole number that fits in 64 bits, and nothing else.
fn bytes_only(text: &str) -> Option<u64> {
    let number = text.strip_suffix(" bytes")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then(|| number.parse().ok()).flatten()
}

/// A field's line, read: `local `.x`: 8 bytes, offset: 0 bytes, alignment: 8 bytes, type: T`.
struct FieldLine<'a> {
    kind: &'a str,
    name: &'a str,
    size: u64,
    offset: Option<u64>,
}

fn field_line(text: &str) -> Result<FieldLine<'_>, Expected> {
    let (kind, rest) = text.split_once(" `.").ok_or(Expected::TypeSizesLine)?;
    if !matches!(kind, "field" | "upvar" | "local") {
        return Err(Expected::TypeSizesLine);
    }
    let (name, mut rest) = rest.split_once("`: ").ok_or(Expected::TypeLine)?;
    let number = |rest: &str| -> Option<(u64, usize)> {
        let end = rest.find(" bytes")? + " bytes".len();
        Some((bytes_only(&rest[..end])?, end))
    };
    let (size, used) = number(rest).ok_or(Expected::Bytes { what: "the field's size" })?;
    rest = &rest[used..];
    let mut offset = None;
    if let Some(after) = rest.strip_prefix(", offset: ") {
        let (value, used) = number(after).ok_or(Expected::Bytes { what: "the field's offset" })?;
        (offset, rest) = (Some(value), &after[used..]);
    }
    if let Some(after) = rest.strip_prefix(", alignment: ") {
        let (_, used) = number(after).ok_or(Expected::Bytes { what: "the field's alignment" })?;
        rest = &after[used..];
    }
    // The type, which may hold anything, comes last.
    if !(rest.is_empty() || rest.starts_with(", type: ")) {
        return Err(Expected::TypeSizesLine);
    }
    Ok(FieldLine { kind, name, size, offset })
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
    /// The tag, if the type has one: what the footer says of it.
    pub tag: Option<Tag>,
}

/// A type's tag: its size, and where it lies where that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    pub bytes: u64,
    pub place: Option<TagPlace>,
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.bytes;
        match self.place {
            Some(TagPlace::FromDebugInfo(offset)) => {
                write!(f, "the tag: {bytes} byte(s) at offset {offset} (the `__state` member of the debug information)")
            }
            Some(TagPlace::First) => write!(f, "the tag: {bytes} byte(s) at offset 0, before every variant's fields"),
            None => write!(f, "the tag: {bytes} byte(s), at an offset the print-out does not give"),
        }
    }
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
    /// A field starts here: `local` `__awaitee`.
    Starts { kind: String, name: String },
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
        let tag =
            self.tag.zip(self.discriminant).map(|(place, size)| place.offset()..place.offset().saturating_add(size));
        let mut bounds: BTreeSet<u64> = [0, self.size].into();
        for field in self.fields() {
            bounds.extend([field.bytes().start, field.bytes().end]);
        }
        bounds.extend(tag.iter().flat_map(|tag| [tag.start, tag.end]));
        let bounds: Vec<u64> = bounds.into_iter().collect();
        let zero_sized: BTreeSet<u64> = self.fields().filter(|f| f.size == 0).map(|f| f.offset).collect();
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
                                Cell::Starts { kind: f.kind.clone(), name: f.name.clone() }
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
        let columns = if lanes.is_empty() {
            vec!["fields".to_owned()]
        } else {
            lanes.into_iter().map(|(name, _, _)| name).collect()
        };
        let tag = self.discriminant.map(|bytes| Tag { bytes, place: self.tag });
        LayoutTable { columns, rows, size: self.size, align: self.align, tag }
    }

    /// Every field of every variant, with its column in [`TypeLayout::table`].
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.variants.iter().flat_map(|v| &v.fields)
    }

    /// The cells of the row of the table that covers exactly `bytes` (see [`LayoutTable::row`]).
    pub fn row(&self, bytes: Range<u64>) -> Option<Vec<String>> {
        self.table().row(bytes)
    }

    /// What a type-sizes snapshot's header records of it: the tag's place and the states.
    pub fn tag_and_states(&self) -> TagAndStates {
        TagAndStates { tag: self.tag, states: self.states.clone() }
    }

    /// A type-sizes listing read back: `text` as [`TypeLayout`]'s `Display` printed it, `header`
    /// as the snapshot's header records what the text does not say. The table is drawn again
    /// from the print-out and the header, and must be the text's, line for line.
    pub fn from_listing(text: &str, header: &TagAndStates) -> Result<TypeLayout, ParseError> {
        let format = Format::TypeSizesListing;
        let lines: Vec<&str> = text.lines().collect();
        let blank = lines.iter().position(|line| line.is_empty());
        let printout_lines = &lines[..blank.unwrap_or(lines.len())];
        let mut reader = Reader::new(format, text);
        for (index, line) in printout_lines.iter().enumerate() {
            reader.line(index + 1, line, line)?;
        }
        reader.close(printout_lines.len() + 1)?;
        let mut layouts = reader.layouts;
        let Some(blank) = blank else {
            return Err(ParseError::at_end(format, text, Expected::BlankBeforeTable));
        };
        if layouts.len() != 1 {
            return Err(ParseError::at(format, text, 1, Expected::OneType));
        }
        let mut layout = layouts.remove(0);
        if header.tag.is_some() && layout.discriminant.is_none() {
            return Err(ParseError::quoting(Format::TagAndStates, 1, &header.to_string(), Expected::TagAndStates));
        }
        layout.tag = header.tag;
        layout.states = header.states.clone();
        let table = layout.table().to_string();
        let mut drawn = table.lines();
        for (index, line) in lines.iter().enumerate().skip(blank + 1) {
            match drawn.next() {
                Some(expected) if expected == *line => {}
                Some(expected) => {
                    return Err(ParseError::at(
                        format,
                        text,
                        index + 1,
                        Expected::TableLine { line: expected.to_owned() },
                    ));
                }
                None => return Err(ParseError::at(format, text, index + 1, Expected::FinalNewline)),
            }
        }
        if let Some(expected) = drawn.next() {
            return Err(ParseError::at_end(format, text, Expected::TableLine { line: expected.to_owned() }));
        }
        if !text.ends_with('\n') {
            return Err(ParseError::at(format, text, lines.len(), Expected::FinalNewline));
        }
        Ok(layout)
    }
}

/// A type-sizes listing, as the book shows it and a snapshot stores it: the type's print-out,
/// a blank line, its table.
impl fmt::Display for TypeLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}", self.printed, self.table())
    }
}

/// What a type-sizes listing does not say and its snapshot's header records: where the tag
/// lies and the states of an `async fn`'s future, written `tag at 16 (debug information);
/// states 0 Unresumed line 88, 1 Returned line 92, 2 Panicked line 92, 3 Suspend0 line 89`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagAndStates {
    pub tag: Option<TagPlace>,
    pub states: Vec<StateSource>,
}

impl fmt::Display for TagAndStates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tag {
            None => f.write_str("tag not placed")?,
            Some(TagPlace::First) => f.write_str("tag first")?,
            Some(TagPlace::FromDebugInfo(offset)) => write!(f, "tag at {offset} (debug information)")?,
        }
        if self.states.is_empty() {
            return f.write_str("; no states");
        }
        f.write_str("; states ")?;
        for (i, state) in self.states.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            write!(f, "{separator}{} {}", state.value, state.variant)?;
            if let Some(line) = state.line {
                write!(f, " line {line}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for TagAndStates {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<TagAndStates, ParseError> {
        let error = || ParseError::quoting(Format::TagAndStates, 1, text, Expected::TagAndStates);
        let (tag, states) = text.split_once("; ").ok_or_else(error)?;
        let tag = match tag {
            "tag not placed" => None,
            "tag first" => Some(TagPlace::First),
            _ => {
                let offset = tag.strip_prefix("tag at ").and_then(|rest| rest.strip_suffix(" (debug information)"));
                Some(TagPlace::FromDebugInfo(number(offset.ok_or_else(error)?).ok_or_else(error)?))
            }
        };
        let states = match states {
            "no states" => Vec::new(),
            _ => states
                .strip_prefix("states ")
                .ok_or_else(error)?
                .split(", ")
                .map(|state| {
                    let words: Vec<&str> = state.split(' ').collect();
                    let (value, variant, line) = match words[..] {
                        [value, variant] => (value, variant, None),
                        [value, variant, "line", line] => (value, variant, Some(number(line)?)),
                        _ => return None,
                    };
                    let line = line.map(u32::try_from).transpose().ok()?;
                    let plain = !variant.is_empty() && variant.chars().all(|c| c.is_alphanumeric() || c == '_');
                    let value = number(value)?;
                    plain.then(|| StateSource { value, variant: variant.to_owned(), line })
                })
                .collect::<Option<Vec<StateSource>>>()
                .ok_or_else(error)?,
        };
        Ok(TagAndStates { tag, states })
    }
}

/// A whole number as `Display` writes it (no sign, no leading zero).
fn number(text: &str) -> Option<u64> {
    text.parse::<u64>().ok().filter(|n| n.to_string() == text)
}

/// Whether `field` lies over the row `bytes`: a sized field over every row within it, a
/// zero-sized one only over the zero-width row at its offset.
fn covers(field: &Field, bytes: &Range<u64>) -> bool {
    match (field.size, bytes.is_empty()) {
        (0, true) => field.offset == bytes.start,
        (0, false) | (_, true) => false,
        _ => field.offset <= bytes.start && bytes.end <= field.bytes().end,
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
            Cell::Starts { kind, name } => format!("{kind} {name}"),
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

    /// What is wrong with the table, if anything: a byte in no row or in two, a field past the
    /// type's end, a field without the cell where it starts, or shown twice. The stage that
    /// renders a layout checks it ([`StageOutput::listing`](crate::lowering::StageOutput::listing)).
    pub fn check(&self, layout: &TypeLayout) -> Result<(), LayoutProblem> {
        for field in layout.fields() {
            let end = u128::from(field.offset) + u128::from(field.size);
            if end > u128::from(layout.size) {
                return Err(LayoutProblem::FieldPastEnd { field: field.label(), end, size: layout.size });
            }
        }
        let mut next = 0;
        for row in &self.rows {
            if row.bytes.start != next {
                return Err(LayoutProblem::BytesInNoRowOrTwo { from: next, to: row.bytes.start });
            }
            next = row.bytes.end;
        }
        if next != layout.size {
            return Err(LayoutProblem::RowsEnd { rows_end: next, size: layout.size });
        }
        for field in layout.fields() {
            let starts =
                |c: &&Cell| matches!(c, Cell::Starts { kind, name } if *kind == field.kind && *name == field.name);
            let cells = self.rows.iter().flat_map(|r| &r.cells).filter(starts).count();
            let fields = layout.fields().filter(|f| f.label() == field.label()).count();
            if cells != fields {
                return Err(LayoutProblem::FieldCells { field: field.label(), cells, fields });
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
        write!(f, "{} bytes in all, alignment {}", self.size, self.align)?;
        if let Some(tag) = &self.tag {
            write!(f, "; {tag}")?;
        }
        writeln!(f)
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
print-type-size     end padding: 35 bytes
print-type-size type: `DummyFuture`: 1 bytes, alignment: 1 bytes
print-type-size     field `.count`: 1 bytes
";

    #[test]
    fn offsets_are_recovered_by_rustcs_printing_rule() {
        let layouts = layouts(PRINTOUT).unwrap();
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
        let mut layout = layouts(printout).unwrap().remove(0);
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
        let layout = &layouts(PRINTOUT).unwrap()[0];
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
        let layout = &layouts(printout).unwrap()[0];
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
        let layout = &layouts(printout).unwrap()[0];
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

    /// An enum whose tag comes first, with a padded variant and a one-byte one.
    const TAGGED: &str = "\
print-type-size type: `Tagged`: 16 bytes, alignment: 8 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Large`: 15 bytes
print-type-size         padding: 7 bytes
print-type-size         field `.0`: 8 bytes, alignment: 8 bytes
print-type-size     variant `Small`: 1 bytes
print-type-size         field `.0`: 1 bytes
";

    #[test]
    fn a_repr_c_enums_variant_without_fields_is_as_large_as_its_tag_rounded_to_the_alignment() {
        // tokio 1.54.1's `Stage<T>` (`#[repr(C)]`), as rustc 1.95 prints it.
        let printout = "\
print-type-size type: `Stage`: 32 bytes, alignment: 8 bytes
print-type-size     discriminant: 4 bytes
print-type-size     variant `Finished`: 28 bytes
print-type-size         padding: 4 bytes
print-type-size         field `.0`: 24 bytes, alignment: 8 bytes
print-type-size     variant `Running`: 12 bytes
print-type-size         padding: 4 bytes
print-type-size         field `.0`: 8 bytes, alignment: 8 bytes
print-type-size     variant `Consumed`: 4 bytes
";
        let layout = &layouts(printout).unwrap()[0];
        assert_eq!(layout.variants.len(), 3);
        assert_eq!(layout.table().check(layout), Ok(()));
        // A variant without fields that claims more than its tag rounded up is still cut short.
        let cut = printout.replace("`Consumed`: 4 bytes", "`Consumed`: 12 bytes");
        assert!(layouts(&cut).is_err());
    }

    #[test]
    fn an_enums_tag_comes_first_and_trailing_padding_has_its_row() {
        let layout = &layouts(TAGGED).unwrap()[0];
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

    fn error(printout: &str) -> ParseError {
        layouts(printout).expect_err(printout)
    }

    #[test]
    fn a_type_line_with_an_unclosed_backtick_is_an_error_not_a_field_of_the_type_before() {
        let printout = format!("{PRINTOUT}print-type-size type: `Broken: 8 bytes, alignment: 8 bytes\n");
        let e = error(&printout);
        assert_eq!((e.line, e.expected), (printout.lines().count(), Expected::TypeLine));
    }

    #[test]
    fn a_number_that_cannot_be_read_is_an_error_not_zero() {
        for (line, what) in [
            ("print-type-size type: `T`: eight bytes, alignment: 8 bytes", None),
            ("print-type-size type: `T`: 18446744073709551616 bytes, alignment: 8 bytes", None),
            ("print-type-size     field `.x`: -1 bytes", Some("the field's size")),
        ] {
            let printout = match what {
                None => format!("{line}\n"),
                Some(_) => format!("print-type-size type: `T`: 8 bytes, alignment: 8 bytes\n{line}\n"),
            };
            let e = error(&printout);
            let expected = match what {
                None => Expected::TypeLine,
                Some(what) => Expected::Bytes { what },
            };
            assert_eq!((e.text.as_str(), e.expected), (line, expected), "{line}");
        }
    }

    #[test]
    fn a_variant_before_any_type_is_an_error_not_dropped() {
        let e = error(
            "print-type-size     variant `Orphan`: 8 bytes\nprint-type-size type: `T`: 0 bytes, alignment: 1 bytes\n",
        );
        assert_eq!((e.line, e.expected), (1, Expected::TypeBeforeItsParts));
    }

    #[test]
    fn a_print_out_cut_short_is_an_error_not_an_incomplete_last_type() {
        // Cut inside a variant's fields, before the next variant, before the end padding, inside
        // a line: each leaves the last type short of the bytes its own lines give.
        let whole = PRINTOUT.split("print-type-size type: `DummyFuture`").next().unwrap();
        let cut_at = |marker: &str| &whole[..whole.find(marker).unwrap()];
        for cut in [
            cut_at("print-type-size         local `.a`"),
            cut_at("print-type-size     variant `Suspend0`"),
            cut_at("print-type-size     end padding"),
        ] {
            let e = error(cut);
            assert!(matches!(e.expected, Expected::CompleteType { .. }), "{cut}\n{e}");
        }
        // Cut inside its last line, the number it gives is gone too.
        let e = error(&whole[..whole.len() - 5]);
        assert_eq!(
            (e.text.as_str(), e.expected),
            ("print-type-size     end padding: 35 b", Expected::Bytes { what: "the end padding" })
        );
        assert_eq!(layouts(whole).unwrap().len(), 1, "the whole type reads");
    }

    #[test]
    fn a_field_that_ends_past_its_type_is_an_error_and_a_huge_one_does_not_overflow() {
        let past = "print-type-size type: `T`: 8 bytes, alignment: 8 bytes\nprint-type-size     field `.a`: 8 bytes\nprint-type-size     field `.b`: 8 bytes\n";
        assert_eq!((error(past).line, error(past).expected), (3, Expected::FieldWithinType { size: 8 }));
        let max = u64::MAX;
        let huge = format!(
            "print-type-size type: `T`: {max} bytes, alignment: 8 bytes\nprint-type-size     field `.a`: {max} bytes\nprint-type-size     field `.b`: {max} bytes\n"
        );
        assert_eq!(error(&huge).expected, Expected::FieldWithinType { size: max });
        let one = format!(
            "print-type-size type: `T`: {max} bytes, alignment: 1 bytes\nprint-type-size     field `.a`: {max} bytes\n"
        );
        let layout = &layouts(&one).unwrap()[0];
        assert_eq!(layout.table().check(layout), Ok(()));
    }

    #[test]
    fn the_table_of_a_layout_built_by_hand_past_its_end_is_refused_by_its_check() {
        let mut layout = layouts(
            "print-type-size type: `T`: 8 bytes, alignment: 8 bytes\nprint-type-size     field `.a`: 8 bytes\n",
        )
        .unwrap()
        .remove(0);
        layout.variants[0].fields[0].offset = 8;
        assert_eq!(
            layout.table().check(&layout),
            Err(LayoutProblem::FieldPastEnd { field: "field a".into(), end: 16, size: 8 })
        );
    }

    #[test]
    fn a_listing_reads_back_with_its_tag_and_states_from_the_header() {
        let enumeration = layouts(TAGGED).unwrap().remove(0);
        let mut future = layouts(PRINTOUT).unwrap().remove(0);
        future.place_tag(72);
        future.states = vec![
            StateSource { value: 0, variant: "Unresumed".into(), line: Some(88) },
            StateSource { value: 3, variant: "Suspend0".into(), line: None },
        ];
        for layout in [enumeration, future] {
            let header = layout.tag_and_states();
            let text = layout.to_string();
            assert_eq!(header.to_string().parse::<TagAndStates>().as_ref(), Ok(&header));
            assert_eq!(TypeLayout::from_listing(&text, &header).as_ref(), Ok(&layout), "{text}");
        }
    }

    #[test]
    fn a_listing_whose_table_is_not_the_print_outs_is_an_error_at_the_first_line_that_differs() {
        let mut layout = layouts(PRINTOUT).unwrap().remove(0);
        layout.place_tag(72);
        let text = layout.to_string().replace("72..73  │ tag", "72..73  │ gat");
        let e = TypeLayout::from_listing(&text, &layout.tag_and_states()).unwrap_err();
        assert!(matches!(e.expected, Expected::TableLine { .. }), "{e}");
        assert!(e.text.starts_with("72..73  │ gat"), "{e}");
        let e = TypeLayout::from_listing(&text, &TagAndStates::default()).unwrap_err();
        assert!(matches!(e.expected, Expected::TableLine { .. }), "the header's tag draws the table: {e}");
    }
}
