//! Listings of one source file that is not a chapter: an exercise's solution, or a student's
//! attempt at it, so that an exercise can assert on the machine code of the student's own
//! function.
//!
//! The file is compiled by rustc directly, as a library crate of its own, with the same code
//! generation flags as the chapters (`CodegenFlags::standalone_rustc_args`), then goes through
//! the same parse → select → filter steps as a chapter's assembly. Such a file must need
//! nothing but `std`, which is the rule for chapter libraries too.
//!
//! [`program_of_file`] links the same file, compiled the same way, into a program, so that an
//! exercise can count the instructions its functions execute (with callgrind, as chapter 9
//! counts the chapters' own).
//!
//! What a compilation writes is kept by content (`target/listings/standalone/kept/`): the key
//! hashes the compiler's version, the whole command and the bytes of the file, and an output is
//! kept only when rustc's dep-info says it read that file alone. So a student's latest edit is
//! always compiled, and the same file checked again, by the test command or by a second
//! `cargo xtask exercise check`, is not.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::child::{isolated, path_remaps, read, run};
use crate::flags::TARGET;
use crate::{AsmListing, AsmOptions, Chapter, CodegenFlags, Error, Listing, Origin, Provenance, Rustc, Workspace, asm};

/// The listing of `function` in the library crate `crate_name` whose root is `source`.
///
/// `function` is a name in any form [`asm`](crate::asm) accepts: `counting_wake_by_ref`,
/// `NonZeroAfter::poll`. The file is compiled again whenever its bytes changed ([`Kept`]).
pub fn asm_of_file(
    source: &Path,
    crate_name: &str,
    function: &str,
    options: &AsmOptions,
    flags: &CodegenFlags,
) -> Result<AsmListing, Error> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace)?;
    let chapter = Chapter {
        slug: source.display().to_string(),
        dir: source.parent().and_then(Path::parent).unwrap_or(Path::new(".")).to_owned(),
    };
    let text = compile(&workspace, source, crate_name, flags, &rustc, &chapter)?;
    let program = asm::Program::parse(&text).map_err(|e| e.in_file(format!("the assembly of {}", chapter.slug)))?;
    // One file compiled once: no second build to tell generic instances apart by.
    let mut no_arguments = || Ok(asm::TypeArguments::default());
    let selected = program.select(function, &chapter.slug, &mut no_arguments)?;
    let lines = asm::lines(&program, selected, &chapter, &workspace.root, options);
    let provenance = Provenance {
        subject: selected.name.clone(),
        compiler: rustc.version_line.clone(),
        origin: Origin::Asm { flags: flags.clone(), options: options.clone() },
        excerpt: None,
    };
    let command = format!("rustc --crate-type lib {} {}", flags.standalone_rustc_args().join(" "), chapter.slug);
    Ok(AsmListing { listing: Listing { function: selected.name.clone(), lines }, provenance, command })
}

/// A program whose `main` is the text `main`, linked with the library crate `crate_name`
/// whose root is `source`; both are compiled with the flags of [`asm_of_file`], so a
/// non-generic function of the library runs the machine code its listing shows. `main` uses
/// the library as `crate_name::…`. Each call gets a copy of the program in a folder of its own
/// under `target/listings/standalone/`, which goes when the `BuiltProgram` does; the program is
/// built again only when the library's or `main`'s bytes changed ([`Kept`]).
pub fn program_of_file(
    source: &Path,
    crate_name: &str,
    main: &str,
    flags: &CodegenFlags,
) -> Result<BuiltProgram, Error> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace)?;
    let slug = source.display().to_string();
    let dir = fresh_dir(&workspace, &format!("{crate_name}-program"))?;
    let program = dir.join("program");
    let library_command = |dir: &Path| {
        let mut command = rustc_in(dir, &workspace, &rustc, "rlib", crate_name, flags);
        command.arg(format!("--emit=link={}", dir.join(format!("lib{crate_name}.rlib")).display())).arg(source);
        command
    };
    let kept = Kept::new(
        &workspace,
        "program",
        &[
            &library_command(Path::new(KEY_DIR)),
            &main_command(Path::new(KEY_DIR), &workspace, &rustc, crate_name, flags),
        ],
        &rustc,
        &[&std::fs::read(source).unwrap_or_default(), main.as_bytes()],
    );
    if kept.copy_to(&program) {
        return Ok(BuiltProgram { path: program, dir });
    }
    let mut command = library_command(&dir);
    command.arg(format!("--emit=dep-info={}", dir.join("library.d").display()));
    run(&mut command, &slug)?;
    let main_file = dir.join("main.rs");
    std::fs::write(&main_file, main)
        .map_err(|e| Error::Workspace(format!("cannot write {}: {e}", main_file.display())))?;
    let mut command = main_command(&dir, &workspace, &rustc, crate_name, flags);
    command.arg(&main_file);
    run(&mut command, &slug)?;
    kept.keep(&program, &dir.join("library.d"), source);
    Ok(BuiltProgram { path: program, dir })
}

