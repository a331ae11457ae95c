//! Step 1 of the pipeline: compile one crate (a chapter, or a package of the lockfile) to x86-64
//! assembly, reproducibly.
//!
//! Nothing about the machine may reach the output: not the user's `RUSTFLAGS` or cargo config,
//! not a rustc wrapper, not the path of the checkout or of `CARGO_HOME`. So the child cargo
//! gets a cleared environment, every profile key again on its command line (`--config` beats
//! every config file), and path remapping (`child.rs`).
//!
//! When nothing the crate is built from changed since the last build with the same command, the
//! `.s` is read without asking cargo (see [`Stamp`]): cargo's own freshness check costs as much
//! as everything else a `cargo xtask asm` does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::child::{fingerprint, isolated, path_remaps, read, run};
use crate::flags::TARGET;
use crate::{CodegenFlags, Error, Rustc, Workspace};

/// What to compile: a package of the workspace's lockfile, and the name of its library crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Package {
    /// `ch01-the-experiment`, `regex-syntax`.
    pub name: String,
    /// `ch01_the_experiment`, `regex_syntax`.
    pub crate_name: String,
}

impl Package {
    pub fn named(name: &str) -> Package {
        Package { name: name.to_owned(), crate_name: name.replace('-', "_") }
    }
}

/// What the compiler writes for a package besides the `.s`.
pub enum Emit {
    /// The assembly, which every listing is cut from.
    Assembly,
    /// The LLVM IR, whose debug information names each function's type arguments.
    LlvmIr,
}

/// Compiles `package`'s library and returns the text of what `emit` asks for.
pub fn compile(
    workspace: &Workspace,
    package: &Package,
    flags: &CodegenFlags,
    rustc: &Rustc,
    emit: Emit,
) -> Result<String, Error> {
    let (target_dir, extension, emit_flag) = match emit {
        Emit::Assembly => (flags.target_dir(workspace), "s", "asm"),
        // A build of its own: emitting IR renames anonymous constants in the `.s`.
        Emit::LlvmIr => (flags.target_dir(workspace).with_extension("ir"), "ll", "llvm-ir"),
    };
    let output = target_dir.join(format!("{}.{extension}", package.crate_name));
    let mut command = cargo(workspace, rustc);
    command.args(["rustc", "--quiet", "--color", "never", "--locked", "--package", &package.name, "--lib"]);
    command.args(["--profile", "listings", "--target", TARGET, "--target-dir"]).arg(&target_dir);
    for key in flags.profile_config() {
        command.arg("--config").arg(key);
    }
    command.arg("--").arg(format!("--emit={emit_flag}={}", output.display()));
    // The assembly's compilation also writes the object file: the real sizes of the functions the
    // `.s` shows (`object_code.rs`), of exactly the same code.
    let object = matches!(emit, Emit::Assembly).then(|| object_path(&output));
    if let Some(object) = &object {
        command.arg(format!("--emit=obj={}", object.display()));
    }
    command.args(flags.rustc_args());
    let outputs_exist = || output.is_file() && object.as_ref().is_none_or(|o| o.is_file());

    let stamp = Stamp::new(&target_dir, package, &command, rustc);
    if outputs_exist() && stamp.is_fresh(workspace) {
        return read(&output);
    }
    let started = SystemTime::now();
    run(&mut command, &package.name)?;
    if !outputs_exist() {
        // Cargo considers the crate fresh (the `.s` and `.o` are not among its outputs) and will
        // not run rustc again, so a deleted file would never come back: clean the crate and
        // rebuild.
        let mut clean = cargo(workspace, rustc);
        clean.args(["clean", "--quiet", "--package", &package.name, "--profile", "listings", "--target", TARGET]);
        run(clean.arg("--target-dir").arg(&target_dir), &package.name)?;
        run(&mut command, &package.name)?;
    }
    stamp.write(started);
    read(&output)
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

/// What the last successful build ran, and when it started. The output is fresh if the same
/// command would run again and no file the crate is built from (rustc's dep-info lists them,
/// with the manifests, the lockfile and the toolchain pin) changed since that build started.
struct Stamp {
    path: PathBuf,
    fingerprint: String,
    profile_dir: PathBuf,
    crate_name: String,
}

impl Stamp {
    fn new(target_dir: &Path, package: &Package, command: &Command, rustc: &Rustc) -> Stamp {
        Stamp {
            path: target_dir.join(format!("{}.stamp", package.crate_name)),
            fingerprint: fingerprint(command, rustc),
            profile_dir: target_dir.join(TARGET).join("listings"),
            crate_name: package.crate_name.clone(),
        }
    }

    fn is_fresh(&self, workspace: &Workspace) -> bool {
        let Ok(text) = std::fs::read_to_string(&self.path) else { return false };
        let Some((fingerprint, started)) = text.rsplit_once('\n') else { return false };
        let Ok(nanos) = started.trim().parse::<u64>() else { return false };
        let built = SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(nanos);
        let inputs = inputs_of_last_build(&self.profile_dir, &self.crate_name);
        fingerprint == self.fingerprint
            && !inputs.is_empty()
            && inputs
                .iter()
                .map(PathBuf::from)
                .chain(["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"].map(|f| workspace.root.join(f)))
                .chain(inputs.iter().filter_map(|input| manifest_beside(Path::new(input))))
                .all(|input| std::fs::metadata(&input).and_then(|m| m.modified()).is_ok_and(|changed| changed < built))
    }

    fn write(&self, started: SystemTime) {
        let nanos = started.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        // A stamp that cannot be written only costs the next run a cargo check.
        let _ = std::fs::write(&self.path, format!("{}\n{nanos}", self.fingerprint));
    }
}

/// The files rustc read in a crate's last build. Cargo's `lib<crate>.d` lists them for a package
/// of the workspace only (for a package of the lockfile, the corpus's `regex-syntax`, it lists
/// none); rustc's own `deps/<crate>-<hash>.d`, the newest of which is the last build's, lists
/// them for any crate.
fn inputs_of_last_build(profile_dir: &Path, crate_name: &str) -> Vec<String> {
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

/// The prerequisites of a Makefile-style dep-info file (`target: a.rs b.rs`), `\ ` unescaped.
pub(crate) fn dep_info_inputs(dep_info: &str) -> Vec<String> {
    let Some(line) = dep_info.lines().next() else { return Vec::new() };
    let Some((_, prerequisites)) = line.split_once(": ") else { return Vec::new() };
    let mut inputs = Vec::new();
    let mut current = String::new();
    let mut chars = prerequisites.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ' ' => inputs.extend((!current.is_empty()).then(|| std::mem::take(&mut current))),
            c => current.push(c),
        }
    }
    inputs.extend((!current.is_empty()).then_some(current));
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(inputs_of_last_build(&dir, "regex_syntax"), ["/new.rs"]);
        std::fs::write(dir.join("libregex_syntax.d"), "/t/libregex_syntax.rlib: /member.rs\n").unwrap();
        assert_eq!(inputs_of_last_build(&dir, "regex_syntax"), ["/member.rs"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dep_info_lists_every_input_with_escaped_spaces() {
        assert_eq!(
            dep_info_inputs("/t/libx.rlib: /w/src/lib.rs /w/my\\ dir/a.rs\n\n/w/src/lib.rs:\n"),
            ["/w/src/lib.rs", "/w/my dir/a.rs"]
        );
    }
}
