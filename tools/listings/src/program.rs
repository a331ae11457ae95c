//! A program built with the listings' flags, for a chapter that runs the compiled code it shows:
//! the cost chapter counts the instructions of the very functions its listings print.
//!
//! Same profile, same rustc flags for the program's own crate, same cleared environment and
//! path remapping as step 1 of the pipeline (`compile.rs`); the program's dependencies (the
//! chapters' libraries among them) are compiled with the same profile, so a non-generic function
//! of a chapter has the machine code of its listing. Its own target directory keeps it from
//! waiting on, or overwriting, the assembly builds and the workspace's own.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::child::run;
use crate::compile::{Package, cargo, cargo_for};
use crate::flags::TARGET;
use crate::{CodegenFlags, Error, ForeignCrate, Rustc, Workspace};

/// Builds the binary `bin` of the workspace package `package` at `opt-level=3` with the
/// listings' flags, and returns the path of the program.
pub fn optimised_program(package: &str, bin: &str) -> Result<PathBuf, Error> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace)?;
    let flags = CodegenFlags::default();
    let target_dir = workspace.tools_dir("listings").join(format!("programs-opt{}", flags.opt_level));
    let mut command = cargo(&workspace, &rustc);
    command.args(["rustc", "--locked", "--package", package, "--bin", bin]);
    built_with_listing_flags(command, &flags, &target_dir, package, bin, &[])
}

/// Builds the example `example` of a crate outside the book (`samples/taskdump`) with the
/// listings' flags, in the folder its assembly listings are compiled in (`compile.rs`), so that
/// the program and the listings share the builds of its dependencies, and returns the path of
/// the program.
pub fn foreign_example(foreign: &ForeignCrate, example: &str) -> Result<PathBuf, Error> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace)?;
    let flags = CodegenFlags::default();
    let target_dir = foreign.target_dir(&workspace).join(flags.cargo_dir_name());
    let mut command = cargo_for(&workspace, &rustc, &Package::foreign(foreign), "rustc");
    command.args(["--example", example]);
    built_with_listing_flags(command, &flags, &target_dir, &foreign.package, example, &["examples"])
}

/// `command` (a `cargo rustc` naming what to build) run in the listings' profile with `flags`
/// into `target_dir`; the path of the program `name`, found under `folders` of the profile's
/// output (`examples` for an example).
fn built_with_listing_flags(
    mut command: Command,
    flags: &CodegenFlags,
    target_dir: &Path,
    package: &str,
    name: &str,
    folders: &[&str],
) -> Result<PathBuf, Error> {
    command.args(["--quiet", "--color", "never"]);
    command.args(["--profile", "listings", "--target", TARGET, "--target-dir"]).arg(target_dir);
    for key in flags.profile_config() {
        command.arg("--config").arg(key);
    }
    command.arg("--").args(flags.rustc_args());
    run(&mut command, package)?;
    let program =
        folders.iter().fold(target_dir.join(TARGET).join("listings"), |dir, folder| dir.join(folder)).join(name);
    match program.is_file() {
        true => Ok(program),
        false => Err(Error::Build {
            chapter: package.to_owned(),
            stderr: format!("cargo built `{name}` but {} is not there", program.display()),
        }),
    }
}
