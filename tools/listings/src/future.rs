//! The report on one `async fn`'s future (`cargo xtask future`): its size and alignment, its
//! layout, its states and the line each stops at, what each state holds and what dropping the
//! future there drops, its largest fields and the line of the local each comes from, and whether
//! it is `Send`, with the field that makes it not.
//!
//! Every part is read from what the stages already parse: the async fn and its arguments from
//! the `mir` stage's bodies, the layout and the states from `type-sizes` (the states' lines from
//! the debug information), each saved local's type and line from the coroutine layout of the
//! `state-transform` stage, what each state drops from the future's `drop-glue`, and `Send` from
//! the compiler's answer to a check (`send_check.rs`).
//!
//! An argument is an upvar of the future, in the bytes every state shares; but the lowering
//! moves each argument into a local of the body before the body runs (`let state = state;`,
//! `lower_coroutine_body_with_moved_arguments` in `compiler/rustc_ast_lowering/src/item.rs`), so
//! after the first poll the upvar's bytes are a moved-from (or, for a `Copy` type, a copied-from)
//! value. The report reads that move from the resume function's first block, and says so in
//! every state after `Unresumed`, with whether the state's drop glue drops those bytes.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use crate::lowering::coroutine_layout::{CoroutineLayout, CoroutinePlace, FieldTaken, SourceSpan, TakenInto};
use crate::lowering::mir::Body;
use crate::lowering::type_sizes::Variant;
use crate::lowering::{Subject, debuginfo::StateSource};
use crate::send_check::{NotSend, SendAnswer};
use crate::{Crate, Error, ForeignCrate, Stage, TypeLayout, Workspace};

/// What `cargo xtask future` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FutureReport {
    /// The async fn, as MIR names it: `count_visit`, `routes::handler`.
    pub function: String,
    /// `tokio-service`, `ch07-cancellation`.
    pub krate: String,
    /// `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub compiler: String,
    /// `cargo xtask future --manifest-path samples/tokio-service/Cargo.toml count_visit`.
    pub command: String,
    /// The future's layout, as the type-sizes stage gives it: size, alignment, table, states.
    pub layout: TypeLayout,
    pub states: Vec<StateReport>,
    /// Whether the states come from the debug information, which gives their lines; else from
    /// the coroutine layout, which has none (no description in the debug information pairs with
    /// the future's layout: see [`place_tags`](crate::lowering::debuginfo::place_tags)).
    pub states_from_debug_info: bool,
    /// The largest fields, largest first, each once.
    pub largest: Vec<Held>,
    pub send: SendReport,
}

/// One state of the future.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateReport {
    /// The value its tag holds.
    pub value: u64,
    /// `Unresumed`, `Suspend0`, `Returned`, `Panicked`.
    pub variant: String,
    /// The line the debug information gives the state: an `.await`'s for a `SuspendN`.
    pub line: Option<u32>,
    /// Its fields, in the order of their offsets.
    pub holds: Vec<Held>,
    /// What dropping the future in this state drops, in order; `None` where the crate's build
    /// has no drop glue for the future (nothing in it drops one).
    pub drops: Option<Vec<Dropped>>,
}

/// A field of the future: an argument it captured (`upvar`) or a local saved across an await.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub kind: String,
    pub name: String,
    pub offset: u64,
    pub size: u64,
    /// As MIR prints it, where it is known.
    pub ty: Option<String>,
    /// Where the local is declared (for an awaitee, its `.await`); none for an argument.
    pub declared: Option<SourceSpan>,
    /// The states that hold it.
    pub states: Vec<String>,
    /// For an argument after the first poll: where its value went, and whether this state's
    /// drop glue drops the bytes left behind. Such a field is not among what its state holds.
    /// (Among the largest fields: as the last state it is left in has it.)
    pub left: Option<Left>,
    /// The states it is left behind in (see `left`).
    pub left_in: Vec<String>,
    /// Which field of the coroutine it is: `_sN`'s `N`, or the upvar's index.
    identity: Identity,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Upvar(String),
    Saved(usize),
    Unknown(String, String),
}

/// An argument's upvar after the first poll: its value taken into a local of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    /// Moved, else copied (a `Copy` type): `move` or `copy` in the resume function.
    pub moved: bool,
    /// The variable that took the value (`state`), and the line of its declaration where the
    /// coroutine layout has it (a local saved across an await).
    pub into: String,
    pub declared: Option<SourceSpan>,
    /// Whether dropping the future in this state drops the upvar's bytes; `None` where there is
    /// no drop glue.
    pub dropped: Option<bool>,
}

/// How the first poll takes an argument out of its upvar: the upvar, where it goes and how.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Taken {
    upvar: CoroutinePlace,
    moved: bool,
    into: String,
    declared: Option<SourceSpan>,
}

/// One drop of the drop glue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub name: String,
    pub ty: String,
    /// The field of the future it drops, where it is one: an upvar or a saved local.
    pub place: Option<CoroutinePlace>,
    /// Behind a drop flag: dropped only if it was not moved out before.
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendReport {
    Send,
    /// The compiler's answer, and the fields whose type it names.
    NotSend {
        answer: NotSend,
        held_by: Vec<Held>,
    },
    Undecided {
        reason: String,
    },
}

