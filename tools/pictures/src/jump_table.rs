//! A state machine's jump table: for each value of the state byte, the table's entry and the
//! label it sends the poll to.
//!
//! Drawn from an assembly listing (with its source lines) of a resume function that dispatches
//! through a jump table: `movzx eax, byte ptr [rdi + N]` loads the state byte, `movsxd rax,
//! dword ptr [rcx + 4*rax]` reads entry `rax` of the table, whose `.long .LBB0_k-.LJTI0_0`
//! entries are in the listing. The state byte's offset is checked against the tag's place in
//! the future's layout, and the states are named by its debug information; a dispatch that
//! changes the index between the load and the table read is refused, since entry `i` would then
//! not be state `i`.

mod draw;
pub mod geometry;

use listings::asm::Line;
use listings::{AsmListing, Listing, ListingKind, TypeLayout};

use crate::{Error, Picture, Source, picture_id};

pub use geometry::Geometry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JumpTable {
    pub function: String,
    /// The load of the state byte: `movzx eax, byte ptr [rdi + 24]`.
    pub dispatch: String,
    /// The state byte's offset in the future.
    pub state_offset: u64,
    /// `.LJTI0_0`.
    pub table: String,
    /// Entry `i` is where a poll in state `i` goes.
    pub entries: Vec<Entry>,
    /// The labels the entries name, in the listing's order, with what each block does first.
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The state byte's value, and the entry's index.
    pub value: u64,
    /// `Suspend0`, from the debug information.
    pub state: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub label: String,
    /// The block's source line: the one before its first instruction, or else the one in effect
    /// where it starts: (`src/lib.rs:95`, `fut.await;`).
    pub source: Option<(String, String)>,
    /// The first function the block calls, shortened to its last segment.
    pub calls: Option<String>,
}

/// `DummyFuture::poll` for `<ch01_the_experiment::DummyFuture as core::future::future::Future>::poll`,
/// `panic_const_async_fn_resumed` for `core::panicking::panic_const::panic_const_async_fn_resumed`.
fn short_name(path: &str) -> String {
    let method = path.rsplit("::").next().unwrap_or(path);
    match path.strip_prefix('<').and_then(|rest| rest.split_once(" as ")) {
        Some((self_type, _)) => format!("{}::{method}", self_type.rsplit("::").next().unwrap_or(self_type)),
        None => method.to_owned(),
    }
}

