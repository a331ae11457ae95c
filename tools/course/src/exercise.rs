//! The exercises, and the package a student works in.
//!
//! An exercise is a crate of the workspace, `exercises/chNN-name/`: `README.md` (the task, its
//! `#` heading the title), `src/lib.rs` (the solution, with the starter in its markers, see
//! [`markers`](crate::markers)) and `tests/` (the checks). The student never edits it. Their
//! attempt is a package of its own, `my-exercises/chNN-name/`: the starter as `src/lib.rs`, and a
//! manifest whose tests are the exercise's own files, so that a student's copy of the tests can
//! neither drift nor be edited into passing.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::error::{Error, ManifestProblem, line_of, toml_error};
use crate::markers::{self, Version};

/// Where exercises live, and where a student's attempts go, relative to the checkout.
pub const EXERCISES_DIR: &str = "exercises";
pub const STUDENT_DIR: &str = "my-exercises";

/// One exercise of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// `ch03-counting-waker`: its folder, its package, the name a student types.
    pub name: String,
    pub dir: PathBuf,
    /// The `#` heading of its README.
    pub title: String,
    /// The README after its heading: the task, in plain words.
    pub statement: String,
}

impl Exercise {
    /// `ch03`: the chapter whose page sets it.
    pub fn chapter_number(&self) -> &str {
        self.name.split('-').next().unwrap_or_default()
    }

    /// `ch03_counting_waker`: the name its tests `use`.
    pub fn crate_name(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The marked solution: the exercise crate's own library.
    pub fn solution_file(&self) -> PathBuf {
        self.dir.join("src/lib.rs")
    }

    /// The library as a student starts it.
    pub fn starter(&self) -> Result<String, Error> {
        self.cut(Version::Starter)
    }

    /// The library as solved, without its markers.
    pub fn solution(&self) -> Result<String, Error> {
        self.cut(Version::Solution)
    }

    fn cut(&self, version: Version) -> Result<String, Error> {
        let file = self.solution_file();
        let text = std::fs::read_to_string(&file).map_err(|e| Error::read(&file, e))?;
        markers::cut(&text, version).map_err(|error| Error::Markers { file, error })
    }

    /// The test files, by file name, sorted: `tests/contract.rs`, ….
    pub fn test_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("tests"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        files
    }
}

/// A name that is no exercise, with the names that are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownExercise {
    pub given: String,
    pub known: Vec<String>,
    pub closest: Vec<String>,
}

impl fmt::Display for UnknownExercise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "there is no exercise `{}`", self.given)?;
        if let Some(closest) = self.closest.first() {
            write!(f, " (did you mean {closest}?)")?;
        }
        write!(f, "; the exercises are: {}", self.known.join(", "))
    }
}

impl std::error::Error for UnknownExercise {}

