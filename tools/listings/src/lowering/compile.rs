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
        }
    }

    /// What one of its items is called, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Stage::Hir => "HIR item",
            Stage::Mir => "MIR body",
            Stage::TypeSizes => "type",
        }
    }

    fn needs_bootstrap(self) -> bool {
        matches!(self, Stage::Hir | Stage::TypeSizes)
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

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Workspace(format!("{}: {e}", path.display())))
}
