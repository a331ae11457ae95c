//! Where everything in the picture of a waker lies, before any SVG is written.
//!
//! Three columns, left to right: the waker's two words, the vtable's slots, and the functions
//! they point at, each beside the slots that point at it. An arrow runs from the vtable pointer
//! to the vtable, and one from each slot to its function.

use crate::svg::{FONT, Label, Rect, SMALL, text_width};

use super::{Slot, Value, WakerInMemory, Word, WordsAt};

/// A word's, a slot's and a function's height.
const ROW: f64 = 28.0;
/// The words' left edge.
const LEFT: f64 = 8.0;
/// The first row's top, under the columns' headers.
const TOP: f64 = 40.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Geometry<'a> {
    pub words_header: Label,
    pub words: Vec<WordBox<'a>>,
    /// The vtable's label.
    pub vtable: &'a str,
    pub vtable_header: Label,
    pub vtable_arrow: VtableArrow,
    pub slots: Vec<SlotBox<'a>>,
    pub functions: Vec<FunctionBox<'a>>,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WordBox<'a> {
    pub rect: Rect,
    pub word: &'a Word,
    /// `+0 vtable: ●`, `+8 data: null`.
    pub text: String,
    /// The register that returns it, if it is returned in one.
    pub register: Option<&'static str>,
}

