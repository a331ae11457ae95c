//! The checkout, and the chapters in it.

use std::path::{Path, PathBuf};

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use kept::{Kept, Memo};

use crate::Error;

/// The root of the checkout: the folder with the workspace `Cargo.toml`, `book/` and `chapters/`.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

/// One chapter crate: `chapters/<slug>/`, whose package is also named `<slug>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Chapter {
    /// `ch01-the-experiment`: the folder, the package, the book page and the snapshots share it.
    pub slug: String,
    pub dir: PathBuf,
}

impl Chapter {
    /// The crate's name in Rust paths: `ch01_the_experiment`.
    pub fn crate_name(&self) -> String {
        self.slug.replace('-', "_")
    }

    /// The Rust edition the chapter is written in: its `Cargo.toml`'s, or the workspace's when
    /// it inherits it. The stages and Compiler Explorer compile the chapter with it.
    ///
    /// Parsed once per process for the same bytes of the two manifests: the book asks it for
    /// every listing's Compiler Explorer link.
    pub fn edition(&self) -> Result<String, Error> {
        type Manifests = (PathBuf, Vec<u8>, PathBuf, Vec<u8>);
        static PARSED: LazyLock<Memo<Manifests, Result<String, Error>>> = LazyLock::new(Memo::new);
        let root = self.dir.ancestors().find(|dir| dir.join("Cargo.lock").is_file()).unwrap_or(&self.dir);
        let read = |path: PathBuf| match std::fs::read(&path) {
            Ok(bytes) => Ok((path, bytes)),
            Err(e) => Err(Error::Read { path: path.display().to_string(), reason: e.to_string() }),
        };
        let (own, own_bytes) = read(self.dir.join("Cargo.toml"))?;
        let (workspace, workspace_bytes) = read(root.join("Cargo.toml"))?;
        let manifests = (own, own_bytes, workspace, workspace_bytes);
        PARSED.get(manifests.clone(), || edition_from_manifests(&manifests))
    }

    /// The dependencies its `Cargo.toml` lists that are not optional (chapter 12's `tokio`): a
    /// chapter with any needs them at every stage, so its `src/lib.rs` cannot be compiled alone
    /// (by the stages' rustc, or on Compiler Explorer). Chapter 8's and chapter 10's are optional,
    /// behind default features their stages do without.
    pub fn plain_dependencies(&self) -> Result<Vec<String>, Error> {
        let path = self.dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::Read { path: path.display().to_string(), reason: e.to_string() })?;
        plain_dependencies(&text).map_err(|reason| Error::Manifest { path: path.display().to_string(), reason })
    }
}

/// The names under `[dependencies]` of `manifest` whose entry does not say `optional = true`.
fn plain_dependencies(manifest: &str) -> Result<Vec<String>, String> {
    let table: toml::Table = manifest.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let Some(dependencies) = table.get("dependencies").and_then(toml::Value::as_table) else { return Ok(Vec::new()) };
    let optional = |entry: &toml::Value| entry.get("optional").and_then(toml::Value::as_bool) == Some(true);
    Ok(dependencies.iter().filter(|(_, entry)| !optional(entry)).map(|(name, _)| name.clone()).collect())
}

