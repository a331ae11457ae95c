//! Where everything in the picture of a coroutine's states lies, before any SVG is written.
//!
//! The states are a column of nodes in reading order. A transition between two states is an arc
//! on the right, in a lane of its own: the shortest arcs nearest the nodes, and those of a panic
//! unwinding outside all others. A poll that stays `Pending` is a loop on the left. The legend
//! runs under it all.

use std::collections::BTreeMap;

use crate::svg::{FONT, Rect, SMALL, text_width};

use super::{Exit, State, States};

/// A node's height, the gap between two nodes, and the distance between two lanes of arcs.
const NODE: f64 = 42.0;
const GAP: f64 = 30.0;
const LANE: f64 = 14.0;
/// The nodes' left edge, with room for the loops on their left.
const LEFT: f64 = 56.0;
/// The first node's top, under the arrow that makes the future.
const TOP: f64 = 34.0;
/// A line of a state's source longer than this is cut, with an ellipsis.
const LONGEST_SOURCE: usize = 44;

#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Calling the function makes the future, in its first state: an arrow down into the first
    /// node at `x`, captioned.
    pub start: Start,
    /// One per state, in reading order.
    pub nodes: Vec<Node>,
    /// One per transition between two different states, in the order their lanes were given.
    pub arcs: Vec<Arc>,
    pub legend: Vec<LegendItem>,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub x: f64,
    /// Where the arrow ends: the first node's top.
    pub to_y: f64,
    /// `hello_world(…) makes the future`.
    pub caption: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub rect: Rect,
    pub variant: String,
    /// `Suspend0 · tag 3`.
    pub heading: String,
    /// `line 12: fut.await;`, `created, not polled yet`, or what a poll panics with.
    pub detail: String,
    /// Whether a poll in this state can return `Pending` and leave it in this state.
    pub loops: bool,
}

/// A transition from the node `from` to the node `to`: out of the right side of one, along its
/// lane at `x`, into the right side of the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Arc {
    pub from: usize,
    pub to: usize,
    pub exit: Exit,
    pub lane: usize,
    /// The nodes' right edge, where the arc leaves and arrives.
    pub right: f64,
    pub x: f64,
    /// Where the arc leaves `from` and arrives at `to`: the ports of each node are spread over
    /// its right side so that no two arcs cross at a node.
    pub from_y: f64,
    pub to_y: f64,
}

/// A sample of an arc's line at (`x`, `y`), and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub exit: Exit,
    pub x: f64,
    pub y: f64,
}

impl Exit {
    /// What an arc of this exit means, in the legend.
    pub fn legend(self) -> &'static str {
        match self {
            Exit::Pending => "returns Pending",
            Exit::Ready => "returns Ready",
            Exit::Unwind => "a panic unwinds",
        }
    }
}

impl Geometry {
    pub fn of(states: &States) -> Geometry {
        let texts: Vec<(String, String)> = states.states.iter().map(|state| (heading(state), detail(state))).collect();
        let node_width =
            texts.iter().map(|(a, b)| text_width(a, FONT).max(text_width(b, SMALL)) + 20.0).fold(240.0, f64::max);
        let right = LEFT + node_width;
        let nodes: Vec<Node> = states
            .states
            .iter()
            .zip(texts)
            .enumerate()
            .map(|(i, (state, (heading, detail)))| Node {
                rect: Rect { x: LEFT, y: node_y(i), width: node_width, height: NODE },
                variant: state.variant.clone(),
                heading,
                detail,
                loops: states.transitions.iter().any(|t| t.from == state.value && t.to == state.value),
            })
            .collect();
        let arcs = arcs(states, right);
        let width = arcs.iter().map(|arc| arc.x).fold(right, f64::max);
        let legend_y = node_y(nodes.len()) + 4.0;
        let (legend, legend_right) = legend(legend_y);
        Geometry {
            start: Start {
                x: LEFT + 24.0,
                to_y: TOP - 1.0,
                caption: format!("{}(…) makes the future", states.function()),
            },
            nodes,
            arcs,
            legend,
            width: (width + 16.0).max(legend_right),
            height: legend_y + 22.0,
        }
    }
}

/// The top of the `i`th node; of the legend, for one past the last.
fn node_y(i: usize) -> f64 {
    TOP + i as f64 * (NODE + GAP)
}

