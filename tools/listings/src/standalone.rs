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

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::child::{isolated, path_remaps, read, run};
use crate::flags::TARGET;
use crate::{AsmOptions, Chapter, CodegenFlags, Error, Listing, Origin, Provenance, Rustc, Workspace, asm};

/// The listing of `function` in the library crate `crate_name` whose root is `source`.
///
/// `function` is a name in any form [`asm`](crate::asm) accepts: `counting_wake_by_ref`,
/// `NonZeroAfter::poll`. Nothing is cached: each call compiles the file again, so that a
/// student's latest edit is what the test sees.
pub fn asm_of_file(
    source: &Path,
    crate_name: &str,
    function: &str,
    options: &AsmOptions,
    flags: &CodegenFlags,
) -> Result<Listing, Error> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace)?;
    let chapter = Chapter {
        slug: source.display().to_string(),
        dir: source.parent().and_then(Path::parent).unwrap_or(Path::new(".")).to_owned(),
    };
    let text = compile(&workspace, source, crate_name, flags, &rustc, &chapter)?;
    let program = asm::Program::parse(&text);
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
    Ok(Listing { function: selected.name.clone(), lines, provenance, command })
}

/// A program whose `main` is the text `main`, linked with the library crate `crate_name`
/// whose root is `source`; both are compiled with the flags of [`asm_of_file`], so a
/// non-generic function of the library runs the machine code its listing shows. `main` uses
/// the library as `crate_name::…`. Nothing is cached: each call compiles both again, into a
/// folder of its own under `target/listings/standalone/`, which goes when the `BuiltProgram` does.
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
    let library = dir.join(format!("lib{crate_name}.rlib"));
    let mut command = rustc_in(&dir, &workspace, &rustc, "rlib", crate_name, flags);
    command.arg(format!("--emit=link={}", library.display())).arg(source);
    run(&mut command, &slug)?;
    let main_file = dir.join("main.rs");
    std::fs::write(&main_file, main)
        .map_err(|e| Error::Workspace(format!("cannot write {}: {e}", main_file.display())))?;
    let program = dir.join("program");
    let mut command = rustc_in(&dir, &workspace, &rustc, "bin", "program", flags);
    command
        .arg("--extern")
        .arg(format!("{crate_name}={}", library.display()))
        .arg(format!("--emit=link={}", program.display()))
        .arg(&main_file);
    run(&mut command, &slug)?;
    Ok(BuiltProgram { path: program, dir })
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
    // A folder per call, for the output and for rustc's intermediate files (named after the
    // crate, in `--out-dir`): tests of one exercise run in parallel threads, and a student's
    // check may run beside the test command.
    let dir = fresh_dir(workspace, crate_name)?;
    let out = dir.join(format!("{crate_name}.s"));
    let mut command = rustc_in(&dir, workspace, rustc, "lib", crate_name, flags);
    command.arg(format!("--emit=asm={}", out.display())).arg(source);
    let compiled = run(&mut command, &chapter.slug);
    let text = compiled.and_then(|_| read(&out));
    let _ = std::fs::remove_dir_all(&dir);
    text
}
