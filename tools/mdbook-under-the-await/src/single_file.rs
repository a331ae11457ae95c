//! Whether a listing's function exists when its chapter's `src/lib.rs` is compiled alone, as a
//! Compiler Explorer link compiles it: not when the function is, or is an instance of, code that
//! needs the chapter's dependencies — a module behind a `#[cfg(feature = "…")]` (chapter 8's
//! `join`, chapter 10's `crates`), or a generic of another crate (`futures_util::…`). Such a
//! listing says it is not on Compiler Explorer instead of linking to an error. A chapter whose
//! manifest lists a dependency that is not optional (chapter 12's tokio) needs it everywhere: none
//! of its listings is on Compiler Explorer.

/// The modules of `source` behind a `#[cfg(feature = "…")]`: the `mod NAME` that follows the
/// attribute, past other attributes and doc comments.
fn feature_gated_modules(source: &str) -> Vec<&str> {
    let mut modules = Vec::new();
    let mut gated = false;
    for line in source.lines().map(str::trim) {
        if line.starts_with("#[cfg(feature") {
            gated = true;
        } else if gated && (line.starts_with("#[") || line.starts_with("///") || line.starts_with("//")) {
            continue;
        } else if gated {
            let declared = line.strip_prefix("pub ").unwrap_or(line).strip_prefix("mod ");
            if let Some(name) = declared.and_then(|rest| rest.split([' ', '{', ';']).next()) {
                modules.push(name);
            }
            gated = false;
        }
    }
    modules
}

/// The crates that `function`'s demangled name reaches into: the first segment of every path in
/// it (`<futures_util::stream::Unfold<T> as futures_core::Stream>::poll_next` reaches
/// `futures_util` and `futures_core`).
fn crates_named(function: &str) -> Vec<&str> {
    function
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|path| path.contains("::"))
        .filter_map(|path| path.split("::").next())
        .filter(|first| !first.is_empty())
        .collect()
}

/// Why `function` of the crate `crate_name` cannot be compiled from `source` alone, if it cannot.
pub fn needs_dependencies(function: &str, crate_name: &str, source: &str) -> bool {
    let others =
        crates_named(function).into_iter().any(|name| !matches!(name, "core" | "std" | "alloc") && name != crate_name);
    let gated =
        feature_gated_modules(source).into_iter().any(|module| function.contains(&format!("{crate_name}::{module}::")));
    others || gated
}

/// The dependencies of a chapter's `Cargo.toml` that are not optional: the names under
/// `[dependencies]` whose line does not say `optional = true` (a chapter's manifest writes each
/// on one line, as the workspace's do).
pub fn plain_dependencies(manifest: &str) -> Vec<&str> {
    let mut table = "";
    let mut plain = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            table = line;
        } else if table == "[dependencies]"
            && let Some((name, value)) = line.split_once('=')
            && !line.starts_with('#')
        {
            let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            if !value.contains("optional=true") {
                plain.push(name.trim());
            }
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_dependency_is_one_not_marked_optional_under_dependencies() {
        let manifest = "[package]\nname = \"ch12-x\"\n\n[dependencies]\ntokio = { workspace = true }\nfutures = { workspace = true, optional = true }\n# note = 1\n\n[dev-dependencies]\ninsta.workspace = true\n";
        assert_eq!(plain_dependencies(manifest), ["tokio"]);
        assert!(plain_dependencies("[dependencies]\nfutures = { workspace = true, optional = true }\n").is_empty());
    }

    const SOURCE: &str = "pub fn plain() {}\n\n/// Needs crates.\n#[cfg(feature = \"crates\")]\n#[allow(unused)]\npub mod crates {\n    pub fn boxed() {}\n}\n";

    #[test]
    fn a_function_of_a_feature_gated_module_or_of_another_crate_needs_the_dependencies() {
        assert_eq!(feature_gated_modules(SOURCE), ["crates"]);
        assert!(needs_dependencies("ch10_x::crates::boxed", "ch10_x", SOURCE));
        assert!(needs_dependencies("<ch10_x::Memory as ch10_x::crates::Store>::get", "ch10_x", SOURCE));
        assert!(needs_dependencies(
            "<futures_util::stream::unfold::Unfold<T,F,Fut> as futures_core::stream::Stream>::poll_next",
            "ch10_x",
            SOURCE
        ));
    }

    #[test]
    fn a_function_of_the_library_or_of_std_does_not() {
        assert!(!needs_dependencies("ch10_x::plain", "ch10_x", SOURCE));
        assert!(!needs_dependencies("ch10_x::big::{{closure}}", "ch10_x", SOURCE));
        assert!(!needs_dependencies("<ch10_x::Countdown as core::future::future::Future>::poll", "ch10_x", SOURCE));
        assert!(!needs_dependencies("core::ptr::drop_in_place<alloc::vec::Vec<u8>>", "ch10_x", SOURCE));
    }
}
