//! The checkout, and the chapters in it.

use std::path::{Path, PathBuf};

use crate::Error;

/// The root of the checkout: the folder with the workspace `Cargo.toml`, `book/` and `chapters/`.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

/// One chapter crate: `chapters/<slug>/`, whose package is also named `<slug>`.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The answer is remembered for the process while neither manifest changes: the book asks it
    /// for every listing's Compiler Explorer link, and each answer parses two manifests.
    pub fn edition(&self) -> Result<String, Error> {
        type Remembered = std::collections::HashMap<PathBuf, (Vec<Option<std::time::SystemTime>>, String)>;
        static REMEMBERED: std::sync::Mutex<Option<Remembered>> = std::sync::Mutex::new(None);
        let root = self.dir.ancestors().find(|dir| dir.join("Cargo.lock").is_file()).unwrap_or(&self.dir);
        let changed: Vec<_> = [self.dir.join("Cargo.toml"), root.join("Cargo.toml")]
            .iter()
            .map(|manifest| std::fs::metadata(manifest).and_then(|m| m.modified()).ok())
            .collect();
        let mut remembered = REMEMBERED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((when, edition)) = remembered.get_or_insert_default().get(&self.dir)
            && *when == changed
        {
            return Ok(edition.clone());
        }
        let edition = self.edition_from_manifests()?;
        remembered.get_or_insert_default().insert(self.dir.clone(), (changed, edition.clone()));
        Ok(edition)
    }

    fn edition_from_manifests(&self) -> Result<String, Error> {
        let manifest = |path: std::path::PathBuf| -> Result<toml::Table, Error> {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::Read { path: path.display().to_string(), reason: e.to_string() })?;
            text.parse().map_err(|e| Error::Workspace(format!("{}: {e}", path.display())))
        };
        let own = manifest(self.dir.join("Cargo.toml"))?;
        let edition = &own.get("package").and_then(|p| p.get("edition"));
        let edition = match edition {
            Some(toml::Value::String(edition)) => return Ok(edition.clone()),
            Some(toml::Value::Table(inherit)) if inherit.get("workspace") == Some(&toml::Value::Boolean(true)) => {
                let root = self.dir.ancestors().find(|dir| dir.join("Cargo.lock").is_file()).unwrap_or(&self.dir);
                manifest(root.join("Cargo.toml"))?
                    .get("workspace")
                    .and_then(|w| w.get("package"))
                    .and_then(|p| p.get("edition"))
                    .and_then(|e| e.as_str())
                    .map(str::to_owned)
            }
            // Cargo's default when a manifest names none.
            _ => Some("2015".to_owned()),
        };
        edition.ok_or_else(|| Error::Workspace(format!("{}: no edition in the workspace's Cargo.toml", self.slug)))
    }
}

impl Workspace {
    /// The checkout this crate was built from (two folders above `tools/listings`).
    pub fn this_checkout() -> Workspace {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        Workspace { root: root.canonicalize().unwrap_or(root) }
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
    use super::*;

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
