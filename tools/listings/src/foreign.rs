//! A crate outside the book (`cargo xtask mir --manifest-path PATH …`): the reader's own, or
//! `samples/tokio-service`. The tools compile it with the same flags as a chapter, through cargo
//! (it has dependencies, which a chapter's stages do without), into a folder of its own under the
//! book's target directory.
//!
//! What the crate is comes from cargo's own answer (`cargo metadata --no-deps`, which resolves
//! workspace inheritance and reads no dependency): its package, its library's crate name and
//! source, its edition and its workspace's root.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use kept::Memo;
use sha2::{Digest, Sha256};

use crate::child::run;
use crate::compile::cargo;
use crate::{Error, Rustc, Workspace};

/// What `cargo metadata --no-deps` printed for a manifest, or why it failed.
type CargosAnswer = Result<Vec<u8>, Error>;

/// A package outside the book whose library the tools compile.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ForeignCrate {
    /// The manifest as the reader gave it (`samples/tokio-service/Cargo.toml`): what the
    /// commands the tools print say.
    pub given: String,
    /// The same, canonical.
    pub manifest: PathBuf,
    /// `tokio-service`.
    pub package: String,
    /// `tokio_service`: the library's crate name, as Rust paths and rustc's outputs spell it.
    pub crate_name: String,
    /// The package's folder.
    pub dir: PathBuf,
    /// The root of the package's own workspace: where cargo runs rustc, and what the paths
    /// rustc prints are relative to.
    pub workspace_root: PathBuf,
    /// `2024`.
    pub edition: String,
    /// `--cfg` names every crate of its build gets, from the manifest's
    /// `[package.metadata.under-the-await] cfg = ["tokio_unstable"]`: what a crate that needs
    /// `RUSTFLAGS="--cfg tokio_unstable"` says so in its own files, since the tools let no
    /// `RUSTFLAGS` or cargo config of the machine through (`compile.rs`).
    pub cfgs: Vec<String>,
}

impl ForeignCrate {
    /// The package whose `Cargo.toml` is `manifest`, as cargo reads it; an error names what is
    /// wrong with it (no such file, a workspace's manifest, no library, cargo's own complaint).
    pub fn at(workspace: &Workspace, manifest: &Path, rustc: &Rustc) -> Result<ForeignCrate, Error> {
        let given = manifest.display().to_string();
        if !manifest.is_file() {
            let inside = manifest.join("Cargo.toml");
            let folder = inside.is_file().then(|| inside.display().to_string());
            return Err(Error::NoManifest { path: given, folder });
        }
        let canonical =
            manifest.canonicalize().map_err(|e| Error::Read { path: given.clone(), reason: e.to_string() })?;
        // cargo's answer, once a process for one manifest's bytes: a test of chapter 8 asks for
        // a sample some thirty times, and each `cargo metadata` is a child cargo and rustc. (The
        // workspace's own manifest is not read again: no run of a tool or a test edits it.)
        let manifest_text =
            std::fs::read(&canonical).map_err(|e| Error::Read { path: given.clone(), reason: e.to_string() })?;
        static ANSWERS: LazyLock<Memo<(PathBuf, Vec<u8>), CargosAnswer>> = LazyLock::new(Memo::new);
        let answer = ANSWERS.get((canonical.clone(), manifest_text), || {
            let mut command = cargo(workspace, rustc);
            command.args(["metadata", "--no-deps", "--format-version", "1", "--color", "never", "--manifest-path"]);
            command.arg(&canonical);
            run(&mut command, &given).map(|output| output.stdout)
        });
        // Read with the path as this caller gave it, which errors and printed commands repeat.
        let stdout = answer.map_err(|error| match error {
            Error::Build { stderr, .. } => Error::Manifest { path: given.clone(), reason: stderr.trim().to_owned() },
            other => other,
        })?;
        let metadata: serde_json::Value = serde_json::from_slice(&stdout)
            .map_err(|e| Error::Manifest { path: given.clone(), reason: format!("cargo metadata: {e}") })?;
        from_metadata(&metadata, given, canonical)
    }

