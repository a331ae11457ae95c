//! Listings of the compiler's intermediate stages: HIR (the desugared source), MIR after the
//! coroutine transform, the layout of types (`-Zprint-type-sizes`), the MIR of drop glue, a
//! coroutine's MIR as it enters and leaves the coroutine transform, and LLVM IR before and after
//! LLVM's passes.
//!
//! These come from `rustc` run directly on the chapter's `src/lib.rs` (a chapter library is one
//! file that needs only std, see ARCHITECTURE.md), from the workspace root so that paths in the
//! output are relative. Each stage is a row of one table, [`STAGES`] (`stage.rs`, which says
//! what adding a stage takes): its flags, what it keeps, its parser, its names. HIR, type sizes
//! and drop glue need `-Z` flags: on a stable compiler that takes `RUSTC_BOOTSTRAP=1`, which is
//! set here (`compile.rs`), for the rows that say so only, and nowhere else in the project.

mod compile;
pub mod coroutine_layout;
pub mod debuginfo;
pub mod drop_glue;
pub mod hir;
pub mod llvm_ir;
pub mod mir;
mod stage;
pub mod state_transform;
pub mod type_sizes;

pub use compile::{foreign_output, output};
pub(crate) use compile::{foreign_stages_dir, stage_build_args};
pub use stage::{Book, Directive, Naming, Printed, STAGES, Stage, StageRow, Written};
pub use type_sizes::TypeLayout;

use crate::Error;
use crate::provenance::Provenance;

/// One thing a stage's listing can be of, as the stage's parser reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// Named text, shown as it is: a HIR item.
    Text { name: String, text: String },
    /// A MIR body (drop glue too), whose basic blocks a test reads.
    Body(mir::Body),
    /// A type's layout, shown with its table, which is drawn (and checked) when it is shown.
    Layout(TypeLayout),
}

/// A subject's text, and its layout or its MIR body.
type Rendered = (String, Option<TypeLayout>, Option<mir::Body>);

impl Subject {
    pub fn name(&self) -> &str {
        match self {
            Subject::Text { name, .. } => name,
            Subject::Body(body) => &body.name,
            Subject::Layout(layout) => &layout.name,
        }
    }

    /// The text as a listing shows it, and its layout for a type (whose table is checked before
    /// it is shown: a table that misstates its type is an error) or its body for MIR.
    fn rendered(&self) -> Result<Rendered, Error> {
        match self {
            Subject::Text { text, .. } => Ok((text.clone(), None, None)),
            Subject::Body(body) => Ok((body.text.clone(), None, Some(body.clone()))),
            Subject::Layout(layout) => {
                let table = layout.table();
                table
                    .check(layout)
                    .map_err(|problem| Error::Layout { type_name: layout.name.clone(), problem: Box::new(problem) })?;
                Ok((format!("{}\n{table}", layout.printed), Some(layout.clone()), None))
            }
        }
    }
}

/// A stage's whole output for one chapter, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageOutput {
    /// In the compiler's order.
    pub subjects: Vec<Subject>,
}

impl StageOutput {
    /// Every subject's name, in the compiler's order.
    pub fn names(&self) -> Vec<String> {
        self.subjects.iter().map(|subject| subject.name().to_owned()).collect()
    }