/// The edition `[package]` names, or the one it inherits from `[workspace.package]`.
fn edition_from_manifests(
    (own, own_bytes, workspace, workspace_bytes): &(PathBuf, Vec<u8>, PathBuf, Vec<u8>),
) -> Result<String, Error> {
    let parse = |path: &Path, bytes: &[u8]| -> Result<toml::Table, Error> {
        let manifest = |reason: String| Error::Manifest { path: path.display().to_string(), reason };
        std::str::from_utf8(bytes)
            .map_err(|e| manifest(e.to_string()))?
            .parse()
            .map_err(|e: toml::de::Error| manifest(e.to_string()))
    };
    let edition = parse(own, own_bytes)?.get("package").and_then(|p| p.get("edition")).cloned();
    match edition {
        Some(toml::Value::String(edition)) => Ok(edition),
        Some(toml::Value::Table(inherit)) if inherit.get("workspace") == Some(&toml::Value::Boolean(true)) => {
            parse(workspace, workspace_bytes)?
                .get("workspace")
                .and_then(|w| w.get("package"))
                .and_then(|p| p.get("edition"))
                .and_then(|e| e.as_str())
                .map(str::to_owned)
                .ok_or_else(|| Error::Manifest {
                    path: workspace.display().to_string(),
                    reason: format!("`{}` inherits `edition` but `[workspace.package]` has none", own.display()),
                })
        }
        // Cargo's default when a manifest names none.
        None => Ok("2015".to_owned()),
        Some(other) => Err(Error::Manifest {
            path: own.display().to_string(),
            reason: format!("`package.edition` is {other}, not a string"),
        }),
    }
}

/// A folder made by [`Workspace::scratch_dir`], removed with everything in it when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl Workspace {
    /// Cargo's target directory for the checkout (`kept::target_dir`): the tools' builds,
    /// scratch folders and kept results all live under it, never in the checkout's `target/`
    /// when cargo builds elsewhere.
    pub fn target_dir(&self) -> PathBuf {
        kept::target_dir(&self.root)
    }

    /// `<target directory>/under-the-await/<name>`: a folder of the tools' own.
    pub fn tools_dir(&self, name: &str) -> PathBuf {
        self.target_dir().join("under-the-await").join(name)
    }

    /// An empty folder of this call's own under `<target>/under-the-await/scratch/`, for what one
    /// run of a compiler writes (rustc names its intermediate files after the crate, so two runs
    /// on one crate must not share a folder); it is removed when the value is dropped.
    pub fn scratch_dir(&self, name: &str) -> Result<ScratchDir, Error> {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let calls = CALLS.fetch_add(1, Ordering::Relaxed);
        let path = self.tools_dir("scratch").join(format!("{name}-{}-{calls}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(|e| Error::Write { path: path.display().to_string(), reason: e.to_string() })?;
        Ok(ScratchDir { path })
    }

    /// The results the tools keep for their next run.
    pub fn kept(&self) -> Kept {
        Kept::in_target_dir(&self.target_dir())
    }

    /// The checkout this crate was built from (two folders above `tools/listings`).
    pub fn this_checkout() -> Workspace {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        Workspace { root: root.canonicalize().unwrap_or(root) }
    }

    /// Refuses to go on for the checkout at `run_for` when this program was built from another:
    /// two checkouts whose builds share one target directory (`CARGO_TARGET_DIR` set once for
    /// all) share `<target>/debug/xtask`, and cargo runs whichever was built last without
    /// building the other's again (rust-lang/cargo#7740, #8941). The program would then read
    /// and write the other checkout's files.
    pub fn refuse_another_checkout(&self, run_for: &Path, program: &str) -> Result<(), Error> {
        let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_owned());
        let run_for = canonical(run_for);
        let run_for = run_for.ancestors().find(|dir| dir.join("Cargo.lock").is_file()).unwrap_or(&run_for);
        if canonical(&self.root) == run_for {
            return Ok(());
        }
        Err(Error::AnotherCheckout {
            program: program.to_owned(),
            built_from: self.root.display().to_string(),
            run_for: run_for.display().to_string(),
            target_dir: self.target_dir().display().to_string(),
        })
    }

    /// Every chapter crate, in the book's order (the folders sort by their `chNN-` prefix).
    pub fn chapters(&self) -> Result<Vec<Chapter>, Error> {
        let folder = self.root.join("chapters");
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| Error::Read { path: folder.display().to_string(), reason: e.to_string() })?;
        let mut chapters: Vec<Chapter> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|dir| dir.join("Cargo.toml").is_file())
            .filter_map(|dir| {
                let slug = dir.file_name()?.to_str()?.to_owned();
                Some(Chapter { slug, dir })
            })
            .collect();
        chapters.sort_by(|a, b| a.slug.cmp(&b.slug));
        Ok(chapters)
    }

    /// The chapter a reader means by `name`: its slug (`ch01-the-experiment`), its crate name
    /// (`ch01_the_experiment`) or its unambiguous number prefix (`ch01`).
    pub fn chapter(&self, name: &str) -> Result<Chapter, Error> {
        let chapters = self.chapters()?;
        let wanted = name.trim().replace('_', "-");
        let exact = chapters.iter().find(|c| c.slug == wanted);
        let by_prefix: Vec<&Chapter> = chapters.iter().filter(|c| c.slug.starts_with(&format!("{wanted}-"))).collect();
        match (exact, by_prefix.as_slice()) {
            (Some(chapter), _) => Ok(chapter.clone()),
            (None, [chapter]) => Ok((*chapter).clone()),
            _ => {
                let known: Vec<String> = chapters.iter().map(|c| c.slug.clone()).collect();
                Err(Error::UnknownChapter { given: name.to_owned(), closest: closest(&wanted, &known), known })
            }
        }
    }
}

