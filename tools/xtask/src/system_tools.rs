//! What the book runs besides Rust: valgrind, the pinned g++ and the pinned gdb. `cargo xtask system-packages`
//! lists them for ci/ (which installs the Debian packages of those missing); `cargo xtask
//! system-tools` tells a student or an author what is found, what needs each one, and how to get
//! it (`ci/student-setup` runs it). What needs a tool and how to install it are said where the
//! tool is run (`figures::callgrind`, `listings::cpp::gxx`, `listings::session::gdb`), so that the error of a check without
//! it and this list say the same.

use std::path::Path;
use std::process::{Command, ExitCode};

use listings::Workspace;

use crate::stdout::outln;
use listings::session::gdb;

/// One program the book runs besides Rust.
pub struct SystemTool {
    /// How messages name it: `valgrind`, `g++ 12.2.0`.
    pub name: String,
    /// The command run: `valgrind`, `g++-12`.
    pub command: String,
    /// The Debian package ci/ installs when the command is missing.
    pub debian_package: String,
    /// What needs it.
    pub needed_for: String,
    /// How to get it on Debian/Ubuntu, Fedora and macOS.
    pub how_to_install: String,
}

/// The crate an exercise's checks use to count instructions with callgrind.
const COUNTS_WITH_CALLGRIND: &str = "figures";

/// valgrind, then the pinned g++, then the pinned gdb.
pub fn system_tools(root: &Path) -> Vec<SystemTool> {
    let gxx = listings::cpp::gxx::pinned();
    let counting = exercises_using(root, COUNTS_WITH_CALLGRIND);
    let valgrind_for = match counting.is_empty() {
        true => figures::callgrind::NEEDED_FOR.to_owned(),
        false => format!("{}; the exercises: {}", figures::callgrind::NEEDED_FOR, counting.join(", ")),
    };
    vec![
        SystemTool {
            name: "valgrind".into(),
            command: "valgrind".into(),
            debian_package: "valgrind".into(),
            needed_for: valgrind_for,
            how_to_install: figures::callgrind::HOW_TO_INSTALL.into(),
        },
        SystemTool {
            name: gxx.describe(),
            command: gxx.command.clone(),
            debian_package: gxx.debian_package.clone(),
            needed_for: listings::cpp::gxx::NEEDED_FOR.into(),
            how_to_install: gxx.how_to_install(),
        },
        SystemTool {
            name: gdb::describe(),
            command: gdb::COMMAND.into(),
            debian_package: gdb::DEBIAN_PACKAGE.into(),
            needed_for: gdb::NEEDED_FOR.into(),
            how_to_install: gdb::how_to_install(),
        },
    ]
}

/// The exercises whose checks depend on `package` (a dev-dependency of their manifest), by name.
/// An exercise whose manifest cannot be read is named too: better one tool too many on the list.
pub fn exercises_using(root: &Path, package: &str) -> Vec<String> {
    let Ok(exercises) = course::exercise::exercises(root) else { return Vec::new() };
    exercises
        .into_iter()
        .filter(|exercise| {
            let manifest = std::fs::read_to_string(exercise.dir.join("Cargo.toml")).unwrap_or_default();
            manifest.parse::<toml::Table>().map_or(true, |table| {
                table.get("dev-dependencies").and_then(|d| d.as_table()).is_some_and(|d| d.contains_key(package))
            })
        })
        .map(|exercise| exercise.name)
        .collect()
}

/// What the command on `PATH` is: `Ok(version)` when it is the one the book needs, otherwise
/// what is wrong with it.
fn found(tool: &SystemTool) -> Result<String, String> {
    let gxx = listings::cpp::gxx::pinned();
    let version_flag = if tool.command == gxx.command { "-dumpfullversion" } else { "--version" };
    let output = Command::new(&tool.command)
        .arg(version_flag)
        .output()
        .map_err(|e| format!("`{}` is not installed ({e})", tool.command))?;
    let printed = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() {
        return Err(format!("`{} {version_flag}` failed ({})", tool.command, output.status));
    }
    if tool.command == gxx.command && printed != gxx.release {
        return Err(format!("`{}` is g++ {printed}, not the pinned {}", tool.command, gxx.release));
    }
    if tool.command == gdb::COMMAND && gdb::check_release(&printed).is_err() {
        let found = gdb::release_of(&printed);
        return Err(format!("`{}` is gdb {found}, not the pinned {}", tool.command, gdb::RELEASE));
    }
    // gdb's `--version` goes on with its copyright: its first line says the version.
    Ok(printed.lines().next().unwrap_or_default().to_owned())
}

/// `cargo xtask system-packages`: `COMMAND PACKAGE`, a line each.
pub fn print_packages() -> ExitCode {
    for tool in system_tools(&Workspace::this_checkout().root) {
        outln!("{} {}", tool.command, tool.debian_package);
    }
    ExitCode::SUCCESS
}

/// `cargo xtask system-tools`: each tool, found or not; for one that is not, what needs it and how
/// to install it. Exits 0 either way: most exercises need none of them (it says how many), and a check
/// that needs one says so itself.
pub fn print_report() -> ExitCode {
    let root = Workspace::this_checkout().root;
    let tools = system_tools(&root);
    let all = course::exercise::exercises(&root).map(|e| e.len()).unwrap_or_default();
    let counting = exercises_using(&root, COUNTS_WITH_CALLGRIND).len();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    let names = match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    outln!("Besides Rust, the book runs {names}. {} of its {all} exercises need none of them.", all - counting);
    for tool in &tools {
        match found(tool) {
            Ok(version) => outln!("✓ {}: found, `{}` ({version})", tool.name, tool.command),
            Err(problem) => {
                outln!("✗ {}: {problem}", tool.name);
                outln!("    needed for: {}", tool.needed_for);
                outln!("    to install it: {}", tool.how_to_install);
            }
        }
    }
    ExitCode::SUCCESS
}
