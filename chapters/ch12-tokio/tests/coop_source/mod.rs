//! The page's citations of tokio's source, held: each test that cites `file:line` of tokio checks
//! that the line, in the version `Cargo.lock` pins, still says what the page says it does. A
//! tokio bump that moves the line fails here, not silently on the page.

use std::path::PathBuf;

/// `name`'s version in the workspace's `Cargo.lock` (the first entry of that name).
pub fn locked_version(name: &str) -> String {
    let lock = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    let text = std::fs::read_to_string(&lock).unwrap_or_else(|e| panic!("cannot read {}: {e}", lock.display()));
    let entry = text
        .split("[[package]]")
        .find(|entry| entry.contains(&format!("\nname = \"{name}\"\n")))
        .unwrap_or_else(|| panic!("{name} in Cargo.lock"));
    let version = entry.lines().find_map(|line| line.strip_prefix("version = \"")).expect("a version");
    version.trim_end_matches('"').to_owned()
}

/// The folder of `name`'s source as cargo unpacked it (`$CARGO_HOME/registry/src/*/NAME-VERSION`).
pub fn crate_source(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let name = format!("{name}-{}", locked_version(name));
    let registries = home.join("registry/src");
    std::fs::read_dir(&registries)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", registries.display()))
        .map(|entry| entry.unwrap().path().join(&name))
        .find(|path| path.is_dir())
        .unwrap_or_else(|| panic!("{name} is not unpacked under {}", registries.display()))
}

/// Checks that line `number` (from 1) of tokio's `file` contains `text`: the citation
/// `file:number` on the page.
pub fn assert_cited(file: &str, number: usize, text: &str) {
    assert_cited_in("tokio", file, number, text);
}

/// [`assert_cited`] for another crate of `Cargo.lock`.
pub fn assert_cited_in(name: &str, file: &str, number: usize, text: &str) {
    let path = crate_source(name).join(file);
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let line = source.lines().nth(number - 1).unwrap_or_else(|| panic!("{file} has fewer than {number} lines"));
    assert!(line.contains(text), "{name}'s {file}:{number} is `{line}`, which does not contain `{text}`");
}
