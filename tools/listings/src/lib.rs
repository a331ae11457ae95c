//! The listings pipeline of *Under the Await*.
//!
//! A chapter crate goes in; a checked, reproducible listing of what rustc made of one of its
//! functions comes out. Each step is a function over typed values:
//!
//! ```text
//! compile (compile.rs) → parse (asm/parse.rs) → select (asm/select.rs)
//!         → filter + renumber + demangle (asm/filter.rs) → render (asm/listing.rs)
//! ```
//!
//! Chapter tests call [`asm`] and [`assert_asm_snapshot!`]; the `xtask` command line calls the
//! same functions, so what a reader regenerates is exactly what the tests check.

pub mod asm;
mod compile;
mod error;
mod examples;
pub mod lowering;
mod program;
mod snapshot;
mod toolchain;
mod workspace;

pub use asm::{AsmOptions, Listing};
pub use compile::CodegenFlags;
pub use error::Error;
pub use examples::built_example;
pub use lowering::{Stage, StageListing};
pub use program::optimised_program;
pub use snapshot::{ListingKind, StoredListing, read_snapshot, snapshot_name, snapshot_settings};
pub use toolchain::{Rustc, pinned_release};
pub use workspace::{Chapter, Workspace, closest as closest_names};

/// Re-exported so that [`assert_asm_snapshot!`] works in crates that only depend on `listings`.
pub use insta;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The assembly of `function` in `chapter`, compiled with the listing flags.
///
/// `chapter` is a folder name under `chapters/` (`ch01-the-experiment`), its crate name
/// (`ch01_the_experiment`) or its number prefix (`ch01`). `function` is a demangled path as a
/// reader writes it; see [`asm::select`] for the forms accepted.
///
/// The chapter is compiled at most once per process and per flag set, however many listings
/// are taken from it.
pub fn asm(chapter: &str, function: &str, options: &AsmOptions) -> Result<Listing, Error> {
    asm_with_flags(chapter, function, options, &CodegenFlags::default())
}

/// [`asm`] with other code generation flags, e.g. `opt-level=z` to compare with a listing that
/// was made for size.
pub fn asm_with_flags(
    chapter: &str,
    function: &str,
    options: &AsmOptions,
    flags: &CodegenFlags,
) -> Result<Listing, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    let program = compiled_program(&workspace, &chapter, flags)?;
    asm::listing(&program, &chapter, function, options)
}

/// Every function the chapter's assembly defines, by the names [`asm`] accepts.
pub fn asm_functions(chapter: &str) -> Result<Vec<String>, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    let program = compiled_program(&workspace, &chapter, &CodegenFlags::default())?;
    Ok(program.functions().iter().map(|f| f.name.clone()).collect())
}

/// The whole `.s` of a chapter, compiled now (no cache): what every listing is cut from.
pub fn assembly_text(chapter: &str, flags: &CodegenFlags) -> Result<String, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    compile::assembly(&workspace, &chapter, flags, &Rustc::for_listings(&workspace)?)
}

/// The listing of `subject` at one of the compiler's intermediate stages: a MIR body
/// (`hello_world::{closure#0}`), a HIR item (`hello_world`) or a type's layout
/// (`{async fn body of hello_world()}`, or just `hello_world` for an async fn's future).
pub fn stage(chapter: &str, stage: Stage, subject: &str) -> Result<StageListing, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    let (output, rustc_version) = stage_output(&workspace, &chapter, stage)?;
    let items = lowering::items(stage, &output);
    let names: Vec<String> = items.iter().map(|(name, _)| name.clone()).collect();
    let wanted = match stage {
        Stage::TypeSizes if !subject.starts_with('{') && !names.iter().any(|n| n == subject) => {
            format!("{{async fn body of {subject}()}}")
        }
        _ => subject.to_owned(),
    };
    let name = lowering::select(&wanted, &names, stage.noun(), &chapter.slug)?;
    let text = items.iter().find(|(n, _)| n == name).map(|(_, text)| text.clone()).unwrap_or_default();
    Ok(StageListing {
        stage,
        subject: name.to_owned(),
        provenance: format!("{name} · {rustc_version} · {}", stage.describe()),
        text,
    })
}

/// Every subject [`stage`] accepts for the chapter, in the compiler's order.
pub fn stage_subjects(chapter: &str, stage: Stage) -> Result<Vec<String>, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    let (output, _) = stage_output(&workspace, &chapter, stage)?;
    Ok(lowering::items(stage, &output).into_iter().map(|(name, _)| name).collect())
}

type StageCache = Mutex<HashMap<(String, Stage), Arc<OnceLock<Result<(Arc<String>, String), Error>>>>>;

/// Runs a stage once per process and chapter.
fn stage_output(workspace: &Workspace, chapter: &Chapter, stage: Stage) -> Result<(Arc<String>, String), Error> {
    static CACHE: OnceLock<StageCache> = OnceLock::new();
    let slot = CACHE
        .get_or_init(Default::default)
        .lock()
        .expect("stage cache poisoned")
        .entry((chapter.slug.clone(), stage))
        .or_default()
        .clone();
    slot.get_or_init(|| {
        let rustc = Rustc::for_listings(workspace)?;
        let output = lowering::output(workspace, chapter, stage, &rustc)?;
        Ok((Arc::new(output), rustc.version_line))
    })
    .clone()
}

type ProgramCache = Mutex<HashMap<(String, CodegenFlags), Arc<OnceLock<Result<Arc<asm::Program>, Error>>>>>;

/// Compiles and parses a chapter once per process: the tests of one chapter run in parallel
/// threads and must not each start a cargo build.
fn compiled_program(
    workspace: &Workspace,
    chapter: &Chapter,
    flags: &CodegenFlags,
) -> Result<Arc<asm::Program>, Error> {
    static CACHE: OnceLock<ProgramCache> = OnceLock::new();
    let slot = CACHE
        .get_or_init(Default::default)
        .lock()
        .expect("listing cache poisoned")
        .entry((chapter.slug.clone(), flags.clone()))
        .or_default()
        .clone();
    slot.get_or_init(|| {
        let rustc = Rustc::for_listings(workspace)?;
        let text = compile::assembly(workspace, chapter, flags, &rustc)?;
        Ok(Arc::new(asm::Program::parse(&text, rustc.version_line, flags.clone())))
    })
    .clone()
}
