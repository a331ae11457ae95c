//! Where everything in the picture of a layout lies, before any SVG is written.
//!
//! A ruler of byte offsets runs across the top; under it one row per variant, each field a box
//! over the columns of its bytes, the columns banded down every row; under the rows, a mark
//! under each column that more than one row uses, then the legend, wrapped.

use std::ops::Range;

use crate::svg::{FONT, Rect, SMALL, text_width};

use super::{ByteBox, Layout, What};

/// A row's height, and the gap between two rows.
const ROW: f64 = 28.0;
const GAP: f64 = 8.0;
/// The first row's top, under the ruler.
const TOP: f64 = 34.0;
/// The legend wraps past this width, or past the picture's if it is wider.
const LEGEND_WIDTH: f64 = 560.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Geometry<'a> {
    /// The left edge of each column of bytes, then the right edge of the last one.
    pub edges: Vec<f64>,
    /// One band per column, behind every row, so that the same bytes read down the picture.
    pub bands: Vec<Rect>,
    pub ruler: Ruler,
    pub rows: Vec<Row<'a>>,
    /// Under each column that several rows use.
    pub shared: Vec<Shared>,
    pub legend: Vec<LegendItem>,
    pub width: f64,
    pub height: f64,
}

/// The ruler from `from` to `to` at height `y`, with a tick at each boundary of a column
/// labelled with its offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Ruler {
    pub y: f64,
    pub from: f64,
    pub to: f64,
    /// (offset, x), each offset once.
    pub ticks: Vec<(u64, f64)>,
}

/// A variant's row: its name, right-aligned at `label_x` and centred on `middle`, and its boxes.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    pub name: &'a str,
    pub label_x: f64,
    pub middle: f64,
    pub boxes: Vec<Placed<'a>>,
}

/// A field, the tag or padding, over the columns of its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed<'a> {
    pub rect: Rect,
    pub byte_box: &'a ByteBox,
}

/// How many rows use the column between `left` and `right`, written under the rows at `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub left: f64,
    pub right: f64,
    pub y: f64,
    pub rows: usize,
}

/// What a kind of box means, with a sample of it at (`x`, `y`).
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub key: Key,
    pub x: f64,
    pub y: f64,
}

/// The kinds of box the legend explains, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Upvar,
    Local,
    Field,
    Tag,
    Padding,
    /// The `×N` under the rows.
    Shared,
}

impl Key {
    pub fn words(self) -> &'static str {
        match self {
            Key::Upvar => "upvar: captured by the body",
            Key::Local => "local: saved across an await",
            Key::Field => "field",
            Key::Tag => "tag: which state",
            Key::Padding => "padding",
            Key::Shared => "×N: bytes N rows use",
        }
    }

    /// Whether the box `what` is of this kind.
    fn explains(self, what: &What) -> bool {
        match (self, what) {
            (Key::Upvar, What::Field { kind, .. }) => kind == "upvar",
            (Key::Local, What::Field { kind, .. }) => kind == "local",
            (Key::Field, What::Field { kind, .. }) => kind == "field",
            (Key::Tag, What::Tag) | (Key::Padding, What::Padding | What::TagOrPadding) => true,
            _ => false,
        }
    }
}

impl<'a> Geometry<'a> {
    pub fn of(layout: &'a Layout) -> Geometry<'a> {
        let gutter = layout.rows.iter().map(|r| text_width(&r.name, FONT)).fold(0.0, f64::max) + 20.0;
        let widths = column_widths(layout);
        let mut edges = vec![gutter];
        for w in &widths {
            edges.push(edges[edges.len() - 1] + w);
        }
        let right = edges[edges.len() - 1];
        let bottom = TOP + layout.rows.len() as f64 * (ROW + GAP);
        let bands =
            widths.iter().zip(&edges).map(|(&width, &x)| Rect { x, y: TOP - 6.0, width, height: bottom - TOP + 6.0 });
        let rows = layout.rows.iter().enumerate().map(|(r, row)| {
            let y = TOP + r as f64 * (ROW + GAP);
            let boxes = row.boxes.iter().filter_map(|byte_box| place(layout, &edges, byte_box, y)).collect();
            Row { name: &row.name, label_x: gutter - 8.0, middle: y + ROW / 2.0, boxes }
        });
        let shared_columns = layout.shared();
        let shared = shared_columns.iter().filter_map(|(bytes, users)| {
            let i = layout.columns.iter().position(|c| c == bytes)?;
            Some(Shared { left: edges[i], right: edges[i + 1], y: bottom + 2.0, rows: users.len() })
        });
        let legend_top = bottom + if shared_columns.is_empty() { 12.0 } else { 30.0 };
        let past_the_ruler = right + 8.0_f64.max(text_width(&layout.size.to_string(), SMALL) / 2.0 + 4.0);
        let (legend, width) = legend(&legend_keys(layout, !shared_columns.is_empty()), legend_top, past_the_ruler);
        let height = legend.last().map_or(legend_top, |item| item.y) + 20.0;
        Geometry {
            bands: bands.collect(),
            ruler: Ruler { y: 24.0, from: gutter, to: right, ticks: ticks(layout, &edges) },
            rows: rows.collect(),
            shared: shared.collect(),
            legend,
            width,
            height,
            edges,
        }
    }
}

/// The width of each column: it grows with the logarithm of its byte count, and widens to fit
/// the label of a box that ends in it.
fn column_widths(layout: &Layout) -> Vec<f64> {
    let mut widths: Vec<f64> = layout
        .columns
        .iter()
        .map(|bytes| match bytes.end - bytes.start {
            0 => 14.0,
            n => 36.0 + 14.0 * (n as f64).log2(),
        })
        .collect();
    for b in layout.rows.iter().flat_map(|row| &row.boxes) {
        let needed = text_width(b.what.label(), FONT) + 12.0;
        let spanned: Vec<usize> = columns_of(layout, &b.bytes).collect();
        let have: f64 = spanned.iter().map(|&i| widths[i]).sum();
        if let Some(&last) = spanned.last()
            && have < needed
        {
            widths[last] += needed - have;
        }
    }
    widths
}

/// The columns that `bytes` covers; an empty range covers the empty columns at its offset.
fn columns_of<'a>(layout: &'a Layout, bytes: &'a Range<u64>) -> impl Iterator<Item = usize> + 'a {
    layout
        .columns
        .iter()
        .enumerate()
        .filter(move |(_, c)| {
            bytes.start <= c.start && c.end <= bytes.end && (c.start < c.end || bytes.start == bytes.end)
        })
        .map(|(i, _)| i)
}

/// A box over the columns of its bytes in the row whose top is `y`, inset so that two boxes side
/// by side stay apart; `None` for a box over no column.
fn place<'a>(layout: &Layout, edges: &[f64], byte_box: &'a ByteBox, y: f64) -> Option<Placed<'a>> {
    let spanned: Vec<usize> = columns_of(layout, &byte_box.bytes).collect();
    let (&first, &last) = (spanned.first()?, spanned.last()?);
    let rect = Rect { x: edges[first] + 1.5, y, width: edges[last + 1] - edges[first] - 3.0, height: ROW };
    Some(Placed { rect, byte_box })
}

