//! A coroutine's layout as the coroutine transform computes it, and the places of its fields as
//! MIR names them: what tells which saved local a field of a future's variant is, its type and
//! the source span of the local it was saved from.
//!
//! `-Zdump-mir=StateTransform` writes the layout before the body after the pass
//! (`state_transform.rs`), as `{:#?}` prints rustc's `CoroutineLayout`
//! (`compiler/rustc_middle/src/mir/query.rs`):
//!
//! ```text
//! /* coroutine_layout = CoroutineLayout {
//!     field_tys: {
//!         _s0: CoroutineSavedTy {
//!             ty: std::sync::MutexGuard<'{erased}, u64>,
//!             source_info: SourceInfo {
//!                 span: src/lib.rs:42:9: 42:19 (#0),
//!                 scope: scope[1],
//!             },
//!             ignore_for_traits: false,
//!         },
//!     },
//!     variant_fields: {
//!         Unresumed(0): [],
//!         Suspend0 (3): [_s0],
//!     },
//!     storage_conflicts: BitMatrix(1x1) {
//!         (_s0, _s0),
//!     },
//! } */
//! ```
//!
//! A body that reads or drops the coroutine names its fields by place: a captured argument
//! `((*_1).0: T)`, a saved local `(((*_1) as variant#3).1: T)`, the `1` being its index in that
//! variant's list above; its `debug NAME => PLACE;` lines say which variable each one is.
//! Every line is read or refused, naming the line.

use std::str::FromStr;

use crate::error::{Expected, Format, ParseError};

/// What the coroutine transform decided a coroutine saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoroutineLayout {
    /// Every saved local, `_s0` first.
    pub saved: Vec<SavedLocal>,
    /// Each state and the saved locals it holds, in the order of its fields.
    pub variants: Vec<VariantFields>,
}

/// A local saved across a suspension: `_s1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLocal {
    /// `1` for `_s1`.
    pub index: usize,
    /// As rustc prints it, lifetimes erased: `std::sync::MutexGuard<'{erased}, u64>`.
    pub ty: String,
    /// Where the local is declared: a `let`'s pattern, an argument, or an `.await` for its
    /// awaitee.
    pub span: SourceSpan,
}

/// The start of a span: `src/lib.rs:42:9: 42:19 (#0)` → `src/lib.rs`, 42, 9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpan {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// One state and its saved locals: `Suspend0 (3): [_s0, _s1]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantFields {
    pub name: String,
    /// The value the tag holds in this state.
    pub value: u64,
    /// The index of each field's saved local (`_s0` → 0), in the order of the variant's fields.
    pub saved: Vec<usize>,
}

/// A field of a coroutine as a MIR place names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CoroutinePlace {
    /// `((*_1).0: T)`: a captured argument, in the prefix every state shares.
    Upvar { field: usize, ty: String },
    /// `(((*_1) as variant#3).1: T)`: the second field of the state whose tag is 3.
    Saved { variant: u64, field: usize, ty: String },
}

impl CoroutinePlace {
    /// Its type, as MIR prints it (lifetimes as `'_`).
    pub fn ty(&self) -> &str {
        match self {
            CoroutinePlace::Upvar { ty, .. } | CoroutinePlace::Saved { ty, .. } => ty,
        }
    }

    /// The same field, whatever local the body reaches the coroutine through (`_1` in drop
    /// glue, another in the resume function).
    pub fn same_field(&self, other: &CoroutinePlace) -> bool {
        match (self, other) {
            (CoroutinePlace::Upvar { field: a, .. }, CoroutinePlace::Upvar { field: b, .. }) => a == b,
            (
                CoroutinePlace::Saved { variant: v, field: a, .. },
                CoroutinePlace::Saved { variant: w, field: b, .. },
            ) => v == w && a == b,
            _ => false,
        }
    }
}

/// `(((*_35) as variant#3).1: std::sync::MutexGuard<'_, u64>)`, `((*_1).0: Arc<State>)`; any
/// other place is not a field of the coroutine.
impl FromStr for CoroutinePlace {
    type Err = ();

