//! `figures.toml`: a chapter's measured figures, what produced them, and what they depend on.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;

/// The file's name in its chapter's folder: `chapters/ch09-cost/figures.toml`.
pub const FILE_NAME: &str = "figures.toml";

/// Everything one run of a chapter's measurements produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub provenance: MeasuredWith,
    /// Named figures, for the prose (`{{#figure CHAPTER NAME}}`) and for the tests that hold
    /// the prose's comparisons.
    pub values: BTreeMap<String, Value>,
    /// The sources the figures depend on, with their digests when they were measured.
    #[serde(rename = "input")]
    pub inputs: Vec<Input>,
    /// The locked versions of the crates from crates.io that were measured.
    #[serde(rename = "package")]
    pub packages: Vec<LockedPackage>,
    /// Tables for the page (`{{#figures CHAPTER TABLE}}`), as they are shown.
    #[serde(rename = "table")]
    pub tables: Vec<Table>,
}

/// What the figures were measured with (the compiler, valgrind, the CPU, how wall-clock time
/// was taken) and the command that measures them again: the page names it under every table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasuredWith {
    /// `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub compiler: String,
    /// `valgrind-3.19.0`.
    pub valgrind: String,
    /// `AMD EPYC, 2 logical CPUs`.
    pub cpu: String,
    /// How the wall-clock figures were taken, e.g. `median of 7 runs`.
    pub wall_clock: String,
    /// The command that regenerates the file: `ci/bench-cost`.
    pub command: String,
}

/// A source file, by its path from the checkout's root, and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub path: String,
    pub sha256: String,
}

/// A package as `Cargo.lock` pins it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
}

/// One table: its name (what a directive asks for), its header and its rows, already formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A named figure: a count (instructions, bytes) or a quantity with a fraction (a ratio, an
/// average, nanoseconds), shown with two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Count(u64),
    Decimal(f64),
}

impl Value {
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Count(count) => count as f64,
            Value::Decimal(value) => value,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Count(count) => write!(f, "{count}"),
            Value::Decimal(value) => write!(f, "{value:.2}"),
        }
    }
}

impl Figures {
    pub fn read(path: &Path) -> Result<Figures, Error> {
        let text = std::fs::read_to_string(path).map_err(|error| file_error(path, error))?;
        toml::from_str(&text).map_err(|error| file_error(path, error))
    }

    /// Writes the file with a first line that says where it comes from.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let body = toml::to_string(self).map_err(|error| file_error(path, error))?;
        let text = format!(
            "# Written by `{}`: every figure of one run. Do not edit; run the command again.\n{body}",
            self.provenance.command
        );
        std::fs::write(path, text).map_err(|error| file_error(path, error))
    }

    /// A value by name, or an error listing the names there are.
    pub fn value(&self, name: &str) -> Result<Value, String> {
        self.values.get(name).copied().ok_or_else(|| {
            format!(
                "no figure `{name}`; the figures are: {}",
                self.values.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }

    /// A table by name, or an error listing the tables there are.
    pub fn table(&self, name: &str) -> Result<&Table, String> {
        self.tables.iter().find(|table| table.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.tables.iter().map(|table| table.name.as_str()).collect();
            format!("no table `{name}`; the tables are: {}", names.join(", "))
        })
    }

    /// Why the figures no longer describe the checkout at `root`, one reason per line: a
    /// source that changed or disappeared since they were measured, a crate locked at another
    /// version, another pinned compiler. Empty if they still do.
    pub fn stale(&self, root: &Path, pinned_release: &str) -> Vec<String> {
        let mut reasons = Vec::new();
        if !self.provenance.compiler.starts_with(&format!("rustc {pinned_release} ")) {
            reasons.push(format!(
                "they were measured with {}, and the book is pinned to rustc {pinned_release}",
                self.provenance.compiler
            ));
        }
        for input in &self.inputs {
            match Input::of(root, &input.path) {
                Ok(now) if now.sha256 == input.sha256 => {}
                Ok(_) => reasons.push(format!("{} has changed since they were measured", input.path)),
                Err(error) => reasons.push(format!("{} cannot be read: {error}", input.path)),
            }
        }
        if self.packages.is_empty() {
            return reasons;
        }
        // Parsed once for all the packages.
        let lockfile = match Lockfile::read(root) {
            Ok(lockfile) => lockfile,
            Err(error) => {
                reasons.push(error.to_string());
                return reasons;
            }
        };
        for package in &self.packages {
            match lockfile.package(&package.name) {
                Ok(now) if now.version == package.version => {}
                Ok(now) => reasons.push(format!(
                    "they measured {} {}, and Cargo.lock now has {}",
                    package.name, package.version, now.version
                )),
                Err(error) => reasons.push(error.to_string()),
            }
        }
        reasons
    }
}

impl Input {
    /// The file at `path` (from `root`) as it is now.
    pub fn of(root: &Path, path: &str) -> Result<Input, Error> {
        let bytes = std::fs::read(root.join(path)).map_err(|error| file_error(&root.join(path), error))?;
        let digest = Sha256::digest(&bytes);
        let sha256 = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(Input { path: path.to_owned(), sha256 })
    }
}

impl LockedPackage {
    /// The version of `name` in the checkout's `Cargo.lock` (the only one, or an error).
    pub fn of(root: &Path, name: &str) -> Result<LockedPackage, Error> {
        Lockfile::read(root)?.package(name)
    }
}

/// The checkout's `Cargo.lock`, parsed.
struct Lockfile {
    path: PathBuf,
    lock: toml::Table,
}

impl Lockfile {
    fn read(root: &Path) -> Result<Lockfile, Error> {
        let path = root.join("Cargo.lock");
        let text = std::fs::read_to_string(&path).map_err(|error| file_error(&path, error))?;
        let lock = text.parse().map_err(|error| file_error(&path, error))?;
        Ok(Lockfile { path, lock })
    }

    /// The version of `name` (the only one, or an error).
    fn package(&self, name: &str) -> Result<LockedPackage, Error> {
        let versions: Vec<&str> = self
            .lock
            .get("package")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter(|package| package.get("name").and_then(toml::Value::as_str) == Some(name))
            .filter_map(|package| package.get("version").and_then(toml::Value::as_str))
            .collect();
        match versions.as_slice() {
            [version] => Ok(LockedPackage { name: name.to_owned(), version: (*version).to_owned() }),
            [] => Err(file_error(&self.path, format!("no package `{name}`"))),
            several => Err(file_error(&self.path, format!("package `{name}` is locked at {} versions", several.len()))),
        }
    }
}

fn file_error(path: &Path, reason: impl fmt::Display) -> Error {
    Error::File { path: path.display().to_string(), reason: reason.to_string() }
}