/// An `async fn` of a crate, as its MIR body says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AsyncFn {
    name: String,
    /// `{async fn body of count_visit()}`.
    future: String,
    arguments: usize,
}

/// The report on the future of `query` (an async fn's name, or the end of its path) in `krate`.
pub fn report(krate: &Crate, query: &str) -> Result<FutureReport, Error> {
    let workspace = Workspace::this_checkout();
    let compiler = crate::rustc(&workspace)?.version_line;
    let function = async_fn(krate, query)?;
    let sizes = crate::stage_of(krate, Stage::TypeSizes, &function.future)?;
    let layout = sizes.layout.expect("a type-sizes listing has a layout");
    let transform = crate::stage_output_of(krate, Stage::StateTransform)?;
    let after = body(&transform.subjects, &format!("after: {}::{{closure#0}}", function.name));
    let coroutine = after.and_then(Body::coroutine_layout);
    let names = after.map(Body::coroutine_fields).unwrap_or_default();
    let glue = crate::stage_output_of(krate, Stage::DropGlue)?;
    let glue = body(&glue.subjects, &format!("drop_in_place::<{}>", function.future));

    let unresumed = coroutine.and_then(|c| c.variant("Unresumed")).map_or(0, |v| v.value);
    let taken = after.map(|after| taken_at_first_poll(after, coroutine, unresumed)).unwrap_or_default();

    let states_of_layout = states(&layout, coroutine);
    let mut states = Vec::new();
    for state in &states_of_layout {
        let variant = layout.variants.iter().find(|v| v.name.as_deref() == Some(&state.variant));
        let mut holds = variant.map(|v| held(v, coroutine, &names)).unwrap_or_default();
        let drops = glue.map(|glue| drops(glue, state.value));
        if state.value != unresumed {
            for field in &mut holds {
                field.left = left_behind(field, &names, &taken, drops.as_deref());
            }
        }
        states.push(StateReport { value: state.value, variant: state.variant.clone(), line: state.line, holds, drops });
    }
    let mut fields: Vec<Held> = Vec::new();
    for state in &states {
        for field in &state.holds {
            let seen = match fields.iter().position(|f| f.identity == field.identity) {
                Some(at) => &mut fields[at],
                None => {
                    fields.push(Held { left: None, ..field.clone() });
                    fields.last_mut().expect("just pushed")
                }
            };
            match field.left {
                Some(_) => {
                    seen.left_in.push(state.variant.clone());
                    seen.left.clone_from(&field.left);
                }
                None => seen.states.push(state.variant.clone()),
            }
        }
    }
    let send = match send_answer(&workspace, krate, &function)? {
        SendAnswer::Send => SendReport::Send,
        SendAnswer::Undecided { reason } => SendReport::Undecided { reason },
        SendAnswer::NotSend(answer) => SendReport::NotSend { held_by: holding(&answer, &fields), answer },
    };
    let mut largest = fields;
    largest.sort_by(|a, b| b.size.cmp(&a.size).then(a.offset.cmp(&b.offset)));
    largest.truncate(LARGEST);
    Ok(FutureReport {
        command: format!(
            "cargo xtask future {} {}",
            krate.on_command_line(),
            crate::provenance::shell_quote(&function.name)
        ),
        function: function.name,
        krate: krate.name().to_owned(),
        compiler,
        states_from_debug_info: !layout.states.is_empty(),
        layout,
        states,
        largest,
        send,
    })
}

/// How many of the largest fields the report lists.
const LARGEST: usize = 5;

/// The async fns of a crate (the `mir` stage's bodies whose fn returns a future): those the
/// report takes, and those it does not, each with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncFns {
    /// By name, as the report takes them.
    pub reportable: Vec<String>,
    pub refused: Vec<Refused>,
}

/// An async fn whose future the `type-sizes` stage has no layout of: a generic one, whose
/// future has a type, and a layout, for each instance the crate's build makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub name: String,
    /// Its future's type as the fn's MIR gives it: `{async fn body of echo<T>()}`.
    pub future: String,
    /// The futures of its instances that the stage has: `{async fn body of echo<u64>()}`.
    pub instances: Vec<String>,
}

impl Refused {
    /// Generic: the future's type has a parameter (`echo<T>`, `Wrapper<T>::get`, `<Self as
    /// Trait>::f`); else the stage has no layout for another reason, which the report cannot tell.
    fn generic(&self) -> bool {
        self.future != without_arguments(&self.future) || !self.instances.is_empty()
    }

    /// Why, in a few words, and what there is instead.
    pub fn reason(&self) -> String {
        let instances = self.instances.join(", ");
        match (self.generic(), self.instances.is_empty()) {
            (true, false) => format!("generic: the report needs one instance; the crate's build has {instances}"),
            (true, true) => "generic: the report needs one instance, and the crate's build has none".to_owned(),
            (false, _) => format!("the type-sizes stage has no layout of its future, `{}`", self.future),
        }
    }
}

