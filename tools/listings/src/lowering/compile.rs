//! Running rustc for one stage on one chapter, and reading what it wrote into typed subjects,
//! as the stage's row of the table says (`stage.rs`).

use kept::{Computation, Entry, Key, Output};

use crate::child::{fingerprint_in, isolated, path_remaps, read, run};
use crate::{Chapter, Error, Rustc, Workspace};

use super::StageOutput;
use super::stage::{Printed, Stage, Written};

/// The stage's whole output for the chapter's library, parsed.
pub fn output(workspace: &Workspace, chapter: &Chapter, stage: Stage, rustc: &Rustc) -> Result<StageOutput, Error> {
    let entry = printed(workspace, chapter, stage, rustc)?;
    let printed = Printed { entry: &entry, of: format!("{}'s {} stage", chapter.slug, stage.name()) };
    Ok(StageOutput { subjects: (stage.row().parse)(&printed)? })
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
    let outputs = row
        .kept
        .iter()
        .map(|written| {
            let bytes = match *written {
                Written::File(extension) => read(&out.with_extension(extension))?.into_bytes(),
                Written::Stdout(_) => output.stdout.clone(),
                Written::Folder(extension) => read_folder(&out.with_extension(extension))?.into_bytes(),
            };
            Ok(Output::new(written.name(), bytes))
        })
        .collect::<Result<_, Error>>()?;
    let entry = Entry::new(outputs);
    // One that cannot be kept costs the next run a compilation.
    let _ = kept.keep(&key, &entry, &[source], computation);
    Ok(entry)
}

/// Every file of `folder`, one after the other (in the order of their names, so that the text
/// is the same on every file system).
fn read_folder(folder: &std::path::Path) -> Result<String, Error> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| Error::Read { path: folder.display().to_string(), reason: e.to_string() })?;
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    files.sort();
    files.iter().map(|file| read(file)).collect::<Result<Vec<_>, _>>().map(|bodies| bodies.join("\n"))
}
