//! Why a picture cannot be drawn.
//!
//! Its reader is an author whose chapter test has just failed, usually after a new compiler
//! changed a listing: each message names what the picture looked for, in which listing, and what
//! is there instead.

use listings::Stage;

/// Everything that can stop a picture being drawn from its listings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    // ---- the listings a picture is drawn from
    /// The listings pipeline could not give the listing `asked` for (`the MIR of
    /// hello_world::{closure#0}`); its error names the chapter and what exists.
    #[error("{asked}: {error}")]
    Listing { asked: String, error: Box<listings::Error> },

    /// A picture was asked to read `wanted` from a listing of another stage.
    #[error("`{subject}` is a {} listing, which has no {}: a {} listing has", found.name(), what(*wanted), wanted.name())]
    WrongStage { subject: String, found: Stage, wanted: Stage },

    #[error("cannot read {path}, for the text of each state's line: {reason}")]
    ReadSource { path: String, reason: String },

    // ---- the states of a coroutine (`states.rs`)
    #[error("{body}: no switch on the coroutine's tag (`switchInt` on a `discriminant(…)`)")]
    NoDispatch { body: String },

    #[error(
        "{body}: the switch on the tag sends {value} to {block}, which is no block of the body; its blocks are {}",
        known.join(", ")
    )]
    NoEntryBlock { body: String, value: u64, block: String, known: Vec<String> },

    #[error("{body}: {block} writes the tag {value} but sets no result (`_0 = …`), so the poll's exit is not known")]
    NoResult { body: String, block: String, value: u64 },

    #[error("{future}: its debug information names no states")]
    NoStates { future: String },

    /// A tag value the MIR switches on or writes that the debug information names no state.
    #[error("{body}: {seen} the tag value {value}, which is no state of {future}; its states are {}", numbered(states))]
    NoSuchState { body: String, seen: TagSeen, value: u64, future: String, states: Vec<(u64, String)> },

    // ---- a waker in memory (`waker.rs`)
    #[error(
        "{function}: the listing has no constant `{label}` (was it made with --data?); its constants are {}",
        list(known)
    )]
    NoConstant { function: String, label: String, known: Vec<String> },

    #[error("{label}: `.zero {value}` is no number of bytes")]
    NotAByteCount { label: String, value: String },

    #[error("{label}: a `{directive} {value}` where a waker or a vtable holds words (`.quad` or `.zero`)")]
    NotAWord { label: String, directive: String, value: String },

    #[error("{function}: {label}: is a label, and a waker is read from straight-line code only")]
    NotStraightLine { function: String, label: String },

    #[error(
        "{function}: cannot read a word from `{instruction}`; a word is made by `lea REG, [rip + SYMBOL]`, \
         `mov REG, qword ptr [rip + SYMBOL@GOTPCREL]` or `xor REG, REG`"
    )]
    UnreadableWord { function: String, instruction: String },

    #[error("{function}: no field of {type_name} at offset {offset}; its fields are {}", offsets(fields))]
    NoFieldAt { function: String, type_name: String, offset: u64, fields: Vec<(u64, String)> },

    /// `rax` and `rdx`: the instruction that last writes each, if any.
    #[error(
        "{function}: returns neither a RawWaker in rax and rdx nor a waker's address in rax (rax: {}; rdx: {})",
        written(rax),
        written(rdx)
    )]
    NoWaker { function: String, rax: Option<String>, rdx: Option<String> },

    #[error("{function}: {found} words where a waker has 2")]
    WordCount { function: String, found: usize },

    #[error("{type_name} has no field `vtable`; its fields are {}", offsets(fields))]
    NoVtableField { type_name: String, fields: Vec<(u64, String)> },

    #[error("{function}: the vtable pointer is null")]
    NullVtable { function: String },

    /// `data`: the line at `offset`, `.quad ch01_the_experiment::noop`.
    #[error("{vtable}: `{data}` at offset {offset} is no slot of {type_name}; its slots are {}", offsets(slots))]
    NotASlot { vtable: String, data: String, offset: u64, type_name: String, slots: Vec<(u64, String)> },

    #[error("{vtable}: {found} slots where {type_name} has {expected}")]
    SlotCount { vtable: String, found: usize, type_name: String, expected: usize },

    // ---- a jump table (`jump_table.rs`)
    #[error("{function}: no read of a jump table's entry (`movsxd …, dword ptr [… + 4*…]`)")]
    NoTableRead { function: String },

    #[error("{function}: nothing loads the index {index} before the table is read")]
    NoIndexLoad { function: String, index: String },

    #[error(
        "{function}: the index comes from `{dispatch}`, not from the future's state byte (`movzx …, byte ptr [rdi + N]`)"
    )]
    NotTheStateByte { function: String, dispatch: String },

    #[error("{future}: the tag's place is not known")]
    TagPlaceUnknown { future: String },

    #[error("{function}: `{dispatch}` reads byte {offset}, but the tag of {future} is at {tag}")]
    WrongStateByte { function: String, dispatch: String, offset: u64, future: String, tag: u64 },

    #[error("{function}: the listing has no jump table (no `.LJTI…` constant; was it made with --data?)")]
    NoJumpTable { function: String },

    #[error(
        "{function}: entry {value} of {table}, but {future} has no state {value}; its states are {}",
        numbered(states)
    )]
    EntryWithoutState { function: String, table: String, value: u64, future: String, states: Vec<(u64, String)> },

    #[error("{function}: entry {value} of {table} names {label}, which is not in the listing")]
    EntryNotInListing { function: String, table: String, value: u64, label: String },
}

