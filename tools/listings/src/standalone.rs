//! Listings of one source file that is not a chapter: an exercise's solution, or a student's
//! attempt at it, so that an exercise can assert on the machine code of the student's own
//! function.
//!
//! The file is compiled by rustc directly, as a library crate of its own, with the same code
//! generation flags as the chapters (`CodegenFlags::standalone_rustc_args`), then goes through
//! the same parse → select → filter steps as a chapter's assembly. Such a file must need
//! nothing but `std`, which is the rule for chapter libraries too.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::compile::TARGET;
use crate::{AsmOptions, Chapter, CodegenFlags, Error, Listing, Rustc, Workspace, asm};

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
    let program = asm::Program::parse(&text, rustc.version_line, flags.clone());
    asm::listing(&program, &chapter, function, options)
}

fn compile(
    workspace: &Workspace,
    source: &Path,
    crate_name: &str,
    flags: &CodegenFlags,
    rustc: &Rustc,
    chapter: &Chapter,
) -> Result<String, Error> {
    // One file per call: tests of one exercise run in parallel threads, and a student's check
    // may run beside the test command.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let out_dir = workspace.root.join("target/listings/standalone");
    std::fs::create_dir_all(&out_dir).map_err(|e| Error::Workspace(format!("{}: {e}", out_dir.display())))?;
    let out = out_dir.join(format!("{crate_name}-{}-{}.s", std::process::id(), CALLS.fetch_add(1, Ordering::Relaxed)));
    let mut command = Command::new(&rustc.path);
    command.current_dir(&workspace.root).env_clear();
    for kept in ["PATH", "HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"] {
        if let Some(value) = std::env::var_os(kept) {
            command.env(kept, value);
        }
    }
    command
        .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", crate_name, "--target", TARGET])
        .args(flags.standalone_rustc_args())
        .arg(format!("--remap-path-prefix={}=.", workspace.root.display()))
        .arg(format!("--emit=asm={}", out.display()))
        .arg(source);
    let output = command
        .output()
        .map_err(|e| Error::Spawn { program: rustc.path.display().to_string(), reason: e.to_string() })?;
    if !output.status.success() {
        return Err(Error::Build {
            chapter: chapter.slug.clone(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    let text = std::fs::read_to_string(&out).map_err(|e| Error::Workspace(format!("{}: {e}", out.display())));
    let _ = std::fs::remove_file(&out);
    text
}
