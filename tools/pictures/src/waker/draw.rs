//! The picture of a waker in memory as SVG, from its [`Geometry`].

use crate::svg::{Anchor, Svg};

use super::geometry::{FunctionBox, Geometry, SlotBox, VtableArrow, WordBox};

pub fn svg(geometry: &Geometry<'_>, id: &str, title: &str, description: &str) -> String {
    let mut svg = Svg::new(id, "picture-waker");
    svg.label(&geometry.words_header, "picture-small");
    for word in &geometry.words {
        self::word(&mut svg, word);
    }
    svg.label(&geometry.vtable_header, "picture-small");
    vtable_arrow(&mut svg, &geometry.vtable_arrow, geometry.vtable);
    for slot in &geometry.slots {
        self::slot(&mut svg, slot);
    }
    for function in &geometry.functions {
        self::function(&mut svg, function);
    }
    svg.finish(geometry.width, geometry.height, title, description)
}

fn word(svg: &mut Svg, word: &WordBox<'_>) {
    let WordBox { rect, word: w, text, register } = word;
    let tooltip = format!("offset {}: {} ({})", w.offset, w.field, w.evidence);
    svg.rect(*rect, "picture-box picture-word", Some(&tooltip));
    svg.text(rect.x + 10.0, rect.y + 18.0, Anchor::Start, "picture-label", text);
    if let Some(register) = register {
        svg.text(rect.x + rect.width - 8.0, rect.y + 18.0, Anchor::End, "picture-small", register);
    }
}

fn vtable_arrow(svg: &mut Svg, arrow: &VtableArrow, vtable: &str) {
    let VtableArrow { from_x, from_y, bend_x, to_y, to_x } = arrow;
    svg.arrow(
        &format!("M{from_x},{from_y} H{bend_x} V{to_y} H{to_x}"),
        "picture-arrow",
        &format!("the vtable pointer points at {vtable}"),
    );
}

fn slot(svg: &mut Svg, slot: &SlotBox<'_>) {
    let SlotBox { rect, slot: s, text, points_at: (x2, target) } = slot;
    svg.rect(*rect, "picture-box picture-slot", Some(&format!("{}: {}", s.name, s.function)));
    svg.text(rect.x + 10.0, rect.y + 18.0, Anchor::Start, "picture-label", text);
    let (x1, y) = (rect.right(), rect.y + rect.height / 2.0);
    svg.arrow(
        &format!("M{x1},{y} C{},{y} {},{target} {x2},{target}", x1 + 32.0, x2 - 32.0),
        "picture-arrow",
        &format!("{} points at {}", s.name, s.function),
    );
}

fn function(svg: &mut Svg, function: &FunctionBox<'_>) {
    svg.rect(function.rect, "picture-box picture-function", None);
    svg.text(function.rect.x + 10.0, function.rect.y + 18.0, Anchor::Start, "picture-label", function.name);
}
