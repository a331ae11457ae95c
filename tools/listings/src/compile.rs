//! Step 1 of the pipeline: compile one chapter crate to x86-64 assembly, reproducibly.
//!
//! Nothing about the machine may reach the output: not the user's `RUSTFLAGS` or cargo config,
//! not a rustc wrapper, not the path of the checkout or of `CARGO_HOME`. So the child cargo
//! gets a cleared environment, every profile key again on its command line (`--config` beats
//! every config file), and path remapping.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{Chapter, Error, Rustc, Workspace};

/// The target every listing is for.
pub const TARGET: &str = "x86_64-unknown-linux-gnu";

/// What may vary between two compilations of the same chapter. Each flag set gets its own
/// target directory: two sets sharing one would overwrite each other's `.s`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CodegenFlags {
    /// `3` for the book's listings; `s` or `z` to compare with a listing made for size.
    pub opt_level: String,
}

impl Default for CodegenFlags {
    fn default() -> Self {
        CodegenFlags { opt_level: "3".to_owned() }
    }
}

impl CodegenFlags {
    /// The profile keys, as `--config` arguments. Release-like, one codegen unit so that the
    /// whole crate is one `.s` and LLVM sees every function at once, and line tables for the
    /// source interleaving (they do not change the generated code).
    pub(crate) fn profile(&self) -> Vec<String> {
        let opt_level = match self.opt_level.as_str() {
            level @ ("s" | "z") => format!("\"{level}\""),
            level => level.to_owned(),
        };
        [
            "inherits=\"release\"".to_owned(),
            format!("opt-level={opt_level}"),
            "codegen-units=1".to_owned(),
            "debug=\"line-tables-only\"".to_owned(),
            "incremental=false".to_owned(),
            "lto=false".to_owned(),
            "panic=\"unwind\"".to_owned(),
            "overflow-checks=false".to_owned(),
            "debug-assertions=false".to_owned(),
            "strip=\"none\"".to_owned(),
        ]
        .into_iter()
        .map(|key| format!("profile.listings.{key}"))
        .collect()
    }

    /// Flags handed to rustc for the chapter crate itself.
    pub(crate) fn rustc_args(&self) -> [&'static str; 4] {
        ["-C", "llvm-args=-x86-asm-syntax=intel", "-C", "target-cpu=x86-64"]
    }

    /// How the snapshots describe these flags: the same on every machine, so no paths.
    pub fn describe(&self) -> String {
        format!(
            "--target {TARGET} -C opt-level={} -C codegen-units=1 -C debuginfo=line-tables-only \
             -C target-cpu=x86-64 -C llvm-args=-x86-asm-syntax=intel (Intel syntax), paths remapped",
            self.opt_level
        )
    }

    fn target_dir(&self, workspace: &Workspace) -> PathBuf {
        workspace.root.join("target/listings").join(format!("asm-opt{}", self.opt_level))
    }
}

/// Compiles `chapter`'s library and returns its assembly text.
pub fn assembly(
    workspace: &Workspace,
    chapter: &Chapter,
    flags: &CodegenFlags,
    rustc: &Rustc,
) -> Result<String, Error> {
    let target_dir = flags.target_dir(workspace);
    let asm_path = target_dir.join(format!("{}.s", chapter.crate_name()));
    build(workspace, chapter, flags, rustc, &asm_path)?;
    if !asm_path.is_file() {
        // Cargo considers the crate fresh (the `.s` is not one of its outputs) and will not run
        // rustc again, so the deleted file would never come back: clean the crate and rebuild.
        run(
            cargo(workspace, rustc)
                .args([
                    "clean",
                    "--quiet",
                    "--package",
                    &chapter.slug,
                    "--profile",
                    "listings",
                    "--target",
                    TARGET,
                    "--target-dir",
                ])
                .arg(&target_dir),
            chapter,
        )?;
        build(workspace, chapter, flags, rustc, &asm_path)?;
    }
    std::fs::read_to_string(&asm_path)
        .map_err(|e| Error::Build { chapter: chapter.slug.clone(), stderr: format!("{}: {e}", asm_path.display()) })
}

fn build(
    workspace: &Workspace,
    chapter: &Chapter,
    flags: &CodegenFlags,
    rustc: &Rustc,
    asm_path: &Path,
) -> Result<(), Error> {
    let mut command = cargo(workspace, rustc);
    command.args(["rustc", "--quiet", "--color", "never", "--package", &chapter.slug, "--lib"]);
    command.args(["--profile", "listings", "--target", TARGET, "--target-dir"]).arg(flags.target_dir(workspace));
    for key in flags.profile() {
        command.arg("--config").arg(key);
    }
    command.arg("--").arg(format!("--emit=asm={}", asm_path.display())).args(flags.rustc_args());
    run(&mut command, chapter).map(|_| ())
}

/// A cargo of the pinned toolchain, in the workspace, with an environment that carries nothing
/// from the caller but what is needed to find the toolchain and the crate cache.
pub(crate) fn cargo(workspace: &Workspace, rustc: &Rustc) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(&workspace.root).env_clear();
    for kept in ["PATH", "HOME", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"] {
        if let Some(value) = std::env::var_os(kept) {
            command.env(kept, value);
        }
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    // An empty CARGO_ENCODED_RUSTFLAGS would already override RUSTFLAGS and every config
    // file's rustflags; this one carries only the path remapping, for the dependencies too.
    let mut remaps = vec![format!("--remap-path-prefix={}=.", workspace.root.display())];
    if let Some(home) = cargo_home {
        remaps.push(format!("--remap-path-prefix={}=/cargo-home", home.display()));
    }
    command
        .env("CARGO_ENCODED_RUSTFLAGS", remaps.join("\u{1f}"))
        .env("RUSTC", &rustc.path)
        .env("RUSTC_WRAPPER", "")
        .env("RUSTC_WORKSPACE_WRAPPER", "")
        .env("CARGO_TERM_COLOR", "never");
    command
}

pub(crate) fn run(command: &mut Command, chapter: &Chapter) -> Result<Output, Error> {
    let output = command
        .output()
        .map_err(|e| Error::Spawn { program: format!("{:?}", command.get_program()), reason: e.to_string() })?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(Error::Build {
            chapter: chapter.slug.clone(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}