    /// `<target>/under-the-await/foreign/<package>-<digest of the manifest's path>`: each crate
    /// a folder of its own, two crates of one name at two paths two folders.
    pub fn target_dir(&self, workspace: &Workspace) -> PathBuf {
        let digest = Sha256::digest(self.manifest.display().to_string().as_bytes());
        let hex: String = digest.iter().take(8).map(|byte| format!("{byte:02x}")).collect();
        workspace.tools_dir("foreign").join(format!("{}-{hex}", self.package))
    }

    /// How `cargo xtask` is told which crate: `--manifest-path samples/tokio-service/Cargo.toml`.
    pub fn on_command_line(&self) -> String {
        format!("--manifest-path {}", crate::provenance::shell_quote(&self.given))
    }

    /// The flag that makes the paths rustc writes relative: the crate's workspace becomes `.`,
    /// as the book's checkout does for a chapter.
    pub(crate) fn path_remap(&self) -> String {
        format!("--remap-path-prefix={}=.", self.workspace_root.display())
    }

    /// `--cfg=tokio_unstable` for each of [`ForeignCrate::cfgs`].
    pub(crate) fn cfg_flags(&self) -> Vec<String> {
        self.cfgs.iter().map(|name| format!("--cfg={name}")).collect()
    }

    /// The files whose bytes decide a build besides the sources rustc reads: the manifests and
    /// the lockfile, where they exist.
    pub(crate) fn manifests(&self) -> Vec<PathBuf> {
        let mut files = vec![self.manifest.clone(), self.workspace_root.join("Cargo.toml")];
        files.push(self.workspace_root.join("Cargo.lock"));
        files.retain(|file| file.is_file());
        files.sort();
        files.dedup();
        files
    }
}

