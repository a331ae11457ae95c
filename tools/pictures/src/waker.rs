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

mod draw;
pub mod geometry;

use listings::asm::Line;
use listings::{AsmListing, Listing, ListingKind, TypeLayout};

use crate::{Error, Picture, Source, picture_id};

pub use geometry::Geometry;

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

    pub fn title(&self) -> String {
        format!("The waker {} makes, in memory: two words, and the vtable's four slots", self.function)
    }

    /// Where everything in the picture lies.
    pub fn geometry(&self) -> Geometry<'_> {
        Geometry::of(self)
    }

    fn svg(&self, id: &str) -> String {
        draw::svg(&self.geometry(), id, &self.title(), &self.description())
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
