//! Step 1 of the pipeline: compile one crate (a chapter, or a package of the lockfile) to x86-64
//! assembly, reproducibly.
//!
//! Nothing about the machine may reach the output: not the user's `RUSTFLAGS` or cargo config,
//! not a rustc wrapper, not the path of the checkout or of `CARGO_HOME`. So the child cargo
//! gets a cleared environment, every profile key again on its command line (`--config` beats
//! every config file), and path remapping (`child.rs`).
//!
//! When nothing the crate is built from changed since the last build with the same command, the
//! `.s` is read from what that build kept (`kept`), without asking cargo: cargo's own check that a
//! chapter is fresh took 0.23 s here, against 0.12 s for a whole `cargo xtask asm ch01 noop_clone`
//! that reads what was kept.

use std::path::{Path, PathBuf};
use std::process::Command;

use kept::{Computation, Entry, Key, Output, dep_info_inputs};

use crate::child::{fingerprint, isolated, path_remaps, read, run};
use crate::flags::TARGET;
use crate::{CodegenFlags, Error, ForeignCrate, Rustc, Workspace};

/// What to compile: a package of the workspace's lockfile, or a crate outside the book, and the
/// name of its library crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Package {
    /// `ch01-the-experiment`, `regex-syntax`, `tokio-service`.
    pub name: String,
    /// `ch01_the_experiment`, `regex_syntax`, `tokio_service`.
    pub crate_name: String,
    /// A crate outside the book, compiled from its own manifest into a folder of its own.
    pub foreign: Option<ForeignCrate>,
}

impl Package {
    pub fn named(name: &str) -> Package {
        Package { name: name.to_owned(), crate_name: name.replace('-', "_"), foreign: None }
    }

    /// The library of a crate outside the book.
    pub fn foreign(foreign: &ForeignCrate) -> Package {
        Package {
            name: foreign.package.clone(),
            crate_name: foreign.crate_name.clone(),
            foreign: Some(foreign.clone()),
        }
    }
}

/// What the compiler writes for a package besides the `.s`.
pub enum Emit {
    /// The assembly, which every listing is cut from.
    Assembly,
    /// The LLVM IR, whose debug information names each function's type arguments.
    LlvmIr,
}

/// What one compilation of a package's library wrote: the text `emit` asked for, and for the
/// assembly the object file of the same compilation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compiled {
    pub text: String,
    pub object: Option<Vec<u8>>,
}

/// Compiles `package`'s library, or reads what the last compilation with the same command kept
/// when no file it read has changed since ([`kept`]: the files are those rustc's dep-info lists,
/// with the manifests, the lockfile and the toolchain pin).
pub fn compile(
    workspace: &Workspace,
    package: &Package,
    flags: &CodegenFlags,
    rustc: &Rustc,
    emit: Emit,
) -> Result<Compiled, Error> {
    let build = Build::new(workspace, package, flags, rustc, emit);
    let key = Key::new(build.emit.name()).with(fingerprint(&build.command(), rustc));
    let kept = workspace.kept();
    if let Some(entry) = kept.get(&key)
        && let Some(compiled) = Compiled::from_entry(&entry)
    {
        return Ok(compiled);
    }
    let computation = Computation::start();
    let compiled = build.run()?;
    let mut read = inputs_of_last_build(&build.profile_dir(), &package.crate_name);
    if !read.is_empty() {
        match &package.foreign {
            Some(foreign) => read.extend(foreign.manifests()),
            None => read.extend(["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"].map(|f| workspace.root.join(f))),
        }
        let manifests: Vec<PathBuf> = read.iter().filter_map(|input| manifest_beside(input)).collect();
        read.extend(manifests);
        read.sort();
        read.dedup();
        // One that cannot be kept is compiled again next time.
        let _ = kept.keep(&key, &compiled.to_entry(), &read, computation);
    }
    Ok(compiled)
}

impl Compiled {
    fn to_entry(&self) -> Entry {
        let mut outputs = vec![Output::new("text", self.text.clone().into_bytes())];
        outputs.extend(self.object.iter().map(|object| Output::new("object", object.clone())));
        Entry::new(outputs)
    }

    fn from_entry(entry: &Entry) -> Option<Compiled> {
        Some(Compiled { text: entry.text("text")?.to_owned(), object: entry.bytes("object").map(<[u8]>::to_vec) })
    }
}

