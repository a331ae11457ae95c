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
//! What a compilation writes is kept (`kept`) under its command, with the files rustc's
//! dep-info says it read: a student's latest edit, of the file or of a module it declares, is
//! always compiled, and the same files checked again, by the test command or by a second
//! `cargo xtask exercise check`, are not.

use std::path::{Path, PathBuf};

use kept::{Computation, Entry, Key, Output, dep_info_inputs};

use crate::child::{fingerprint_in, isolated, path_remaps, read, run};
use crate::flags::TARGET;
use crate::workspace::ScratchDir;
use crate::{AsmListing, AsmOptions, Chapter, CodegenFlags, Error, Listing, Origin, Provenance, Rustc, Workspace, asm};

/// The listing of `function` in the library crate `crate_name` whose root is `source`.
///
/// `function` is a name in any form [`asm`](crate::asm) accepts: `counting_wake_by_ref`,
/// `NonZeroAfter::poll`. The file is compiled again whenever it, or a file it reads, changed.
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
        origin: Origin::Asm { flags: flags.clone(), options: options.clone(), bootstrap: None },
        excerpt: None,
    };
    // The pinned compiler is a stable one: a `-Z` flag needs the variable on the command too.
    let bootstrap = if flags.needs_bootstrap() { "RUSTC_BOOTSTRAP=1 " } else { "" };
    let words = crate_words("lib", crate_name, flags).join(" ");
    let command = format!("{bootstrap}rustc {words} --emit=asm {}", chapter.slug);
    Ok(AsmListing { listing: Listing { function: selected.name.clone(), lines }, provenance, command })
}

/// A program whose `main` is the text `main`, linked with the library crate `crate_name`
/// whose root is `source`; both are compiled with the flags of [`asm_of_file`], so a
/// non-generic function of the library runs the machine code its listing shows. `main` uses
/// the library as `crate_name::…`. Each call gets a copy of the program in a folder of its own,
/// which goes when the `BuiltProgram` does; the program is built again only when `main` or a
/// file the library reads changed.
pub fn program_of_file(
    source: &Path,
    crate_name: &str,
    main: &str,
    flags: &CodegenFlags,
) -> Result<BuiltProgram, Error> {
    program(source, crate_name, Main::Text(main), flags)
}

/// [`program_of_file`] with `main` a file of the checkout (a chapter's
/// `tests/experiments/NAME.rs`) instead of a text: the program's debug information then names
/// that file, as the library's, at its path in the checkout, which a debugger run from the
/// checkout's root finds. Paths relative to the checkout's root (as rustc, run there, gets them)
/// stay relative in the debug information: `chapters/…`. The program is built again when either
/// file changed.
pub fn program_with_main_file(
    source: &Path,
    crate_name: &str,
    main: &Path,
    flags: &CodegenFlags,
) -> Result<BuiltProgram, Error> {
    let path = Workspace::this_checkout().root.join(main);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::Read { path: path.display().to_string(), reason: e.to_string() })?;
    program(source, crate_name, Main::File { path: main, text: &text }, flags)
}

/// Where a program's `main` comes from.
enum Main<'a> {
    /// A text, written into the program's folder as `main.rs`.
    Text(&'a str),
    /// A file of the checkout, compiled where it is; `text` is what it holds now.
    File { path: &'a Path, text: &'a str },
}