/// From the vtable pointer's word at (`from_x`, `from_y`), right to `bend_x`, along to the
/// vtable's first slot at `to_y`, and into it at `to_x`.
#[derive(Debug, Clone, PartialEq)]
pub struct VtableArrow {
    pub from_x: f64,
    pub from_y: f64,
    pub bend_x: f64,
    pub to_y: f64,
    pub to_x: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlotBox<'a> {
    pub rect: Rect,
    pub slot: &'a Slot,
    /// `+8 wake`.
    pub text: String,
    /// Where its arrow ends: the middle of the left side of its function's box, less a unit.
    pub points_at: (f64, f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionBox<'a> {
    pub rect: Rect,
    pub name: &'a str,
}

impl<'a> Geometry<'a> {
    pub fn of(waker: &'a WakerInMemory) -> Geometry<'a> {
        let words_header = match &waker.words_at {
            WordsAt::Registers => "RawWaker, returned in rax:rdx".to_owned(),
            WordsAt::Constant(label) => format!("Waker, the constant {label}"),
        };
        let word_texts: Vec<String> = waker.words.iter().map(word_text).collect();
        let word_width =
            word_texts.iter().map(|text| text_width(text, FONT)).fold(text_width(&words_header, SMALL), f64::max)
                + 24.0;
        let words: Vec<WordBox<'a>> = waker
            .words
            .iter()
            .zip(word_texts)
            .enumerate()
            .map(|(i, (word, text))| WordBox {
                rect: Rect { x: LEFT, y: row_y(i), width: word_width, height: ROW },
                word,
                text,
                register: match waker.words_at {
                    WordsAt::Registers if word.offset == 0 => Some("rax"),
                    WordsAt::Registers => Some("rdx"),
                    WordsAt::Constant(_) => None,
                },
            })
            .collect();
        let vtable_x = LEFT + word_width + 56.0;
        let vtable_header = format!("RawWakerVTable, {}", waker.vtable);
        let slot_texts: Vec<String> = waker.slots.iter().map(|s| format!("+{} {}", s.offset, s.name)).collect();
        let slot_width =
            slot_texts.iter().map(|text| text_width(text, FONT)).fold(text_width(&vtable_header, SMALL), f64::max)
                + 20.0;
        let word_end = LEFT + word_width;
        let vtable_word = words.iter().find(|w| w.word.field == "vtable");
        let vtable_arrow = VtableArrow {
            from_x: word_end - 4.0,
            from_y: vtable_word.map_or(TOP, |w| w.rect.y + ROW / 2.0),
            bend_x: word_end + 24.0,
            to_y: TOP + ROW / 2.0,
            to_x: vtable_x - 1.0,
        };
        let function_x = vtable_x + slot_width + 64.0;
        let function_width = waker.functions().iter().map(|f| text_width(f, FONT)).fold(0.0, f64::max) + 20.0;
        let (functions, function_of_slot) = functions(waker, function_x, function_width);
        let slots: Vec<SlotBox<'a>> = waker
            .slots
            .iter()
            .zip(slot_texts)
            .zip(function_of_slot)
            .enumerate()
            .map(|(i, ((slot, text), function))| SlotBox {
                rect: Rect { x: vtable_x, y: row_y(i), width: slot_width, height: ROW },
                slot,
                text,
                points_at: (function_x - 1.0, functions[function].rect.y + ROW / 2.0),
            })
            .collect();
        let bottom = row_y(slots.len()).max(functions.last().map_or(0.0, |f| f.rect.y + ROW)) + 10.0;
        Geometry {
            words_header: Label { x: LEFT, y: TOP - 8.0, text: words_header },
            words,
            vtable: &waker.vtable,
            vtable_header: Label { x: vtable_x, y: TOP - 8.0, text: vtable_header },
            vtable_arrow,
            slots,
            functions,
            width: function_x + function_width + 8.0,
            height: bottom,
        }
    }
}

/// The top of the `i`th word or slot.
fn row_y(i: usize) -> f64 {
    TOP + i as f64 * ROW
}

/// A word, a vtable pointer a dot where its arrow starts.
fn word_text(word: &Word) -> String {
    let value = match &word.value {
        Value::Null => "null".to_owned(),
        Value::Address(_) if word.field == "vtable" => "●".to_owned(),
        Value::Address(label) => format!("→ {label}"),
    };
    format!("+{} {}: {value}", word.offset, word.field)
}

/// The functions' boxes at `x`, each beside the mean of the slots that point at it but below
/// the one before; and for each slot, the index of its function's box.
fn functions(waker: &WakerInMemory, x: f64, width: f64) -> (Vec<FunctionBox<'_>>, Vec<usize>) {
    let names = waker.functions();
    let mut boxes: Vec<FunctionBox<'_>> = Vec::new();
    for &name in &names {
        let ys: Vec<f64> =
            waker.slots.iter().enumerate().filter(|(_, s)| s.function == name).map(|(i, _)| row_y(i)).collect();
        let mean = ys.iter().sum::<f64>() / ys.len() as f64;
        let floor = boxes.last().map_or(TOP, |last| last.rect.y + ROW + 6.0);
        boxes.push(FunctionBox { rect: Rect { x, y: mean.max(floor), width, height: ROW }, name });
    }
    // `names` are the slots' functions, so each slot finds its own.
    let function_of_slot =
        waker.slots.iter().map(|slot| names.iter().position(|&name| name == slot.function).unwrap_or(0)).collect();
    (boxes, function_of_slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop_waker() -> WakerInMemory {
        let slot = |offset, name: &str, function: &str| Slot { offset, name: name.into(), function: function.into() };
        WakerInMemory {
            function: "noop_clone".into(),
            words_at: WordsAt::Registers,
            words: vec![
                Word {
                    offset: 0,
                    field: "vtable".into(),
                    value: Value::Address(".L__unnamed_1".into()),
                    evidence: "lea rax, [rip + .L__unnamed_1]".into(),
                },
                Word { offset: 8, field: "data".into(), value: Value::Null, evidence: "xor edx, edx".into() },
            ],
            vtable: ".L__unnamed_1".into(),
            slots: vec![
                slot(0, "clone", "noop_clone"),
                slot(8, "wake", "noop"),
                slot(16, "wake_by_ref", "noop"),
                slot(24, "drop", "noop"),
            ],
        }
    }

    #[test]
    fn each_function_lies_beside_the_mean_of_the_slots_that_point_at_it() {
        let waker = noop_waker();
        let geometry = waker.geometry();
        let functions: Vec<(&str, f64)> = geometry.functions.iter().map(|f| (f.name, f.rect.y)).collect();
        let slot_y: Vec<f64> = geometry.slots.iter().map(|s| s.rect.y).collect();
        assert_eq!(functions, [("noop_clone", slot_y[0]), ("noop", (slot_y[1] + slot_y[2] + slot_y[3]) / 3.0)]);
        for slot in &geometry.slots {
            let function = geometry.functions.iter().find(|f| f.name == slot.slot.function).unwrap();
            assert_eq!(slot.points_at.1, function.rect.y + function.rect.height / 2.0, "{}", slot.text);
        }
    }

    #[test]
    fn the_vtable_arrow_leaves_the_vtable_pointers_word_and_the_registers_are_named() {
        let waker = noop_waker();
        let geometry = waker.geometry();
        let vtable_word = &geometry.words[0];
        assert_eq!(vtable_word.text, "+0 vtable: ●");
        assert_eq!(geometry.vtable_arrow.from_y, vtable_word.rect.y + vtable_word.rect.height / 2.0);
        assert_eq!(geometry.vtable_arrow.to_y, geometry.slots[0].rect.y + geometry.slots[0].rect.height / 2.0);
        let registers: Vec<Option<&str>> = geometry.words.iter().map(|w| w.register).collect();
        assert_eq!(registers, [Some("rax"), Some("rdx")]);
    }
}