/// The async fns of a crate, sorted into those the report takes and those it does not.
pub fn async_fns(krate: &Crate) -> Result<AsyncFns, Error> {
    let Sorted { reportable, refused } = sorted(krate)?;
    Ok(AsyncFns {
        reportable: reportable.into_iter().map(|f| f.name).collect(),
        refused: refused.into_iter().map(|(_, refused)| refused).collect(),
    })
}

/// A crate's async fns, sorted: see [`sorted`].
struct Sorted {
    reportable: Vec<AsyncFn>,
    refused: Vec<(AsyncFn, Refused)>,
}

/// The report takes an async fn whose future the `type-sizes` stage has a layout of: it reads
/// the size, the states and the drop glue of that one type.
fn sorted(krate: &Crate) -> Result<Sorted, Error> {
    let fns = async_fns_of(krate)?;
    let sizes = crate::stage_output_of(krate, Stage::TypeSizes)?.names();
    let (reportable, refused): (Vec<AsyncFn>, Vec<AsyncFn>) = fns.into_iter().partition(|f| sizes.contains(&f.future));
    let refused = refused
        .into_iter()
        .map(|f| {
            let bare = without_arguments(&f.future);
            let instances = sizes
                .iter()
                .filter(|name| name.starts_with("{async fn body of ") && without_arguments(name) == bare)
                .cloned()
                .collect();
            let refused = Refused { name: f.name.clone(), future: f.future.clone(), instances };
            (f, refused)
        })
        .collect();
    Ok(Sorted { reportable, refused })
}

/// A type with every `<…>` taken out: `{async fn body of Wrapper<u8>::get()}` →
/// `{async fn body of Wrapper::get()}`, as for `Wrapper<T>::get`.
fn without_arguments(ty: &str) -> String {
    crate::lowering::debuginfo::without_type_arguments(ty)
}

fn async_fns_of(krate: &Crate) -> Result<Vec<AsyncFn>, Error> {
    let mir = crate::stage_output_of(krate, Stage::Mir)?;
    Ok(mir
        .subjects
        .iter()
        .filter_map(|subject| match subject {
            Subject::Body(body) => Some(body),
            _ => None,
        })
        .filter_map(|body| {
            let (arguments, returns) = body.signature()?;
            returns.starts_with("{async fn body of ").then(|| AsyncFn {
                name: body.name.clone(),
                future: returns,
                arguments: arguments.len(),
            })
        })
        .collect())
}

/// The async fn `query` names: its name, or the end of its path (`only_here`,
/// `routes::only_here`); else an error saying whether
/// it is a fn that is not async, and which async fns there are.
fn async_fn(krate: &Crate, query: &str) -> Result<AsyncFn, Error> {
    let Sorted { reportable, refused } = sorted(krate)?;
    let fns: Vec<AsyncFn> = reportable.iter().chain(refused.iter().map(|(f, _)| f)).cloned().collect();
    let query = query.trim();
    let named = |name: &str| name == query || name.ends_with(&format!("::{query}"));
    // The future's type has the fn's whole path (`{async fn body of routes::only_here()}`)
    // where the MIR's name may be the fn's name alone: either is accepted.
    let path = |f: &AsyncFn| {
        f.future.strip_prefix("{async fn body of ").and_then(|rest| rest.split_once("()}")).map(|(p, _)| p.to_owned())
    };
    // A name as `--list` prints it is the one fn of that name, even where it also ends the path
    // of another (`read_line`, and the method `<impl at …>::read_line`).
    let exact: Vec<&AsyncFn> = fns.iter().filter(|f| f.name == query).collect();
    let found: Vec<&AsyncFn> = match exact.is_empty() {
        true => fns.iter().filter(|f| named(&f.name) || path(f).is_some_and(|p| named(&p))).collect(),
        false => exact,
    };
    let known: Vec<String> = reportable.iter().map(|f| f.name.clone()).collect();
    match found.as_slice() {
        [one] => match refused.iter().find(|(f, _)| f == *one) {
            None => Ok((*one).clone()),
            Some((_, refused)) => {
                let mut reason = refused.reason();
                if let Some(instance) = refused.instances.first() {
                    reason.push_str(&format!(
                        ", whose layout `cargo xtask type-sizes {} {}` prints (and `drop-glue` its drop glue)",
                        krate.on_command_line(),
                        crate::provenance::shell_quote(instance)
                    ));
                }
                Err(Error::NotReportable { given: query.to_owned(), chapter: krate.name().to_owned(), reason, known })
            }
        },
        [] => {
            let mir = crate::stage_output_of(krate, Stage::Mir)?;
            let not_async = mir.subjects.iter().find_map(|subject| match subject {
                Subject::Body(body) if named(&body.name) => body.signature().map(|(_, returns)| returns),
                _ => None,
            });
            Err(match not_async {
                Some(returns) => {
                    Error::NotAsync { given: query.to_owned(), chapter: krate.name().to_owned(), returns, known }
                }
                None => Error::UnknownAsyncFn {
                    given: query.to_owned(),
                    chapter: krate.name().to_owned(),
                    closest: crate::closest_names(query, &known),
                    known,
                },
            })
        }
        several => Err(Error::Ambiguous {
            given: query.to_owned(),
            chapter: krate.name().to_owned(),
            what: "async fns".to_owned(),
            candidates: several.iter().map(|f| f.name.clone()).collect(),
        }),
    }
}