fn program(source: &Path, crate_name: &str, main: Main<'_>, flags: &CodegenFlags) -> Result<BuiltProgram, Error> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace)?;
    let slug = source.display().to_string();
    let scratch = workspace.scratch_dir(&format!("{crate_name}-program"))?;
    let dir = scratch.path();
    let (program, dep_info) = (dir.join("program"), dir.join("library.d"));
    let (main_file, main_text) = match main {
        Main::Text(text) => (dir.join("main.rs"), text),
        Main::File { path, text } => (path.to_owned(), text),
    };
    let mut library = rustc_in(dir, &workspace, &rustc, "rlib", crate_name, flags);
    library.arg(format!(
        "--emit=link={},dep-info={}",
        dir.join(format!("lib{crate_name}.rlib")).display(),
        dep_info.display()
    ));
    library.arg(source);
    let mut linked = rustc_in(dir, &workspace, &rustc, "bin", "program", flags);
    linked
        .arg("--extern")
        .arg(format!("{crate_name}={}", dir.join(format!("lib{crate_name}.rlib")).display()))
        .arg(format!("--emit=link={}", program.display()))
        .arg(&main_file);

    let key = Key::new("standalone-program")
        .with(fingerprint_in(&library, &rustc, dir))
        .with(fingerprint_in(&linked, &rustc, dir))
        .with(main_text);
    let kept = workspace.kept();
    let written = |e: std::io::Error| Error::Write { path: program.display().to_string(), reason: e.to_string() };
    if let Some(output) = kept.get(&key).as_ref().and_then(|entry| entry.output("program")) {
        output.write(&program).map_err(written)?;
        return Ok(BuiltProgram { path: program, _folder: scratch });
    }
    let computation = Computation::start();
    run(&mut library, &slug)?;
    if let Main::Text(text) = main {
        std::fs::write(&main_file, text)
            .map_err(|e| Error::Write { path: main_file.display().to_string(), reason: e.to_string() })?;
    }
    run(&mut linked, &slug)?;
    let built = Output::read("program", &program)
        .map_err(|e| Error::Read { path: program.display().to_string(), reason: e.to_string() })?;
    // One that cannot be kept is built again next time.
    let _ = kept.keep(&key, &Entry::new(vec![built]), &files_read(&workspace, &dep_info), computation);
    Ok(BuiltProgram { path: program, _folder: scratch })
}

/// A program built by [`program_of_file`]; its folder is removed when it is dropped.
#[derive(Debug)]
pub struct BuiltProgram {
    pub path: PathBuf,
    /// Held for its `Drop`, which removes the folder.
    _folder: ScratchDir,
}

/// What decides the code of a file compiled on its own: the edition, the crate's type and name
/// (its symbols carry the name), the target and the flags. The compile and the command a listing
/// shows are both made of these words, so the command reproduces the listing.
fn crate_words(crate_type: &str, crate_name: &str, flags: &CodegenFlags) -> Vec<String> {
    ["--edition", "2024", "--crate-type", crate_type, "--crate-name", crate_name, "--target", TARGET]
        .into_iter()
        .map(str::to_owned)
        .chain(flags.standalone_rustc_args())
        .collect()
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
    command.args(crate_words(crate_type, crate_name, flags)).args(path_remaps(workspace)).arg("--out-dir").arg(dir);
    crate::compile::bootstrap_if_unstable(&mut command, flags);
    command
}

/// rustc writing the assembly of the library `source` to `dir/<crate_name>.s`, and the files it
/// read to `dir/source.d`.
fn asm_command(
    dir: &Path,
    workspace: &Workspace,
    source: &Path,
    crate_name: &str,
    flags: &CodegenFlags,
    rustc: &Rustc,
) -> std::process::Command {
    let (out, dep_info) = (dir.join(format!("{crate_name}.s")), dir.join("source.d"));
    let mut command = rustc_in(dir, workspace, rustc, "lib", crate_name, flags);
    command.arg(format!("--emit=asm={},dep-info={}", out.display(), dep_info.display())).arg(source);
    command
}

fn asm_key(command: &std::process::Command, rustc: &Rustc, dir: &Path) -> Key {
    Key::new("standalone-asm").with(fingerprint_in(command, rustc, dir))
}

/// The files rustc's dep-info at `dep_info` says a compilation read, as paths from the folder
/// rustc ran in (the workspace root); none if it cannot be read, so nothing is kept.
fn files_read(workspace: &Workspace, dep_info: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(dep_info) else { return Vec::new() };
    dep_info_inputs(&text).into_iter().map(|read| workspace.root.join(read)).collect()
}