    /// The listing of the subject a reader means by `query` (see [`select`]).
    pub fn listing(
        &self,
        stage: Stage,
        query: &str,
        krate: &crate::Crate,
        compiler: &str,
        edition: &str,
    ) -> Result<StageListing, Error> {
        let names = self.names();
        let name = select(stage, query, &names, krate)?;
        let subject = self.subjects.iter().find(|subject| subject.name() == name).expect("a selected subject exists");
        let (text, layout, body) = subject.rendered()?;
        let provenance = Provenance {
            subject: name.to_owned(),
            compiler: compiler.to_owned(),
            origin: crate::provenance::Origin::Stage {
                stage,
                edition: edition.to_owned(),
                // Through cargo, the `-Z` flags are allowed for the crate alone (`compile.rs`).
                bootstrap: match krate {
                    crate::Crate::Foreign(foreign) if stage.row().bootstrap => Some(foreign.crate_name.clone()),
                    _ => None,
                },
            },
            excerpt: None,
        };
        Ok(StageListing {
            stage,
            subject: name.to_owned(),
            text,
            layout,
            body,
            command: krate.command(&provenance, query),
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
    /// For MIR (drop glue too), the body, whose basic blocks a test asserts on.
    pub body: Option<mir::Body>,
    /// Subject, compiler and flags: recorded in the snapshot's header.
    pub provenance: Provenance,
    /// The command that prints the listing again: `cargo xtask mir ch01 'hello_world::{closure#0}'`.
    pub command: String,
}

impl StageListing {
    /// What its snapshot's header records besides the provenance: for a type, where its tag
    /// lies and its states, which the text does not say.
    pub fn recorded_info(&self) -> Option<String> {
        self.layout.as_ref().map(|layout| layout.tag_and_states().to_string())
    }
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

/// Picks one of `names` for `query`, as the stage's [`Naming`] reads it: the exact name, else
/// the only name `query` ends a path of (`closure#0}` no, `hello_world::{closure#0}` yes), else,
/// for a type, the future of the async fn `query` names (`hello_world` →
/// `{async fn body of hello_world()}`); else an error naming the closest.
pub fn select<'a>(stage: Stage, query: &str, names: &'a [String], krate: &crate::Crate) -> Result<&'a str, Error> {
    let by_name = |query: &str| -> Vec<&'a String> {
        match names.iter().find(|name| *name == query) {
            Some(exact) => vec![exact],
            None => names.iter().filter(|name| name.ends_with(&format!("::{query}"))).collect(),
        }
    };
    let naming = stage.row().naming;
    let query = &match naming {
        Naming::DropGlueOfAType => drop_glue::subject(query, names),
        Naming::AsWritten | Naming::AsyncFnForItsFuture => query.to_owned(),
    };
    let mut found = by_name(query);
    if found.is_empty() && naming == Naming::AsyncFnForItsFuture && !query.starts_with('{') {
        found = by_name(&format!("{{async fn body of {query}()}}"));
    }
    match found.as_slice() {
        [only] => Ok(only),
        [] => Err(Error::UnknownSubject {
            given: query.to_owned(),
            chapter: krate.name().to_owned(),
            named_by: krate.on_command_line().into(),
            stage,
            closest: suggestions(stage, query, names),
            known: names.to_vec(),
        }),
        several => Err(Error::Ambiguous {
            given: query.to_owned(),
            chapter: krate.name().to_owned(),
            what: stage.row().plural_noun.to_owned(),
            candidates: several.iter().map(|s| s.to_string()).collect(),
        }),
    }
}

/// The subjects to suggest for a name that matches none, at most three, best first: for a type
/// ([`Naming::AsyncFnForItsFuture`]), the future of an `async fn` whose name starts so; then the names that contain it; then the
/// names spelt most like it. An empty name matches nothing.
fn suggestions(stage: Stage, query: &str, names: &[String]) -> Vec<String> {
    let wanted = query.trim();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut suggested: Vec<String> = Vec::new();
    let mut add = |name: &String| {
        if suggested.len() < 3 && !suggested.contains(name) {
            suggested.push(name.clone());
        }
    };
    if stage.row().naming == Naming::AsyncFnForItsFuture {
        let future = format!("{{async fn body of {wanted}");
        names.iter().filter(|name| name.starts_with(&future)).for_each(&mut add);
    }
    let mut containing: Vec<&String> = names.iter().filter(|name| name.contains(wanted)).collect();
    containing.sort_by_key(|name| name.len());
    containing.into_iter().for_each(&mut add);
    crate::workspace::closest(wanted, names).iter().for_each(&mut add);
    suggested
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_type_names_the_closest_few_and_how_to_list_all_never_every_type() {
        let names: Vec<String> = (0..200)
            .map(|i| format!("std::marker::PhantomData<[u8; {i}]>"))
            .chain(["{async fn body of hello_world()}".to_owned(), "DummyFuture".to_owned()])
            .collect();
        let ch01 = crate::Crate::Chapter(crate::Chapter { slug: "ch01-the-experiment".into(), dir: "/c".into() });
        let error = select(Stage::TypeSizes, "hello", &names, &ch01).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no type `hello` in ch01-the-experiment (did you mean {async fn body of hello_world()}?); \
             `cargo xtask type-sizes ch01 --list` lists all 202"
        );
        let empty = select(Stage::TypeSizes, "", &names, &ch01).unwrap_err().to_string();
        assert_eq!(empty, "no type `` in ch01-the-experiment; `cargo xtask type-sizes ch01 --list` lists all 202");
    }

    #[test]
    fn the_stage_that_renders_a_layout_refuses_one_whose_field_ends_past_its_type() {
        let printout =
            "print-type-size type: `T`: 8 bytes, alignment: 8 bytes\nprint-type-size     field `.a`: 8 bytes\n";
        let mut layouts = type_sizes::layouts(printout).unwrap();
        layouts[0].variants[0].fields[0].offset = 8;
        let output = StageOutput { subjects: layouts.into_iter().map(Subject::Layout).collect() };
        let ch00 = crate::Crate::Chapter(crate::Chapter { slug: "ch00".into(), dir: "/c".into() });
        let error = output.listing(Stage::TypeSizes, "T", &ch00, "rustc 1.95.0", "2024").unwrap_err();
        assert_eq!(
            error,
            Error::Layout {
                type_name: "T".into(),
                problem: Box::new(crate::LayoutProblem::FieldPastEnd { field: "field a".into(), end: 16, size: 8 })
            }
        );
        assert_eq!(error.to_string(), "the layout of `T`: `field a` ends at byte 16, past the type's 8 bytes");
    }
}
