//! Where everything in the picture of a jump table lies, before any SVG is written.
//!
//! Three columns, left to right: the state byte's values, the table's entries beside them, and
//! the labels the entries name, in the listing's order, so that the arrows from the entries to
//! the labels show how far the blocks lie from the order of the states.

use crate::svg::{FONT, Label, Rect, SMALL, text_width};

use super::{Entry, JumpTable, Target};

/// The distance from one row to the next, and a box's height within it.
const ROW: f64 = 34.0;
const BOX: f64 = ROW - 6.0;
/// The left edge, and the first row's top, under the caption and the columns' headers.
const LEFT: f64 = 8.0;
const TOP: f64 = 44.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Geometry<'a> {
    /// What reads the state byte, over everything.
    pub caption: Label,
    /// Over the values, the entries and the labels.
    pub headers: [Label; 3],
    pub rows: Vec<EntryRow<'a>>,
    pub targets: Vec<TargetBox<'a>>,
    pub width: f64,
    pub height: f64,
}

/// A value of the state byte and the table's entry for it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRow<'a> {
    pub entry: &'a Entry,
    /// `3 · Suspend0`.
    pub state: Rect,
    pub state_text: String,
    /// `+12: .LBB0_2`.
    pub slot: Rect,
    pub slot_text: String,
    /// Where the entry's arrow ends: the middle of its label's box, less a unit to the left.
    pub jumps_to: Option<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetBox<'a> {
    pub rect: Rect,
    pub target: &'a Target,
    /// `.LBB0_2  fut.await;`
    pub first: String,
    /// `src/lib.rs:95 · calls DummyFuture::poll`
    pub second: String,
}

impl<'a> Geometry<'a> {
    pub fn of(table: &'a JumpTable) -> Geometry<'a> {
        let state_texts: Vec<String> = table.entries.iter().map(|e| format!("{} · {}", e.value, e.state)).collect();
        let slot_texts: Vec<String> = table.entries.iter().map(|e| format!("+{}: {}", e.value * 4, e.label)).collect();
        let target_texts: Vec<(String, String)> = table.targets.iter().map(target_lines).collect();
        let entry_width = widest(state_texts.iter().map(|text| text_width(text, FONT))) + 20.0;
        let slot_width = widest(slot_texts.iter().map(|text| text_width(text, FONT))) + 20.0;
        let target_width =
            widest(target_texts.iter().map(|(a, b)| text_width(a, FONT).max(text_width(b, SMALL)))) + 20.0;
        let slot_x = LEFT + entry_width + 28.0;
        let target_x = slot_x + slot_width + 80.0;
        let targets: Vec<TargetBox<'a>> = table
            .targets
            .iter()
            .zip(target_texts)
            .enumerate()
            .map(|(i, (target, (first, second)))| TargetBox {
                rect: Rect { x: target_x, y: row_y(i), width: target_width, height: BOX },
                target,
                first,
                second,
            })
            .collect();
        let rows = table
            .entries
            .iter()
            .zip(state_texts.into_iter().zip(slot_texts))
            .enumerate()
            .map(|(i, (entry, (state_text, slot_text)))| EntryRow {
                entry,
                state: Rect { x: LEFT, y: row_y(i), width: entry_width, height: BOX },
                state_text,
                slot: Rect { x: slot_x, y: row_y(i), width: slot_width, height: BOX },
                slot_text,
                jumps_to: targets
                    .iter()
                    .find(|t| t.target.label == entry.label)
                    .map(|t| (target_x - 1.0, t.rect.y + BOX / 2.0)),
            })
            .collect();
        let header = |x: f64, text: String| Label { x, y: TOP - 8.0, text };
        Geometry {
            caption: Label {
                x: LEFT,
                y: 14.0,
                text: format!("{} reads the state byte (offset {})", table.dispatch, table.state_offset),
            },
            headers: [
                header(LEFT, "state byte".to_owned()),
                header(slot_x, format!("{}, 4 bytes an entry", table.table)),
                header(target_x, "labels, in the listing's order".to_owned()),
            ],
            rows,
            targets,
            width: target_x + target_width + 8.0,
            height: TOP + table.entries.len().max(table.targets.len()) as f64 * ROW + 4.0,
        }
    }
}

fn widest(widths: impl Iterator<Item = f64>) -> f64 {
    widths.fold(0.0, f64::max)
}

/// The top of the `i`th row.
fn row_y(i: usize) -> f64 {
    TOP + i as f64 * ROW
}

/// A label's two lines: the label and its source line's text; where that line is, and what the
/// block calls first.
fn target_lines(target: &Target) -> (String, String) {
    let (line, source) = target.source.as_ref().map_or(("", ""), |(line, text)| (line.as_str(), text.as_str()));
    let second = match &target.calls {
        Some(call) => format!("{line} · calls {call}"),
        None => line.to_owned(),
    };
    (format!("{}  {source}", target.label), second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entry_points_at_its_label_wherever_the_listing_put_it() {
        let entry = |value, state: &str, label: &str| Entry { value, state: state.into(), label: label.into() };
        let target = |label: &str| Target { label: label.into(), source: None, calls: None };
        let table = JumpTable {
            function: "f::{{closure}}".into(),
            dispatch: "movzx eax, byte ptr [rdi]".into(),
            state_offset: 0,
            table: ".LJTI0_0".into(),
            entries: vec![
                entry(0, "Unresumed", ".LBB0_1"),
                entry(1, "Returned", ".LBB0_3"),
                entry(2, "Panicked", ".LBB0_2"),
            ],
            targets: vec![target(".LBB0_1"), target(".LBB0_2"), target(".LBB0_3")],
        };
        let geometry = table.geometry();
        let arrives: Vec<(&str, f64)> =
            geometry.rows.iter().map(|row| (row.entry.label.as_str(), row.jumps_to.unwrap().1)).collect();
        let middle = |i: usize| geometry.targets[i].rect.y + geometry.targets[i].rect.height / 2.0;
        assert_eq!(arrives, [(".LBB0_1", middle(0)), (".LBB0_3", middle(2)), (".LBB0_2", middle(1))]);
        assert_eq!(geometry.rows[1].slot_text, "+4: .LBB0_3", "an entry is 4 bytes");
        assert!(geometry.rows.iter().all(|row| row.state.right() < row.slot.x));
    }
}