fn heading(state: &State) -> String {
    format!("{} · tag {}", state.variant, state.value)
}

fn detail(state: &State) -> String {
    match (&state.panics, state.variant.as_str(), state.line, &state.source) {
        (Some(message), ..) => format!("polled again: panics, {message}"),
        (None, "Unresumed", ..) => "created, not polled yet".to_owned(),
        (None, _, Some(line), Some(source)) => {
            let source: String = if source.chars().count() > LONGEST_SOURCE {
                source.chars().take(LONGEST_SOURCE - 1).chain(['…']).collect()
            } else {
                source.clone()
            };
            format!("line {line}: {source}")
        }
        _ => String::new(),
    }
}

/// The arcs between different states, each in its lane and with its ports. A transition from or
/// to a value that is no state is not drawn: [`States::of`] refuses those.
fn arcs(states: &States, right: f64) -> Vec<Arc> {
    let index = |value: u64| states.states.iter().position(|s| s.value == value);
    let mut ends: Vec<(usize, usize, Exit)> = states
        .transitions
        .iter()
        .filter(|t| t.from != t.to)
        .filter_map(|t| Some((index(t.from)?, index(t.to)?, t.exit)))
        .collect();
    // The shortest arcs nearest the nodes, unwinding outermost.
    ends.sort_by_key(|&(from, to, exit)| (exit == Exit::Unwind, from.abs_diff(to), from));
    let lanes = lanes(&ends);
    let ports = ports(&ends, &lanes);
    ends.iter()
        .zip(lanes)
        .enumerate()
        .map(|(n, (&(from, to, exit), lane))| Arc {
            from,
            to,
            exit,
            lane,
            right,
            x: right + 12.0 + lane as f64 * LANE,
            from_y: ports.y(from, n),
            to_y: ports.y(to, n),
        })
        .collect()
}

/// The lane of each arc, in order: the innermost lane where it overlaps no arc already placed.
/// The arcs of a panic unwinding start outside every lane of the arcs before them, which come
/// first.
fn lanes(arcs: &[(usize, usize, Exit)]) -> Vec<usize> {
    let mut taken: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut outside_the_polls = 0;
    let mut lanes = Vec::new();
    for &(from, to, exit) in arcs {
        let (low, high) = (from.min(to), from.max(to));
        let mut lane = if exit == Exit::Unwind { outside_the_polls } else { 0 };
        while taken.get(lane).is_some_and(|spans| spans.iter().any(|&(l, h)| l <= high && low <= h)) {
            lane += 1;
        }
        if taken.len() <= lane {
            taken.resize(lane + 1, Vec::new());
        }
        taken[lane].push((low, high));
        if exit != Exit::Unwind {
            outside_the_polls = outside_the_polls.max(lane + 1);
        }
        lanes.push(lane);
    }
    lanes
}

/// For each node, the arcs that touch it, in the order of their ports from its top.
struct Ports(BTreeMap<usize, Vec<usize>>);

/// At each node, the arcs to nodes above leave from the top, outermost first, and the arcs to
/// nodes below from the bottom, outermost last: no two cross at the node.
fn ports(arcs: &[(usize, usize, Exit)], lanes: &[usize]) -> Ports {
    let mut ports: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (n, &(from, to, _)) in arcs.iter().enumerate() {
        ports.entry(from).or_default().push(n);
        ports.entry(to).or_default().push(n);
    }
    for (node, list) in ports.iter_mut() {
        list.sort_by_key(|&n| {
            let (from, to, _) = arcs[n];
            let other = if from == *node { to } else { from };
            if other < *node { (0, usize::MAX - lanes[n]) } else { (1, lanes[n]) }
        });
    }
    Ports(ports)
}

impl Ports {
    /// Where the arc `arc` touches the node `node`: its ports spread evenly down the node.
    fn y(&self, node: usize, arc: usize) -> f64 {
        let list = &self.0[&node];
        let k = list.iter().position(|&n| n == arc).unwrap_or(0);
        node_y(node) + NODE * (k as f64 + 1.0) / (list.len() as f64 + 1.0)
    }
}

