//! The listings pipeline of *Under the Await*.
//!
//! A chapter crate goes in; a checked, reproducible listing of what rustc made of one of its
//! functions comes out. Each step is a function over typed values:
//!
//! ```text
//! compile (compile.rs) → parse (asm/parse.rs) → select (asm/select.rs)
//!         → filter + renumber + demangle (asm/filter.rs) → render (asm/listing.rs)
//!         → snapshot, with its provenance and command (snapshot.rs, provenance.rs)
//! ```
//!
//! Chapter tests call [`asm`], [`stage`] and [`assert_asm_snapshot!`],
//! [`assert_stage_snapshot!`], [`assert_part_snapshot!`]; the `xtask` command line calls the
//! same functions, so what a reader regenerates is exactly what the tests check. A causal claim
//! is a why-experiment on two listings ([`experiment`], [`assert_experiment_snapshot!`]).

pub mod asm;
mod child;
mod compile;
pub mod cpp;
mod error;
mod examples;
pub mod experiment;
pub mod figures;
mod flags;
mod foreign;
pub mod future;
pub mod lowering;
pub mod object_code;
mod program;
mod provenance;
pub mod send_check;
pub mod session;
mod snapshot;
mod standalone;
mod toolchain;
mod workspace;

pub use asm::{AsmListing, AsmOptions, Listing};
pub use compile::Package;
pub use error::{Error, Expected, Format, LayoutProblem, ParseError};
pub use examples::built_example;
pub use experiment::{Experiment, Outcome, Refuted, Shown, Trial, experiment_snapshot_settings};
pub use figures::{CodeFigures, GeneratedTable};
pub use flags::{CodegenFlags, OPT_LEVELS, TARGET, codegen_flag, unstable_flag};
pub use foreign::ForeignCrate;
pub use future::{AsyncFns, FutureReport, Refused, async_fns, report as future_report};
pub use lowering::{STAGES, Stage, StageListing, StageOutput, StageRow, TypeLayout, type_sizes::bytes};
pub use object_code::MachineCode;
pub use program::{foreign_example, optimised_program};
pub use provenance::{DrawnFrom, Excerpt, Origin, Provenance};
pub use snapshot::SnapshotName;
pub use snapshot::{
    ListingKind, Part, StoredListing, check_recorded_header, read_snapshot, snapshot_name, snapshot_settings,
    stage_snapshot_settings, unchecked_snapshots,
};
pub use standalone::{BuiltProgram, asm_of_file, program_of_file, program_with_main_file};
pub use toolchain::{Rustc, pinned_release};
pub use workspace::{Chapter, ScratchDir, Workspace, closest as closest_names};

/// Re-exported so that [`assert_asm_snapshot!`] works in crates that only depend on `listings`.
pub use insta;

use std::path::Path;
use std::sync::{Arc, LazyLock};

use asm::{Program, TypeArguments};
use compile::Emit;
use kept::Memo;

/// The assembly of `function` in `chapter`, compiled with the listing flags.
///
/// `chapter` is a folder name under `chapters/` (`ch01-the-experiment`), its crate name
/// (`ch01_the_experiment`) or its number prefix (`ch01`). `function` is a demangled path as a
/// reader writes it; see [`asm::Program::select`] for the forms accepted.
///
/// The chapter is compiled at most once per process and per flag set, however many listings
/// are taken from it.
pub fn asm(chapter: &str, function: &str, options: &AsmOptions) -> Result<AsmListing, Error> {
    asm_with_flags(chapter, function, options, &CodegenFlags::default())
}

/// [`asm`] with other code generation flags, e.g. `opt-level=z` to compare with a listing that
/// was made for size.
pub fn asm_with_flags(
    chapter: &str,
    function: &str,
    options: &AsmOptions,
    flags: &CodegenFlags,
) -> Result<AsmListing, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    listing(&workspace, &chapter, &Package::named(&chapter.slug), function, options, flags)
        .map_err(|error| error.listed_by(asm_list_command(&chapter)))
}

