//! The pinned g++ and one compilation of a C++ source to Intel-syntax assembly.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Chapter, Error, Workspace};

/// The checkout's `gxx-toolchain.toml`, read when this crate is compiled.
const TOOLCHAIN_FILE: &str = include_str!("../../../../gxx-toolchain.toml");

/// The flags of every C++ listing. `-fno-exceptions` and `-fno-asynchronous-unwind-tables` keep
/// the listing to the coroutine's own code (no exception tables, no CFI); `-g0` and
/// `-fno-ident` keep paths and the compiler's banner out of the `.s`.
pub const FLAGS: [&str; 7] =
    ["-std=c++20", "-O2", "-masm=intel", "-fno-exceptions", "-fno-asynchronous-unwind-tables", "-g0", "-fno-ident"];

/// The pinned C++ compiler, as `gxx-toolchain.toml` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// `12.2.0`: what `g++ -dumpfullversion` must print.
    pub release: String,
    /// `g++-12`: the command run.
    pub command: String,
    /// `g++-12`: the Debian package that provides it.
    pub debian_package: String,
}

/// The pin from `gxx-toolchain.toml`.
pub fn pinned() -> Pin {
    let table: toml::Table = TOOLCHAIN_FILE.parse().expect("gxx-toolchain.toml is valid TOML");
    let field =
        |key: &str| table["gxx"][key].as_str().unwrap_or_else(|| panic!("gxx-toolchain.toml: gxx.{key}")).to_owned();
    Pin { release: field("release"), command: field("command"), debian_package: field("debian-package") }
}

/// What needs the pinned g++: said wherever it is missing or another release is found, and by
/// `cargo xtask system-tools` (which `ci/student-setup` runs).
pub const NEEDED_FOR: &str =
    "chapter 8's appendix compiles its C++ listings with it: ci/test needs it, no exercise does";

impl Pin {
    /// How the snapshots name the compiler: the same on every machine (no Debian revision).
    pub fn describe(&self) -> String {
        format!("g++ {}", self.release)
    }

    /// How to get this g++, on the systems the book's set-up names. Debian 12's `g++-12` is
    /// 12.2.0; Ubuntu's `g++-12` is a 12.3 release (22.04 and 24.04), Fedora's and macOS's
    /// compilers are other majors, so there the container is the way.
    pub fn how_to_install(&self) -> String {
        format!(
            "on Debian 12, `sudo apt-get install {package}` (its `{command}` is g++ {release}); Ubuntu's, Fedora's \
             and macOS's g++ are other releases, which the C++ listings refuse: use the book's container \
             (Dockerfile, .devcontainer/), which has it",
            package = self.debian_package,
            command = self.command,
            release = self.release,
        )
    }
}

/// Refuses a g++ whose `-dumpfullversion` is not the pinned release.
pub(crate) fn check_release(pin: &Pin, dumped: &str) -> Result<(), Error> {
    let found = dumped.trim();
    if found == pin.release {
        Ok(())
    } else {
        Err(Error::GxxMismatch {
            pinned: pin.release.clone(),
            command: pin.command.clone(),
            found: found.to_owned(),
            install: pin.how_to_install(),
        })
    }
}

/// Runs the pinned g++ (refusing any other) on `source`, a path inside the chapter, and returns
/// the assembly it wrote.
pub fn assembly(workspace: &Workspace, chapter: &Chapter, source: &Path) -> Result<String, Error> {
    let out = run(workspace, chapter, source, "s", &["-S"])?;
    std::fs::read_to_string(&out).map_err(|e| Error::Read { path: out.display().to_string(), reason: e.to_string() })
}

/// Compiles and links `source` (a program of the chapter, with a `main`) with the listings' flags,
/// and returns the path of the executable: a program that measures at run time what a listing
/// shows is built exactly as the listing was.
pub fn executable(chapter: &str, source: &str) -> Result<PathBuf, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    run(&workspace, &chapter, Path::new(source), "", &[])
}

/// One run of the pinned g++ on `source`, writing `<target>/under-the-await/listings/cpp/<crate>/<stem>[.extension]`.
fn run(
    workspace: &Workspace,
    chapter: &Chapter,
    source: &Path,
    extension: &str,
    extra: &[&str],
) -> Result<PathBuf, Error> {
    let pin = pinned();
    let gxx = |args: &[&str]| {
        let mut command = Command::new(&pin.command);
        command.current_dir(&chapter.dir).env_clear().env("LC_ALL", "C").args(args);
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command
    };
    let missing = |e: std::io::Error| Error::Spawn {
        program: pin.command.clone(),
        reason: format!("{e}. {} ({NEEDED_FOR}); to install it: {}", pin.describe(), pin.how_to_install()),
    };
    let version = gxx(&["-dumpfullversion"]).output().map_err(missing)?;
    check_release(&pin, &String::from_utf8_lossy(&version.stdout))?;

    if !chapter.dir.join(source).is_file() {
        let mut known: Vec<String> = std::fs::read_dir(chapter.dir.join("cpp"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.path().extension().is_some_and(|e| e == "cpp"))
            .map(|entry| format!("cpp/{}", entry.file_name().to_string_lossy()))
            .collect();
        known.sort();
        return Err(Error::UnknownCppSource {
            given: source.display().to_string(),
            chapter: chapter.slug.clone(),
            known,
        });
    }
    let out_dir = workspace.tools_dir("listings").join("cpp").join(chapter.crate_name());
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| Error::Write { path: out_dir.display().to_string(), reason: e.to_string() })?;
    let out: PathBuf = out_dir.join(source.with_extension(extension).file_name().unwrap_or_default());
    let mut command = gxx(&FLAGS);
    command.args(extra).arg("-o").arg(&out).arg(source);
    let output = command.output().map_err(missing)?;
    if !output.status.success() {
        return Err(Error::Build {
            chapter: chapter.slug.clone(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_comes_from_gxx_toolchain_toml() {
        let pin = pinned();
        assert_eq!(pin.release, "12.2.0");
        assert_eq!(pin.command, "g++-12");
        assert_eq!(pin.describe(), "g++ 12.2.0");
    }

    #[test]
    fn another_gxx_is_refused_with_one_message_naming_both_versions() {
        let pin = pinned();
        assert_eq!(check_release(&pin, "12.2.0\n"), Ok(()));
        let message = check_release(&pin, "13.3.0\n").unwrap_err().to_string();
        assert!(message.contains("pinned to g++ 12.2.0"), "{message}");
        assert!(message.contains("13.3.0"), "{message}");
        assert!(!message.contains('\n'), "one line: {message}");
        assert!(message.contains("sudo apt-get install g++-12"), "how to get it: {message}");
        assert!(message.contains("container"), "where Debian's is not at hand: {message}");
    }
}