/// The names most like `given`, best first: at most three, and only plausible ones.
pub fn closest(given: &str, names: &[String]) -> Vec<String> {
    let mut scored: Vec<(f64, &String)> = names
        .iter()
        .map(|name| (strsim::normalized_damerau_levenshtein(given, name), name))
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, name)| name.clone()).collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_plain_dependency_is_one_under_dependencies_not_marked_optional() {
        let manifest = "[package]\nname = \"ch12-x\"\n\n[dependencies]\ntokio = { workspace = true }\nfutures = { workspace = true, optional = true }\n\n[dev-dependencies]\ninsta.workspace = true\n";
        assert_eq!(plain_dependencies(manifest).unwrap(), ["tokio"]);
        assert!(plain_dependencies("[package]\nname = \"a\"\n").unwrap().is_empty());
        assert!(
            plain_dependencies("[dependencies]\nfutures = { workspace = true, optional = true }\n").unwrap().is_empty()
        );
    }

    use super::*;

    #[test]
    fn a_program_built_from_one_checkout_refuses_to_run_for_another() {
        let base = std::env::temp_dir().join(format!("listings-checkouts-{}", std::process::id()));
        for checkout in ["one", "other checkout"] {
            std::fs::create_dir_all(base.join(checkout).join("tools/xtask")).unwrap();
            std::fs::write(base.join(checkout).join("Cargo.lock"), "").unwrap();
        }
        let built_from = Workspace { root: base.join("one") };
        assert_eq!(built_from.refuse_another_checkout(&base.join("one/tools/xtask"), "xtask"), Ok(()));
        assert_eq!(built_from.refuse_another_checkout(&base.join("one"), "xtask"), Ok(()));
        let error = built_from.refuse_another_checkout(&base.join("other checkout/tools/xtask"), "xtask").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(&format!("built from the checkout {}", base.join("one").display())), "{message}");
        assert!(message.contains(&format!("runs for {}", base.join("other checkout").display())), "{message}");
        assert!(message.contains("rust-lang/cargo#7740"), "{message}");
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_chapter_s_edition_is_its_manifest_s_or_the_workspace_s_and_follows_an_edit() {
        let root = std::env::temp_dir().join(format!("listings-edition-{}", std::process::id()));
        let dir = root.join("chapters/ch01-x");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(root.join("Cargo.lock"), "").unwrap();
        std::fs::write(root.join("Cargo.toml"), "[workspace.package]\nedition = \"2021\"\n").unwrap();
        let chapter = Chapter { slug: "ch01-x".into(), dir: dir.clone() };
        std::fs::write(dir.join("Cargo.toml"), "[package]\nedition.workspace = true\n").unwrap();
        assert_eq!(chapter.edition().unwrap(), "2021");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("Cargo.toml"), "[package]\nedition = \"2024\"\n").unwrap();
        assert_eq!(chapter.edition().unwrap(), "2024");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