    fn from_str(place: &str) -> Result<CoroutinePlace, ()> {
        let deref = |text: &str| -> Option<()> {
            let local = text.strip_prefix("(*_")?.strip_suffix(')')?;
            (!local.is_empty() && local.bytes().all(|b| b.is_ascii_digit())).then_some(())
        };
        let inner = place.strip_prefix('(').and_then(|p| p.strip_suffix(')')).ok_or(())?;
        let (path, ty) = inner.split_once(": ").ok_or(())?;
        let (base, field) = path.rsplit_once('.').ok_or(())?;
        let field: usize = field.parse().map_err(|_| ())?;
        if deref(base).is_some() {
            return Ok(CoroutinePlace::Upvar { field, ty: ty.to_owned() });
        }
        let variant = base.strip_prefix('(').and_then(|b| b.strip_suffix(')')).ok_or(())?;
        let (base, variant) = variant.split_once(" as variant#").ok_or(())?;
        deref(base).ok_or(())?;
        Ok(CoroutinePlace::Saved { variant: variant.parse().map_err(|_| ())?, field, ty: ty.to_owned() })
    }
}

/// A statement that moves or copies a field of the coroutine into another place: how the first
/// poll takes each argument out of its upvar, `_3 = copy ((*_50).0: u8);` or
/// `(((*_35) as variant#3).0: Arc<State>) = move ((*_35).0: Arc<State>);`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTaken {
    pub from: CoroutinePlace,
    pub into: TakenInto,
    /// `move`, else `copy`.
    pub moved: bool,
}

/// Where a [`FieldTaken`] puts the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakenInto {
    /// Another field of the coroutine: a local saved across an await.
    Field(CoroutinePlace),
    /// A local of the body, `_3`: one no await outlives.
    Local(String),
}

/// One statement, as a MIR block holds it (trimmed, with its `;`); any other statement is not one.
impl FromStr for FieldTaken {
    type Err = ();

    fn from_str(statement: &str) -> Result<FieldTaken, ()> {
        let (into, operand) = statement.strip_suffix(';').and_then(|s| s.split_once(" = ")).ok_or(())?;
        let (moved, from) = match (operand.strip_prefix("move "), operand.strip_prefix("copy ")) {
            (Some(from), _) => (true, from),
            (None, Some(from)) => (false, from),
            (None, None) => return Err(()),
        };
        let from = from.parse()?;
        let local = into.strip_prefix('_').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let into = match into.parse() {
            Ok(field) => TakenInto::Field(field),
            Err(()) if local => TakenInto::Local(into.to_owned()),
            Err(()) => return Err(()),
        };
        Ok(FieldTaken { from, into, moved })
    }
}

const START: &str = "/* coroutine_layout = CoroutineLayout {";
const END: &str = "} */";

impl CoroutineLayout {
    /// The saved local a state's field is: `variant` the state's tag value, `field` its index.
    pub fn saved_local(&self, variant: u64, field: usize) -> Option<&SavedLocal> {
        let variant = self.variants.iter().find(|v| v.value == variant)?;
        let index = *variant.saved.get(field)?;
        self.saved.iter().find(|saved| saved.index == index)
    }

    /// The state named `name` (`Suspend0`).
    pub fn variant(&self, name: &str) -> Option<&VariantFields> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// The layout as the dump prints it, from `/* coroutine_layout = …` to `} */`; `first_line`
    /// is the number of its first line in the whole dump, for errors.
    pub fn parse(text: &str, first_line: usize) -> Result<CoroutineLayout, ParseError> {
        let lines: Vec<&str> = text.lines().collect();
        let error = |at: usize| {
            ParseError::quoting(
                Format::Mir,
                first_line + at,
                lines.get(at).copied().unwrap_or(""),
                Expected::CoroutineLayout,
            )
        };
        if lines.first() != Some(&START) {
            return Err(error(0));
        }
        let mut layout = CoroutineLayout { saved: Vec::new(), variants: Vec::new() };
        let mut at = 1;
        while at < lines.len() {
            let line = lines[at];
            match line {
                END if at + 1 == lines.len() => return Ok(layout),
                "    field_tys: {}," | "    variant_fields: {}," => at += 1,
                "    field_tys: {" => {
                    at += 1;
                    while lines.get(at) != Some(&"    },") {
                        let (saved, next) = saved_local(&lines, at).ok_or_else(|| error(at))?;
                        layout.saved.push(saved);
                        at = next;
                    }
                    at += 1;
                }
                "    variant_fields: {" => {
                    at += 1;
                    while lines.get(at) != Some(&"    },") {
                        let variant = lines.get(at).and_then(|line| variant_fields(line)).ok_or_else(|| error(at))?;
                        layout.variants.push(variant);
                        at += 1;
                    }
                    at += 1;
                }
                // Which saved locals may share bytes: the sizes already say where each lies.
                _ if line.starts_with("    storage_conflicts: BitMatrix(") => {
                    if !line.ends_with("{},") {
                        at += 1;
                        while lines.get(at).is_some_and(|line| line.starts_with("        (")) {
                            at += 1;
                        }
                        if lines.get(at) != Some(&"    },") {
                            return Err(error(at));
                        }
                    }
                    at += 1;
                }
                _ => return Err(error(at)),
            }
        }
        Err(error(lines.len()))
    }
}