/// A tick at the start of every column and at the type's end, each offset once.
fn ticks(layout: &Layout, edges: &[f64]) -> Vec<(u64, f64)> {
    let mut ticks: Vec<(u64, f64)> = layout.columns.iter().zip(edges).map(|(bytes, &x)| (bytes.start, x)).collect();
    ticks.push((layout.size, edges[edges.len() - 1]));
    ticks.dedup_by_key(|(offset, _)| *offset);
    ticks
}

/// The kinds of box the layout has, and the `×N` marks if any.
fn legend_keys(layout: &Layout, shared: bool) -> Vec<Key> {
    let boxes = || layout.rows.iter().flat_map(|r| &r.boxes).map(|b| &b.what);
    let mut keys: Vec<Key> = [Key::Upvar, Key::Local, Key::Field, Key::Tag, Key::Padding]
        .into_iter()
        .filter(|key| boxes().any(|what| key.explains(what)))
        .collect();
    if shared {
        keys.push(Key::Shared);
    }
    keys
}

/// The legend's items from (8, `top`), wrapped where the next would pass `width` (at least
/// [`LEGEND_WIDTH`]), and the picture's width, which the first row may widen.
fn legend(keys: &[Key], top: f64, width: f64) -> (Vec<LegendItem>, f64) {
    let (mut x, mut y, mut width) = (8.0, top, width);
    let mut items = Vec::new();
    for &key in keys {
        let item = 18.0 + text_width(key.words(), SMALL) + 16.0;
        if x + item > width.max(LEGEND_WIDTH) {
            (x, y) = (8.0, y + 18.0);
        }
        items.push(LegendItem { key, x, y });
        x += item;
        width = width.max(x);
    }
    (items, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_lies_over_exactly_the_columns_of_its_bytes_inset_from_their_edges() {
        let layout = super::super::tests::two_awaits();
        let geometry = layout.geometry();
        let suspend1 = geometry.rows.iter().find(|row| row.name == "Suspend1").unwrap();
        let between = suspend1.boxes.iter().find(|b| b.byte_box.what.label() == "between").unwrap();
        let column = layout.columns.iter().position(|c| *c == (32..40)).unwrap();
        assert_eq!(between.rect.x, geometry.edges[column] + 1.5);
        assert_eq!(between.rect.right(), geometry.edges[column + 1] - 1.5);
        assert_eq!(geometry.edges.len(), layout.columns.len() + 1);
    }

    #[test]
    fn the_ruler_ticks_every_boundary_once_and_ends_at_the_size() {
        let layout = super::super::tests::two_awaits();
        let offsets: Vec<u64> = layout.geometry().ruler.ticks.iter().map(|(offset, _)| *offset).collect();
        assert_eq!(offsets, [0, 8, 16, 17, 24, 25, 32, 40]);
    }

    #[test]
    fn the_legend_explains_only_the_kinds_of_box_the_layout_has() {
        let layout = super::super::tests::two_awaits();
        let keys: Vec<Key> = layout.geometry().legend.iter().map(|item| item.key).collect();
        assert_eq!(keys, [Key::Upvar, Key::Local, Key::Tag, Key::Padding, Key::Shared]);
    }

    #[test]
    fn the_legend_wraps_where_the_next_item_would_pass_its_width() {
        let keys = [Key::Upvar, Key::Local, Key::Field, Key::Tag, Key::Padding, Key::Shared];
        let (items, width) = legend(&keys, 100.0, 200.0);
        assert!(items.iter().any(|item| item.y > 100.0), "six items do not fit in {LEGEND_WIDTH}: {items:?}");
        assert!(items.iter().all(|item| item.x < LEGEND_WIDTH), "{items:?}");
        assert!(width <= LEGEND_WIDTH, "{width}");
    }
}
