//! A waker in memory: its two words, the data pointer and the vtable pointer, at the offsets
//! rustc gave `RawWaker`'s fields, and the vtable's four slots at the offsets of
//! `RawWakerVTable`'s, each naming the function its `.quad` points at.
//!
//! Drawn from an assembly listing with its constants (`--data`) of a function that makes a
//! waker, and from the layouts of `std::task::RawWaker` and `std::task::RawWakerVTable` as
//! `-Zprint-type-sizes` prints them for the chapter's crate. The function either returns the
//! `RawWaker` itself, a 16-byte pair that the System V ABI returns in `rax` (the word at
//! offset 0) and `rdx` (offset 8), or the address of a constant that holds the two words (the
//! `&'static Waker` of `Waker::noop()`). A register's value is read from the instruction that
//! last writes it: `lea reg, [rip + SYMBOL]` or `mov reg, qword ptr [rip + SYMBOL@GOTPCREL]` (an
//! address) or `xor reg, reg` (null). Code with branches, or any other way of making a word, is
//! refused with the instruction it could not read.

use listings::asm::Line;
use listings::{AsmListing, Listing, ListingKind, TypeLayout};

use crate::svg::{Anchor, FONT, SMALL, Svg, text_width};
use crate::{Error, Picture, Source, picture_id};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WakerInMemory {
    /// The function the listing is of.
    pub function: String,
    /// Where the two words are: `rax, rdx` or a constant's label.
    pub words_at: WordsAt,
    /// The `RawWaker`'s words, by offset.
    pub words: Vec<Word>,
    /// The label of the vtable constant.
    pub vtable: String,
    /// The vtable's slots, by offset.
    pub slots: Vec<Slot>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordsAt {
    /// Returned in `rax` and `rdx`.
    Registers,
    /// The constant with this label.
    Constant(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub offset: u64,
    /// `vtable` or `data`: the field of `RawWaker` at this offset.
    pub field: String,
    pub value: Value,
    /// What says so: `lea rax, [rip + .L__unnamed_1]`, `.zero 8`.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    /// The address of a symbol or label.
    Address(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub offset: u64,
    /// `clone`, `wake`, `wake_by_ref`, `drop`.
    pub name: String,
    pub function: String,
}

/// `(offset, name)` of each field of a struct's layout.
fn fields(layout: &TypeLayout) -> Vec<(u64, String)> {
    let mut fields: Vec<(u64, String)> = layout.fields().map(|f| (f.offset, f.name.clone())).collect();
    fields.sort();
    fields
}

/// The data of a constant as (offset, directive, value): `.quad X` is 8 bytes, `.zero N` N.
fn constant(listing: &Listing, label: &str) -> Result<Vec<(u64, String, String)>, Error> {
    let mut lines = listing.lines.iter().skip_while(|l| !matches!(l, Line::DataLabel { name, .. } if name == label));
    if lines.next().is_none() {
        let known = listing.lines.iter().filter_map(|line| match line {
            Line::DataLabel { name, .. } => Some(name.clone()),
            _ => None,
        });
        return Err(Error::NoConstant {
            function: listing.function.clone(),
            label: label.to_owned(),
            known: known.collect(),
        });
    }
    let mut offset = 0;
    let mut data = Vec::new();
    for line in lines {
        let Line::Data { directive, value } = line else { break };
        data.push((offset, directive.clone(), value.clone()));
        offset += match directive.as_str() {
            ".quad" => 8,
            ".zero" => value
                .parse::<u64>()
                .map_err(|_| Error::NotAByteCount { label: label.to_owned(), value: value.clone() })?,
            _ => {
                return Err(Error::NotAWord {
                    label: label.to_owned(),
                    directive: directive.clone(),
                    value: value.clone(),
                });
            }
        };
    }
    Ok(data)
}

/// The value the straight-line code of the listing leaves in `register` (`rax`), and the
/// instruction that put it there.
fn register_value(listing: &Listing, register: &str) -> Result<Option<(Value, String)>, Error> {
    if let Some(Line::Label(label)) = listing.lines.iter().find(|l| matches!(l, Line::Label(_))) {
        return Err(Error::NotStraightLine { function: listing.function.clone(), label: label.clone() });
    }
    let low = format!("e{}", &register[1..]);
    let mut found = None;
    for (mnemonic, operands) in listing.instructions() {
        let Some((destination, source)) = operands.split_once(", ") else { continue };
        if destination != register && destination != low {
            continue;
        }
        let instruction = format!("{mnemonic} {operands}");
        let symbol = |source: &str| {
            source.strip_prefix("[rip + ")?.strip_suffix(']').map(|s| s.trim_end_matches("@GOTPCREL").to_owned())
        };
        let value = match mnemonic {
            "xor" if source == destination => Some(Value::Null),
            "lea" => symbol(source).map(Value::Address),
            "mov" if source.contains("@GOTPCREL]") => {
                symbol(source.trim_start_matches("qword ptr ")).map(Value::Address)
            }
            _ => None,
        };
        let Some(value) = value else {
            return Err(Error::UnreadableWord { function: listing.function.clone(), instruction });
        };
        found = Some((value, instruction));
    }
    Ok(found)
}

impl WakerInMemory {
    /// `listing` is of a function that makes a waker, with its constants; `raw_waker` and
    /// `vtable` the layouts of `std::task::RawWaker` and `std::task::RawWakerVTable`.
    pub fn of(listing: &Listing, raw_waker: &TypeLayout, vtable: &TypeLayout) -> Result<WakerInMemory, Error> {
        let function = &listing.function;
        let waker_fields = fields(raw_waker);
        let field_at = |offset: u64| {
            waker_fields.iter().find(|(o, _)| *o == offset).map(|(_, name)| name.clone()).ok_or_else(|| {
                Error::NoFieldAt {
                    function: function.clone(),
                    type_name: raw_waker.name.clone(),
                    offset,
                    fields: waker_fields.clone(),
                }
            })
        };
        let rax = register_value(listing, "rax")?;
        let rdx = register_value(listing, "rdx")?;
        let (words_at, words) = match (rax, rdx) {
            (Some((first, how_first)), Some((second, how_second))) => (
                WordsAt::Registers,
                vec![
                    Word { offset: 0, field: field_at(0)?, value: first, evidence: how_first },
                    Word { offset: 8, field: field_at(8)?, value: second, evidence: how_second },
                ],
            ),
            (Some((Value::Address(label), _)), None) => {
                let words = constant(listing, &label)?
                    .into_iter()
                    .map(|(offset, directive, value)| {
                        let evidence = format!("{directive} {value}");
                        let value = if directive == ".zero" { Value::Null } else { Value::Address(value) };
                        Ok(Word { offset, field: field_at(offset)?, value, evidence })
                    })
                    .collect::<Result<Vec<Word>, Error>>()?;
                (WordsAt::Constant(label), words)
            }
            (rax, rdx) => {
                let instruction = |written: Option<(Value, String)>| written.map(|(_, instruction)| instruction);
                return Err(Error::NoWaker {
                    function: function.clone(),
                    rax: instruction(rax),
                    rdx: instruction(rdx),
                });
            }
        };
        if words.len() != 2 {
            return Err(Error::WordCount { function: function.clone(), found: words.len() });
        }
        let vtable_word = words
            .iter()
            .find(|w| w.field == "vtable")
            .ok_or_else(|| Error::NoVtableField { type_name: raw_waker.name.clone(), fields: waker_fields.clone() })?;
        let Value::Address(vtable_label) = vtable_word.value.clone() else {
            return Err(Error::NullVtable { function: function.clone() });
        };
        let slot_names = fields(vtable);
        let slots = constant(listing, &vtable_label)?
            .into_iter()
            .map(|(offset, directive, function)| {
                let name = slot_names.iter().find(|(o, _)| *o == offset).map(|(_, n)| n.clone());
                match (directive.as_str(), name) {
                    (".quad", Some(name)) => Ok(Slot { offset, name, function }),
                    _ => Err(Error::NotASlot {
                        vtable: vtable_label.clone(),
                        data: format!("{directive} {function}"),
                        offset,
                        type_name: vtable.name.clone(),
                        slots: slot_names.clone(),
                    }),
                }
            })
            .collect::<Result<Vec<Slot>, Error>>()?;
        if slots.len() != slot_names.len() {
            return Err(Error::SlotCount {
                vtable: vtable_label,
                found: slots.len(),
                type_name: vtable.name.clone(),
                expected: slot_names.len(),
            });
        }
        Ok(WakerInMemory { function: function.clone(), words_at, words, vtable: vtable_label, slots })
    }

    /// The functions the slots point at, each once, in slot order.
    pub fn functions(&self) -> Vec<&str> {
        let mut functions: Vec<&str> = Vec::new();
        for slot in &self.slots {
            if !functions.contains(&slot.function.as_str()) {
                functions.push(&slot.function);
            }
        }
        functions
    }

    pub fn description(&self) -> String {
        let mut text = match &self.words_at {
            WordsAt::Registers => {
                format!("{} returns a RawWaker in two registers, rax for offset 0 and rdx for offset 8.", self.function)
            }
            WordsAt::Constant(label) => format!("{} returns the address of {label}, a waker as data.", self.function),
        };
        for word in &self.words {
            let value = match &word.value {
                Value::Null => "null".to_owned(),
                Value::Address(label) => format!("the address of {label}"),
            };
            text.push_str(&format!(" At offset {}, {}: {value} ({}).", word.offset, word.field, word.evidence));
        }
        text.push_str(&format!(" The vtable {} holds", self.vtable));
        let slots: Vec<String> = self
            .slots
            .iter()
            .map(|s| format!("{} at offset {}, pointing at {}", s.name, s.offset, s.function))
            .collect();
        text.push_str(&format!(" {}.", slots.join("; ")));
        text
    }

    /// The picture, for the assembly listing `listing_name` of the chapter `chapter_slug`.
    pub fn picture(&self, chapter_slug: &str, listing_name: &str, listing: &AsmListing) -> Picture {
        let text = listing.to_string();
        Picture::new(
            self.svg(&picture_id(chapter_slug, &format!("waker_{listing_name}"))),
            &format!("waker made by {}", self.function),
            &listing.provenance.compiler,
            chapter_slug,
            &[Source { kind: ListingKind::Asm, name: listing_name, text: &text }],
        )
    }

    fn svg(&self, id: &str) -> String {
        const ROW: f64 = 28.0;
        let mut svg = Svg::new(id, "picture-waker");
        let header = match &self.words_at {
            WordsAt::Registers => "RawWaker, returned in rax:rdx".to_owned(),
            WordsAt::Constant(label) => format!("Waker, the constant {label}"),
        };
        let word_text = |w: &Word| {
            let value = match &w.value {
                Value::Null => "null".to_owned(),
                Value::Address(_) if w.field == "vtable" => "●".to_owned(),
                Value::Address(label) => format!("→ {label}"),
            };
            format!("+{} {}: {value}", w.offset, w.field)
        };
        let word_width =
            self.words.iter().map(|w| text_width(&word_text(w), FONT)).fold(text_width(&header, SMALL), f64::max)
                + 24.0;
        let (word_x, top) = (8.0, 40.0);
        svg.text(word_x, top - 8.0, Anchor::Start, "picture-small", &header);
        let mut vtable_y = top;
        for (i, word) in self.words.iter().enumerate() {
            let y = top + i as f64 * ROW;
            let tooltip = format!("offset {}: {} ({})", word.offset, word.field, word.evidence);
            svg.rect(word_x, y, word_width, ROW, "picture-box picture-word", Some(&tooltip));
            svg.text(word_x + 10.0, y + 18.0, Anchor::Start, "picture-label", &word_text(word));
            if let WordsAt::Registers = self.words_at {
                let register = if word.offset == 0 { "rax" } else { "rdx" };
                svg.text(word_x + word_width - 8.0, y + 18.0, Anchor::End, "picture-small", register);
            }
            if word.field == "vtable" {
                vtable_y = y + ROW / 2.0;
            }
        }
        let vtable_x = word_x + word_width + 56.0;
        let slot_text = |s: &Slot| format!("+{} {}", s.offset, s.name);
        let vtable_header = format!("RawWakerVTable, {}", self.vtable);
        let slot_width = self
            .slots
            .iter()
            .map(|s| text_width(&slot_text(s), FONT))
            .fold(text_width(&vtable_header, SMALL), f64::max)
            + 20.0;
        svg.text(vtable_x, top - 8.0, Anchor::Start, "picture-small", &vtable_header);
        let word_end = word_x + word_width;
        svg.arrow(
            &format!("M{},{vtable_y} H{} V{} H{}", word_end - 4.0, word_end + 24.0, top + ROW / 2.0, vtable_x - 1.0),
            "picture-arrow",
            &format!("the vtable pointer points at {}", self.vtable),
        );
        let functions = self.functions();
        let function_x = vtable_x + slot_width + 64.0;
        let function_width = functions.iter().map(|f| text_width(f, FONT)).fold(0.0, f64::max) + 20.0;
        // Each function beside the mean of the slots that point at it.
        let slot_y = |i: usize| top + i as f64 * ROW;
        let mut function_y: Vec<f64> = Vec::new();
        for function in &functions {
            let ys: Vec<f64> = self
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.function == *function)
                .map(|(i, _)| slot_y(i))
                .collect();
            let mean = ys.iter().sum::<f64>() / ys.len() as f64;
            let floor = function_y.last().map_or(top, |last| last + ROW + 6.0);
            function_y.push(mean.max(floor));
        }
        for (i, slot) in self.slots.iter().enumerate() {
            let y = slot_y(i);
            svg.rect(
                vtable_x,
                y,
                slot_width,
                ROW,
                "picture-box picture-slot",
                Some(&format!("{}: {}", slot.name, slot.function)),
            );
            svg.text(vtable_x + 10.0, y + 18.0, Anchor::Start, "picture-label", &slot_text(slot));
            let f = functions.iter().position(|f| *f == slot.function).unwrap_or(0);
            let target = function_y[f] + ROW / 2.0;
            let (x1, x2) = (vtable_x + slot_width, function_x - 1.0);
            svg.arrow(
                &format!(
                    "M{x1},{} C{},{} {},{target} {x2},{target}",
                    y + ROW / 2.0,
                    x1 + 32.0,
                    y + ROW / 2.0,
                    x2 - 32.0
                ),
                "picture-arrow",
                &format!("{} points at {}", slot.name, slot.function),
            );
        }
        for (function, y) in functions.iter().zip(&function_y) {
            svg.rect(function_x, *y, function_width, ROW, "picture-box picture-function", None);
            svg.text(function_x + 10.0, y + 18.0, Anchor::Start, "picture-label", function);
        }
        let bottom = slot_y(self.slots.len()).max(function_y.last().map_or(0.0, |y| y + ROW)) + 10.0;
        let title = format!("The waker {} makes, in memory: two words, and the vtable's four slots", self.function);
        svg.finish(function_x + function_width + 8.0, bottom, &title, &self.description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listings::lowering::type_sizes::layouts;

    /// `RawWaker` with its vtable first, as rustc laid it out, and `RawWakerVTable`.
    fn std_layouts() -> (TypeLayout, TypeLayout) {
        let mut layouts = layouts(
            "\
print-type-size type: `std::task::RawWaker`: 16 bytes, alignment: 8 bytes
print-type-size     field `.vtable`: 8 bytes
print-type-size     field `.data`: 8 bytes
print-type-size type: `std::task::RawWakerVTable`: 32 bytes, alignment: 8 bytes
print-type-size     field `.clone`: 8 bytes
print-type-size     field `.wake`: 8 bytes
print-type-size     field `.wake_by_ref`: 8 bytes
print-type-size     field `.drop`: 8 bytes
",
        )
        .unwrap();
        let vtable = layouts.remove(1);
        (layouts.remove(0), vtable)
    }

    fn waker(listing: &str) -> Result<WakerInMemory, Error> {
        let (raw_waker, vtable) = std_layouts();
        WakerInMemory::of(&listing.parse().unwrap(), &raw_waker, &vtable)
    }

    const NOOP_CLONE: &str = "\
f:
        lea     rax, [rip + .L__unnamed_1]
        xor     edx, edx
        ret
.L__unnamed_1:
        .quad   f
        .quad   noop
        .quad   noop
        .quad   noop
";

    #[test]
    fn a_raw_waker_returned_in_rax_and_rdx_is_read_from_the_instructions_that_write_them() {
        let waker = waker(NOOP_CLONE).unwrap();
        assert_eq!(waker.words_at, WordsAt::Registers);
        let words: Vec<(&str, &Value, &str)> =
            waker.words.iter().map(|w| (w.field.as_str(), &w.value, w.evidence.as_str())).collect();
        assert_eq!(
            words,
            [
                ("vtable", &Value::Address(".L__unnamed_1".into()), "lea rax, [rip + .L__unnamed_1]"),
                ("data", &Value::Null, "xor edx, edx")
            ]
        );
        assert_eq!(waker.functions(), ["f", "noop"]);
    }

    #[test]
    fn code_with_a_branch_is_refused_at_its_label() {
        let listing = NOOP_CLONE.replace("        ret\n", "        ret\n.LBB0_1:\n        ret\n");
        assert_eq!(waker(&listing), Err(Error::NotStraightLine { function: "f".into(), label: ".LBB0_1".into() }));
    }

    #[test]
    fn a_word_made_another_way_is_refused_with_the_instruction() {
        let listing = NOOP_CLONE.replace("xor     edx, edx", "mov     rdx, rdi");
        let error = waker(&listing).unwrap_err();
        assert_eq!(error, Error::UnreadableWord { function: "f".into(), instruction: "mov rdx, rdi".into() });
        assert!(error.to_string().contains("`xor REG, REG`"), "says which ways it can read: {error}");
    }

    #[test]
    fn a_vtable_short_of_a_slot_is_refused_with_the_count_of_each() {
        let listing = NOOP_CLONE.replacen("        .quad   noop\n", "", 1);
        assert_eq!(
            waker(&listing).unwrap_err().to_string(),
            ".L__unnamed_1: 3 slots where std::task::RawWakerVTable has 4"
        );
    }

    #[test]
    fn a_constant_missing_from_the_listing_is_named_with_the_constants_there_are() {
        let listing = NOOP_CLONE.replace(".L__unnamed_1:", ".L__unnamed_9:");
        let error = waker(&listing).unwrap_err();
        assert!(
            matches!(&error, Error::NoConstant { label, known, .. } if label == ".L__unnamed_1" && known == &[".L__unnamed_9"]),
            "{error:?}"
        );
    }
}