/// `        _s1: CoroutineSavedTy {` and the lines of its fields, from `lines[at]`: the local, and
/// the index of the line after it. A type is one line, but for one that `{:#?}` spreads over
/// several (a coroutine's, `Coroutine(` `DefId(…),` `[…],` `)`), whose lines are joined.
fn saved_local(lines: &[&str], at: usize) -> Option<(SavedLocal, usize)> {
    const SOURCE_INFO: &str = "            source_info: SourceInfo {";
    let index = lines.get(at)?.strip_prefix("        _s")?.strip_suffix(": CoroutineSavedTy {")?.parse().ok()?;
    let first = lines.get(at + 1)?.strip_prefix("            ty: ")?;
    let rest = lines[at + 2..].iter().position(|line| *line == SOURCE_INFO)?;
    let more = lines[at + 2..at + 2 + rest].iter().map(|line| line.trim());
    let ty = std::iter::once(first).chain(more).collect::<Vec<_>>().join(" ");
    let ty = ty.strip_suffix(',')?;
    let at = at + 2 + rest;
    let span = lines.get(at + 1)?.strip_prefix("                span: ")?.strip_suffix(',')?;
    lines.get(at + 2)?.strip_prefix("                scope: scope[")?;
    (lines.get(at + 3)? == &"            },").then_some(())?;
    lines.get(at + 4)?.strip_prefix("            ignore_for_traits: ")?;
    (lines.get(at + 5)? == &"        },").then_some(())?;
    Some((SavedLocal { index, ty: ty.to_owned(), span: source_span(span)? }, at + 6))
}

/// `src/lib.rs:42:9: 42:19 (#0)` → its start.
fn source_span(span: &str) -> Option<SourceSpan> {
    let (span, _context) = span.rsplit_once(" (#")?;
    let (start, _end) = span.rsplit_once(": ")?;
    let mut parts = start.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some(SourceSpan { file: parts.next()?.to_owned(), line, column })
}