fn body<'a>(subjects: &'a [Subject], name: &str) -> Option<&'a Body> {
    subjects.iter().find_map(|subject| match subject {
        Subject::Body(body) if body.name == name => Some(body),
        _ => None,
    })
}

/// The future's states: as the debug information gives them, with their lines; else as the
/// coroutine layout names them.
/// In the layout's order of its variants: the order of the source, `Unresumed` to `Panicked`.
fn states(layout: &TypeLayout, coroutine: Option<&CoroutineLayout>) -> Vec<StateSource> {
    let mut states = layout.states.clone();
    if states.is_empty() {
        let variants = coroutine.map(|c| c.variants.as_slice()).unwrap_or_default();
        states = variants.iter().map(|v| StateSource { value: v.value, variant: v.name.clone(), line: None }).collect();
    }
    let place = |state: &StateSource| layout.variants.iter().position(|v| v.name.as_deref() == Some(&state.variant));
    states.sort_by_key(|state| (place(state), state.value));
    states
}

/// The fields of one variant of the layout, each with what the coroutine layout and the debug
/// lines say of it.
fn held(variant: &Variant, coroutine: Option<&CoroutineLayout>, names: &[(String, CoroutinePlace)]) -> Vec<Held> {
    let variant_name = variant.name.as_deref().unwrap_or_default();
    variant
        .fields
        .iter()
        .map(|field| {
            let upvar = || {
                names.iter().find_map(|(name, place)| match place {
                    CoroutinePlace::Upvar { .. } if *name == field.name => Some(place),
                    _ => None,
                })
            };
            let saved = || -> Option<(usize, Option<&str>)> {
                let coroutine = coroutine?;
                let in_variant = &coroutine.variant(variant_name)?.saved;
                if let Some(index) = field.name.strip_prefix(".coroutine_field").and_then(|n| n.parse().ok()) {
                    return Some((index, None));
                }
                names.iter().find_map(|(name, place)| match place {
                    CoroutinePlace::Saved { variant, field: at, ty } if *name == field.name => {
                        let local = coroutine.saved_local(*variant, *at)?;
                        in_variant.contains(&local.index).then_some((local.index, Some(ty.as_str())))
                    }
                    _ => None,
                })
            };
            let (identity, ty, declared) = match field.kind.as_str() {
                "upvar" => match upvar() {
                    Some(place) => (Identity::Upvar(field.name.clone()), Some(place.ty().to_owned()), None),
                    None => (Identity::Upvar(field.name.clone()), None, None),
                },
                _ => match saved() {
                    Some((index, ty)) => {
                        let local = coroutine.and_then(|c| c.saved.iter().find(|s| s.index == index));
                        let ty = ty.map(str::to_owned).or_else(|| local.map(|l| l.ty.clone()));
                        (Identity::Saved(index), ty, local.map(|l| l.span.clone()))
                    }
                    None => (Identity::Unknown(variant_name.to_owned(), field.name.clone()), None, None),
                },
            };
            Held {
                kind: field.kind.clone(),
                name: field.name.clone(),
                offset: field.offset,
                size: field.size,
                ty,
                declared,
                states: Vec::new(),
                left: None,
                left_in: Vec::new(),
                identity,
            }
        })
        .collect()
}

/// What the first poll does with the arguments: the statements of the resume function that move
/// or copy an upvar out, in the block the switch on the tag sends `unresumed` to and the blocks
/// it reaches by `goto` (the lowering's `let state = state;` runs before the body).
fn taken_at_first_poll(resume: &Body, coroutine: Option<&CoroutineLayout>, unresumed: u64) -> Vec<Taken> {
    let names = resume.coroutine_fields();
    let Some(mut name) = resume
        .block("bb0")
        .and_then(|dispatch| dispatch.targets().into_iter().find(|(v, _)| *v == Some(unresumed)).map(|(_, b)| b))
    else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut taken = Vec::new();
    while let Some(block) = resume.block(name).filter(|b| !b.cleanup) {
        if !seen.insert(name) {
            break;
        }
        for statement in &block.statements {
            let Ok(FieldTaken { from: upvar @ CoroutinePlace::Upvar { .. }, into, moved }) = statement.parse() else {
                continue;
            };
            let (into, declared) = match into {
                TakenInto::Field(field) => {
                    let name = names.iter().find(|(_, place)| place.same_field(&field)).map(|(name, _)| name.clone());
                    let declared = match field {
                        CoroutinePlace::Saved { variant, field, .. } => {
                            coroutine.and_then(|c| c.saved_local(variant, field)).map(|local| local.span.clone())
                        }
                        CoroutinePlace::Upvar { .. } => None,
                    };
                    (name, declared)
                }
                TakenInto::Local(local) => {
                    (resume.debug_variables().find(|(_, place)| *place == local).map(|(name, _)| name.to_owned()), None)
                }
            };
            if let Some(into) = into {
                taken.push(Taken { upvar, moved, into, declared });
            }
        }
        // Only a terminator can unwind: along `goto`s, nothing before the statements read here
        // can panic, so in every state after `Unresumed` (`Panicked` too) they have run.
        match block.targets().as_slice() {
            [(_, next)] if block.terminator().starts_with("goto -> ") => name = next,
            _ => break,
        }
    }
    taken
}