/// Every exercise, in the book's order (by chapter, then name).
pub fn exercises(root: &Path) -> Result<Vec<Exercise>, Error> {
    let folder = root.join(EXERCISES_DIR);
    let entries = std::fs::read_dir(&folder).map_err(|e| Error::read(&folder, e))?;
    let mut found = Vec::new();
    for dir in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
        if !is_exercise_name(&name) || !dir.join("Cargo.toml").is_file() {
            continue;
        }
        let readme = dir.join("README.md");
        let text = std::fs::read_to_string(&readme).map_err(|e| Error::read(&readme, e))?;
        let Some((title, statement)) = split_heading(&text) else { return Err(Error::NoTitle { readme }) };
        found.push(Exercise { name, dir, title, statement });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// The exercise a student means; [`Error::UnknownExercise`] if there is none of that name.
pub fn find(root: &Path, name: &str) -> Result<Exercise, Error> {
    let all = exercises(root)?;
    let wanted = name.trim().trim_end_matches('/');
    let wanted = wanted.rsplit('/').next().unwrap_or(wanted);
    match all.iter().find(|exercise| exercise.name == wanted) {
        Some(exercise) => Ok(exercise.clone()),
        None => {
            let known: Vec<String> = all.iter().map(|e| e.name.clone()).collect();
            let closest = listings::closest_names(wanted, &known);
            Err(UnknownExercise { given: name.to_owned(), known, closest }.into())
        }
    }
}

/// `chNN-` followed by a name: the folders of `exercises/` that are exercises (the shared
/// test harness lives there too).
fn is_exercise_name(name: &str) -> bool {
    name.strip_prefix("ch").and_then(|rest| rest.split_once('-')).is_some_and(|(number, rest)| {
        number.len() == 2 && number.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty()
    })
}

fn split_heading(text: &str) -> Option<(String, String)> {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let title = first.strip_prefix("# ")?.trim().to_owned();
    Some((title, rest.trim_start_matches('\n').to_owned()))
}

/// Writes a package at `dest` that tests `lib` (the text of a `src/lib.rs`) with `exercise`'s
/// tests: the student's package, or the one the test command builds from a starter.
///
/// Its manifest points at the exercise's test files and its dependencies by relative paths
/// (the library's, if it has any, and the checks'), has a `[workspace]` of its own (it is no
/// member of the book's workspace), and the checkout's `Cargo.lock` is copied beside it so that
/// it builds with the same crate versions.
///
/// `kind` names what the package holds (`my`, `starter`, `solution`): packages of one exercise
/// share the checkout's target folder, and cargo tells their builds apart by package name, not
/// by folder.
pub fn write_package(root: &Path, exercise: &Exercise, kind: &str, dest: &Path, lib: &str) -> Result<(), Error> {
    let src = dest.join("src");
    std::fs::create_dir_all(&src).map_err(|e| Error::create_folder(&src, e))?;
    write_if_changed(&src.join("lib.rs"), lib)?;
    write_if_changed(&dest.join("README.md"), &format!("# {}\n\n{}", exercise.title, exercise.statement))?;
    refresh_manifest(root, exercise, kind, dest)
}

/// Writes the manifest and the lock file of a package at `dest` again, leaving its `src/lib.rs`
/// alone: the exercise's tests may have changed since the package was written.
pub fn refresh_manifest(root: &Path, exercise: &Exercise, kind: &str, dest: &Path) -> Result<(), Error> {
    let manifest = manifest(root, exercise, kind, dest)?;
    write_if_changed(&dest.join("Cargo.toml"), &manifest)?;
    let lock_file = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_file).map_err(|e| Error::read(&lock_file, e))?;
    write_if_changed(&dest.join("Cargo.lock"), &lock)
}

/// Leaves a file that already says `text` untouched, so that cargo finds the package fresh
/// and a second check of the same file rebuilds nothing.
fn write_if_changed(path: &Path, text: &str) -> Result<(), Error> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| Error::write(path, e))
}

/// A manifest as read: its file and text, for errors that name the line of a value.
struct ManifestFile {
    path: PathBuf,
    text: String,
}

impl ManifestFile {
    fn read(path: PathBuf) -> Result<ManifestFile, Error> {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::read(&path, e))?;
        Ok(ManifestFile { path, text })
    }

    fn parse<T: DeserializeOwned>(&self) -> Result<T, Error> {
        toml::from_str(&self.text).map_err(|error| {
            let (line, message) = toml_error(&self.text, &error);
            Error::Manifest { file: self.path.clone(), line, problem: ManifestProblem::Toml { message } }
        })
    }

    fn refuse(&self, span: Range<usize>, problem: ManifestProblem) -> Error {
        Error::Manifest { file: self.path.clone(), line: line_of(&self.text, span.start), problem }
    }
}

/// What a student's package takes from an exercise's manifest (the rest is cargo's business):
/// its library's dependencies (a crate whose trait the student implements: `futures`, for
/// `Stream`) and its checks'.
#[derive(Deserialize)]
struct ExerciseManifest {
    #[serde(default)]
    dependencies: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Spanned<toml::Value>>,
}

/// What it takes from the workspace's: the specs of `workspace = true` dependencies.
#[derive(Deserialize)]
struct WorkspaceManifest {
    #[serde(default)]
    workspace: WorkspaceTable,
}

#[derive(Deserialize, Default)]
struct WorkspaceTable {
    #[serde(default)]
    dependencies: BTreeMap<String, Spanned<toml::Value>>,
}

