//! Running rustc for one stage on one chapter, and reading what it wrote into typed subjects,
//! as the stage's row of the table says (`stage.rs`).

use std::path::Path;
use std::process::Output as ChildOutput;

use kept::{Computation, Entry, Key, Output};

use crate::child::{fingerprint_in, isolated, path_remaps, read, run};
use crate::compile::{Package, cargo_for, inputs_of_last_build};
use crate::flags::TARGET;
use crate::{Chapter, Error, ForeignCrate, Rustc, Workspace};

use super::StageOutput;
use super::stage::{Printed, Stage, StageRow, Written};

/// The stage's whole output for the chapter's library, parsed.
pub fn output(workspace: &Workspace, chapter: &Chapter, stage: Stage, rustc: &Rustc) -> Result<StageOutput, Error> {
    let entry = printed(workspace, chapter, stage, rustc)?;
    parsed(&entry, &chapter.slug, stage)
}

/// The stage's whole output for the library of a crate outside the book, parsed.
pub fn foreign_output(
    workspace: &Workspace,
    foreign: &ForeignCrate,
    stage: Stage,
    rustc: &Rustc,
) -> Result<StageOutput, Error> {
    let entry = printed_by_cargo(workspace, foreign, stage, rustc)?;
    parsed(&entry, &foreign.package, stage)
}

fn parsed(entry: &Entry, name: &str, stage: Stage) -> Result<StageOutput, Error> {
    let printed = Printed { entry, of: format!("{name}'s {} stage", stage.name()) };
    Ok(StageOutput { subjects: (stage.row().parse)(&printed)? })
}

/// The `dev` profile as a chapter's stages have it from rustc's own defaults (rustc is run on a
/// chapter with the row's flags alone): opt-level 0, so debug assertions and overflow checks on,
/// no debug information unless the row asks for it, no incremental cache, one codegen unit (rustc
/// makes it one for a chapter wherever a row writes code to a path it names: an explicit
/// `--emit=obj=PATH` or `llvm-ir=PATH` cannot be split, and with cargo's `-C codegen-units=N`
/// beside it rustc would write none). Every key is given, so that the crate's own
/// `[profile.dev]` changes nothing. The dependencies are built in the same profile (a stage's outputs need their MIR,
/// which a `cargo check` of them would not write).
const STAGE_PROFILE: &[&str] = &[
    "opt-level=0",
    "debug=false",
    "debug-assertions=true",
    "overflow-checks=true",
    "incremental=false",
    "codegen-units=1",
    "lto=false",
    "panic=\"unwind\"",
    "strip=\"none\"",
];

/// The folder a crate outside the book is built in for its stages and its `Send` check: one for
/// all of them, so that its dependencies are built once.
pub(crate) fn foreign_stages_dir(workspace: &Workspace, foreign: &ForeignCrate) -> std::path::PathBuf {
    foreign.target_dir(workspace).join("stages")
}

/// `cargo SUBCOMMAND` of a crate outside the book, in the stages' folder and profile.
fn foreign_stage_cargo(
    workspace: &Workspace,
    rustc: &Rustc,
    foreign: &ForeignCrate,
    subcommand: &str,
) -> std::process::Command {
    let mut command = cargo_for(workspace, rustc, &Package::foreign(foreign), subcommand);
    command.args(stage_build_args(workspace, foreign));
    command
}

/// What a cargo command takes to build in the stages' folder and profile of a crate outside the
/// book: the same for its stages and for a crate that depends on it (the `Send` check), so that
/// the two share its dependencies' build.
pub(crate) fn stage_build_args(workspace: &Workspace, foreign: &ForeignCrate) -> Vec<String> {
    let folder = foreign_stages_dir(workspace, foreign).display().to_string();
    let mut args: Vec<String> =
        ["--quiet", "--color", "never", "--target", TARGET, "--target-dir", &folder].map(str::to_owned).into();
    for key in STAGE_PROFILE {
        args.extend(["--config".to_owned(), format!("profile.dev.{key}")]);
    }
    args
}

