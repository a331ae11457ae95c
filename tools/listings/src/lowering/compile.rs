//! Running rustc for one stage on one chapter, and reading what it wrote into typed items.

use kept::{Computation, Entry, Key, Output};

use crate::child::{fingerprint_in, isolated, path_remaps, read, run};
use crate::{Chapter, Error, Rustc, Workspace};

use super::debuginfo::{async_fn_states, async_fn_tag_offsets};
use super::{StageOutput, drop_glue, hir, mir, type_sizes};

/// A stage of the compiler whose output a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// `-Zunpretty=hir`: the source after desugaring (`.await` → a `poll` loop and `yield`).
    Hir,
    /// `--emit=mir` at `-C opt-level=0`: MIR after every pass, the coroutine transform included.
    Mir,
    /// `-Zprint-type-sizes`: every type's size, variants and fields.
    TypeSizes,
    /// `-Zdump-mir` of the drop glue (`drop_in_place::<T>`) of every type whose drop the crate's
    /// code generation needs: an async fn's future is dropped by a body the coroutine transform
    /// writes, which `--emit=mir` does not print.
    DropGlue,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Hir, Stage::Mir, Stage::TypeSizes, Stage::DropGlue];

    /// The flags, as the snapshots and captions describe them (next to [`Stage::flags`], which
    /// passes them).
    pub fn describe(self, edition: &str) -> String {
        let flags = match self {
            Stage::Hir => "-Zunpretty=hir (RUSTC_BOOTSTRAP=1)",
            Stage::Mir => "--emit=mir -C opt-level=0",
            Stage::TypeSizes => {
                "-C opt-level=0 -Zprint-type-sizes (RUSTC_BOOTSTRAP=1); tag offsets from -C debuginfo=2"
            }
            Stage::DropGlue => {
                "--emit=obj -C opt-level=0 -Zdump-mir='drop_in_place & runtime-optimized' (RUSTC_BOOTSTRAP=1)"
            }
        };
        format!("--edition {edition} --crate-type lib {flags}")
    }

    /// The flags that make rustc write the stage's output to `out` (a path without extension).
    fn flags(self, out: &std::path::Path) -> Vec<String> {
        let path = |extension: &str| out.with_extension(extension).display().to_string();
        match self {
            Stage::Hir => vec!["-Zunpretty=hir".into(), "-o".into(), path("hir")],
            Stage::Mir => vec!["-C".into(), "opt-level=0".into(), format!("--emit=mir={}", path("mir"))],
            // The LLVM IR, with debug information, says where each async fn's tag lies.
            Stage::TypeSizes => vec![
                "-C".into(),
                "opt-level=0".into(),
                "-Zprint-type-sizes".into(),
                "-C".into(),
                "debuginfo=2".into(),
                format!("--emit=link={},llvm-ir={}", path("rlib"), path("ll")),
            ],
            // Drop glue is built for code generation only, so the crate is compiled to an object
            // file; `-Zdump-mir` writes each `drop_in_place::<T>` body, after its last pass, into
            // a folder of its own (in the run's own scratch folder, so empty at first).
            Stage::DropGlue => vec![
                "-C".into(),
                "opt-level=0".into(),
                "-Zdump-mir=drop_in_place & runtime-optimized".into(),
                format!("-Zdump-mir-dir={}", path("dumps")),
                format!("--emit=obj={}", path("o")),
            ],
        }
    }

    /// The `cargo xtask` subcommand that prints the stage: `hir`, `mir`, `type-sizes`, `drop-glue`.
    pub fn subcommand(self) -> &'static str {
        match self {
            Stage::Hir => "hir",
            Stage::Mir => "mir",
            Stage::TypeSizes => "type-sizes",
            Stage::DropGlue => "drop-glue",
        }
    }

    /// What one of its items is called, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Stage::Hir => "HIR item",
            Stage::Mir => "MIR body",
            Stage::TypeSizes => "type",
            Stage::DropGlue => "drop glue",
        }
    }

    /// The same, for several.
    pub fn plural_noun(self) -> &'static str {
        match self {
            Stage::Hir => "HIR items",
            Stage::Mir => "MIR bodies",
            Stage::TypeSizes => "types",
            Stage::DropGlue => "drop glues",
        }
    }

    fn needs_bootstrap(self) -> bool {
        matches!(self, Stage::Hir | Stage::TypeSizes | Stage::DropGlue)
    }
}

