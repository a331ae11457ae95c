//! Running rustc for one stage on one chapter.

use std::path::Path;
use std::process::Command;

use crate::{Chapter, Error, Rustc, Workspace};

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
    /// The flags, as the snapshots and captions describe them.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Hir => "--edition 2024 --crate-type lib -Zunpretty=hir (RUSTC_BOOTSTRAP=1)",
            Stage::Mir => "--edition 2024 --crate-type lib --emit=mir -C opt-level=0",
            Stage::TypeSizes => {
                "--edition 2024 --crate-type lib -C opt-level=0 -Zprint-type-sizes (RUSTC_BOOTSTRAP=1); tag offsets from -C debuginfo=2"
            }
            Stage::DropGlue => {
                "--edition 2024 --crate-type lib --emit=obj -C opt-level=0 -Zdump-mir='drop_in_place & runtime-optimized' (RUSTC_BOOTSTRAP=1)"
            }
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

    fn needs_bootstrap(self) -> bool {
        matches!(self, Stage::Hir | Stage::TypeSizes | Stage::DropGlue)
    }
}

/// The stage's whole output for the chapter's library.
pub fn output(workspace: &Workspace, chapter: &Chapter, stage: Stage, rustc: &Rustc) -> Result<String, Error> {
    let out_dir = workspace.root.join("target/listings").join(format!("{stage:?}").to_lowercase());
    std::fs::create_dir_all(&out_dir).map_err(|e| Error::Workspace(format!("{}: {e}", out_dir.display())))?;
    let source = chapter.dir.join("src/lib.rs");
    let source = source.strip_prefix(&workspace.root).unwrap_or(&source);
    let out = out_dir.join(chapter.crate_name());

    let mut command = Command::new(&rustc.path);
    command.current_dir(&workspace.root).env_clear();
    for kept in ["PATH", "HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"] {
        if let Some(value) = std::env::var_os(kept) {
            command.env(kept, value);
        }
    }
    if stage.needs_bootstrap() {
        // The one place the project uses RUSTC_BOOTSTRAP: `-Z` flags that only print.
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    command.args(["--edition", "2024", "--crate-type", "lib", "--crate-name"]).arg(chapter.crate_name());
    command.arg(format!("--remap-path-prefix={}=.", workspace.root.display()));
    command.arg(source);
    let written = match stage {
        Stage::Hir => {
            command.arg("-Zunpretty=hir").arg("-o").arg(out.with_extension("hir"));
            Some(out.with_extension("hir"))
        }
        Stage::Mir => {
            command.args(["-C", "opt-level=0"]).arg(format!("--emit=mir={}", out.with_extension("mir").display()));
            Some(out.with_extension("mir"))
        }
        Stage::TypeSizes => {
            // The LLVM IR, with debug information, says where each async fn's tag lies.
            command.args(["-C", "opt-level=0", "-C", "debuginfo=2", "-Zprint-type-sizes"]).arg(format!(
                "--emit=link={},llvm-ir={}",
                out.with_extension("rlib").display(),
                out.with_extension("ll").display()
            ));
            None
        }
        Stage::DropGlue => {
            // Drop glue is built for code generation only, so the crate is compiled to an object
            // file; `-Zdump-mir` writes each `drop_in_place::<T>` body, after its last pass, into a
            // folder of its own, emptied first so that no body of an older build is read back.
            let dumps = out.with_extension("dumps");
            let _ = std::fs::remove_dir_all(&dumps);
            command.args(["-C", "opt-level=0", "-Zdump-mir=drop_in_place & runtime-optimized"]);
            command.arg(format!("-Zdump-mir-dir={}", dumps.display()));
            command.arg(format!("--emit=obj={}", out.with_extension("o").display()));
            Some(dumps)
        }
    };
    let output = command
        .output()
        .map_err(|e| Error::Spawn { program: rustc.path.display().to_string(), reason: e.to_string() })?;
    if !output.status.success() {
        return Err(Error::Build {
            chapter: chapter.slug.clone(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    match written {
        Some(dumps) if stage == Stage::DropGlue => read_dumps(&dumps),
        Some(path) => read(&path),
        None => {
            // rustc's print-out, then one `tag-offset` line per async fn (see type_sizes.rs).
            let mut printout = String::from_utf8_lossy(&output.stdout).into_owned();
            for (name, offset) in super::debuginfo::async_fn_tag_offsets(&read(&out.with_extension("ll"))?) {
                printout.push_str(&format!("{}`{name}`: {offset} bytes\n", super::type_sizes::TAG_OFFSET));
            }
            Ok(printout)
        }
    }
}

/// Every dumped body, one after the other (in the order of their file names, so that the text is
/// the same on every file system).
fn read_dumps(folder: &Path) -> Result<String, Error> {
    let entries = std::fs::read_dir(folder).map_err(|e| Error::Workspace(format!("{}: {e}", folder.display())))?;
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    files.sort();
    files.iter().map(|file| read(file)).collect::<Result<Vec<_>, _>>().map(|bodies| bodies.join("\n"))
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Workspace(format!("{}: {e}", path.display())))
}