fn manifest(root: &Path, exercise: &Exercise, kind: &str, dest: &Path) -> Result<String, Error> {
    let exercise_file = ManifestFile::read(exercise.dir.join("Cargo.toml"))?;
    let exercise_manifest: ExerciseManifest = exercise_file.parse()?;
    let workspace_file = ManifestFile::read(root.join("Cargo.toml"))?;
    let workspace_deps = workspace_file.parse::<WorkspaceManifest>()?.workspace.dependencies;
    let mut out = format!(
        "# Written by `cargo xtask exercise`: a package that tests src/lib.rs with the tests of the\n\
         # exercise {name} ({exercise_dir}). Edit src/lib.rs; check it with\n\
         # `cargo xtask exercise check {name}`.\n\n\
         [package]\nname = \"{kind}-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\nname = \"{crate_name}\"\n\n",
        name = exercise.name,
        crate_name = exercise.crate_name(),
        exercise_dir = relative(root, &exercise.dir).display(),
    );
    for test in exercise.test_files() {
        let stem = test.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        out.push_str(&format!("[[test]]\nname = \"{stem}\"\npath = \"{}\"\n\n", slashes(&relative(dest, &test))));
    }
    for (table, dependencies) in
        [("dependencies", &exercise_manifest.dependencies), ("dev-dependencies", &exercise_manifest.dev_dependencies)]
    {
        if table == "dependencies" && dependencies.is_empty() {
            continue;
        }
        out.push_str(&format!("[{table}]\n"));
        for (name, spec) in dependencies {
            let (file, spec) = match spec.get_ref().get("workspace").and_then(toml::Value::as_bool) {
                Some(true) => match workspace_deps.get(name) {
                    Some(spec) => (&workspace_file, spec),
                    None => {
                        let problem = ManifestProblem::NotInWorkspace { name: name.clone() };
                        return Err(exercise_file.refuse(spec.span(), problem));
                    }
                },
                _ => (&exercise_file, spec),
            };
            let Some(written) = dependency(spec.get_ref(), &exercise.dir, root, dest) else {
                let problem = ManifestProblem::DependencySpec { name: name.clone(), spec: spec.get_ref().to_string() };
                return Err(file.refuse(spec.span(), problem));
            };
            out.push_str(&format!("{name} = {written}\n"));
        }
        out.push('\n');
    }
    out.push_str("# Its own workspace: the book's does not list it.\n[workspace]\n");
    Ok(out)
}

/// A dependency's spec, with a `path` made relative to `dest`, or `None` for a spec that is
/// neither a version nor a table. `path`s written in the exercise's manifest are relative to
/// the exercise, those of the workspace to the checkout.
fn dependency(spec: &toml::Value, exercise_dir: &Path, root: &Path, dest: &Path) -> Option<String> {
    match spec {
        toml::Value::String(version) => Some(format!("\"{version}\"")),
        toml::Value::Table(table) => {
            let mut table = table.clone();
            if let Some(path) = table.get("path").and_then(|p| p.as_str()) {
                let base = if root.join(path).join("Cargo.toml").is_file() { root } else { exercise_dir };
                let target = normalise(&base.join(path));
                table.insert("path".to_owned(), toml::Value::String(slashes(&relative(dest, &target))));
            }
            table.remove("workspace");
            let fields: Vec<String> = table.iter().map(|(key, value)| format!("{key} = {value}")).collect();
            Some(format!("{{ {} }}", fields.join(", ")))
        }
        _ => None,
    }
}

/// The path from folder `from` to `to`, both absolute.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let (from, to) = (normalise(from), normalise(to));
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for component in &to[common..] {
        out.push(component.as_os_str());
    }
    out
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercise_folders_are_named_after_their_chapter() {
        assert!(is_exercise_name("ch03-counting-waker"));
        assert!(!is_exercise_name("harness"));
        assert!(!is_exercise_name("ch3-x"));
        assert!(!is_exercise_name("ch03-"));
    }

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        assert_eq!(
            relative(Path::new("/r/my-exercises/x"), Path::new("/r/exercises/x/tests/a.rs")),
            Path::new("../../exercises/x/tests/a.rs")
        );
        assert_eq!(
            relative(Path::new("/r/target/a/b"), Path::new("/r/tools/listings")),
            Path::new("../../../tools/listings")
        );
    }

    #[test]
    fn an_unknown_exercise_names_the_closest_and_all() {
        let unknown = UnknownExercise {
            given: "ch03-countng-waker".into(),
            known: vec!["ch03-counting-waker".into(), "ch04-lost-wake-up".into()],
            closest: vec!["ch03-counting-waker".into()],
        };
        assert_eq!(
            unknown.to_string(),
            "there is no exercise `ch03-countng-waker` (did you mean ch03-counting-waker?); the exercises are: ch03-counting-waker, ch04-lost-wake-up"
        );
    }
}
