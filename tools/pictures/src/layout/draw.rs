//! The picture of a layout as SVG, from its [`Geometry`].

use crate::svg::{Anchor, Rect, Svg};

use super::What;
use super::geometry::{Geometry, Key, LegendItem, Placed, Row, Ruler, Shared};

pub fn svg(geometry: &Geometry<'_>, id: &str, title: &str, description: &str) -> String {
    let mut svg = Svg::new(id, "picture-layout");
    for (i, band) in geometry.bands.iter().enumerate() {
        let class = if i % 2 == 0 { "picture-band" } else { "picture-band picture-band-odd" };
        svg.rect(*band, class, None);
    }
    ruler(&mut svg, &geometry.ruler);
    for row in &geometry.rows {
        self::row(&mut svg, row);
    }
    for shared in &geometry.shared {
        self::shared(&mut svg, shared);
    }
    for item in &geometry.legend {
        legend_item(&mut svg, item);
    }
    svg.finish(geometry.width, geometry.height, title, description)
}

fn ruler(svg: &mut Svg, ruler: &Ruler) {
    let Ruler { y, from, to, .. } = *ruler;
    svg.line((from, y), (to, y), "picture-rule");
    for (offset, x) in &ruler.ticks {
        svg.line((*x, y - 4.0), (*x, y + 4.0), "picture-rule");
        svg.text(*x, y - 9.0, Anchor::Middle, "picture-small", &offset.to_string());
    }
    svg.text(from - 8.0, y - 9.0, Anchor::End, "picture-small", "byte");
}

fn row(svg: &mut Svg, row: &Row<'_>) {
    svg.text(row.label_x, row.middle + 4.0, Anchor::End, "picture-label", row.name);
    for placed in &row.boxes {
        byte_box(svg, placed, row.name);
    }
}

/// A box, its bytes and its row in its tooltip.
fn byte_box(svg: &mut Svg, placed: &Placed<'_>, row: &str) {
    let Placed { rect, byte_box } = placed;
    let (what, bytes) = (&byte_box.what, &byte_box.bytes);
    let count = bytes.end - bytes.start;
    let plural = if count == 1 { "" } else { "s" };
    let tooltip = format!("{}: bytes {}..{} ({count} byte{plural}) in {row}", what.words(), bytes.start, bytes.end);
    match what {
        What::Padding | What::TagOrPadding => svg.hatched(*rect, "picture-padding", &tooltip),
        What::Tag => svg.rect(*rect, "picture-box picture-tag", Some(&tooltip)),
        What::Field { kind, .. } => svg.rect(*rect, &format!("picture-box picture-{kind}"), Some(&tooltip)),
    }
    if !what.label().is_empty() {
        let (x, y) = (rect.x + rect.width / 2.0, rect.y + rect.height / 2.0 + 4.0);
        svg.text(x, y, Anchor::Middle, "picture-label", what.label());
    }
}

fn shared(svg: &mut Svg, shared: &Shared) {
    let Shared { left, right, y, rows } = *shared;
    svg.line((left + 3.0, y), (right - 3.0, y), "picture-shared");
    svg.text((left + right) / 2.0, y + 13.0, Anchor::Middle, "picture-small", &format!("×{rows}"));
}

fn legend_item(svg: &mut Svg, item: &LegendItem) {
    let LegendItem { key, x, y } = *item;
    let sample = Rect { x, y, width: 12.0, height: 12.0 };
    match key {
        Key::Upvar => svg.rect(sample, "picture-box picture-upvar", None),
        Key::Local => svg.rect(sample, "picture-box picture-local", None),
        Key::Field => svg.rect(sample, "picture-box picture-field", None),
        Key::Tag => svg.rect(sample, "picture-box picture-tag", None),
        Key::Padding => svg.hatched(sample, "picture-padding", key.words()),
        Key::Shared => {}
    }
    svg.text(x + 18.0, y + 10.0, Anchor::Start, "picture-small", key.words());
}