/// The command that lists the functions of a chapter's assembly: `cargo xtask asm ch01 --list`.
fn asm_list_command(chapter: &Chapter) -> String {
    format!("cargo xtask asm {} --list", provenance::chapter_short_name(&chapter.slug))
}

/// What the tools compile: a chapter of the book, or a crate outside it (`--manifest-path`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Crate {
    Chapter(Chapter),
    Foreign(ForeignCrate),
}

impl Crate {
    /// The crate a reader means: a chapter by its name (`ch01`), or the crate whose `Cargo.toml`
    /// `manifest` is. Exactly one of the two.
    pub fn named(chapter: Option<&str>, manifest: Option<&Path>) -> Result<Crate, Error> {
        let workspace = Workspace::this_checkout();
        match (chapter, manifest) {
            (_, Some(manifest)) => Ok(Crate::Foreign(ForeignCrate::at(&workspace, manifest, &rustc(&workspace)?)?)),
            (Some(chapter), None) => Ok(Crate::Chapter(workspace.chapter(chapter)?)),
            (None, None) => Err(Error::UnknownChapter {
                given: String::new(),
                known: workspace.chapters()?.into_iter().map(|c| c.slug).collect(),
                closest: Vec::new(),
            }),
        }
    }

    /// A chapter of the book compiled as a crate outside it, through cargo and with its
    /// dependencies (`--manifest-path chapters/ch12-tokio/Cargo.toml`): for a chapter whose
    /// library needs a crate at every stage (chapter 12's tokio), which the stages' rustc of
    /// `src/lib.rs` alone cannot compile. The manifest is named relative to the checkout, so that
    /// the listings' commands are the same on any machine and run from the checkout's root.
    ///
    /// Once per process and chapter: reading the manifest asks `cargo metadata` (some 40 ms), and
    /// a test that lists each of chapter 12's thousand types asks for the crate as often.
    pub fn chapter_with_dependencies(chapter: &str) -> Result<Crate, Error> {
        static CRATES: Memoised<String, Crate> = LazyLock::new(Memo::new);
        CRATES.get(chapter.to_owned(), || {
            let workspace = Workspace::this_checkout();
            let chapter = workspace.chapter(chapter)?;
            let manifest = chapter.dir.join("Cargo.toml");
            let mut foreign = ForeignCrate::at(&workspace, &manifest, &rustc(&workspace)?)?;
            let relative = foreign.manifest.strip_prefix(&workspace.root).map(Path::to_path_buf);
            foreign.given = relative.unwrap_or_else(|_| foreign.manifest.clone()).display().to_string();
            Ok(Crate::Foreign(foreign))
        })
    }

    /// `ch01-the-experiment`, `tokio-service`: what messages call it.
    pub fn name(&self) -> &str {
        match self {
            Crate::Chapter(chapter) => &chapter.slug,
            Crate::Foreign(foreign) => &foreign.package,
        }
    }

    /// `tokio_service`: the library's name in Rust paths.
    pub fn crate_name(&self) -> String {
        match self {
            Crate::Chapter(chapter) => chapter.crate_name(),
            Crate::Foreign(foreign) => foreign.crate_name.clone(),
        }
    }

    /// How `cargo xtask` names it: `ch01`, `--manifest-path samples/tokio-service/Cargo.toml`.
    pub fn on_command_line(&self) -> String {
        match self {
            Crate::Chapter(chapter) => provenance::chapter_short_name(&chapter.slug).to_owned(),
            Crate::Foreign(foreign) => foreign.on_command_line(),
        }
    }

    /// The command that prints a listing of it again.
    pub(crate) fn command(&self, provenance: &Provenance, query: &str) -> String {
        provenance.command_naming(self.name(), &self.on_command_line(), query)
    }

    pub fn edition(&self) -> Result<String, Error> {
        match self {
            Crate::Chapter(chapter) => chapter.edition(),
            Crate::Foreign(foreign) => Ok(foreign.edition.clone()),
        }
    }

    fn package(&self) -> Package {
        match self {
            Crate::Chapter(chapter) => Package::named(&chapter.slug),
            Crate::Foreign(foreign) => Package::foreign(foreign),
        }
    }

