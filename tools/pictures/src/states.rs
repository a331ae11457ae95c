//! The states of a coroutine and where a poll can take it, from the MIR of its resume function.
//!
//! After the coroutine transform, the resume function (`f::{closure#0}`) starts by reading the
//! tag, `_25 = discriminant((*_26))`, and switching on it, `switchInt(move _25) -> [0: bb1, 1:
//! bb22, …]`: one entry block per state. It leaves a state by writing the tag,
//! `discriminant((*_26)) = 3`, in a block that also sets the result (`_0 = Poll::…::Pending`
//! or `Ready(…)`) and returns, or in a cleanup block that goes on unwinding (the state that
//! means "panicked"). So the transitions are found by walking the control-flow graph from each
//! state's entry block to the blocks that write the tag; an entry that only reaches
//! `assert(const false, "…")` panics with that message, whatever polls it.
//!
//! Which value is which state, and the source line of each `.await`, come from the debug
//! information of the future's type ([`TypeLayout::states`]); the line's text from the chapter's
//! source file.

mod draw;
pub mod geometry;

use std::collections::{BTreeSet, HashMap};

use listings::lowering::mir::BasicBlock;
use listings::{ListingKind, Stage, StageListing, TypeLayout};

use crate::{Error, Picture, Source, TagSeen, picture_id};

pub use geometry::Geometry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct States {
    /// The resume function: `two_suspension_points::{closure#0}`.
    pub body: String,
    /// In reading order: `Unresumed`, the suspension points, `Returned`, `Panicked`.
    pub states: Vec<State>,
    pub transitions: Vec<Transition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The tag's value in this state.
    pub value: u64,
    pub variant: String,
    /// The source line the debug information gives the state: a suspension point's `.await`.
    pub line: Option<u32>,
    /// That line's text, trimmed.
    pub source: Option<String>,
    /// The message a poll in this state panics with, if that is all it can do.
    pub panics: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// The poll returns `Pending`: the future is suspended in the new state.
    Pending,
    /// The poll returns `Ready`.
    Ready,
    /// A panic unwinds out of the poll.
    Unwind,
}

/// A poll that starts in state `from` can end in state `to`, as `exit` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Transition {
    pub from: u64,
    pub to: u64,
    pub exit: Exit,
}

/// Where a poll that starts at one entry block can end.
#[derive(Debug, Default)]
struct PollEnds<'a> {
    /// Each block it reaches that writes the tag: the block, the value written, how the poll
    /// exits.
    writes: Vec<(&'a str, u64, Exit)>,
    /// The message of an `assert(const false, "…")` it reaches: what a poll in that state
    /// panics with.
    panics: Option<String>,
}

impl States {
    /// The states of the future of the `async fn` `function` of `chapter`, and the MIR listing of
    /// its resume function they are drawn from.
    pub fn of_async_fn(chapter: &str, function: &str) -> Result<(States, StageListing), Error> {
        let mir = crate::stage_listing(chapter, Stage::Mir, &format!("{function}::{{closure#0}}"))?;
        let future = crate::future_layout(chapter, function)?;
        let workspace = listings::Workspace::this_checkout();
        let chapter_dir = workspace
            .chapter(chapter)
            .map_err(|error| Error::Listing { asked: format!("the chapter `{chapter}`"), error: Box::new(error) })?
            .dir;
        let path = chapter_dir.join("src/lib.rs");
        let source = std::fs::read_to_string(&path)
            .map_err(|error| Error::ReadSource { path: path.display().to_string(), reason: error.to_string() })?;
        Ok((States::of(&mir, &future, &source)?, mir))
    }