/// For an upvar after the first poll, what the first poll took out of it, and whether the
/// state's drop glue drops what is left; `None` for any other field, or an upvar no statement
/// of the first poll takes.
fn left_behind(
    field: &Held,
    names: &[(String, CoroutinePlace)],
    taken: &[Taken],
    drops: Option<&[Dropped]>,
) -> Option<Left> {
    let Identity::Upvar(name) = &field.identity else { return None };
    let upvar = names.iter().find_map(|(n, place)| match place {
        CoroutinePlace::Upvar { .. } if n == name => Some(place),
        _ => None,
    })?;
    let taken = taken.iter().find(|t| t.upvar.same_field(upvar))?;
    let dropped =
        drops.map(|drops| drops.iter().any(|d| d.place.as_ref().is_some_and(|place| place.same_field(upvar))));
    Some(Left { moved: taken.moved, into: taken.into.clone(), declared: taken.declared.clone(), dropped })
}

/// What the drop glue drops when the tag holds `value`: the drops on its way to `return`, from
/// the block bb0's switch sends that value to, not following unwinding.
fn drops(glue: &Body, value: u64) -> Vec<Dropped> {
    let names = glue.coroutine_fields();
    let Some(dispatch) = glue.block("bb0") else { return Vec::new() };
    let targets = dispatch.targets();
    let Some(start) = targets.iter().find(|(v, _)| *v == Some(value)).map(|(_, block)| *block) else {
        return Vec::new();
    };
    let mut dropped = Vec::new();
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([(start, false)]);
    while let Some((name, conditional)) = queue.pop_front() {
        let Some(block) = glue.block(name).filter(|b| !b.cleanup) else { continue };
        if !seen.insert(name) {
            continue;
        }
        if let Some(place) = block.dropped() {
            let parsed: Option<CoroutinePlace> = place.parse().ok();
            let named = parsed.as_ref().and_then(|p| names.iter().find(|(_, q)| q.same_field(p)));
            dropped.push(Dropped {
                name: named.map_or_else(|| place.to_owned(), |(name, _)| name.clone()),
                ty: parsed.as_ref().map_or_else(String::new, |p| p.ty().to_owned()),
                place: parsed,
                conditional,
            });
        }
        let next = block.targets();
        let branches = next.len() > 1;
        queue.extend(next.into_iter().map(|(_, block)| (block, conditional || branches)));
    }
    dropped
}

/// The check's answer for the async fn: for a chapter, its crate is checked as a crate outside
/// the book would be. A method has no path the check can call it by.
fn send_answer(workspace: &Workspace, krate: &Crate, function: &AsyncFn) -> Result<SendAnswer, Error> {
    if function.name.contains(['<', '{']) {
        return Ok(SendAnswer::Undecided {
            reason: format!("`{}` is a method: the check calls a function by its path", function.name),
        });
    }
    let rustc = crate::rustc(workspace)?;
    let foreign = match krate {
        Crate::Foreign(foreign) => foreign.clone(),
        Crate::Chapter(chapter) => ForeignCrate::at(workspace, &chapter.dir.join("Cargo.toml"), &rustc)?,
    };
    crate::send_check::check(workspace, &rustc, &foreign, &function.name, function.arguments)
}

/// The fields whose type is the outermost of the compiler's chain that any field has: the
/// types compared in one spelling (see [`comparable`]), since the compiler's error and the
/// layout spell one type differently.
fn holding(answer: &NotSend, fields: &[Held]) -> Vec<Held> {
    let chain = answer.within.iter().rev().chain(std::iter::once(&answer.culprit));
    for ty in chain {
        let wanted = comparable(ty);
        let held: Vec<Held> =
            fields.iter().filter(|f| f.ty.as_deref().is_some_and(|t| comparable(t) == wanted)).cloned().collect();
        if !held.is_empty() {
            return held;
        }
    }
    Vec::new()
}