/// One `cargo rustc` of a package's library for the listings.
struct Build<'a> {
    workspace: &'a Workspace,
    package: &'a Package,
    flags: &'a CodegenFlags,
    rustc: &'a Rustc,
    emit: Emit,
    /// Where cargo builds: one folder for the flag sets that differ only in `-C` flags
    /// ([`CodegenFlags::cargo_dir_name`]).
    target_dir: PathBuf,
    /// Where the compiler writes what `emit` asks for: a folder for each flag set.
    output_dir: PathBuf,
}

impl<'a> Build<'a> {
    fn new(
        workspace: &'a Workspace,
        package: &'a Package,
        flags: &'a CodegenFlags,
        rustc: &'a Rustc,
        emit: Emit,
    ) -> Self {
        let base = match &package.foreign {
            Some(foreign) => foreign.target_dir(workspace),
            None => workspace.tools_dir("listings"),
        };
        let (target_dir, output_dir) = (base.join(flags.cargo_dir_name()), base.join(flags.dir_name()));
        let (target_dir, output_dir) = match emit {
            Emit::Assembly => (target_dir, output_dir),
            // A build of its own: emitting IR renames anonymous constants in the `.s`.
            Emit::LlvmIr => (target_dir.with_extension("ir"), output_dir.with_extension("ir")),
        };
        Build { workspace, package, flags, rustc, emit, target_dir, output_dir }
    }

    fn output(&self) -> PathBuf {
        self.output_dir.join(format!("{}.{}", self.package.crate_name, self.emit.extension()))
    }

    /// `<target>/<triple>/listings/`: where cargo writes the crate and its dep-info.
    fn profile_dir(&self) -> PathBuf {
        self.target_dir.join(TARGET).join("listings")
    }

    fn command(&self) -> Command {
        let (workspace, package, flags) = (self.workspace, self.package, self.flags);
        let output = self.output();
        let mut command = cargo_for(workspace, self.rustc, package, "rustc");
        command.args(["--quiet", "--color", "never", "--package", &package.name, "--lib"]);
        command.args(["--profile", "listings", "--target", TARGET, "--target-dir"]).arg(&self.target_dir);
        for key in flags.profile_config() {
            command.arg("--config").arg(key);
        }
        command.arg("--").arg(format!("--emit={}={}", self.emit.name(), output.display()));
        // The assembly's compilation also writes the object file: the real sizes of the functions
        // the `.s` shows (`object_code.rs`), of exactly the same code.
        if let Emit::Assembly = self.emit {
            command.arg(format!("--emit=obj={}", object_path(&output).display()));
        }
        command.args(flags.rustc_args());
        match &package.foreign {
            // Only the reader's crate gets the `-Z` flag, so only it may take one: its
            // dependencies compile as on a stable compiler (rustc reads a crate name here).
            Some(foreign) if flags.needs_bootstrap() => {
                command.env("RUSTC_BOOTSTRAP", &foreign.crate_name);
            }
            _ => bootstrap_if_unstable(&mut command, flags),
        }
        command
    }

    /// Runs cargo, and reads what the compilation wrote.
    fn run(&self) -> Result<Compiled, Error> {
        let output = self.output();
        let object = matches!(self.emit, Emit::Assembly).then(|| object_path(&output));
        let outputs_exist = || output.is_file() && object.as_ref().is_none_or(|o| o.is_file());
        let name = &self.package.name;
        std::fs::create_dir_all(&self.output_dir)
            .map_err(|e| Error::Write { path: self.output_dir.display().to_string(), reason: e.to_string() })?;
        run(&mut self.command(), name)?;
        if !outputs_exist() {
            // Cargo considers the crate fresh (the `.s` and `.o` are not among its outputs) and
            // will not run rustc again, so a deleted file would never come back: clean the crate
            // and rebuild.
            let mut clean = cargo_for(self.workspace, self.rustc, self.package, "clean");
            clean.args(["--quiet", "--package", name, "--profile", "listings", "--target", TARGET]);
            run(clean.arg("--target-dir").arg(&self.target_dir), name)?;
            run(&mut self.command(), name)?;
        }
        let object = match &object {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| Error::Read { path: path.display().to_string(), reason: e.to_string() })?,
            ),
            None => None,
        };
        Ok(Compiled { text: read(&output)?, object })
    }
}