    /// The states of the coroutine whose resume function `mir` is, named by `future`'s debug
    /// information; `source` is the chapter's source file, for the text of each state's line.
    pub fn of(mir: &StageListing, future: &TypeLayout, source: &str) -> Result<States, Error> {
        let body = &mir.subject;
        let blocks = mir
            .body
            .as_ref()
            .ok_or_else(|| Error::WrongStage { subject: body.clone(), found: mir.stage, wanted: Stage::Mir })?
            .blocks();
        if future.states.is_empty() {
            return Err(Error::NoStates { future: future.name.clone() });
        }
        let no_such_state = |seen: TagSeen, value: u64| Error::NoSuchState {
            body: body.clone(),
            seen,
            value,
            future: future.name.clone(),
            states: future.states.iter().map(|state| (state.value, state.variant.clone())).collect(),
        };
        let is_state = |value: u64| future.states.iter().any(|state| state.value == value);
        let (place, entries) = dispatch(blocks).ok_or_else(|| Error::NoDispatch { body: body.clone() })?;
        if let Some((value, _)) = entries.iter().find(|(value, _)| !is_state(*value)) {
            return Err(no_such_state(TagSeen::Switched, *value));
        }
        let by_name: HashMap<&str, &BasicBlock> = blocks.iter().map(|b| (b.name.as_str(), b)).collect();
        let mut transitions = BTreeSet::new();
        let mut panics: HashMap<u64, String> = HashMap::new();
        for (from, entry) in &entries {
            let block = by_name.get(entry.as_str()).copied().ok_or_else(|| Error::NoEntryBlock {
                body: body.clone(),
                value: *from,
                block: entry.clone(),
                known: blocks.iter().map(|b| b.name.clone()).collect(),
            })?;
            let ends = poll_ends(body, block, &by_name, &place)?;
            for (block, to, exit) in ends.writes {
                if !is_state(to) {
                    return Err(no_such_state(TagSeen::WrittenBy(block.to_owned()), to));
                }
                transitions.insert(Transition { from: *from, to, exit });
            }
            if let Some(message) = ends.panics {
                panics.insert(*from, message);
            }
        }
        let lines: Vec<&str> = source.lines().collect();
        let mut states: Vec<State> = future
            .states
            .iter()
            .map(|state| State {
                value: state.value,
                variant: state.variant.clone(),
                line: state.line,
                source: state
                    .line
                    .and_then(|l| lines.get((l as usize).checked_sub(1)?))
                    .map(|text| text.trim().to_owned()),
                panics: panics.get(&state.value).cloned(),
            })
            .collect();
        let order = |variant: &str| match variant {
            "Unresumed" => (0, 0),
            "Returned" => (2, 0),
            "Panicked" => (3, 0),
            other => (1, other.trim_start_matches("Suspend").parse().unwrap_or(0)),
        };
        states.sort_by_key(|state| order(&state.variant));
        Ok(States { body: body.clone(), states, transitions: transitions.into_iter().collect() })
    }

    pub fn state(&self, variant: &str) -> Option<&State> {
        self.states.iter().find(|s| s.variant == variant)
    }

    /// The transitions as (from, to, exit) with the states' names.
    pub fn named_transitions(&self) -> Vec<(&str, &str, Exit)> {
        let name = |value: u64| self.states.iter().find(|s| s.value == value).map_or("?", |s| s.variant.as_str());
        self.transitions.iter().map(|t| (name(t.from), name(t.to), t.exit)).collect()
    }

    /// `two_suspension_points`, from `two_suspension_points::{closure#0}`.
    fn function(&self) -> &str {
        self.body.strip_suffix("::{closure#0}").unwrap_or(&self.body)
    }

    pub fn description(&self) -> String {
        let mut text = format!(
            "The states of the future of {}, from the MIR of {}: a poll starts in the state the tag names and ends in the state it writes.",
            self.function(),
            self.body
        );
        for state in &self.states {
            text.push_str(&format!(" {} (tag {})", state.variant, state.value));
            if let (Some(line), Some(source)) = (state.line, &state.source)
                && state.variant.starts_with("Suspend")
            {
                text.push_str(&format!(", suspended at line {line}, {source}"));
            }
            if let Some(message) = &state.panics {
                text.push_str(&format!(", where a poll panics with \"{message}\""));
            }
            text.push('.');
        }
        for (from, to, exit) in self.named_transitions() {
            let how = match exit {
                Exit::Pending => "returning Pending",
                Exit::Ready => "returning Ready",
                Exit::Unwind => "when a panic unwinds",
            };
            text.push_str(&format!(" {from} to {to}, {how}."));
        }
        text
    }

    pub fn title(&self) -> String {
        format!("States of the future of {}, and where a poll takes it", self.function())
    }

    /// The picture, for the MIR listing `listing_name` of the chapter `chapter_slug`.
    pub fn picture(&self, chapter_slug: &str, listing_name: &str, mir: &StageListing) -> Picture {
        let name = format!("states_{listing_name}");
        let text = mir.to_string();
        Picture::new(
            self.svg(&picture_id(chapter_slug, &name)),
            &format!("states of {}", self.body),
            &mir.provenance.compiler,
            chapter_slug,
            &[Source { kind: ListingKind::Stage(listings::Stage::Mir), name: listing_name, text: &text }],
        )
    }

    /// Where everything in the picture lies.
    pub fn geometry(&self) -> Geometry {
        Geometry::of(self)
    }