/// One spelling for the compiler's type and the layout's: paths removed (the compiler names
/// `tokio_service::State` from the check's crate, MIR `State`), every lifetime removed (the
/// error has `'_` or `'static`, the layout `'{erased}`), a `dyn` type's parentheses removed
/// (the error's `Box<(dyn Any + 'static)>`, the layout's `Box<dyn Any>`), and the default
/// allocator and hasher parameters dropped (the layout's `Vec<u8, Global>`, the error's `Vec<u8>`).
/// `std::sync::MutexGuard<'{erased}, std::vec::Vec<u8, std::alloc::Global>>` → `MutexGuard<Vec<u8>>`.
fn comparable(ty: &str) -> String {
    use std::sync::LazyLock;
    static PATH: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"\b[A-Za-z_][A-Za-z0-9_]*::").unwrap());
    static LIFETIME: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"\s*\+\s*'(\{erased\}|[A-Za-z_][A-Za-z0-9_]*)|'(\{erased\}|[A-Za-z_][A-Za-z0-9_]*)(\s*,\s*|\s+)?",
        )
        .unwrap()
    });
    static DEFAULTS: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r",\s*(Global|RandomState)>").unwrap());
    let ty = PATH.replace_all(ty, "");
    let ty = LIFETIME.replace_all(&ty, "");
    let ty = DEFAULTS.replace_all(&ty, ">");
    let mut ty = ty.replace("<>", "");
    // `(dyn …)` → `dyn …`, innermost first, the parentheses matched by depth.
    while let Some(start) = ty.find("(dyn ") {
        let mut depth = 0;
        let end = ty[start..].char_indices().find_map(|(i, c)| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            (depth == 0).then_some(start + i)
        });
        let Some(end) = end else { break };
        ty = format!("{}{}{}", &ty[..start], &ty[start + 1..end], &ty[end + 1..]);
    }
    ty.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for FutureReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layout = &self.layout;
        writeln!(
            f,
            "The future of `{}` in {}: {}, alignment {}",
            self.function,
            self.krate,
            crate::bytes(layout.size),
            layout.align
        )?;
        writeln!(f, "({} · {})", self.command, self.compiler)?;
        writeln!(f, "\nLayout (the type-sizes stage's table):\n{}", layout.table())?;
        writeln!(
            f,
            "States (the tag's value, the line each stops at, what it holds and what dropping the future there drops):"
        )?;
        if self.states.iter().any(|state| state.line.is_none()) {
            let why = match self.states_from_debug_info {
                true => "the debug information describes this future, but gives the states so marked no line",
                false => {
                    "the debug information has the states' lines, but its description of this future could not be \
                     paired for certain with the print-out's layout (it names a method's future by its impl, \
                     `{impl#N}::method`: two methods of one name and size, or an impl in another module than its \
                     type, are not told apart); the states here are the coroutine layout's, which has no lines"
                }
            };
            writeln!(f, "  line unknown: {why}")?;
        }
        for state in &self.states {
            let line = state.line.map_or_else(|| ", line unknown".to_owned(), |l| format!(", line {l}"));
            writeln!(f, "  {} {}{line}: {}", state.value, state.variant, meaning(&state.variant, state.line))?;
            let holds: Vec<&Held> = state.holds.iter().filter(|held| held.left.is_none()).collect();
            let rows: Vec<[String; 4]> = holds.iter().map(|held| held.row()).collect();
            for (i, row) in aligned(&rows).iter().enumerate() {
                writeln!(f, "      {} {row}", if i == 0 { "holds" } else { "     " })?;
            }
            if holds.is_empty() {
                writeln!(f, "      holds nothing")?;
            }
            for held in &state.holds {
                if let Some(left) = &held.left {
                    writeln!(f, "      {}", left.sentence(held))?;
                }
            }
            match &state.drops {
                None => writeln!(f, "      drops (no drop glue for this future in the crate's build)")?,
                Some(drops) if drops.is_empty() => writeln!(f, "      drops nothing")?,
                Some(drops) => {
                    let words: Vec<String> = drops.iter().map(Dropped::to_string).collect();
                    writeln!(f, "      drops {}", words.join(", then "))?;
                }
            }
        }
        writeln!(f, "\nLargest fields:")?;
        let rows: Vec<[String; 4]> = self
            .largest
            .iter()
            .map(|held| {
                let [what, size, ty, place] = held.row();
                let mut states = Vec::new();
                if !held.states.is_empty() {
                    states.push(format!("in {}", held.states.join(", ")));
                }
                if !held.left_in.is_empty() {
                    let word = held.left.as_ref().map_or("moved-from", Left::word);
                    states.push(format!("{word} in {}", held.left_in.join(", ")));
                }
                [size, what, ty, format!("{place} ({})", states.join("; "))]
            })
            .collect();
        for row in aligned(&rows) {
            writeln!(f, "  {row}")?;
        }
        if rows.is_empty() {
            writeln!(f, "  none: the future holds nothing but its tag")?;
        }
        write!(f, "\nSend: ")?;
        match &self.send {
            SendReport::Send => writeln!(f, "yes (the compiler accepts `assert_send({}(…))`)", self.function),
            SendReport::Undecided { reason } => writeln!(f, "not decided: the check did not compile: {reason}"),
            SendReport::NotSend { answer, held_by } => {
                write!(f, "no: `{}` is not `{}` (the compiler)", answer.culprit, answer.missing)?;
                for within in &answer.within {
                    write!(f, ", within `{within}`")?;
                }
                if answer.bodies > 1 {
                    write!(f, ", inside a future it awaits")?;
                }
                writeln!(f, ".")?;
                if held_by.is_empty() {
                    return writeln!(f, "  No field of the future has one of these types.");
                }
                writeln!(f, "  The future holds it in:")?;
                for held in held_by {
                    let [what, _, _, place] = held.row();
                    let awaits: Vec<String> = held
                        .states
                        .iter()
                        .filter_map(|name| {
                            self.states.iter().find(|s| s.variant == *name && name.starts_with("Suspend"))
                        })
                        .map(|state| match state.line {
                            Some(line) => format!("{} (the await on line {line})", state.variant),
                            None => state.variant.clone(),
                        })
                        .collect();
                    let across = match awaits.is_empty() {
                        true => String::new(),
                        false => format!(", across {}", awaits.join(", ")),
                    };
                    writeln!(f, "    {what}, {place}{across}")?;
                }
                Ok(())
            }
        }
    }
}

