//! HIR as `-Zunpretty=hir` prints it: the crate's items after desugaring, Rust-like text.

use crate::error::{Expected, Format, ParseError};

/// One top-level item of the HIR print-out, with the attributes written before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `hello_world` for `async fn hello_world()`, `impl Future for DummyFuture`, `DummyFuture`.
    pub name: String,
    pub text: String,
}

/// Splits the print-out into top-level items. Source comments, which the pretty-printer
/// scatters wherever their position falls, are dropped, and runs of blank lines closed up. An
/// item whose braces the print-out ends (or closes more braces) before is an error.
pub fn items(hir: &str) -> Result<Vec<Item>, ParseError> {
    let mut items = Vec::new();
    let mut text = String::new();
    let mut depth = 0i32;
    let mut opened = false;
    let mut from = 0;
    for (index, line) in hir.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || (trimmed.is_empty() && (text.is_empty() || text.ends_with("\n\n"))) {
            continue;
        }
        if text.is_empty() {
            from = index + 1;
        }
        text.push_str(line);
        text.push('\n');
        depth += brace_balance(line);
        if depth < 0 {
            return Err(ParseError::quoting(Format::Hir, index + 1, line, Expected::ItemEnd { from }));
        }
        opened |= line.contains('{');
        // An item ends where its braces close, or at a `;` outside any braces (`use …;`).
        if depth == 0 && (opened || trimmed.ends_with(';')) {
            opened = false;
            let finished = std::mem::take(&mut text);
            if let Some(name) = item_name(&finished) {
                items.push(Item { name, text: finished.trim_end().to_owned() + "\n" });
            }
        }
    }
    match depth {
        0 => Ok(items),
        _ => Err(ParseError::at_end(Format::Hir, hir, Expected::ItemEnd { from })),
    }
}

/// `{` minus `}` on a line, outside string and character literals.
fn brace_balance(line: &str) -> i32 {
    let mut balance = 0;
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '\'' if !in_string => {
                // A char literal such as '{' (a lifetime has no closing quote two chars on).
                let mut lookahead = chars.clone();
                if let (Some(_), Some('\'')) = (lookahead.next(), lookahead.next()) {
                    chars.next();
                    chars.next();
                }
            }
            '{' if !in_string => balance += 1,
            '}' if !in_string => balance -= 1,
            _ => {}
        }
    }
    balance
}

/// The name of an item from its first line that is not an attribute.
fn item_name(text: &str) -> Option<String> {
    let header = text.lines().map(str::trim).find(|line| !line.starts_with("#[") && !line.is_empty())?;
    let words: Vec<&str> =
        header.split(|c: char| c.is_whitespace() || c == '(' || c == '<' || c == ':' || c == '{').collect();
    if header.starts_with("impl") {
        return Some(header.trim_end_matches('{').trim().to_owned());
    }
    // `const fn f` is the function `f`, so `fn` is looked for before the other keywords.
    let keyword_at = words.iter().position(|w| *w == "fn").or_else(|| {
        words.iter().position(|w| matches!(*w, "struct" | "enum" | "const" | "static" | "trait" | "type" | "mod"))
    })?;
    words.get(keyword_at + 1).filter(|name| !name.is_empty()).map(|name| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HIR: &str = "extern crate std;\n#[attr = PreludeImport]\nuse std::prelude::rust_2024::*;\n\n\
        unsafe fn noop(_data: *const ()) { }\n\n\
        const fn noop_raw_waker()\n    -> RawWaker { RawWaker::new(null(), &NOOP_WAKER_VTABLE) }\n\
        // ANCHOR: hello_world\n\
        async fn hello_world()\n    ->\n        /*impl Trait*/ |mut _task_context: ResumeTy|\n    {\n        {\n\
        \x20           // a comment the printer moved here\n\
        \x20           ::std::io::_print(format_arguments::from_str(\"{ not a brace\\n\"));\n        }\n    }\n\n\
        impl Future for DummyFuture {\n    type Output = u8;\n}\n";

    #[test]
    fn hir_splits_into_named_top_level_items() {
        let names: Vec<String> = items(HIR).unwrap().into_iter().map(|i| i.name).collect();
        assert_eq!(names, ["noop", "noop_raw_waker", "hello_world", "impl Future for DummyFuture"]);
    }

    #[test]
    fn comments_are_dropped_and_braces_in_strings_do_not_count() {
        let hello = items(HIR).unwrap().into_iter().find(|i| i.name == "hello_world").unwrap();
        assert!(!hello.text.contains("//"), "{}", hello.text);
        assert!(hello.text.ends_with("    }\n"), "{}", hello.text);
        assert!(hello.text.contains("_task_context: ResumeTy"));
    }

    #[test]
    fn a_print_out_that_ends_inside_an_item_is_an_error_naming_where_the_item_began() {
        let cut = &HIR[..HIR.find("impl Future for DummyFuture {").unwrap() + 30];
        let error = items(cut).unwrap_err();
        assert_eq!(error.expected, Expected::ItemEnd { from: cut.lines().count() });
    }
}