/// rustc linking `dir/main.rs` (added by the caller) with the library `crate_name` built in
/// `dir` into `dir/program`.
fn main_command(
    dir: &Path,
    workspace: &Workspace,
    rustc: &Rustc,
    crate_name: &str,
    flags: &CodegenFlags,
) -> std::process::Command {
    let mut command = rustc_in(dir, workspace, rustc, "bin", "program", flags);
    command
        .arg("--extern")
        .arg(format!("{crate_name}={}", dir.join(format!("lib{crate_name}.rlib")).display()))
        .arg(format!("--emit=link={}", dir.join("program").display()));
    command
}

/// A program built by [`program_of_file`]; its folder is removed when it is dropped.
#[derive(Debug)]
pub struct BuiltProgram {
    pub path: PathBuf,
    dir: PathBuf,
}

impl Drop for BuiltProgram {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// rustc, isolated and with the chapters' flags, compiling one crate of edition 2024 whose
/// intermediate files go to `dir`; the caller adds what to emit and the source.
fn rustc_in(
    dir: &Path,
    workspace: &Workspace,
    rustc: &Rustc,
    crate_type: &str,
    crate_name: &str,
    flags: &CodegenFlags,
) -> std::process::Command {
    let mut command = isolated(&rustc.path, workspace);
    command
        .args(["--edition", "2024", "--crate-type", crate_type, "--crate-name", crate_name, "--target", TARGET])
        .args(flags.standalone_rustc_args())
        .args(path_remaps(workspace))
        .arg("--out-dir")
        .arg(dir);
    command
}

/// An empty folder under `target/listings/standalone/`, named for this call and this process,
/// for everything one compilation writes.
fn fresh_dir(workspace: &Workspace, name: &str) -> Result<PathBuf, Error> {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let dir = workspace.root.join("target/listings/standalone").join(format!(
        "{name}-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::Workspace(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

fn compile(
    workspace: &Workspace,
    source: &Path,
    crate_name: &str,
    flags: &CodegenFlags,
    rustc: &Rustc,
    chapter: &Chapter,
) -> Result<String, Error> {
    let asm_command = |dir: &Path| asm_command(dir, workspace, source, crate_name, flags, rustc);
    let bytes = std::fs::read(source).unwrap_or_default();
    let kept = Kept::new(workspace, "asm", &[&asm_command(Path::new(KEY_DIR))], rustc, &[&bytes]);
    if let Some(text) = kept.read() {
        return Ok(text);
    }
    // A folder per call, for the output and for rustc's intermediate files (named after the
    // crate, in `--out-dir`): tests of one exercise run in parallel threads, and a student's
    // check may run beside the test command.
    let dir = fresh_dir(workspace, crate_name)?;
    let out = dir.join(format!("{crate_name}.s"));
    let mut command = asm_command(&dir);
    command.arg(format!("--emit=dep-info={}", dir.join("source.d").display()));
    let compiled = run(&mut command, &chapter.slug);
    let text = compiled.and_then(|_| read(&out));
    if text.is_ok() {
        kept.keep(&out, &dir.join("source.d"), source);
    }
    let _ = std::fs::remove_dir_all(&dir);
    text
}

/// rustc writing the assembly of the library `source` to `dir/<crate_name>.s`.
fn asm_command(
    dir: &Path,
    workspace: &Workspace,
    source: &Path,
    crate_name: &str,
    flags: &CodegenFlags,
    rustc: &Rustc,
) -> std::process::Command {
    let mut command = rustc_in(dir, workspace, rustc, "lib", crate_name, flags);
    command.arg(format!("--emit=asm={}", dir.join(format!("{crate_name}.s")).display())).arg(source);
    command
}

/// The folder name that stands for a call's own folder in the commands a key is made from.
const KEY_DIR: &str = "<dir>";

/// One output of a standalone compilation, kept under `target/listings/standalone/kept/` by a
/// key that hashes everything it is made from: the compiler's version and the commands
/// (`child::fingerprint`, with [`KEY_DIR`] for the call's own folder) and the inputs' bytes
/// (the source's, and a program's `main`). Only an output whose compilation read that
/// source and nothing else is kept (the dep-info says which files rustc read); a file with
/// `mod` items is compiled every time.
struct Kept {
    path: PathBuf,
}

impl Kept {
    fn new(
        workspace: &Workspace,
        what: &str,
        commands: &[&std::process::Command],
        rustc: &Rustc,
        inputs: &[&[u8]],
    ) -> Kept {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        for command in commands {
            crate::child::fingerprint(command, rustc).hash(&mut hasher);
        }
        inputs.hash(&mut hasher);
        let path =
            workspace.root.join("target/listings/standalone/kept").join(format!("{what}-{:016x}", hasher.finish()));
        Kept { path }
    }

    fn read(&self) -> Option<String> {
        std::fs::read_to_string(&self.path).ok()
    }

    /// Copies the kept output to `to`; false if there is none.
    fn copy_to(&self, to: &Path) -> bool {
        std::fs::copy(&self.path, to).is_ok()
    }

    /// Keeps `output`, if its compilation read nothing but `source` (`dep_info`), whole
    /// ([`crate::write_whole`]): a test running beside this one reads all of it or nothing.
    fn keep(&self, output: &Path, dep_info: &Path, source: &Path) {
        let Ok(dep_info) = std::fs::read_to_string(dep_info) else { return };
        let read: Vec<_> = crate::compile::dep_info_inputs(&dep_info);
        let source = std::fs::canonicalize(source).ok();
        if read.len() != 1 || std::fs::canonicalize(&read[0]).ok() != source || source.is_none() {
            return;
        }
        if let Ok(bytes) = std::fs::read(output) {
            // One that cannot be kept is compiled again next time.
            let _ = crate::write_whole(&self.path, &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(source: &Path) -> String {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap();
        let chapter = Chapter { slug: "test".into(), dir: workspace.root.clone() };
        compile(&workspace, source, "kept", &CodegenFlags::default(), &rustc, &chapter).unwrap()
    }

    fn kept(source: &Path) -> Kept {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap();
        let command = asm_command(Path::new(KEY_DIR), &workspace, source, "kept", &CodegenFlags::default(), &rustc);
        Kept::new(&workspace, "asm", &[&command], &rustc, &[&std::fs::read(source).unwrap()])
    }

    fn scratch(name: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = Workspace::this_checkout()
            .root
            .join("target/listings/standalone-test")
            .join(format!("{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_file_is_compiled_once_per_content_and_again_after_any_edit() {
        let dir = scratch("kept");
        let source = dir.join("lib.rs");
        std::fs::write(&source, "#[inline(never)] pub fn answer() -> u32 { 42 }\n").unwrap();
        let first = compiled(&source);
        assert!(first.contains("mov\teax, 42"), "{first}");
        // Compiled once: the second call reads what the first kept (here marked), not rustc.
        let marked = format!("{first}# marked\n");
        std::fs::write(&kept(&source).path, &marked).unwrap();
        assert_eq!(compiled(&source), marked);
        // Any edit, even one that keeps the length and the modification time's second.
        std::fs::write(&source, "#[inline(never)] pub fn answer() -> u32 { 43 }\n").unwrap();
        let edited = compiled(&source);
        assert!(edited.contains("mov\teax, 43"), "{edited}");
        for text in
            ["#[inline(never)] pub fn answer() -> u32 { 42 }\n", "#[inline(never)] pub fn answer() -> u32 { 43 }\n"]
        {
            std::fs::write(&source, text).unwrap();
            let _ = std::fs::remove_file(kept(&source).path);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_reads_another_is_not_kept() {
        let dir = scratch("not-kept");
        let source = dir.join("lib.rs");
        std::fs::write(dir.join("other.rs"), "#[inline(never)] pub fn answer() -> u32 { 42 }\n").unwrap();
        std::fs::write(&source, "pub mod other;\n").unwrap();
        let first = compiled(&source);
        assert!(first.contains("mov\teax, 42"), "{first}");
        assert_eq!(kept(&source).read(), None, "the output of a file with a `mod` item was kept");
        // So an edit of the other file is seen.
        std::fs::write(dir.join("other.rs"), "#[inline(never)] pub fn answer() -> u32 { 43 }\n").unwrap();
        assert!(compiled(&source).contains("mov\teax, 43"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
