//! `{{#name arguments}}` directives in a page, found once with their positions.
//!
//! They are found with the expression mdBook's own `links` preprocessor uses
//! (`mdbook-driver/src/builtin_preprocessors/links.rs`, `find_links`), so that every form mdBook
//! expands — `{{ #include file.rs }}`, arguments over several lines — is checked here too, and an
//! escaped `\{{#…}}` is skipped exactly as mdBook skips it (up to the last `}}` of its line). The
//! differences: a name may contain `-` (`{{#type-sizes …}}`), which mdBook's names never do, and
//! a quoted argument may contain `}` (a note on a listing may quote `DummyFuture { count: 0 }`),
//! which no argument of mdBook's own directives is, so that no directive of this preprocessor is
//! left on a page as text.

use std::sync::LazyLock;

use regex::Regex;

/// One directive as written in a page: `{{#asm ch01 noop no-source}}` has name `asm` and
/// arguments `ch01 noop no-source`. What the name means is the table's business
/// ([`super::TABLE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub name: &'a str,
    pub arguments: Arguments<'a>,
    /// Byte range of the whole directive in the page, `{{` to `}}` included.
    pub span: std::ops::Range<usize>,
}

/// A directive's arguments, split once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arguments<'a> {
    /// The text between the name and `}}`, trimmed: mdBook's own directives read this.
    pub raw: &'a str,
    /// The words of `raw`, split at white space; `"…"` keeps spaces inside one word and is
    /// dropped: `note="ret" "the tag"` is `note=ret` and `the tag`.
    pub words: Vec<String>,
}

impl<'a> Arguments<'a> {
    pub fn split(raw: &'a str) -> Arguments<'a> {
        let mut words = Vec::new();
        let mut current = String::new();
        let mut quoted = false;
        for c in raw.chars() {
            match c {
                '"' => quoted = !quoted,
                c if c.is_whitespace() && !quoted => {
                    if !current.is_empty() {
                        words.push(std::mem::take(&mut current));
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            words.push(current);
        }
        Arguments { raw, words }
    }

    /// The words as `&str`, for matching on slice patterns.
    pub fn strs(&self) -> Vec<&str> {
        self.words.iter().map(String::as_str).collect()
    }
}

/// mdBook 0.5.4's expression, with `-` allowed in names; a directive without arguments
/// (`{{#asm}}`) is found too, so that it gets its usage message.
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        \\\{\{\#.*\}\}              # an escaped directive, as mdBook skips it
        |
        \{\{\s*                     # opening braces and white space
        \#([a-zA-Z0-9_-]+)          # the name
        (?:\s+((?:"[^"]*"|[^}"])+))?  # white space, then the arguments: a `}` only inside quotes
        \}\}"#,
    )
    .expect("the directive expression is valid")
});

/// Every directive of a page, in order.
pub fn find(page: &str) -> Vec<Found<'_>> {
    DIRECTIVE
        .captures_iter(page)
        .filter_map(|capture| {
            let whole = capture.get(0)?;
            let name = capture.get(1)?.as_str();
            let raw = capture.get(2).map_or("", |a| a.as_str().trim());
            Some(Found { name, arguments: Arguments::split(raw), span: whole.range() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_found_with_their_spans_and_arguments() {
        let page = "text {{#asm ch01 noop no-source}} and {{#include ../a.rs:anchor}}";
        let found = find(page);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "asm");
        assert_eq!(found[0].arguments.words, ["ch01", "noop", "no-source"]);
        assert_eq!(&page[found[0].span.clone()], "{{#asm ch01 noop no-source}}");
        assert_eq!(found[1].arguments.words, ["../a.rs:anchor"]);
    }

    /// The forms mdBook 0.5.4's `links.rs` expands (its own tests' examples among them).
    #[test]
    fn every_form_mdbook_expands_is_found() {
        for (page, name, arguments) in [
            ("{{ #include file.rs }}", "include", "file.rs"),
            ("{{#include   file.rs:10:20}}", "include", "file.rs:10:20"),
            ("{{\t#rustdoc_include\nfile.rs:anchor\n}}", "rustdoc_include", "file.rs:anchor"),
            ("{{#playground foo-bar\\baz/_c++.rs editable }}", "playground", "foo-bar\\baz/_c++.rs editable"),
            ("{{ #type-sizes ch05 hello_world }}", "type-sizes", "ch05 hello_world"),
        ] {
            let found = find(page);
            assert_eq!(found.len(), 1, "{page}");
            assert_eq!((found[0].name, found[0].arguments.raw), (name, arguments), "{page}");
            assert_eq!(found[0].span, 0..page.len(), "{page}");
        }
    }

    #[test]
    fn a_quoted_argument_may_hold_a_closing_brace() {
        let found = find("{{#asm ch01 f note=\"ret\" \"writes `A { b: 0 }`\"}} and {{#include a.rs}}");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].arguments.words, ["ch01", "f", "note=ret", "writes `A { b: 0 }`"]);
        assert_eq!(found[1].name, "include");
    }

    #[test]
    fn an_escaped_directive_is_left_alone_up_to_the_last_braces_of_its_line() {
        assert!(find(r"write \{{#include file.rs}} to include").is_empty());
        assert!(find(r"\{{#include a.rs}} and {{#include b.rs}}").is_empty(), "as mdBook: one escaped span");
        assert_eq!(find("\\{{#include a.rs}}\n{{#include b.rs}}").len(), 1);
    }

    #[test]
    fn what_mdbook_does_not_expand_is_not_a_directive() {
        for page in ["{{include file.rs}}", "{{#include file.rs", "{{# include file.rs}}", "{{}} {{#}}"] {
            assert!(find(page).is_empty(), "{page}");
        }
        assert_eq!(find("{{#asm}}")[0].arguments.raw, "", "found, for its usage message");
    }

    #[test]
    fn quoted_arguments_keep_their_spaces() {
        let found = find(r#"{{#historical-asm seed/a.s "from the seed's note"}}"#);
        assert_eq!(found[0].arguments.words, ["seed/a.s", "from the seed's note"]);
    }
}