    /// As the asm listings' filter sees it: a name, and the folder its source paths are
    /// relative to (the checkout; a crate's own workspace).
    fn for_source_lines(&self, workspace: &Workspace) -> (Chapter, std::path::PathBuf) {
        match self {
            Crate::Chapter(chapter) => (chapter.clone(), workspace.root.clone()),
            Crate::Foreign(foreign) => {
                (Chapter { slug: foreign.package.clone(), dir: foreign.dir.clone() }, foreign.workspace_root.clone())
            }
        }
    }
}

/// [`asm_with_flags`] of any crate, a chapter or one outside the book.
pub fn asm_of(krate: &Crate, function: &str, options: &AsmOptions, flags: &CodegenFlags) -> Result<AsmListing, Error> {
    let workspace = Workspace::this_checkout();
    let (chapter, root) = krate.for_source_lines(&workspace);
    let package = krate.package();
    let program = compiled_program(&workspace, &package, flags)?;
    let mut arguments = || type_arguments(&workspace, &package, flags);
    let selected = program
        .select(function, krate.name(), &mut arguments)
        .map_err(|error| error.listed_by(format!("cargo xtask asm {} --list", krate.on_command_line())))?;
    let lines = asm::lines(&program, selected, &chapter, &root, options);
    let provenance = Provenance {
        subject: selected.name.clone(),
        compiler: rustc(&workspace)?.version_line,
        origin: Origin::Asm {
            flags: flags.clone(),
            options: options.clone(),
            // Through cargo, a `-Z` flag is allowed for the reader's crate alone (`compile.rs`).
            bootstrap: match krate {
                Crate::Foreign(foreign) if flags.needs_bootstrap() => Some(foreign.crate_name.clone()),
                _ => None,
            },
        },
        excerpt: None,
    };
    Ok(AsmListing {
        listing: Listing { function: selected.name.clone(), lines },
        command: krate.command(&provenance, function),
        provenance,
    })
}

/// [`asm_functions`] of any crate.
pub fn asm_functions_of(krate: &Crate) -> Result<Vec<String>, Error> {
    let workspace = Workspace::this_checkout();
    let program = compiled_program(&workspace, &krate.package(), &CodegenFlags::default())?;
    Ok(program.functions().iter().map(|f| f.name.clone()).collect())
}

/// [`stage`] of any crate.
pub fn stage_of(krate: &Crate, stage: Stage, subject: &str) -> Result<StageListing, Error> {
    let workspace = Workspace::this_checkout();
    let krate = &for_the_stages(krate)?;
    let output = crate_stage_output(&workspace, krate, stage)?;
    output.listing(stage, subject, krate, &rustc(&workspace)?.version_line, &krate.edition()?)
}

/// [`stage_subjects`] of any crate.
pub fn stage_subjects_of(krate: &Crate, stage: Stage) -> Result<Vec<String>, Error> {
    let workspace = Workspace::this_checkout();
    Ok(crate_stage_output(&workspace, &for_the_stages(krate)?, stage)?.names())
}

/// A stage's whole output for any crate, once per process.
pub fn stage_output_of(krate: &Crate, stage: Stage) -> Result<Arc<StageOutput>, Error> {
    crate_stage_output(&Workspace::this_checkout(), &for_the_stages(krate)?, stage)
}

/// The crate as the stages compile it: a chapter whose manifest lists a dependency that is not
/// optional (chapter 12's tokio) through cargo, with its dependencies
/// ([`Crate::chapter_with_dependencies`]), as its `src/lib.rs` alone does not compile; any other
/// as it is.
fn for_the_stages(krate: &Crate) -> Result<Crate, Error> {
    match krate {
        Crate::Chapter(chapter) if !chapter.plain_dependencies()?.is_empty() => {
            Crate::chapter_with_dependencies(&chapter.slug)
        }
        other => Ok(other.clone()),
    }
}

fn crate_stage_output(workspace: &Workspace, krate: &Crate, stage: Stage) -> Result<Arc<StageOutput>, Error> {
    match krate {
        Crate::Chapter(chapter) => stage_output(workspace, chapter, stage),
        Crate::Foreign(foreign) => {
            static OUTPUTS: Memoised<(ForeignCrate, Stage), Arc<StageOutput>> = LazyLock::new(Memo::new);
            OUTPUTS.get((foreign.clone(), stage), || {
                lowering::foreign_output(workspace, foreign, stage, &rustc(workspace)?).map(Arc::new)
            })
        }
    }
}