    fn svg(&self, id: &str) -> String {
        draw::svg(&self.geometry(), id, &self.title(), &self.description())
    }
}

/// The dispatch on the tag: `_N = discriminant(PLACE);` and `switchInt(move _N) -> [0: bbA, …]`,
/// as `PLACE` and each (tag value, entry block).
fn dispatch(blocks: &[BasicBlock]) -> Option<(String, Vec<(u64, String)>)> {
    blocks.iter().find_map(|block| {
        let switched = block.terminator().strip_prefix("switchInt(move ")?.split(')').next()?;
        let place = block.statements.iter().find_map(|s| {
            s.strip_prefix(&format!("{switched} = discriminant("))?.strip_suffix(");").map(str::to_owned)
        })?;
        let arms = block.terminator().split_once("-> [")?.1.trim_end_matches("];");
        let entries: Vec<(u64, String)> = arms
            .split(", ")
            .filter_map(|arm| {
                let (value, target) = arm.split_once(": ")?;
                Some((value.parse().ok()?, target.to_owned()))
            })
            .collect();
        Some((place, entries))
    })
}

/// Walks the control-flow graph of `body` from `entry` to the blocks that write the tag
/// (`discriminant(PLACE) = N;`), which end the poll, and to the `assert(const false, …)` it
/// panics at.
fn poll_ends<'a>(
    body: &str,
    entry: &'a BasicBlock,
    by_name: &HashMap<&str, &'a BasicBlock>,
    place: &str,
) -> Result<PollEnds<'a>, Error> {
    let sets = format!("discriminant({place}) = ");
    let mut ends = PollEnds::default();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut next = vec![entry];
    while let Some(block) = next.pop() {
        let name = block.name.as_str();
        if !seen.insert(name) {
            continue;
        }
        let written = block.statements.iter().find_map(|s| s.strip_prefix(&sets)?.strip_suffix(';')?.parse().ok());
        if let Some(to) = written {
            let result = block.statements.iter().find(|s| s.starts_with("_0 = "));
            let exit = match result {
                _ if block.cleanup => Exit::Unwind,
                Some(result) if result.contains("::Pending") => Exit::Pending,
                Some(_) => Exit::Ready,
                None => return Err(Error::NoResult { body: body.to_owned(), block: name.to_owned(), value: to }),
            };
            ends.writes.push((name, to, exit));
            continue;
        }
        if let Some(message) = block.terminator().strip_prefix("assert(const false, \"") {
            ends.panics = Some(message.split("\")").next().unwrap_or(message).to_owned());
        }
        next.extend(block.successors().into_iter().filter_map(|s| by_name.get(s).copied()));
    }
    Ok(ends)
}

#[cfg(test)]
mod tests {
    use super::*;
    use listings::lowering::debuginfo::StateSource;

    const BODY: &str = "fn f::{closure#0}(_1: Pin<&mut {async fn body of f()}>, _2: &mut Context<'_>) -> Poll<()> {
    bb0: {
        _5 = discriminant((*_6));
        switchInt(move _5) -> [0: bb1, 1: bb5, 2: bb6, 3: bb9, otherwise: bb7];
    }

    bb1: {
        _3 = poll(move _4) -> [return: bb2, unwind: bb4];
    }

    bb2: {
        switchInt(move _3) -> [0: bb3, 1: bb8, otherwise: bb7];
    }

    bb3: {
        _0 = Poll::<()>::Ready(const ());
        discriminant((*_6)) = 1;
        return;
    }

    bb4 (cleanup): {
        discriminant((*_6)) = 2;
        resume;
    }