/// `        Suspend0 (3): [_s0, _s1],` (rustc pads the names to one width: `Unresumed(0)`).
fn variant_fields(line: &str) -> Option<VariantFields> {
    let rest = line.strip_prefix("        ")?.strip_suffix("],")?;
    let (head, fields) = rest.split_once(": [")?;
    let (name, value) = head.split_once('(')?;
    let value = value.strip_suffix(')')?.parse().ok()?;
    let saved = match fields {
        "" => Vec::new(),
        fields => fields
            .split(", ")
            .map(|field| field.strip_prefix("_s").and_then(|n| n.parse().ok()))
            .collect::<Option<Vec<usize>>>()?,
    };
    Some(VariantFields { name: name.trim_end().to_owned(), value, saved })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: &str = "/* coroutine_layout = CoroutineLayout {
    field_tys: {
        _s0: CoroutineSavedTy {
            ty: std::sync::Arc<State, std::alloc::Global>,
            source_info: SourceInfo {
                span: src/lib.rs:41:26: 41:31 (#0),
                scope: scope[0],
            },
            ignore_for_traits: false,
        },
        _s1: CoroutineSavedTy {
            ty: std::sync::MutexGuard<'{erased}, u64>,
            source_info: SourceInfo {
                span: src/lib.rs:42:9: 42:19 (#0),
                scope: scope[1],
            },
            ignore_for_traits: false,
        },
    },
    variant_fields: {
        Unresumed(0): [],
        Returned (1): [],
        Panicked (2): [],
        Suspend0 (3): [_s0, _s1],
    },
    storage_conflicts: BitMatrix(2x2) {
        (_s0, _s0),
        (_s1, _s1),
    },
} */
";

    #[test]
    fn each_saved_local_has_its_type_and_the_line_it_was_declared_on() {
        let layout = CoroutineLayout::parse(LAYOUT, 1).unwrap();
        assert_eq!(layout.saved.len(), 2);
        let guard = layout.saved_local(3, 1).unwrap();
        assert_eq!(guard.ty, "std::sync::MutexGuard<'{erased}, u64>");
        assert_eq!(guard.span, SourceSpan { file: "src/lib.rs".into(), line: 42, column: 9 });
        assert_eq!(layout.variant("Suspend0").unwrap().saved, [0, 1]);
        assert_eq!(layout.variant("Unresumed").unwrap().value, 0);
        assert_eq!(layout.saved_local(3, 2), None);
    }

    #[test]
    fn a_layout_that_is_cut_or_of_no_known_shape_is_an_error_naming_its_line() {
        let cut = &LAYOUT[..LAYOUT.find("    variant_fields").unwrap()];
        assert_eq!(CoroutineLayout::parse(cut, 10).unwrap_err().expected, Expected::CoroutineLayout);
        let odd = LAYOUT.replace(
            "ignore_for_traits: false,\n        },\n        _s1",
            "ignore_for_traits: false,\n        ),\n        _s1",
        );
        let error = CoroutineLayout::parse(&odd, 10).unwrap_err();
        assert_eq!((error.line, error.text.as_str()), (12, "        _s0: CoroutineSavedTy {"));
        let spread = LAYOUT.replace(
            "ty: std::sync::Arc<State, std::alloc::Global>,",
            "ty: Coroutine(\n                DefId(20:4775 ~ tokio[1b3a]::sync::semaphore::{impl#0}::acquire::{closure#0}),\n                [],\n            ),",
        );
        let layout = CoroutineLayout::parse(&spread, 1).unwrap();
        assert_eq!(
            layout.saved[0].ty,
            "Coroutine( DefId(20:4775 ~ tokio[1b3a]::sync::semaphore::{impl#0}::acquire::{closure#0}), [], )"
        );
        assert_eq!(layout.saved[0].span.line, 41);
        let empty = "/* coroutine_layout = CoroutineLayout {\n    field_tys: {},\n    variant_fields: {\n        Unresumed(0): [],\n    },\n    storage_conflicts: BitMatrix(0x0) {},\n} */\n";
        assert_eq!(CoroutineLayout::parse(empty, 1).unwrap().variants.len(), 1);
    }

    #[test]
    fn a_place_names_an_upvar_or_a_states_field_or_is_none_of_the_coroutines() {
        assert_eq!(
            "(((*_35) as variant#3).1: std::sync::MutexGuard<'_, u64>)".parse(),
            Ok(CoroutinePlace::Saved { variant: 3, field: 1, ty: "std::sync::MutexGuard<'_, u64>".into() })
        );
        let upvar: CoroutinePlace = "((*_1).0: std::sync::Arc<State>)".parse().unwrap();
        assert_eq!(upvar, CoroutinePlace::Upvar { field: 0, ty: "std::sync::Arc<State>".into() });
        assert!(upvar.same_field(&"((*_7).0: Arc<State>)".parse().unwrap()));
        for other in ["_2", "(*_1)", "((*_1).x: u8)", "(((_1) as variant#3).1: u8)"] {
            assert_eq!(other.parse::<CoroutinePlace>(), Err(()), "{other}");
        }
    }

    #[test]
    fn a_statement_that_moves_or_copies_an_upvar_out_says_where_it_goes() {
        let taken: FieldTaken =
            "(((*_35) as variant#3).0: std::sync::Arc<State>) = move ((*_35).0: std::sync::Arc<State>);"
                .parse()
                .unwrap();
        assert_eq!(taken.from, CoroutinePlace::Upvar { field: 0, ty: "std::sync::Arc<State>".into() });
        assert_eq!(
            taken.into,
            TakenInto::Field(CoroutinePlace::Saved { variant: 3, field: 0, ty: "std::sync::Arc<State>".into() })
        );
        assert!(taken.moved);
        let copied: FieldTaken = "_3 = copy ((*_50).0: u8);".parse().unwrap();
        assert_eq!((copied.into, copied.moved), (TakenInto::Local("_3".into()), false));
        for other in ["_9 = copy _5;", "_11 = &((*_67).0: Arc<State>);", "StorageLive(_3);", "_3 = move ((*_50).0: u8)"]
        {
            assert_eq!(other.parse::<FieldTaken>(), Err(()), "{other}");
        }
    }
}