/// The listing of `function` in a package of the workspace's lockfile that is not a chapter
/// (`regex-syntax`), compiled with the listing flags: what the tests hold the pipeline to on
/// code nobody here wrote.
///
/// A chapter's test may snapshot it (chapter 12 shows tokio's own waker functions, which tokio's
/// library compiles, not the chapter's): its command is `cargo xtask asm --package PACKAGE …`.
/// It is compiled in the chapters' folder for its flags: cargo keeps this build of the package
/// apart from the one a chapter depends on (two of tokio's libraries, under two hashes, lie side
/// by side there after both), so neither rebuilds the other.
pub fn package_asm(package: &str, function: &str, options: &AsmOptions) -> Result<AsmListing, Error> {
    package_asm_with_flags(package, function, options, &CodegenFlags::default())
}

/// [`package_asm`] with other code generation flags.
pub fn package_asm_with_flags(
    package: &str,
    function: &str,
    options: &AsmOptions,
    flags: &CodegenFlags,
) -> Result<AsmListing, Error> {
    let workspace = Workspace::this_checkout();
    let pseudo_chapter = Chapter { slug: package.to_owned(), dir: workspace.target_dir() };
    let mut listing = listing(&workspace, &pseudo_chapter, &Package::named(package), function, options, flags)?;
    listing.command = listing.provenance.command_naming(package, &format!("--package {package}"), function);
    Ok(listing)
}

/// The whole `.s` of a package of the lockfile (`regex-syntax`), compiled with the listing flags.
pub fn package_assembly_text(package: &str) -> Result<String, Error> {
    let workspace = Workspace::this_checkout();
    let flags = CodegenFlags::default();
    Ok(compile::compile(&workspace, &Package::named(package), &flags, &rustc(&workspace)?, Emit::Assembly)?.text)
}

/// The parsed assembly of a package (a chapter's, or one of the lockfile), compiled with `flags`.
pub fn program(package: &str, flags: &CodegenFlags) -> Result<Arc<Program>, Error> {
    compiled_program(&Workspace::this_checkout(), &Package::named(package), flags)
}

fn listing(
    workspace: &Workspace,
    chapter: &Chapter,
    package: &Package,
    function: &str,
    options: &AsmOptions,
    flags: &CodegenFlags,
) -> Result<AsmListing, Error> {
    let program = compiled_program(workspace, package, flags)?;
    let mut arguments = || type_arguments(workspace, package, flags);
    let selected = program.select(function, &chapter.slug, &mut arguments)?;
    let lines = asm::lines(&program, selected, chapter, &workspace.root, options);
    let provenance = Provenance {
        subject: selected.name.clone(),
        compiler: rustc(workspace)?.version_line,
        origin: Origin::Asm { flags: flags.clone(), options: options.clone(), bootstrap: None },
        excerpt: None,
    };
    Ok(AsmListing {
        listing: Listing { function: selected.name.clone(), lines },
        command: provenance.command(&chapter.slug, function),
        provenance,
    })
}

/// The machine code of `function` as the object file of the listing's own compilation holds it:
/// the real bytes behind [`asm_with_flags`]'s listing of the same function and flags.
pub fn machine_code(chapter: &str, function: &str, flags: &CodegenFlags) -> Result<MachineCode, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    let package = Package::named(&chapter.slug);
    let program = compiled_program(&workspace, &package, flags)?;
    let mut arguments = || type_arguments(&workspace, &package, flags);
    let selected = program
        .select(function, &chapter.slug, &mut arguments)
        .map_err(|error| error.listed_by(asm_list_command(&chapter)))?;
    // The same compilation the listing comes from: kept, so not compiled again.
    let compiled = compile::compile(&workspace, &package, flags, &rustc(&workspace)?, Emit::Assembly)?;
    let object = compiled.object.unwrap_or_default();
    object_code::read(&object, &format!("the object file of {}", chapter.slug), &selected.symbol)
}