    bb5: {
        assert(const false, \"`async fn` resumed after completion\") -> [success: bb5, unwind continue];
    }

    bb6: {
        assert(const false, \"`async fn` resumed after panicking\") -> [success: bb6, unwind continue];
    }

    bb7: {
        unreachable;
    }

    bb8: {
        _0 = Poll::<()>::Pending;
        discriminant((*_6)) = 3;
        return;
    }

    bb9: {
        _4 = move _2;
        goto -> bb1;
    }
}
";

    #[test]
    fn blocks_and_their_successors_are_read_from_the_body() {
        let body = listings::lowering::mir::Body::parse(BODY).unwrap();
        assert_eq!(body.blocks().len(), 10);
        assert_eq!(body.block("bb1").unwrap().successors(), ["bb2", "bb4"]);
        assert!(body.block("bb4").unwrap().cleanup);
        assert_eq!(body.block("bb5").unwrap().successors(), ["bb5"], "`unwind continue` goes to no block");
    }

    /// The states of `f`, whose resume function's MIR is `body`.
    fn states_of(body: &str) -> Result<States, Error> {
        let provenance = listings::Provenance {
            subject: "f::{closure#0}".into(),
            compiler: "rustc 1.95.0".into(),
            origin: listings::Origin::Stage { stage: listings::Stage::Mir, edition: "2024".into(), bootstrap: None },
            excerpt: None,
        };
        let mir = StageListing {
            stage: listings::Stage::Mir,
            subject: "f::{closure#0}".into(),
            text: body.into(),
            layout: None,
            body: Some(listings::lowering::mir::Body::parse(body).unwrap()),
            provenance,
            command: String::new(),
        };
        let printout = "\
print-type-size type: `{async fn body of f()}`: 2 bytes, alignment: 1 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Unresumed`: 0 bytes
print-type-size     variant `Suspend0`: 1 bytes
print-type-size         local `.__awaitee`: 1 bytes, type: G
print-type-size     variant `Returned`: 0 bytes
print-type-size     variant `Panicked`: 0 bytes
";
        let mut future = listings::lowering::type_sizes::layouts(printout).unwrap().remove(0);
        let state = |value, variant: &str, line| StateSource { value, variant: variant.into(), line };
        future.states = vec![
            state(0, "Unresumed", Some(1)),
            state(1, "Returned", Some(3)),
            state(2, "Panicked", Some(3)),
            state(3, "Suspend0", Some(2)),
        ];
        States::of(&mir, &future, "async fn f() {\n    g().await;\n}\n")
    }

    fn states() -> States {
        states_of(BODY).unwrap()
    }

    #[test]
    fn each_poll_ends_where_the_block_it_reaches_writes_the_tag() {
        let states = states();
        assert_eq!(
            states.named_transitions(),
            [
                ("Unresumed", "Returned", Exit::Ready),
                ("Unresumed", "Panicked", Exit::Unwind),
                ("Unresumed", "Suspend0", Exit::Pending),
                ("Suspend0", "Returned", Exit::Ready),
                ("Suspend0", "Panicked", Exit::Unwind),
                ("Suspend0", "Suspend0", Exit::Pending),
            ]
        );
    }

    #[test]
    fn a_suspension_point_carries_its_await_line_and_the_finished_states_their_panics() {
        let states = states();
        let names: Vec<&str> = states.states.iter().map(|s| s.variant.as_str()).collect();
        assert_eq!(names, ["Unresumed", "Suspend0", "Returned", "Panicked"], "in reading order");
        assert_eq!(states.state("Suspend0").unwrap().source.as_deref(), Some("g().await;"));
        assert_eq!(states.state("Returned").unwrap().panics.as_deref(), Some("`async fn` resumed after completion"));
        let svg = states.svg("s");
        assert!(svg.contains(">line 2: g().await;</text>"), "{svg}");
        assert_eq!(svg.matches("class=\"picture-edge-unwind\"").count(), 2 + 1, "two arcs, and the legend");
    }

    #[test]
    fn a_tag_written_that_the_debug_information_names_no_state_is_refused_with_the_block_and_the_states() {
        let body = BODY.replace("discriminant((*_6)) = 3;", "discriminant((*_6)) = 7;");
        let error = states_of(&body).unwrap_err();
        assert!(
            matches!(&error, Error::NoSuchState { seen: TagSeen::WrittenBy(block), value: 7, .. } if block == "bb8"),
            "{error:?}"
        );
        assert!(
            error.to_string().ends_with("its states are 0 Unresumed, 1 Returned, 2 Panicked, 3 Suspend0"),
            "{error}"
        );
    }

    #[test]
    fn a_switch_to_a_block_the_body_lacks_is_refused_with_the_blocks_it_has() {
        let body = BODY.replace("1: bb5,", "1: bb99,");
        let error = states_of(&body).unwrap_err();
        assert!(matches!(&error, Error::NoEntryBlock { value: 1, block, .. } if block == "bb99"), "{error:?}");
        assert!(error.to_string().contains("its blocks are bb0, bb1, bb2"), "{error}");
    }

    #[test]
    fn a_block_that_writes_the_tag_without_a_result_is_refused() {
        let body = BODY.replace("_0 = Poll::<()>::Pending;\n", "");
        let error = states_of(&body).unwrap_err();
        assert_eq!(error, Error::NoResult { body: "f::{closure#0}".into(), block: "bb8".into(), value: 3 });
    }
}
