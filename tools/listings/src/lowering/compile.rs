//! Running rustc for one stage on one chapter, and reading what it wrote into typed items.

use crate::child::{isolated, path_remaps, read, run};
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
            // a folder of its own (emptied first by `output`).
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
    let out_dir = workspace.root.join("target/listings").join(format!("{stage:?}").to_lowercase());
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| Error::Read { path: out_dir.display().to_string(), reason: e.to_string() })?;
    let source = chapter.dir.join("src/lib.rs");
    let source = source.strip_prefix(&workspace.root).unwrap_or(&source);
    let out = out_dir.join(chapter.crate_name());

    let mut command = isolated(&rustc.path, workspace);
    if stage.needs_bootstrap() {
        // The one place the project uses RUSTC_BOOTSTRAP: `-Z` flags that only print.
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    command.args(["--edition", &chapter.edition()?, "--crate-type", "lib", "--crate-name", &chapter.crate_name()]);
    command.args(path_remaps(workspace)).arg(source).args(stage.flags(&out));
    // rustc writes its intermediate files (`<crate>.<crate>.<hash>-cgu.0.rcgu.o`) into the output
    // directory, the working directory unless told otherwise: two stages of one chapter compiled
    // at once would write, and delete, the same file there. Each stage has a folder of its own.
    command.arg("--out-dir").arg(&out_dir);

    // The stage reads one file and nothing else (a chapter's library needs only std): the same
    // command on the same source gives the same output, which the last run left in `out_dir`.
    let stamp = out.with_extension("stamp");
    let fingerprint = fingerprint(&command, rustc, &std::fs::read(workspace.root.join(source)).unwrap_or_default());
    let printout = out.with_extension("printout");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(fingerprint.as_str()) {
        let _ = std::fs::remove_file(&stamp);
        if stage == Stage::DropGlue {
            // No body of an older build may be read back.
            let _ = std::fs::remove_dir_all(out.with_extension("dumps"));
        }
        let output = run(&mut command, &chapter.slug)?;
        // `-Zprint-type-sizes` prints to standard output: kept for the next run like the files.
        std::fs::write(&printout, &output.stdout)
            .map_err(|e| Error::Read { path: printout.display().to_string(), reason: e.to_string() })?;
        // A stamp that cannot be written only costs the next run a compilation.
        let _ = std::fs::write(&stamp, &fingerprint);
    }
    Ok(match stage {
        Stage::Hir => {
            let path = out.with_extension("hir");
            StageOutput::Hir(hir::items(&read(&path)?).map_err(|e| e.in_file(path.display()))?)
        }
        Stage::Mir => {
            let path = out.with_extension("mir");
            StageOutput::Mir(mir::bodies(&read(&path)?).map_err(|e| e.in_file(path.display()))?)
        }
        Stage::TypeSizes => {
            let mut layouts = type_sizes::layouts(&read(&printout)?).map_err(|e| e.in_file(printout.display()))?;
            let ll = out.with_extension("ll");
            let llvm_ir = read(&ll)?;
            let in_ll = |e: crate::ParseError| e.in_file(ll.display());
            for (name, offset) in async_fn_tag_offsets(&llvm_ir).map_err(in_ll)? {
                layouts.iter_mut().filter(|layout| layout.name == name).for_each(|layout| layout.place_tag(offset));
            }
            for (name, states) in async_fn_states(&llvm_ir).map_err(in_ll)? {
                layouts
                    .iter_mut()
                    .filter(|layout| layout.name == name)
                    .for_each(|layout| layout.states = states.clone());
            }
            StageOutput::TypeSizes(layouts)
        }
        Stage::DropGlue => {
            let dumps = out.with_extension("dumps");
            let in_dumps =
                |e: crate::ParseError| e.in_file(format!("{} (its files one after the other)", dumps.display()));
            StageOutput::DropGlue(drop_glue::bodies(&read_dumps(&dumps)?).map_err(in_dumps)?)
        }
    })
}

/// What decides a stage's output: the command ([`crate::child::fingerprint`]) and the source it reads.
/// A hash is enough: the stamp only saves a compilation when nothing changed.
fn fingerprint(command: &std::process::Command, rustc: &Rustc, source: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    crate::child::fingerprint(command, rustc).hash(&mut hasher);
    source.hash(&mut hasher);
    format!("{:016x} {} bytes\n", hasher.finish(), source.len())
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