/// The assembly of the library `source`, compiled with `flags`, or kept from the last time the
/// same command read the same files.
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
    let scratch = workspace.scratch_dir(crate_name)?;
    let (out, dep_info) = (scratch.path().join(format!("{crate_name}.s")), scratch.path().join("source.d"));
    let mut command = asm_command(scratch.path(), workspace, source, crate_name, flags, rustc);
    let key = asm_key(&command, rustc, scratch.path());
    let kept = workspace.kept();
    if let Some(text) = kept.get(&key).as_ref().and_then(|entry| entry.text("asm")) {
        return Ok(text.to_owned());
    }
    let computation = Computation::start();
    run(&mut command, &chapter.slug)?;
    let text = read(&out)?;
    let entry = Entry::new(vec![Output::new("asm", text.clone().into_bytes())]);
    // One that cannot be kept is compiled again next time.
    let _ = kept.keep(&key, &entry, &files_read(workspace, &dep_info), computation);
    Ok(text)
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

    /// Keeps `text` as the assembly of `source`, as if rustc had written it.
    fn keep_as_compiled(source: &Path, text: &str) {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap();
        let scratch = workspace.scratch_dir("kept").unwrap();
        let command = asm_command(scratch.path(), &workspace, source, "kept", &CodegenFlags::default(), &rustc);
        let key = asm_key(&command, &rustc, scratch.path());
        let entry = Entry::new(vec![Output::new("asm", text.as_bytes().to_vec())]);
        let long_ago = Computation::start();
        std::thread::sleep(std::time::Duration::from_millis(150));
        assert!(workspace.kept().keep(&key, &entry, &[source.to_owned()], long_ago).unwrap());
    }

    /// A folder of the test's own, whose files were written long enough ago to be kept as inputs.
    fn scratch(name: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = Workspace::this_checkout()
            .tools_dir("standalone-test")
            .join(format!("{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write_long_ago(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(path).unwrap().set_modified(an_hour_ago).unwrap();
    }

    #[test]
    fn a_file_is_compiled_once_and_again_after_any_edit() {
        let dir = scratch("kept");
        let source = dir.join("lib.rs");
        write_long_ago(&source, "#[inline(never)] pub fn answer() -> u32 { 42 }\n");
        let first = compiled(&source);
        assert!(first.contains("mov\teax, 42"), "{first}");
        // Compiled once: a second call reads what was kept (here marked), not rustc's output.
        let marked = format!("{first}# marked\n");
        keep_as_compiled(&source, &marked);
        assert_eq!(compiled(&source), marked);
        // Any edit, even one that keeps the length and the modification time.
        let modified = std::fs::metadata(&source).unwrap().modified().unwrap();
        std::fs::write(&source, "#[inline(never)] pub fn answer() -> u32 { 43 }\n").unwrap();
        std::fs::File::options().write(true).open(&source).unwrap().set_modified(modified).unwrap();
        let edited = compiled(&source);
        assert!(edited.contains("mov\teax, 43"), "{edited}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_reads_another_is_compiled_again_when_the_other_changes() {
        let dir = scratch("module");
        let source = dir.join("lib.rs");
        write_long_ago(&dir.join("other.rs"), "#[inline(never)] pub fn answer() -> u32 { 42 }\n");
        write_long_ago(&source, "pub mod other;\n");
        assert!(compiled(&source).contains("mov\teax, 42"));
        write_long_ago(&dir.join("other.rs"), "#[inline(never)] pub fn answer() -> u32 { 43 }\n");
        assert!(compiled(&source).contains("mov\teax, 43"), "an edit of the module was not seen");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_kept_program_is_the_same_file_with_the_same_permissions_and_runs() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = scratch("program");
        let source = dir.join("lib.rs");
        write_long_ago(&source, "pub fn answer() -> i32 { 42 }\n");
        let main = "fn main() { std::process::exit(kept::answer()) }\n";
        let built = |_| program_of_file(&source, "kept", main, &CodegenFlags::default()).unwrap();
        let (fresh, again) = (built(1), built(2));
        assert_ne!(fresh.path, again.path, "each call has a folder of its own");
        for program in [&fresh, &again] {
            let status = std::process::Command::new(&program.path).status().unwrap();
            assert_eq!(status.code(), Some(42), "{} did not run as built", program.path.display());
        }
        let file = |program: &BuiltProgram| {
            let mode = std::fs::metadata(&program.path).unwrap().permissions().mode();
            (std::fs::read(&program.path).unwrap(), mode)
        };
        assert!(file(&fresh) == file(&again), "the kept program differs from the one rustc wrote");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