/// What a state means, in words.
fn meaning(variant: &str, line: Option<u32>) -> String {
    match variant {
        "Unresumed" => "created, not polled yet".to_owned(),
        "Returned" => "finished".to_owned(),
        "Panicked" => "a poll panicked".to_owned(),
        _ => match line {
            Some(line) => format!("waiting at the await on line {line}"),
            None => "waiting at an await".to_owned(),
        },
    }
}

impl Held {
    /// `local visits`, `16 bytes`, its type, where it is declared.
    fn row(&self) -> [String; 4] {
        let place = match (&self.declared, self.kind.as_str()) {
            (Some(span), _) => format!("{}:{}", span.file, span.line),
            (None, "upvar") => "an argument".to_owned(),
            (None, _) => String::new(),
        };
        [format!("{} {}", self.kind, self.name), crate::bytes(self.size), self.ty.clone().unwrap_or_default(), place]
    }
}

impl Left {
    /// `moved-from`, or `copied-from` for a value of a `Copy` type.
    fn word(&self) -> &'static str {
        match self.moved {
            true => "moved-from",
            false => "copied-from",
        }
    }

    /// `moved-from: upvar state (8 bytes, the argument; its value was moved into local `state`,
    /// src/lib.rs:41, at the first poll; not dropped here)`.
    fn sentence(&self, held: &Held) -> String {
        let bytes = crate::bytes(held.size);
        let verb = if self.moved { "moved" } else { "copied" };
        let declared = self.declared.as_ref().map(|span| format!(", {}:{},", span.file, span.line)).unwrap_or_default();
        let dropped = match self.dropped {
            Some(true) => "; dropped here",
            Some(false) => "; not dropped here",
            None => "",
        };
        format!(
            "{}: {} {} ({bytes}, the argument; its value was {verb} into local `{}`{declared} at the first poll{dropped})",
            self.word(),
            held.kind,
            held.name,
            self.into
        )
    }
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Some(CoroutinePlace::Upvar { .. }) => write!(f, "upvar ")?,
            Some(CoroutinePlace::Saved { .. }) => write!(f, "local ")?,
            None => {}
        }
        write!(f, "{}", self.name)?;
        if !self.ty.is_empty() {
            write!(f, " ({})", self.ty)?;
        }
        if self.conditional {
            write!(f, " if its drop flag is set")?;
        }
        Ok(())
    }
}

