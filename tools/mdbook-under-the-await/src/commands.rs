//! Commands the prose tells readers to type: `cargo run -p <chapter> --example <name>` must name
//! an example that exists, or the reader's first try fails.

use std::path::Path;

/// `cargo run -p PACKAGE --example NAME` names no example of the package.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`cargo run -p {package} --example {name}`: no such example; {package}'s examples are: {}", known.join(", "))]
pub struct UnknownExample {
    pub package: String,
    pub name: String,
    pub known: Vec<String>,
}

/// Each `cargo run -p X --example Y` of a page that names no example file, with its byte offset.
pub fn check_example_commands(page: &str, root: &Path) -> Vec<(usize, UnknownExample)> {
    let mut problems = Vec::new();
    for (offset, _) in page.match_indices("cargo run -p ") {
        let words: Vec<&str> = page[offset..].split_whitespace().take(6).collect();
        let ["cargo", "run", "-p", package, "--example", name] = words.as_slice() else { continue };
        let name = name.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
        let examples = root.join("chapters").join(package).join("examples");
        if !examples.join(format!("{name}.rs")).is_file() {
            let mut known: Vec<String> = std::fs::read_dir(&examples)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(str::to_owned))
                .collect();
            known.sort();
            problems.push((offset, UnknownExample { package: package.to_string(), name: name.to_owned(), known }));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_command_must_name_an_existing_example() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let page = "Run `cargo run -p ch01-the-experiment --example seed`.\n\nThen `cargo run -p ch01-the-experiment --example sed`.";
        let problems = check_example_commands(page, &root);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].1.to_string(),
            "`cargo run -p ch01-the-experiment --example sed`: no such example; ch01-the-experiment's examples are: seed"
        );
    }
}
