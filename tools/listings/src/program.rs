//! A program built with the listings' flags, for a chapter that runs the compiled code it shows:
//! the cost chapter counts the instructions of the very functions its listings print.
//!
//! Same profile, same rustc flags for the program's own crate, same cleared environment and
//! path remapping as step 1 of the pipeline (`compile.rs`); the program's dependencies (the
//! chapters' libraries among them) are compiled with the same profile, so a non-generic function
//! of a chapter has the machine code of its listing. Its own target directory keeps it from
//! waiting on, or overwriting, the assembly builds and the workspace's own.

use std::path::PathBuf;

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
    command.args(["rustc", "--quiet", "--color", "never", "--locked", "--package", package, "--bin", bin]);
    command.args(["--profile", "listings", "--target", TARGET, "--target-dir"]).arg(&target_dir);
    for key in flags.profile_config() {
        command.arg("--config").arg(key);
    }
    command.arg("--").args(flags.rustc_args());
    run(&mut command, package)?;
    let program = target_dir.join(TARGET).join("listings").join(bin);
    if program.is_file() {
        Ok(program)
    } else {
        Err(Error::Build {
            chapter: package.to_owned(),
            stderr: format!("cargo built `{bin}` but {} is not there", program.display()),
        })
    }
}

/// Builds the example `example` of a crate outside the book (`samples/taskdump`) with the
/// listings' flags, in the folder its assembly listings are compiled in (`compile.rs`), so that
/// the program and the listings share the builds of its dependencies, and returns the path of
/// the program.
pub fn foreign_example(foreign: &ForeignCrate, example: &str) -> Result<PathBuf, Error> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace)?;
    let flags = CodegenFlags::default();
    let target_dir = foreign.target_dir(&workspace).join(flags.dir_name());
    let mut command = cargo_for(&workspace, &rustc, &Package::foreign(foreign), "rustc");
    command.args(["--quiet", "--color", "never", "--example", example]);
    command.args(["--profile", "listings", "--target", TARGET, "--target-dir"]).arg(&target_dir);
    for key in flags.profile_config() {
        command.arg("--config").arg(key);
    }
    command.arg("--").args(flags.rustc_args());
    run(&mut command, &foreign.package)?;
    let program = target_dir.join(TARGET).join("listings").join("examples").join(example);
    match program.is_file() {
        true => Ok(program),
        false => Err(Error::Build {
            chapter: foreign.package.clone(),
            stderr: format!("cargo built the example `{example}` but {} is not there", program.display()),
        }),
    }
}
