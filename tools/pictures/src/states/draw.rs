//! The picture of a coroutine's states as SVG, from its [`Geometry`].

use crate::svg::{Anchor, Svg};

use super::Exit;
use super::geometry::{Arc, Geometry, LegendItem, Node, Start};

pub fn svg(geometry: &Geometry, id: &str, title: &str, description: &str) -> String {
    let mut svg = Svg::new(id, "picture-states");
    start(&mut svg, &geometry.start);
    for node in &geometry.nodes {
        self::node(&mut svg, node);
    }
    for arc in &geometry.arcs {
        self::arc(&mut svg, arc, &geometry.nodes);
    }
    for item in &geometry.legend {
        legend_item(&mut svg, item);
    }
    svg.finish(geometry.width, geometry.height, title, description)
}

fn class(exit: Exit) -> &'static str {
    match exit {
        Exit::Pending => "picture-edge-pending",
        Exit::Ready => "picture-edge-ready",
        Exit::Unwind => "picture-edge-unwind",
    }
}

fn start(svg: &mut Svg, start: &Start) {
    let x = start.x;
    svg.arrow(&format!("M{x},6 L{x},{}", start.to_y), "picture-arrow", "calling the async fn makes the future");
    svg.text(x + 8.0, 17.0, Anchor::Start, "picture-small", &start.caption);
}

fn node(svg: &mut Svg, node: &Node) {
    let Node { rect, variant, heading, detail, loops } = node;
    svg.rect(*rect, "picture-box picture-node", None);
    svg.text(rect.x + 10.0, rect.y + 17.0, Anchor::Start, "picture-label", heading);
    svg.text(rect.x + 10.0, rect.y + 33.0, Anchor::Start, "picture-small", detail);
    if *loops {
        let (left, y1, y2) = (rect.x, rect.y + 12.0, rect.bottom() - 12.0);
        svg.arrow(
            &format!("M{left},{y1} C{},{y1} {},{y2} {left},{y2}", left - 40.0, left - 40.0),
            class(Exit::Pending),
            &format!("{variant}: polled again, still Pending"),
        );
    }
}

fn arc(svg: &mut Svg, arc: &Arc, nodes: &[Node]) {
    let Arc { right, x, from_y, to_y, .. } = arc;
    let (from, to) = (&nodes[arc.from].variant, &nodes[arc.to].variant);
    let words = match arc.exit {
        Exit::Pending => format!("from {from}, a poll returns Pending and leaves the future in {to}"),
        Exit::Ready => format!("from {from}, a poll returns Ready and leaves the future in {to}"),
        Exit::Unwind => format!("from {from}, a panic unwinds and leaves the future in {to}"),
    };
    svg.arrow(&format!("M{right},{from_y} H{x} V{to_y} H{}", right + 1.0), class(arc.exit), &words);
}

fn legend_item(svg: &mut Svg, item: &LegendItem) {
    let LegendItem { exit, x, y } = *item;
    svg.line((x, y + 6.0), (x + 22.0, y + 6.0), class(exit));
    svg.text(x + 28.0, y + 10.0, Anchor::Start, "picture-small", exit.legend());
}
