//! `run`, the command `book.toml` gives mdBook, rebuilds the preprocessor only when a file it is
//! built from is newer than the last build. A package it depends on but does not watch would let
//! `mdbook build` run a preprocessor older than its sources.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The paths, from the checkout's root, in the script's `WATCHED` list.
fn watched() -> BTreeSet<String> {
    let script = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("run")).unwrap();
    let start = script.find("WATCHED=\"").expect("the script has a WATCHED list") + "WATCHED=\"".len();
    let end = start + script[start..].find('"').expect("the WATCHED list is closed");
    script[start..end].split_whitespace().map(str::to_owned).collect()
}

/// The folders, from the checkout's root, of the workspace packages the preprocessor's binary is
/// built from (normal dependencies, followed through each other), itself included.
fn packages_built_from() -> BTreeSet<String> {
    let root = workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&root)
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: BTreeSet<&str> =
        metadata["workspace_members"].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
    let folder = |id: &str| {
        let package = metadata["packages"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap();
        let manifest = Path::new(package["manifest_path"].as_str().unwrap());
        let folder = manifest.parent().unwrap();
        folder.strip_prefix(&root).unwrap_or(folder).display().to_string()
    };
    let nodes = metadata["resolve"]["nodes"].as_array().unwrap();
    let start = nodes
        .iter()
        .map(|node| node["id"].as_str().unwrap())
        .find(|id| folder(id) == "tools/mdbook-under-the-await")
        .unwrap()
        .to_owned();
    let (mut seen, mut next) = (BTreeSet::new(), vec![start]);
    while let Some(id) = next.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let node = nodes.iter().find(|node| node["id"] == id.as_str()).unwrap();
        for dep in node["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"].as_array().unwrap().iter().any(|kind| kind["kind"].is_null());
            let dep_id = dep["pkg"].as_str().unwrap();
            if normal && members.contains(dep_id) {
                next.push(dep_id.to_owned());
            }
        }
    }
    seen.iter().map(|id| folder(id)).collect()
}

#[test]
fn the_run_script_watches_every_workspace_package_the_preprocessor_is_built_from() {
    let watched = watched();
    for package in packages_built_from() {
        let whole = watched.contains(&package);
        let sources = watched.contains(&format!("{package}/src")) && watched.contains(&format!("{package}/Cargo.toml"));
        assert!(whole || sources, "tools/mdbook-under-the-await/run does not watch {package}: {watched:?}");
    }
    for file in ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"] {
        assert!(watched.contains(file), "the script does not watch {file}");
    }
}

#[test]
fn every_path_the_run_script_watches_exists() {
    let root = workspace_root();
    for path in watched() {
        assert!(root.join(&path).exists(), "tools/mdbook-under-the-await/run watches {path}, which does not exist");
    }
}