/// Where the MIR uses a tag value: in the switch that starts each poll, or in a block that ends
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagSeen {
    Switched,
    WrittenBy(String),
}

impl std::fmt::Display for TagSeen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TagSeen::Switched => f.write_str("the switch on the tag has"),
            TagSeen::WrittenBy(block) => write!(f, "{block} writes"),
        }
    }
}

/// What a listing of `stage` holds for a picture: `a layout`, `a MIR body`.
fn what(stage: Stage) -> &'static str {
    match stage {
        Stage::TypeSizes => "layout of a type",
        Stage::Mir => "MIR body",
        Stage::Hir => "HIR item",
        Stage::DropGlue => "drop glue",
        Stage::StateTransform => "coroutine body",
        Stage::LlvmIrUnoptimised | Stage::LlvmIr => "LLVM IR function",
    }
}

fn list(names: &[String]) -> String {
    match names {
        [] => "none".to_owned(),
        names => names.join(", "),
    }
}

/// `0 Unresumed, 1 Returned`: states by tag value.
fn numbered(states: &[(u64, String)]) -> String {
    list(&states.iter().map(|(value, name)| format!("{value} {name}")).collect::<Vec<_>>())
}

/// `+0 vtable, +8 data`: fields by offset.
fn offsets(fields: &[(u64, String)]) -> String {
    list(&fields.iter().map(|(offset, name)| format!("+{offset} {name}")).collect::<Vec<_>>())
}

fn written(instruction: &Option<String>) -> String {
    match instruction {
        Some(instruction) => format!("`{instruction}`"),
        None => "not written".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_the_mir_names_but_the_debug_information_does_not_is_named_with_the_states_there_are() {
        let error = Error::NoSuchState {
            body: "f::{closure#0}".into(),
            seen: TagSeen::WrittenBy("bb8".into()),
            value: 7,
            future: "{async fn body of f()}".into(),
            states: vec![(0, "Unresumed".into()), (3, "Suspend0".into())],
        };
        assert_eq!(
            error.to_string(),
            "f::{closure#0}: bb8 writes the tag value 7, which is no state of {async fn body of f()}; its states are 0 Unresumed, 3 Suspend0"
        );
    }

    #[test]
    fn a_listing_of_the_wrong_stage_names_the_stage_that_has_what_was_asked_for() {
        let error = Error::WrongStage { subject: "f".into(), found: Stage::Mir, wanted: Stage::TypeSizes };
        assert_eq!(error.to_string(), "`f` is a mir listing, which has no layout of a type: a type-sizes listing has");
    }

    #[test]
    fn a_waker_in_neither_form_says_what_each_register_holds() {
        let error = Error::NoWaker { function: "f".into(), rax: Some("xor eax, eax".into()), rdx: None };
        assert_eq!(
            error.to_string(),
            "f: returns neither a RawWaker in rax and rdx nor a waker's address in rax (rax: `xor eax, eax`; rdx: not written)"
        );
    }
}