/// Rows of four cells, padded into columns (the last left as it is).
fn aligned(rows: &[[String; 4]]) -> Vec<String> {
    let width = |column: usize| rows.iter().map(|row| row[column].chars().count()).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2)];
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = (0..3).map(|i| format!("{:<w$}", row[i], w = widths[i])).collect();
            format!("{}  {}", cells.join("  "), row[3]).trim_end().to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_compared_without_their_paths_lifetimes_dyn_parentheses_or_default_parameters() {
        assert_eq!(comparable("std::sync::MutexGuard<'{erased}, u64>"), "MutexGuard<u64>");
        assert_eq!(comparable("tokio_service::Holder<std::rc::Rc<u8>>"), "Holder<Rc<u8>>");
        assert_eq!(comparable("&std::cell::Cell<u8>"), "&Cell<u8>");
        assert_eq!(comparable("&'a std::cell::Cell<u8>"), "&Cell<u8>");
        assert_eq!(comparable("std::cell::Ref<'_, u8>"), "Ref<u8>");
        // The two the review found: a temporary guard over a `Vec`, and a boxed `dyn`.
        assert_eq!(
            comparable("std::sync::MutexGuard<'{erased}, std::vec::Vec<u8, std::alloc::Global>>"),
            comparable("std::sync::MutexGuard<'_, Vec<u8>>"),
        );
        assert_eq!(comparable("std::boxed::Box<dyn std::any::Any>"), comparable("Box<(dyn Any + 'static)>"));
        assert_eq!(comparable("Box<(dyn Fn(u8) -> u8 + 'static)>"), "Box<dyn Fn(u8) -> u8>");
        assert_ne!(comparable("Box<dyn Any + Send>"), comparable("Box<dyn Any>"), "an auto trait stays");
    }

    #[test]
    fn each_state_drops_what_its_branch_of_the_drop_glue_drops_before_returning() {
        let glue = Body::parse(
            "fn drop_in_place(_1: *mut {async fn body of f()}) -> () {\n    debug state => ((*_1).0: Arc<State>);\n    scope 1 {\n        debug visits => (((*_1) as variant#3).1: MutexGuard<'_, u64>);\n    }\n\n    bb0: {\n        _2 = discriminant((*_1));\n        switchInt(move _2) -> [0: bb3, 3: bb1, otherwise: bb4];\n    }\n\n    bb1: {\n        drop((((*_1) as variant#3).1: MutexGuard<'_, u64>)) -> [return: bb3, unwind: bb5];\n    }\n\n    bb3: {\n        drop(((*_1).0: Arc<State>)) -> [return: bb4, unwind: bb5];\n    }\n\n    bb4: {\n        return;\n    }\n\n    bb5 (cleanup): {\n        drop(((*_1).0: Arc<State>)) -> [return: bb6, unwind terminate(cleanup)];\n    }\n}\n",
        )
        .unwrap();
        let names = |value| drops(&glue, value).into_iter().map(|d| d.to_string()).collect::<Vec<_>>();
        assert_eq!(names(3), ["local visits (MutexGuard<'_, u64>)", "upvar state (Arc<State>)"]);
        assert_eq!(names(0), ["upvar state (Arc<State>)"]);
        assert!(names(1).is_empty(), "a value the switch does not name drops nothing");
    }

    #[test]
    fn a_generic_fns_future_matches_its_instances_once_the_type_arguments_are_taken_out() {
        assert_eq!(without_arguments("{async fn body of echo<T>()}"), "{async fn body of echo()}");
        assert_eq!(without_arguments("{async fn body of Wrapper<u8>::get()}"), "{async fn body of Wrapper::get()}");
        assert_eq!(
            without_arguments("{async fn body of Wrapper<Vec<u8>>::get()}"),
            without_arguments("{async fn body of Wrapper<T>::get()}")
        );
        assert_eq!(without_arguments("{async fn body of call<Box<dyn Fn() -> u8>>()}"), "{async fn body of call()}");
        let refused = |future: &str, instances: &[&str]| Refused {
            name: "f".into(),
            future: future.into(),
            instances: instances.iter().map(|i| i.to_string()).collect(),
        };
        assert_eq!(
            refused("{async fn body of echo<T>()}", &["{async fn body of echo<u64>()}"]).reason(),
            "generic: the report needs one instance; the crate's build has {async fn body of echo<u64>()}"
        );
        assert_eq!(
            refused("{async fn body of <Self as Tr>::f()}", &[]).reason(),
            "generic: the report needs one instance, and the crate's build has none"
        );
        assert_eq!(
            refused("{async fn body of f()}", &[]).reason(),
            "the type-sizes stage has no layout of its future, `{async fn body of f()}`"
        );
    }

    /// The first poll's block moves one argument into a saved local and copies another into a
    /// local of the body; a block after a call is not read (a panic there would leave the
    /// argument where it was).
    #[test]
    fn the_first_poll_takes_each_argument_out_of_its_upvar_into_the_local_named_by_the_debug_lines() {
        let resume = Body::parse(
            "fn f::{closure#0}(_1: Pin<&mut {async fn body of f()}>, _2: &mut Context<'_>) -> Poll<u64> {\n    debug state => ((*_9).0: Arc<State>);\n    debug key => ((*_9).1: u64);\n    let _3: u64;\n    scope 1 {\n        debug state => (((*_9) as variant#3).0: Arc<State>);\n        debug key => _3;\n    }\n\n    bb0: {\n        _9 = copy (_1.0: &mut {async fn body of f()});\n        _8 = discriminant((*_9));\n        switchInt(move _8) -> [0: bb1, 3: bb4, otherwise: bb5];\n    }\n\n    bb1: {\n        (((*_9) as variant#3).0: Arc<State>) = move ((*_9).0: Arc<State>);\n        goto -> bb2;\n    }\n\n    bb2: {\n        _3 = copy ((*_9).1: u64);\n        _4 = g() -> [return: bb3, unwind: bb5];\n    }\n\n    bb3: {\n        _5 = move ((*_9).2: String);\n        return;\n    }\n\n    bb4: {\n        return;\n    }\n\n    bb5: {\n        return;\n    }\n}\n",
        )
        .unwrap();
        let taken = taken_at_first_poll(&resume, None, 0);
        let read: Vec<(&str, bool)> = taken.iter().map(|t| (t.into.as_str(), t.moved)).collect();
        assert_eq!(read, [("state", true), ("key", false)]);
        assert_eq!(taken[1].upvar, CoroutinePlace::Upvar { field: 1, ty: "u64".into() });
        assert!(taken_at_first_poll(&resume, None, 7).is_empty(), "a value the switch does not name");
    }
}