impl Emit {
    /// rustc's name for it in `--emit`, and the kind of its kept results.
    fn name(&self) -> &'static str {
        match self {
            Emit::Assembly => "asm",
            Emit::LlvmIr => "llvm-ir",
        }
    }

    fn extension(&self) -> &'static str {
        match self {
            Emit::Assembly => "s",
            Emit::LlvmIr => "ll",
        }
    }
}

/// `…/ch08_machine_code.o` beside `…/ch08_machine_code.s`.
pub fn object_path(asm_path: &Path) -> PathBuf {
    asm_path.with_extension("o")
}

/// A cargo of the pinned toolchain, in the workspace, with an environment that carries nothing
/// from the caller but what is needed to find the toolchain and the crate cache.
pub(crate) fn cargo(workspace: &Workspace, rustc: &Rustc) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = isolated(cargo, workspace);
    // An empty CARGO_ENCODED_RUSTFLAGS would already override RUSTFLAGS and every config
    // file's rustflags; this one carries only the path remapping, for the dependencies too.
    command
        .env("CARGO_ENCODED_RUSTFLAGS", path_remaps(workspace).join("\u{1f}"))
        .env("RUSTC", &rustc.path)
        .env("RUSTC_WRAPPER", "")
        .env("RUSTC_WORKSPACE_WRAPPER", "")
        .env("CARGO_TERM_COLOR", "never");
    command
}

/// [`cargo`]'s `subcommand` for `package`: for the book's own, `--locked` to the workspace's lockfile; for a
/// crate outside it, its own manifest (and lockfile, which cargo keeps as a build of the reader's
/// would), and its workspace's paths remapped to `.` as the checkout's are (ARCHITECTURE.md).
pub(crate) fn cargo_for(workspace: &Workspace, rustc: &Rustc, package: &Package, subcommand: &str) -> Command {
    let mut command = cargo(workspace, rustc);
    command.arg(subcommand);
    match &package.foreign {
        Some(foreign) => {
            command.env("CARGO_ENCODED_RUSTFLAGS", foreign_rustflags(workspace, foreign));
            command.arg("--manifest-path").arg(&foreign.manifest);
        }
        None => {
            command.arg("--locked");
        }
    }
    command
}

/// The flags every crate of a foreign crate's build gets: the checkout's remapping, then the
/// crate's workspace as `.`, then the `--cfg`s its manifest asks for.
pub(crate) fn foreign_rustflags(workspace: &Workspace, foreign: &ForeignCrate) -> String {
    let remaps = path_remaps(workspace).into_iter().chain([foreign.path_remap()]).chain(foreign.cfg_flags());
    remaps.collect::<Vec<_>>().join("\u{1f}")
}

/// `RUSTC_BOOTSTRAP=1` for a compilation given a `-Z` flag, which the pinned stable compiler
/// takes only so; no other compilation of a listing gets it (ARCHITECTURE.md). It is part of the
/// command, so of the kept key too.
pub(crate) fn bootstrap_if_unstable(command: &mut Command, flags: &CodegenFlags) {
    if flags.needs_bootstrap() {
        command.env("RUSTC_BOOTSTRAP", "1");
    }
}

/// The files rustc read in a crate's last build. Cargo's `lib<crate>.d` lists them for a package
/// of the workspace only (for a package of the lockfile, the corpus's `regex-syntax`, it lists
/// none); rustc's own `deps/<crate>-<hash>.d`, the newest of which is the last build's, lists
/// them for any crate.
pub(crate) fn inputs_of_last_build(profile_dir: &Path, crate_name: &str) -> Vec<PathBuf> {
    let read = |path: &Path| std::fs::read_to_string(path).map(|text| dep_info_inputs(&text)).unwrap_or_default();
    let uplifted = read(&profile_dir.join(format!("lib{crate_name}.d")));
    if !uplifted.is_empty() {
        return uplifted;
    }
    let prefix = format!("{crate_name}-");
    std::fs::read_dir(profile_dir.join("deps"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "d")
                && path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix))
        })
        .max_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
        .map(|newest| read(&newest))
        .unwrap_or_default()
}