impl JumpTable {
    pub fn of(listing: &Listing, future: &TypeLayout) -> Result<JumpTable, Error> {
        let function = &listing.function;
        let instructions: Vec<(&str, &str)> = listing.instructions().collect();
        let read = instructions
            .iter()
            .position(|(m, o)| *m == "movsxd" && o.contains("dword ptr [") && o.contains("+ 4*"))
            .ok_or_else(|| Error::NoTableRead { function: function.clone() })?;
        let index = instructions[read].1.rsplit("4*").next().unwrap_or_default().trim_end_matches(']').to_owned();
        let low = format!("e{}", &index[1..]);
        let load = instructions[..read]
            .iter()
            .rposition(|(m, o)| o.split_once(", ").is_some_and(|(d, _)| d == index || d == low) && !m.is_empty())
            .ok_or_else(|| Error::NoIndexLoad { function: function.clone(), index: index.clone() })?;
        let (mnemonic, operands) = instructions[load];
        let dispatch = format!("{mnemonic} {operands}");
        let state_offset = operands
            .strip_prefix(&format!("{low}, byte ptr [rdi"))
            .filter(|_| mnemonic == "movzx")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|rest| match rest.strip_prefix(" + ") {
                Some(n) => n.parse().ok(),
                None => rest.is_empty().then_some(0),
            })
            .ok_or_else(|| Error::NotTheStateByte { function: function.clone(), dispatch: dispatch.clone() })?;
        let tag =
            future.tag.map(|t| t.offset()).ok_or_else(|| Error::TagPlaceUnknown { future: future.name.clone() })?;
        if state_offset != tag {
            return Err(Error::WrongStateByte {
                function: function.clone(),
                dispatch,
                offset: state_offset,
                future: future.name.clone(),
                tag,
            });
        }
        let table = listing
            .lines
            .iter()
            .find_map(|line| match line {
                Line::DataLabel { name, kind: listings::asm::ConstantKind::JumpTable } => Some(name.clone()),
                _ => None,
            })
            .ok_or_else(|| Error::NoJumpTable { function: function.clone() })?;
        let entries = listing
            .data_after(&table)
            .into_iter()
            .enumerate()
            .map(|(value, entry)| {
                let label = entry.split('-').next().unwrap_or(entry).to_owned();
                let value = value as u64;
                let state =
                    future.states.iter().find(|s| s.value == value).map(|s| s.variant.clone()).ok_or_else(|| {
                        Error::EntryWithoutState {
                            function: function.clone(),
                            table: table.clone(),
                            value,
                            future: future.name.clone(),
                            states: future.states.iter().map(|s| (s.value, s.variant.clone())).collect(),
                        }
                    })?;
                Ok(Entry { value, state, label })
            })
            .collect::<Result<Vec<Entry>, Error>>()?;
        let mut targets: Vec<Target> = Vec::new();
        let mut source = None;
        let mut current: Option<usize> = None;
        // Whether the current block has had an instruction: a source line before its first one
        // is the block's own.
        let mut started = false;
        for line in &listing.lines {
            if matches!(line, Line::Instruction { .. }) {
                started = true;
            }
            match line {
                Line::Source { file, line, text } => {
                    source = Some((format!("{file}:{line}"), text.clone()));
                    if let Some(target) = current.and_then(|i| targets.get_mut(i)).filter(|_| !started) {
                        target.source = source.clone();
                    }
                }
                Line::Label(label) => {
                    (current, started) = (None, false);
                    if entries.iter().any(|e| e.label == *label) {
                        targets.push(Target { label: label.clone(), source: source.clone(), calls: None });
                        current = Some(targets.len() - 1);
                    }
                }
                Line::Instruction { mnemonic, operands } if mnemonic == "call" => {
                    if let Some(target) = current.and_then(|i| targets.get_mut(i)).filter(|t| t.calls.is_none()) {
                        let callee = operands.trim_start_matches("qword ptr [rip + ").trim_end_matches(']');
                        target.calls = Some(short_name(callee.split('@').next().unwrap_or(callee)));
                    }
                }
                _ => {}
            }
        }
        if let Some(entry) = entries.iter().find(|entry| !targets.iter().any(|t| t.label == entry.label)) {
            return Err(Error::EntryNotInListing {
                function: function.clone(),
                table,
                value: entry.value,
                label: entry.label.clone(),
            });
        }
        Ok(JumpTable { function: function.clone(), dispatch, state_offset, table, entries, targets })
    }

    pub fn description(&self) -> String {
        let mut text = format!(
            "{} loads the state byte at offset {} ({}) and jumps through the table {}.",
            self.function, self.state_offset, self.dispatch, self.table
        );
        for entry in &self.entries {
            text.push_str(&format!(" State {} ({}) goes to {}.", entry.value, entry.state, entry.label));
        }
        for target in &self.targets {
            if let Some((location, source)) = &target.source {
                text.push_str(&format!(" {} starts in {location}  {source}", target.label));
                if let Some(call) = &target.calls {
                    text.push_str(&format!(" and calls {call}"));
                }
                text.push('.');
            }
        }
        text
    }

    /// The picture, for the assembly listing `listing_name` of the chapter `chapter_slug`.
    pub fn picture(&self, chapter_slug: &str, listing_name: &str, listing: &AsmListing) -> Picture {
        let text = listing.to_string();
        Picture::new(
            self.svg(&picture_id(chapter_slug, &format!("jump_table_{listing_name}"))),
            &format!("jump table of {}", self.function),
            &listing.provenance.compiler,
            chapter_slug,
            &[Source { kind: ListingKind::Asm, name: listing_name, text: &text }],
        )
    }

    pub fn title(&self) -> String {
        format!("The jump table of {}: from the state byte's value to a label", self.function)
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

    #[test]
    fn a_callee_is_named_by_its_type_and_method_or_its_last_segment() {
        assert_eq!(
            short_name("<ch01_the_experiment::DummyFuture as core::future::future::Future>::poll"),
            "DummyFuture::poll"
        );
        assert_eq!(
            short_name("core::panicking::panic_const::panic_const_async_fn_resumed"),
            "panic_const_async_fn_resumed"
        );
        assert_eq!(short_name("_Unwind_Resume"), "_Unwind_Resume");
    }

    const DISPATCH: &str = "\
f::{{closure}}:
        movzx   eax, byte ptr [rdi + 8]
        lea     rcx, [rip + .LJTI0_0]
        movsxd  rax, dword ptr [rcx + 4*rax]
        add     rax, rcx
        jmp     rax
.LBB0_1:
        ret
.LBB0_2:
        call    qword ptr [rip + core::panicking::panic_const::panic_const_async_fn_resumed@GOTPCREL]
.LJTI0_0:
        .long   .LBB0_1-.LJTI0_0
        .long   .LBB0_2-.LJTI0_0
";

    /// A future whose tag is at `tag`, with the states `Unresumed` (0) and `Returned` (1).
    fn future(tag: u64) -> TypeLayout {
        let printout = "\
print-type-size type: `{async fn body of f()}`: 16 bytes, alignment: 8 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Unresumed`: 8 bytes
print-type-size         upvar `.x`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
print-type-size     variant `Returned`: 8 bytes
print-type-size         upvar `.x`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
print-type-size     end padding: 7 bytes
";
        let mut future = listings::lowering::type_sizes::layouts(printout).unwrap().remove(0);
        future.place_tag(tag);
        let state = |value, variant: &str| listings::lowering::debuginfo::StateSource {
            value,
            variant: variant.into(),
            line: None,
        };
        future.states = vec![state(0, "Unresumed"), state(1, "Returned")];
        future
    }

    #[test]
    fn each_value_of_the_state_byte_goes_to_the_label_its_entry_names() {
        let table = JumpTable::of(&DISPATCH.parse().unwrap(), &future(8)).unwrap();
        assert_eq!((table.state_offset, table.table.as_str()), (8, ".LJTI0_0"));
        let entries: Vec<(u64, &str, &str)> =
            table.entries.iter().map(|e| (e.value, e.state.as_str(), e.label.as_str())).collect();
        assert_eq!(entries, [(0, "Unresumed", ".LBB0_1"), (1, "Returned", ".LBB0_2")]);
        assert_eq!(table.targets[1].calls.as_deref(), Some("panic_const_async_fn_resumed"));
    }

    #[test]
    fn a_dispatch_on_another_byte_than_the_tag_is_refused_naming_both() {
        let error = JumpTable::of(&DISPATCH.parse().unwrap(), &future(0)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "f::{{closure}}: `movzx eax, byte ptr [rdi + 8]` reads byte 8, but the tag of {async fn body of f()} is at 0"
        );
    }

    #[test]
    fn an_entry_past_the_states_is_refused_with_the_states_there_are() {
        let listing = DISPATCH.replace(
            "        .long   .LBB0_2-.LJTI0_0\n",
            "        .long   .LBB0_2-.LJTI0_0\n        .long   .LBB0_2-.LJTI0_0\n",
        );
        let error = JumpTable::of(&listing.parse().unwrap(), &future(8)).unwrap_err();
        assert!(matches!(error, Error::EntryWithoutState { value: 2, .. }), "{error:?}");
        assert!(error.to_string().ends_with("its states are 0 Unresumed, 1 Returned"), "{error}");
    }
}