/// The stage's whole output for the chapter's library, parsed.
pub fn output(workspace: &Workspace, chapter: &Chapter, stage: Stage, rustc: &Rustc) -> Result<StageOutput, Error> {
    let printed = printed(workspace, chapter, stage, rustc)?;
    // An output is named by what it is (it is kept, not a file of its own).
    let what = |name: &str| format!("the {name} of {}'s {} stage", chapter.slug, stage.subcommand());
    let text = |name: &str| {
        printed.text(name).map(str::to_owned).ok_or_else(|| Error::Read {
            path: what(name),
            reason: "the compiler wrote none, or not as UTF-8".to_owned(),
        })
    };
    let named = |name: &str| {
        let what = what(name);
        move |e: crate::ParseError| e.in_file(what.clone())
    };
    Ok(match stage {
        Stage::Hir => StageOutput::Hir(hir::items(&text("hir")?).map_err(named("hir"))?),
        Stage::Mir => StageOutput::Mir(mir::bodies(&text("mir")?).map_err(named("mir"))?),
        Stage::TypeSizes => {
            let mut layouts = type_sizes::layouts(&text("printout")?).map_err(named("printout"))?;
            let llvm_ir = text("ll")?;
            let in_ll = named("ll");
            for (name, offset) in async_fn_tag_offsets(&llvm_ir).map_err(&in_ll)? {
                layouts.iter_mut().filter(|layout| layout.name == name).for_each(|layout| layout.place_tag(offset));
            }
            for (name, states) in async_fn_states(&llvm_ir).map_err(&in_ll)? {
                layouts
                    .iter_mut()
                    .filter(|layout| layout.name == name)
                    .for_each(|layout| layout.states = states.clone());
            }
            StageOutput::TypeSizes(layouts)
        }
        Stage::DropGlue => StageOutput::DropGlue(drop_glue::bodies(&text("dumps")?).map_err(named("dumps"))?),
    })
}

/// What rustc printed for the stage, by name (`hir`, `mir`, `printout` and `ll`, `dumps`): kept
/// for the next run under the command and the chapter's source, the one file a stage reads (a
/// chapter's library needs only std).
fn printed(workspace: &Workspace, chapter: &Chapter, stage: Stage, rustc: &Rustc) -> Result<Entry, Error> {
    let source = chapter.dir.join("src/lib.rs");
    // rustc writes its intermediate files (`<crate>.<crate>.<hash>-cgu.0.rcgu.o`) into the
    // output directory: each run gets a folder of its own, so that two stages of one chapter, or
    // the same stage from two processes, never write (and delete) each other's files.
    let scratch = workspace.scratch_dir(&format!("{}-{}", chapter.crate_name(), stage.subcommand()))?;
    let out = scratch.path().join(chapter.crate_name());
    let mut command = isolated(&rustc.path, workspace);
    if stage.needs_bootstrap() {
        // The one place the project uses RUSTC_BOOTSTRAP: `-Z` flags that only print.
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    command.args(["--edition", &chapter.edition()?, "--crate-type", "lib", "--crate-name", &chapter.crate_name()]);
    // From the workspace root, the path rustc prints is relative.
    command.args(path_remaps(workspace)).arg(source.strip_prefix(&workspace.root).unwrap_or(&source));
    command.args(stage.flags(&out)).arg("--out-dir").arg(scratch.path());

    let key = Key::new(stage.subcommand()).with(fingerprint_in(&command, rustc, scratch.path()));
    let kept = workspace.kept();
    if let Some(entry) = kept.get(&key) {
        return Ok(entry);
    }
    let computation = Computation::start();
    let output = run(&mut command, &chapter.slug)?;
    let text = |extension: &str| read(&out.with_extension(extension)).map(String::into_bytes);
    let outputs = match stage {
        Stage::Hir => vec![Output::new("hir", text("hir")?)],
        Stage::Mir => vec![Output::new("mir", text("mir")?)],
        // `-Zprint-type-sizes` prints to standard output.
        Stage::TypeSizes => vec![Output::new("printout", output.stdout), Output::new("ll", text("ll")?)],
        Stage::DropGlue => vec![Output::new("dumps", read_dumps(&out.with_extension("dumps"))?.into_bytes())],
    };
    let entry = Entry::new(outputs);
    // One that cannot be kept costs the next run a compilation.
    let _ = kept.keep(&key, &entry, &[source], computation);
    Ok(entry)
}

/// Every dumped body, one after the other (in the order of their file names, so that the text is
/// the same on every file system).
fn read_dumps(folder: &std::path::Path) -> Result<String, Error> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| Error::Read { path: folder.display().to_string(), reason: e.to_string() })?;
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    files.sort();
    files.iter().map(|file| read(file)).collect::<Result<Vec<_>, _>>().map(|bodies| bodies.join("\n"))
}