/// The package manifest of a source file: the `Cargo.toml` of the nearest folder that has one.
fn manifest_beside(source: &Path) -> Option<PathBuf> {
    source.ancestors().skip(1).map(|dir| dir.join("Cargo.toml")).find(|manifest| manifest.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cargo does not count the `.s` as an output, so a deleted one must still come back.
    #[test]
    fn a_deleted_assembly_file_is_written_again_although_cargo_thinks_the_crate_is_fresh() {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
        // A flag set of its own, so that no other test's files are touched.
        let flags = CodegenFlags::with_opt_level("1");
        let package = Package::named("ch01-the-experiment");
        let build = Build::new(&workspace, &package, &flags, &rustc, Emit::Assembly);
        let first = build.run().unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_file(build.output()).unwrap();
        let again = build.run().unwrap_or_else(|e| panic!("{e}"));
        assert!(build.output().is_file(), "{} did not come back", build.output().display());
        assert_eq!(first, again, "the same crate and flags give the same assembly and object");
    }

    /// `-C` flags reach the listed crate alone, so its dependencies are built once for every
    /// `-C` variant of an optimisation level; each variant's `.s` still has a folder of its own.
    #[test]
    fn a_codegen_variant_builds_beside_its_opt_level_and_writes_its_assembly_apart() {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
        let package = Package::named("ch08-machine-code");
        let name = |path: &Path| path.file_name().unwrap().to_string_lossy().into_owned();
        let book = CodegenFlags::default();
        let abort = CodegenFlags::default().with_codegen("panic=abort");
        let unstable = CodegenFlags::default().with_unstable("merge-functions=disabled");
        let [book, abort, unstable] = [&book, &abort, &unstable].map(|flags| {
            let build = Build::new(&workspace, &package, flags, &rustc, Emit::Assembly);
            (name(&build.target_dir), name(build.output().parent().unwrap()))
        });
        assert_eq!(book, ("asm-opt3".into(), "asm-opt3".into()));
        assert_eq!(abort, ("asm-opt3".into(), "asm-opt3-panic-abort".into()));
        assert_eq!(
            unstable,
            ("asm-opt3-Z-merge-functions-disabled".into(), "asm-opt3-Z-merge-functions-disabled".into())
        );
        let abort_flags = CodegenFlags::default().with_codegen("panic=abort");
        let ir = Build::new(&workspace, &package, &abort_flags, &rustc, Emit::LlvmIr);
        assert_eq!(
            (name(&ir.target_dir), name(ir.output().parent().unwrap())),
            ("asm-opt3.ir".into(), "asm-opt3-panic-abort.ir".into())
        );
        // The two variants' commands differ, so what is kept for one is never read for the other.
        let command = |flags: &CodegenFlags| {
            let build = Build::new(&workspace, &package, flags, &rustc, Emit::Assembly);
            format!("{:?}", build.command())
        };
        assert_ne!(command(&CodegenFlags::default()), command(&CodegenFlags::default().with_codegen("panic=abort")));
    }

    #[test]
    fn a_lockfile_package_s_inputs_come_from_its_newest_dep_info_in_deps_and_a_member_s_from_cargo_s() {
        let dir = std::env::temp_dir().join(format!("listings-dep-info-{}", std::process::id()));
        let deps = dir.join("deps");
        std::fs::create_dir_all(&deps).unwrap();
        // Cargo's file for a lockfile package names no input.
        std::fs::write(dir.join("libregex_syntax.d"), "/t/libregex_syntax.rlib:\n").unwrap();
        for (name, input) in [
            ("regex_syntax-0ld.d", "/old.rs"),
            ("regex_syntax-n3w.d", "/new.rs"),
            ("regex_syntax_x-n3w.d", "/other_crate.rs"),
            ("regex_syntax-n3w.rmeta", "/not_dep_info.rs"),
        ] {
            std::fs::write(deps.join(name), format!("/t/out: {input}\n")).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(inputs_of_last_build(&dir, "regex_syntax"), [PathBuf::from("/new.rs")]);
        std::fs::write(dir.join("libregex_syntax.d"), "/t/libregex_syntax.rlib: /member.rs\n").unwrap();
        assert_eq!(inputs_of_last_build(&dir, "regex_syntax"), [PathBuf::from("/member.rs")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
