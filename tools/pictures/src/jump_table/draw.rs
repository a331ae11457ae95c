//! The picture of a jump table as SVG, from its [`Geometry`].

use crate::svg::{Anchor, Svg};

use super::geometry::{EntryRow, Geometry, TargetBox};

pub fn svg(geometry: &Geometry<'_>, id: &str, title: &str, description: &str) -> String {
    let mut svg = Svg::new(id, "picture-jump-table");
    svg.label(&geometry.caption, "picture-small");
    for header in &geometry.headers {
        svg.label(header, "picture-small");
    }
    for row in &geometry.rows {
        entry(&mut svg, row);
    }
    for target in &geometry.targets {
        self::target(&mut svg, target);
    }
    svg.finish(geometry.width, geometry.height, title, description)
}

/// The state's value, joined to its entry, and the entry's arrow to its label.
fn entry(svg: &mut Svg, row: &EntryRow<'_>) {
    let EntryRow { entry, state, state_text, slot, slot_text, jumps_to } = row;
    let middle = state.y + state.height / 2.0;
    svg.rect(*state, "picture-box picture-tag", None);
    svg.text(state.x + 10.0, state.y + 18.0, Anchor::Start, "picture-label", state_text);
    svg.line((state.right(), middle), (slot.x, middle), "picture-rule");
    svg.rect(*slot, "picture-box picture-slot", None);
    svg.text(slot.x + 10.0, slot.y + 18.0, Anchor::Start, "picture-label", slot_text);
    let Some((x2, to)) = jumps_to else { return };
    let x1 = slot.right();
    svg.arrow(
        &format!("M{x1},{middle} C{},{middle} {},{to} {x2},{to}", x1 + 40.0, x2 - 40.0),
        "picture-arrow",
        &format!("state {} ({}) jumps to {}", entry.value, entry.state, entry.label),
    );
}

fn target(svg: &mut Svg, target: &TargetBox<'_>) {
    let TargetBox { rect, first, second, .. } = target;
    svg.rect(*rect, "picture-box picture-node", None);
    svg.text(rect.x + 10.0, rect.y + 13.0, Anchor::Start, "picture-label", first);
    svg.text(rect.x + 10.0, rect.y + 24.0, Anchor::Start, "picture-small", second);
}
