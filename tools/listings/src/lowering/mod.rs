//! Listings of the compiler's intermediate stages: HIR (the desugared source), MIR after the
//! coroutine transform, the layout of types (`-Zprint-type-sizes`), and the MIR of drop glue.
//!
//! These come from `rustc` run directly on the chapter's `src/lib.rs` (a chapter library is one
//! file that needs only std, see ARCHITECTURE.md), from the workspace root so that paths in the
//! output are relative. HIR, type sizes and drop glue need `-Z` flags: on a stable compiler that
//! takes `RUSTC_BOOTSTRAP=1`, which is set here, for those three stages only, and nowhere else in
//! the project.

mod compile;
pub mod debuginfo;
pub mod drop_glue;
pub mod hir;
pub mod mir;
pub mod type_sizes;

pub use compile::{Stage, output};
pub use type_sizes::TypeLayout;

use crate::Error;
use crate::provenance::Provenance;

/// A stage's whole output for one chapter, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageOutput {
    Hir(Vec<hir::Item>),
    Mir(Vec<mir::Body>),
    TypeSizes(Vec<TypeLayout>),
    DropGlue(Vec<mir::Body>),
}

impl StageOutput {
    /// Every subject, in the compiler's order.
    pub fn subjects(&self) -> Vec<String> {
        match self {
            StageOutput::Hir(items) => items.iter().map(|i| i.name.clone()).collect(),
            StageOutput::Mir(bodies) | StageOutput::DropGlue(bodies) => bodies.iter().map(|b| b.name.clone()).collect(),
            StageOutput::TypeSizes(layouts) => layouts.iter().map(|l| l.name.clone()).collect(),
        }
    }

    /// The text of the subject `name` as a listing shows it, and its layout for a type.
    fn rendered(&self, name: &str) -> Option<(String, Option<TypeLayout>)> {
        match self {
            StageOutput::Hir(items) => items.iter().find(|i| i.name == name).map(|i| (i.text.clone(), None)),
            StageOutput::Mir(bodies) | StageOutput::DropGlue(bodies) => {
                bodies.iter().find(|b| b.name == name).map(|b| (b.text.clone(), None))
            }
            StageOutput::TypeSizes(layouts) => layouts
                .iter()
                .find(|l| l.name == name)
                .map(|l| (format!("{}\n{}", l.printed, l.table()), Some(l.clone()))),
        }
    }

    /// The listing of the subject a reader means by `query` (see [`select`]).
    pub fn listing(
        &self,
        stage: Stage,
        query: &str,
        chapter: &str,
        compiler: &str,
        edition: &str,
    ) -> Result<StageListing, Error> {
        let names = self.subjects();
        let name = select(stage, query, &names, chapter)?;
        let (text, layout) = self.rendered(name).expect("a selected subject exists");
        let provenance = Provenance {
            subject: name.to_owned(),
            compiler: compiler.to_owned(),
            origin: crate::provenance::Origin::Stage { stage, edition: edition.to_owned() },
            excerpt: None,
        };
        Ok(StageListing {
            stage,
            subject: name.to_owned(),
            text,
            layout,
            command: provenance.command(chapter, query),
            provenance,
        })
    }
}

/// One item of a stage's output, as the book shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageListing {
    pub stage: Stage,
    /// What it is of: `hello_world::{closure#0}`, `hello_world`, `{async fn body of hello_world()}`.
    pub subject: String,
    /// The listing's text, exactly as the book shows it.
    pub text: String,
    /// For a type, its layout: what a test asserts on.
    pub layout: Option<TypeLayout>,
    /// Subject, compiler and flags: recorded in the snapshot's header.
    pub provenance: Provenance,
    /// The command that prints the listing again: `cargo xtask mir ch01 'hello_world::{closure#0}'`.
    pub command: String,
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
/// (`closure#0}` no, `hello_world::{closure#0}` yes), else, for a type, the future of the async
/// fn `query` names (`hello_world` → `{async fn body of hello_world()}`); else an error naming
/// the closest.
pub fn select<'a>(stage: Stage, query: &str, names: &'a [String], chapter: &str) -> Result<&'a str, Error> {
    let by_name = |query: &str| -> Vec<&'a String> {
        match names.iter().find(|name| *name == query) {
            Some(exact) => vec![exact],
            None => names.iter().filter(|name| name.ends_with(&format!("::{query}"))).collect(),
        }
    };
    let query = &match stage {
        Stage::DropGlue => drop_glue::subject(query, names),
        _ => query.to_owned(),
    };
    let mut found = by_name(query);
    if found.is_empty() && stage == Stage::TypeSizes && !query.starts_with('{') {
        found = by_name(&format!("{{async fn body of {query}()}}"));
    }
    match found.as_slice() {
        [only] => Ok(only),
        [] => Err(Error::UnknownSubject {
            given: query.to_owned(),
            chapter: chapter.to_owned(),
            what: stage.noun().to_owned(),
            closest: crate::workspace::closest(query, names),
            known: names.to_vec(),
        }),
        several => Err(Error::Ambiguous {
            given: query.to_owned(),
            chapter: chapter.to_owned(),
            what: stage.plural_noun().to_owned(),
            candidates: several.iter().map(|s| s.to_string()).collect(),
        }),
    }
}