/// The package of `cargo metadata`'s answer whose manifest is `manifest`.
fn from_metadata(metadata: &serde_json::Value, given: String, manifest: PathBuf) -> Result<ForeignCrate, Error> {
    let text = |value: &serde_json::Value, key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let path = given.clone();
    let malformed =
        |what: &str| Error::Manifest { path: path.clone(), reason: format!("cargo metadata gave no {what}") };
    let packages = metadata.get("packages").and_then(|p| p.as_array()).ok_or_else(|| malformed("packages"))?;
    let workspace_root = text(metadata, "workspace_root").ok_or_else(|| malformed("workspace_root"))?;
    let package =
        packages.iter().find(|package| text(package, "manifest_path").is_some_and(|path| Path::new(&path) == manifest));
    let Some(package) = package else {
        let root = Path::new(&workspace_root);
        let relative =
            |path: String| Path::new(&path).strip_prefix(root).map_or(path.clone(), |p| p.display().to_string());
        let mut members: Vec<String> = packages.iter().filter_map(|p| text(p, "manifest_path")).map(relative).collect();
        members.sort();
        return Err(Error::NotAPackage { path: given, members });
    };
    let name = text(package, "name").ok_or_else(|| malformed("package name"))?;
    let targets = package.get("targets").and_then(|t| t.as_array()).ok_or_else(|| malformed("targets"))?;
    let library = targets.iter().find(|target| {
        target.get("kind").and_then(|k| k.as_array()).is_some_and(|kinds| kinds.iter().any(|k| k == "lib"))
    });
    let Some(library) = library else { return Err(Error::NoLibrary { path: given, package: name }) };
    let dir = manifest.parent().expect("a manifest is a file in a folder").to_owned();
    let cfgs = package.pointer("/metadata/under-the-await/cfg").map_or(Ok(Vec::new()), |names| {
        let names = names.as_array().map(|names| names.iter().map(|name| name.as_str().map(str::to_owned)).collect());
        match names {
            Some(Some(names)) => Ok(names),
            _ => Err(Error::Manifest {
                path: given.clone(),
                reason: "[package.metadata.under-the-await] cfg is not a list of names".to_owned(),
            }),
        }
    })?;
    Ok(ForeignCrate {
        cfgs,
        given,
        package: name,
        crate_name: text(library, "name").ok_or_else(|| malformed("library name"))?,
        dir,
        workspace_root: PathBuf::from(workspace_root),
        edition: text(library, "edition").ok_or_else(|| malformed("edition"))?,
        manifest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(lib: &str) -> serde_json::Value {
        serde_json::from_str(&format!(
            r#"{{"workspace_root": "/w", "packages": [{{"name": "svc", "manifest_path": "/w/svc/Cargo.toml",
                "targets": [{{"kind": ["{lib}"], "name": "svc", "src_path": "/w/svc/src/{lib}.rs", "edition": "2021"}}]}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn a_package_is_read_from_cargos_answer_with_its_workspace_root() {
        let svc = from_metadata(&metadata("lib"), "svc/Cargo.toml".into(), "/w/svc/Cargo.toml".into()).unwrap();
        assert_eq!((svc.package.as_str(), svc.crate_name.as_str(), svc.edition.as_str()), ("svc", "svc", "2021"));
        assert_eq!(svc.workspace_root, Path::new("/w"));
        assert_eq!(svc.on_command_line(), "--manifest-path svc/Cargo.toml");
    }

    #[test]
    fn a_cfg_the_crate_asks_for_in_its_metadata_goes_to_every_crate_of_its_build() {
        let mut with_cfg = metadata("lib");
        with_cfg["packages"][0]["metadata"] = serde_json::json!({"under-the-await": {"cfg": ["tokio_unstable"]}});
        let svc = from_metadata(&with_cfg, "svc/Cargo.toml".into(), "/w/svc/Cargo.toml".into()).unwrap();
        assert_eq!(svc.cfg_flags(), ["--cfg=tokio_unstable"]);
        let plain = from_metadata(&metadata("lib"), "svc/Cargo.toml".into(), "/w/svc/Cargo.toml".into()).unwrap();
        assert!(plain.cfg_flags().is_empty());
        with_cfg["packages"][0]["metadata"] = serde_json::json!({"under-the-await": {"cfg": "tokio_unstable"}});
        let error = from_metadata(&with_cfg, "svc/Cargo.toml".into(), "/w/svc/Cargo.toml".into()).unwrap_err();
        assert!(error.to_string().contains("not a list of names"), "{error}");
    }

    #[test]
    fn a_manifest_asked_for_again_is_answered_from_memory_until_its_bytes_change() {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
        let scratch = workspace.scratch_dir("foreign-answers").unwrap_or_else(|e| panic!("{e}"));
        let manifest = scratch.path().join("Cargo.toml");
        let write = |name: &str| {
            std::fs::create_dir_all(scratch.path().join("src")).unwrap();
            std::fs::write(scratch.path().join("src/lib.rs"), "").unwrap();
            std::fs::write(&manifest, format!("[package]\nname = \"{name}\"\nedition = \"2021\"\n[workspace]\n"))
                .unwrap();
        };
        write("first");
        let first = ForeignCrate::at(&workspace, &manifest, &rustc).unwrap_or_else(|e| panic!("{e}"));
        let again = ForeignCrate::at(&workspace, &scratch.path().join("./Cargo.toml"), &rustc).unwrap();
        assert_eq!((first.package.as_str(), again.package.as_str()), ("first", "first"));
        assert!(again.given.ends_with("./Cargo.toml"), "the path as given this time: {}", again.given);
        write("second");
        let edited = ForeignCrate::at(&workspace, &manifest, &rustc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edited.package, "second", "an edited manifest is read again");
    }

    #[test]
    fn a_workspace_manifest_or_a_package_without_a_library_is_refused_by_name() {
        let error = from_metadata(&metadata("lib"), "Cargo.toml".into(), "/w/Cargo.toml".into()).unwrap_err();
        assert_eq!(error, Error::NotAPackage { path: "Cargo.toml".into(), members: vec!["svc/Cargo.toml".into()] });
        let error = from_metadata(&metadata("bin"), "svc/Cargo.toml".into(), "/w/svc/Cargo.toml".into()).unwrap_err();
        assert_eq!(error, Error::NoLibrary { path: "svc/Cargo.toml".into(), package: "svc".into() });
    }
}
