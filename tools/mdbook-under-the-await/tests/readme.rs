//! The README's list of directives is the preprocessor's table, written out: a directive added,
//! renamed or given new arguments fails this test until the README says so too.

use std::path::{Path, PathBuf};

use mdbook_under_the_await::directive::{Expander, TABLE};

const BEGIN: &str = "<!-- directives: written from tools/mdbook-under-the-await/src/directive/table.rs; \
                     tests/readme.rs there holds the two equal -->\n";
const END: &str = "<!-- end of the directives -->\n";

fn readme_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")
}

/// The list as the table says it: one item per directive, this book's first, then mdBook's,
/// between blank lines.
fn list_from_the_table() -> String {
    let mut list = String::from("\n");
    for expander in [Expander::Preprocessor, Expander::MdBook] {
        if expander == Expander::MdBook {
            list.push_str("\nmdBook's own, which the build checks before mdBook expands them:\n\n");
        }
        for entry in TABLE.iter().filter(|entry| entry.expander == expander) {
            let example = match entry.example == entry.usage {
                true => String::new(),
                false => format!(", e.g. `{}`", entry.example),
            };
            list.push_str(&format!("- `{}`{example}: {}.\n", entry.usage, entry.shows));
        }
    }
    list.push('\n');
    list
}

/// The README's text between the two markers.
fn list_in_the_readme(readme: &str) -> &str {
    let start = readme.find(BEGIN).map(|at| at + BEGIN.len());
    let end = readme.find(END);
    match (start, end) {
        (Some(start), Some(end)) if start <= end => &readme[start..end],
        _ => panic!("README.md has no list of directives between\n{BEGIN}and\n{END}"),
    }
}

#[test]
fn the_readme_lists_every_directive_as_the_table_does() {
    let readme = std::fs::read_to_string(readme_path()).unwrap();
    let expected = list_from_the_table();
    assert!(
        list_in_the_readme(&readme) == expected,
        "README.md's list of directives differs from the table; between its markers it should read:\n\n{expected}"
    );
}

/// The prose around the list may name directives too; each must be one the table has.
#[test]
fn every_directive_the_readme_names_is_in_the_table() {
    let readme = std::fs::read_to_string(readme_path()).unwrap();
    let named: Vec<&str> = readme
        .split("{{#")
        .skip(1)
        .map(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).next().unwrap())
        .collect();
    assert!(named.len() >= TABLE.len(), "{named:?}");
    for name in named {
        assert!(TABLE.iter().any(|entry| entry.name == name), "README.md names `{{{{#{name}}}}}`, which no row has");
    }
}
