//! `{{#name arguments}}` directives in a page, found once with their positions.

/// One directive: `{{#asm ch01 noop no-source}}` has name `asm` and arguments
/// `["ch01", "noop", "no-source"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'a> {
    pub name: &'a str,
    /// The raw text between the name and `}}`.
    pub raw_arguments: &'a str,
    /// Byte range of the whole directive in the page, `{{` to `}}` included.
    pub span: std::ops::Range<usize>,
}

impl Directive<'_> {
    /// Whitespace-separated arguments; `"…"` keeps spaces inside one argument.
    pub fn arguments(&self) -> Vec<String> {
        let mut arguments = Vec::new();
        let mut current = String::new();
        let mut quoted = false;
        for c in self.raw_arguments.chars() {
            match c {
                '"' => quoted = !quoted,
                c if c.is_whitespace() && !quoted => {
                    if !current.is_empty() {
                        arguments.push(std::mem::take(&mut current));
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            arguments.push(current);
        }
        arguments
    }
}

/// Every directive of a page, in order. A directive written `\{{#…}}` is escaped (mdBook's
/// convention) and is not one.
pub fn find(page: &str) -> Vec<Directive<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = page[from..].find("{{#").map(|at| at + from) {
        from = at + 3;
        if at > 0 && page.as_bytes()[at - 1] == b'\\' {
            continue;
        }
        let Some(end) = page[at..].find("}}").map(|end| end + at) else { break };
        let inside = &page[at + 3..end];
        let (name, raw_arguments) = inside.split_once(char::is_whitespace).unwrap_or((inside, ""));
        found.push(Directive { name, raw_arguments: raw_arguments.trim(), span: at..end + 2 });
        from = end + 2;
    }
    found
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
        assert_eq!(found[0].arguments(), ["ch01", "noop", "no-source"]);
        assert_eq!(&page[found[0].span.clone()], "{{#asm ch01 noop no-source}}");
        assert_eq!(found[1].arguments(), ["../a.rs:anchor"]);
    }

    #[test]
    fn an_escaped_directive_is_left_alone() {
        assert!(find(r"write \{{#include file.rs}} to include").is_empty());
    }

    #[test]
    fn quoted_arguments_keep_their_spaces() {
        let found = find(r#"{{#historical-asm seed/a.s "from the seed's note"}}"#);
        assert_eq!(found[0].arguments(), ["seed/a.s", "from the seed's note"]);
    }
}
