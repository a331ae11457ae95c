//! mdBook's own `{{#include}}`, `{{#rustdoc_include}}` and `{{#playground}}`, checked before
//! mdBook expands them: mdBook only logs a missing file or anchor and goes on, leaving a hole in
//! the page.

use std::path::Path;

use crate::directive::Directive;

/// What is wrong with one include, if anything. `page_dir` is the folder of the page, which
/// include paths are relative to.
pub fn check(directive: &Directive<'_>, page_dir: &Path) -> Result<(), String> {
    // mdBook reads the first word as the file and ignores the rest (a playground's properties).
    let argument = directive.raw_arguments.split_whitespace().next().unwrap_or_default();
    let (path, selector) = match argument.split_once(':') {
        Some((path, selector)) => (path, Some(selector)),
        None => (argument, None),
    };
    if path.is_empty() {
        return Err(format!("`{{{{#{}}}}}` names no file", directive.name));
    }
    let file = page_dir.join(path);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot include {path}: {e}"))?;
    if directive.name == "playground" || directive.name == "playpen" {
        // mdBook includes the whole file: a `:` is part of its name.
        return Ok(());
    }
    match selector {
        None | Some("") => Ok(()),
        Some(selector) if selector.starts_with(|c: char| c.is_ascii_digit() || c == ':') => {
            check_lines(selector, text.lines().count()).map_err(|e| format!("{path}:{selector}: {e}"))
        }
        Some(anchor) => check_anchor(&text, anchor).map_err(|e| format!("{path}: {e}")),
    }
}

/// `N`, `N:`, `:M`, `N:M` — 1-based lines that must exist.
fn check_lines(selector: &str, line_count: usize) -> Result<(), String> {
    let (start, end) = selector.split_once(':').unwrap_or((selector, selector));
    for bound in [start, end].into_iter().filter(|b| !b.is_empty()) {
        let line: usize = bound.parse().map_err(|_| format!("`{bound}` is not a line number"))?;
        if line == 0 || line > line_count {
            return Err(format!("line {line} is outside the file's {line_count} lines"));
        }
    }
    Ok(())
}

/// mdBook's anchors: `ANCHOR: name` and `ANCHOR_END: name`, in comments of any language.
fn check_anchor(text: &str, anchor: &str) -> Result<(), String> {
    let marks = |keyword: &str| {
        text.lines().any(|line| {
            line.split_once(keyword).is_some_and(|(_, rest)| {
                rest.strip_prefix(':').map(str::trim_start).is_some_and(|name| {
                    name.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).next() == Some(anchor)
                })
            })
        })
    };
    match (marks("ANCHOR"), marks("ANCHOR_END")) {
        (true, true) => Ok(()),
        (false, _) => Err(format!("no `ANCHOR: {anchor}` in the file; anchors there: {}", anchors(text).join(", "))),
        (true, false) => Err(format!("`ANCHOR: {anchor}` is never closed by `ANCHOR_END: {anchor}`")),
    }
}

fn anchors(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_once("ANCHOR:").map(|(_, rest)| rest.trim().to_owned()))
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directive::find;

    fn check_in_fixture(page: &str) -> Result<(), String> {
        // One folder per call: the tests run in parallel.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("includes-check-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("code.rs"), "// ANCHOR: waker\nfn a() {}\n// ANCHOR_END: waker\n// ANCHOR: open\n")
            .unwrap();
        let result = check(&find(page)[0], &dir);
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    #[test]
    fn an_include_of_an_existing_anchor_or_line_range_passes() {
        for page in [
            "{{#include code.rs}}",
            "{{#include code.rs:waker}}",
            "{{#include code.rs:2:3}}",
            "{{#include code.rs::2}}",
            "{{ #include code.rs:waker }}",
            "{{#playground code.rs editable}}",
        ] {
            assert_eq!(check_in_fixture(page), Ok(()), "{page}");
        }
    }

    #[test]
    fn a_missing_file_anchor_or_line_is_an_error_naming_it() {
        assert!(check_in_fixture("{{#include nothing.rs}}").unwrap_err().starts_with("cannot include nothing.rs"));
        assert!(check_in_fixture("{{ #include nothing.rs }}").unwrap_err().starts_with("cannot include nothing.rs"));
        assert!(
            check_in_fixture("{{#playground gone.rs editable}}").unwrap_err().starts_with("cannot include gone.rs")
        );
        assert_eq!(
            check_in_fixture("{{#include code.rs:wakr}}").unwrap_err(),
            "code.rs: no `ANCHOR: wakr` in the file; anchors there: waker, open"
        );
        assert_eq!(
            check_in_fixture("{{#include code.rs:open}}").unwrap_err(),
            "code.rs: `ANCHOR: open` is never closed by `ANCHOR_END: open`"
        );
        assert_eq!(
            check_in_fixture("{{#include code.rs:9:}}").unwrap_err(),
            "code.rs:9:: line 9 is outside the file's 4 lines"
        );
    }
}