/// The legend's items in a row at `y`, and where the row ends.
fn legend(y: f64) -> (Vec<LegendItem>, f64) {
    let mut x = 8.0;
    let mut items = Vec::new();
    for exit in [Exit::Pending, Exit::Ready, Exit::Unwind] {
        items.push(LegendItem { exit, x, y });
        x += 28.0 + text_width(exit.legend(), SMALL) + 18.0;
    }
    (items, x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::states::{State, Transition};

    fn state(value: u64, variant: &str) -> State {
        State { value, variant: variant.into(), line: None, source: None, panics: None }
    }

    /// `Unresumed`, `Suspend0`, `Suspend1`, `Returned`, `Panicked`, and every transition of an
    /// `async fn` with two awaits.
    fn two_awaits() -> States {
        let t = |from, to, exit| Transition { from, to, exit };
        States {
            body: "f::{closure#0}".into(),
            states: vec![
                state(0, "Unresumed"),
                state(3, "Suspend0"),
                state(4, "Suspend1"),
                state(1, "Returned"),
                state(2, "Panicked"),
            ],
            transitions: vec![
                t(0, 3, Exit::Pending),
                t(3, 3, Exit::Pending),
                t(3, 4, Exit::Pending),
                t(4, 4, Exit::Pending),
                t(4, 1, Exit::Ready),
                t(0, 2, Exit::Unwind),
                t(3, 2, Exit::Unwind),
                t(4, 2, Exit::Unwind),
            ],
        }
    }

    #[test]
    fn the_states_are_a_column_of_nodes_in_reading_order_and_a_suspended_one_loops() {
        let geometry = two_awaits().geometry();
        let nodes: Vec<(&str, f64, bool)> =
            geometry.nodes.iter().map(|node| (node.variant.as_str(), node.rect.y, node.loops)).collect();
        assert_eq!(
            nodes,
            [
                ("Unresumed", 34.0, false),
                ("Suspend0", 106.0, true),
                ("Suspend1", 178.0, true),
                ("Returned", 250.0, false),
                ("Panicked", 322.0, false)
            ]
        );
        assert_eq!(geometry.start.caption, "f(…) makes the future");
    }

    #[test]
    fn no_two_arcs_in_one_lane_overlap_and_every_unwinding_arc_runs_outside_the_polls() {
        let geometry = two_awaits().geometry();
        let span = |arc: &Arc| (arc.from.min(arc.to), arc.from.max(arc.to));
        for (i, a) in geometry.arcs.iter().enumerate() {
            for b in &geometry.arcs[i + 1..] {
                let ((a_low, a_high), (b_low, b_high)) = (span(a), span(b));
                assert!(a.lane != b.lane || a_high < b_low || b_high < a_low, "{a:?} overlaps {b:?}");
            }
        }
        let outermost_poll = geometry.arcs.iter().filter(|a| a.exit != Exit::Unwind).map(|a| a.lane).max();
        let innermost_unwind = geometry.arcs.iter().filter(|a| a.exit == Exit::Unwind).map(|a| a.lane).min();
        assert!(outermost_poll < innermost_unwind, "{:?}", geometry.arcs);
        assert_eq!(geometry.arcs.len(), 8 - 2, "the two loops are not arcs");
    }

    #[test]
    fn at_each_node_the_arcs_arrive_at_ports_of_their_own() {
        let geometry = two_awaits().geometry();
        for (i, node) in geometry.nodes.iter().enumerate() {
            let mut ys: Vec<f64> = geometry
                .arcs
                .iter()
                .flat_map(|arc| [(arc.from, arc.from_y), (arc.to, arc.to_y)])
                .filter(|&(n, _)| n == i)
                .map(|(_, y)| y)
                .collect();
            ys.sort_by(f64::total_cmp);
            assert!(ys.iter().all(|&y| node.rect.y < y && y < node.rect.bottom()), "{}: {ys:?}", node.variant);
            assert!(ys.windows(2).all(|pair| pair[0] < pair[1]), "{}: two arcs share a port: {ys:?}", node.variant);
        }
    }

    #[test]
    fn a_long_line_of_source_is_cut_with_an_ellipsis() {
        let mut suspended = state(3, "Suspend0");
        (suspended.line, suspended.source) = (Some(7), Some("x".repeat(50)));
        assert_eq!(detail(&suspended), format!("line 7: {}…", "x".repeat(43)));
    }
}