/// Every function the chapter's assembly defines, by the names [`asm`] accepts.
pub fn asm_functions(chapter: &str) -> Result<Vec<String>, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    let program = compiled_program(&workspace, &Package::named(&chapter.slug), &CodegenFlags::default())?;
    Ok(program.functions().iter().map(|f| f.name.clone()).collect())
}

/// The whole `.s` of a chapter: what every listing is cut from.
pub fn assembly_text(chapter: &str, flags: &CodegenFlags) -> Result<String, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    Ok(compile::compile(&workspace, &Package::named(&chapter.slug), flags, &rustc(&workspace)?, Emit::Assembly)?.text)
}

/// The listing of `subject` at one of the compiler's intermediate stages: a MIR body
/// (`hello_world::{closure#0}`), a HIR item (`hello_world`) or a type's layout
/// (`{async fn body of hello_world()}`, or just `hello_world` for an async fn's future).
pub fn stage(chapter: &str, stage: Stage, subject: &str) -> Result<StageListing, Error> {
    let chapter = Workspace::this_checkout().chapter(chapter)?;
    stage_of(&Crate::Chapter(chapter), stage, subject)
}

/// Every subject [`stage`] accepts for the chapter, in the compiler's order.
pub fn stage_subjects(chapter: &str, stage: Stage) -> Result<Vec<String>, Error> {
    let chapter = Workspace::this_checkout().chapter(chapter)?;
    stage_subjects_of(&Crate::Chapter(chapter), stage)
}

/// A result computed at most once per process and key.
type Memoised<K, V> = LazyLock<Memo<K, Result<V, Error>>>;

/// The pinned compiler, checked once per process.
fn rustc(workspace: &Workspace) -> Result<Rustc, Error> {
    static RUSTC: Memoised<(), Rustc> = LazyLock::new(Memo::new);
    RUSTC.get((), || Rustc::for_listings(workspace))
}

/// Runs a stage once per process and chapter.
fn stage_output(workspace: &Workspace, chapter: &Chapter, stage: Stage) -> Result<Arc<StageOutput>, Error> {
    static OUTPUTS: Memoised<(String, Stage), Arc<StageOutput>> = LazyLock::new(Memo::new);
    OUTPUTS.get((chapter.slug.clone(), stage), || {
        lowering::output(workspace, chapter, stage, &rustc(workspace)?).map(Arc::new)
    })
}

/// Compiles and parses a package once per process and flag set.
fn compiled_program(workspace: &Workspace, package: &Package, flags: &CodegenFlags) -> Result<Arc<Program>, Error> {
    static PROGRAMS: Memoised<(Package, CodegenFlags), Arc<Program>> = LazyLock::new(Memo::new);
    PROGRAMS.get((package.clone(), flags.clone()), || {
        let compiled = compile::compile(workspace, package, flags, &rustc(workspace)?, Emit::Assembly)?;
        let path = flags.target_dir(workspace).join(format!("{}.s", package.crate_name));
        let program = Program::parse(&compiled.text).map_err(|e| e.in_file(path.display()))?;
        Ok(Arc::new(program))
    })
}

/// Symbol → type arguments of every function of a package (see [`asm::instances`]).
pub fn type_arguments_of(package: &str) -> Result<TypeArguments, Error> {
    type_arguments(&Workspace::this_checkout(), &Package::named(package), &CodegenFlags::default())
}

/// The type arguments of every generic instance of a package, from the debug information of a
/// build that writes LLVM IR (made only when a name turns out to be ambiguous).
fn type_arguments(workspace: &Workspace, package: &Package, flags: &CodegenFlags) -> Result<TypeArguments, Error> {
    static ARGUMENTS: Memoised<(Package, CodegenFlags), TypeArguments> = LazyLock::new(Memo::new);
    ARGUMENTS.get((package.clone(), flags.clone()), || {
        let ir = compile::compile(workspace, package, flags, &rustc(workspace)?, Emit::LlvmIr)?;
        Ok(asm::instances::type_arguments(&ir.text))
    })
}