/// What rustc wrote for the stage on a crate outside the book: `cargo rustc` of its library with
/// the row's flags after `--` (its dependencies need cargo), kept under the command, the sources
/// rustc read and the crate's manifests and lockfile.
fn printed_by_cargo(
    workspace: &Workspace,
    foreign: &ForeignCrate,
    stage: Stage,
    rustc: &Rustc,
) -> Result<Entry, Error> {
    let row = stage.row();
    // A folder of this run's own, as for a chapter; its path in the flags also makes cargo run
    // rustc again each time (the arguments are part of cargo's fingerprint), where it would
    // otherwise find the crate fresh and print nothing.
    let scratch = workspace.scratch_dir(&format!("{}-{}", foreign.crate_name, row.name))?;
    let out = scratch.path().join(&foreign.crate_name);
    let mut command = foreign_stage_cargo(workspace, rustc, foreign, "rustc");
    command.args(["--package", &foreign.package, "--lib"]);
    if row.bootstrap {
        // Only the crate gets the row's `-Z` flags, so only it may take them (rustc reads a
        // crate name here): its dependencies compile as on a stable compiler.
        command.env("RUSTC_BOOTSTRAP", &foreign.crate_name);
    }
    command.arg("--").args((row.flags)(&out));

    let key = Key::new(row.name).with(fingerprint_in(&command, rustc, scratch.path()));
    let kept = workspace.kept();
    if let Some(entry) = kept.get(&key) {
        return Ok(entry);
    }
    let computation = Computation::start();
    let output = run(&mut command, &foreign.package)?;
    let entry = written(row, &out, &output)?;
    let profile_dir = foreign_stages_dir(workspace, foreign).join(TARGET).join("debug");
    let mut read = inputs_of_last_build(&profile_dir, &foreign.crate_name);
    if !read.is_empty() {
        read.extend(foreign.manifests());
        // One that cannot be kept costs the next run a compilation.
        let _ = kept.keep(&key, &entry, &read, computation);
    }
    Ok(entry)
}

/// What the row keeps of what rustc wrote, by name.
fn written(row: &StageRow, out: &Path, output: &ChildOutput) -> Result<Entry, Error> {
    let outputs = row
        .kept
        .iter()
        .map(|written| {
            let bytes = match *written {
                Written::File(extension) => read(&out.with_extension(extension))?.into_bytes(),
                Written::Stdout(_) => output.stdout.clone(),
                // `-Zdump-mir` makes the folder for its first dump: a crate with nothing to dump
                // (no coroutine, no drop glue) has none.
                Written::Folder(extension) if !out.with_extension(extension).exists() => Vec::new(),
                Written::Folder(extension) => read_folder(&out.with_extension(extension))?.into_bytes(),
            };
            Ok(Output::new(written.name(), bytes))
        })
        .collect::<Result<_, Error>>()?;
    Ok(Entry::new(outputs))
}

/// What rustc wrote for the stage, by name (the row's [`Written`]): kept for the next run under
/// the command and the chapter's source, the one file a stage reads (a chapter's library needs
/// only std).
fn printed(workspace: &Workspace, chapter: &Chapter, stage: Stage, rustc: &Rustc) -> Result<Entry, Error> {
    let row = stage.row();
    let source = chapter.dir.join("src/lib.rs");
    // rustc writes its intermediate files (`<crate>.<crate>.<hash>-cgu.0.rcgu.o`) into the
    // output directory: each run gets a folder of its own, so that two stages of one chapter, or
    // the same stage from two processes, never write (and delete) each other's files.
    let scratch = workspace.scratch_dir(&format!("{}-{}", chapter.crate_name(), row.name))?;
    let out = scratch.path().join(chapter.crate_name());
    let mut command = isolated(&rustc.path, workspace);
    if row.bootstrap {
        // `-Z` flags that only print; the other use is an asm listing's own `-Z` flag (`flags.rs`).
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    command.args(["--edition", &chapter.edition()?, "--crate-type", "lib", "--crate-name", &chapter.crate_name()]);
    // From the workspace root, the path rustc prints is relative.
    command.args(path_remaps(workspace)).arg(source.strip_prefix(&workspace.root).unwrap_or(&source));
    command.args((row.flags)(&out)).arg("--out-dir").arg(scratch.path());

    let key = Key::new(row.name).with(fingerprint_in(&command, rustc, scratch.path()));
    let kept = workspace.kept();
    if let Some(entry) = kept.get(&key) {
        return Ok(entry);
    }
    let computation = Computation::start();
    let output = run(&mut command, &chapter.slug)?;
    let entry = written(row, &out, &output)?;
    // One that cannot be kept costs the next run a compilation.
    let _ = kept.keep(&key, &entry, &[source], computation);
    Ok(entry)
}

/// Every file of `folder` and of the folders in it, one after the other (in the order of their
/// paths, so that the text is the same on every file system). `-Zdump-mir` names a dump after
/// its body, and the body of an async block is named after its place in the source
/// (`{async block@src/lib.rs:74:19: 74:24}`), whose `/`s make folders of the name.
fn read_folder(folder: &Path) -> Result<String, Error> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_owned()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| Error::Read { path: folder.display().to_string(), reason: e.to_string() })?;
        for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
            match path.is_dir() {
                true => folders.push(path),
                false => files.push(path),
            }
        }
    }
    files.sort();
    files.iter().map(|file| read(file)).collect::<Result<Vec<_>, _>>().map(|bodies| bodies.join("\n"))
}
