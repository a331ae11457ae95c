//! Listings of the compiler's intermediate stages: HIR (the desugared source), MIR after the
//! coroutine transform, the layout of types (`-Zprint-type-sizes`), and the MIR of drop glue.
//!
//! These come from `rustc` run directly on the chapter's `src/lib.rs` (a chapter library is one
//! file that needs only std, see ARCHITECTURE.md), from the workspace root so that paths in the
//! output are relative. HIR, type sizes and drop glue need `-Z` flags: on a stable compiler that
//! takes `RUSTC_BOOTSTRAP=1`, which is set here, for those three stages only, and nowhere else in
//! the project.

mod compile;
mod debuginfo;
pub mod drop_glue;
pub mod hir;
pub mod mir;
pub mod type_sizes;

pub use compile::{Stage, output};

/// The stage's output as (name, text) items, in the compiler's order.
pub fn items(stage: Stage, output: &str) -> Vec<(String, String)> {
    match stage {
        Stage::Hir => hir::items(output).into_iter().map(|i| (i.name, i.text)).collect(),
        Stage::Mir => mir::bodies(output).into_iter().map(|b| (b.name, b.text)).collect(),
        Stage::DropGlue => drop_glue::bodies(output).into_iter().map(|b| (b.name, b.text)).collect(),
        Stage::TypeSizes => type_sizes::layouts(output)
            .into_iter()
            .map(|layout| {
                let text = format!(
                    "{}
{}",
                    layout.printed,
                    layout.table()
                );
                (layout.name, text)
            })
            .collect(),
    }
}

use crate::Error;

/// One item of a stage's output, as the book shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageListing {
    pub stage: Stage,
    /// What it is of: `hello_world::{closure#0}`, `hello_world`, `{async fn body of hello_world()}`.
    pub subject: String,
    pub text: String,
    /// Subject, compiler and flags, one line: recorded in the snapshot's header.
    pub provenance: String,
}

impl std::fmt::Display for StageListing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)?;
        if !self.text.ends_with('\n') {
            f.write_str("\n")?;
        }
        Ok(())
    }
}

/// Picks one of `names` for `query`: the exact name, else the only name `query` ends a path of
/// (`closure#0}` no, `hello_world::{closure#0}` yes), else an error naming the closest.
pub(crate) fn select<'a>(query: &str, names: &'a [String], what: &str, chapter: &str) -> Result<&'a str, Error> {
    if let Some(exact) = names.iter().find(|name| *name == query) {
        return Ok(exact);
    }
    let suffix = format!("::{query}");
    let by_suffix: Vec<&String> = names.iter().filter(|name| name.ends_with(&suffix)).collect();
    match by_suffix.as_slice() {
        [only] => Ok(only),
        [] => Err(Error::UnknownSubject {
            given: query.to_owned(),
            chapter: chapter.to_owned(),
            what: what.to_owned(),
            closest: crate::workspace::closest(query, names),
            known: names.to_vec(),
        }),
        several => Err(Error::AmbiguousFunction {
            given: query.to_owned(),
            chapter: chapter.to_owned(),
            matches: several.iter().map(|s| s.to_string()).collect(),
        }),
    }
}
