//! Symbol names: demangling, the normal form names are compared in, and the short form a
//! reader types.

use std::sync::LazyLock;

use regex::Regex;

/// `_ZN…17h…E` or `_R…` → the path a reader writes, without the hash (legacy mangling) or the
/// crate disambiguators such as `std[e28293b1aa0f68bd]` (v0 mangling): both differ between
/// builds and would make snapshots machine-dependent.
pub fn demangle(symbol: &str) -> Option<String> {
    if !(symbol.starts_with("_ZN") || symbol.starts_with("_R")) {
        return None;
    }
    rustc_demangle::try_demangle(symbol).ok().map(|name| format!("{name:#}"))
}

/// The form in which names are compared: v0 spellings (`{closure#0}`, `crate[1a2b…]`) turned
/// into the legacy ones a chapter's own symbols demangle to, and any `::h…` hash dropped.
pub fn normalise(name: &str) -> String {
    static DISAMBIGUATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[[0-9a-f]+\]").unwrap());
    static V0_CLOSURE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{closure#\d+\}").unwrap());
    static HASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"::h[0-9a-f]{16}$").unwrap());
    let name = DISAMBIGUATOR.replace_all(name.trim(), "");
    let name = V0_CLOSURE.replace_all(&name, "{{closure}}");
    HASH.replace(&name, "").into_owned()
}

/// Every path shortened to its last segment: `<ch01::DummyFuture as core::future::future::Future>::poll`
/// → `<DummyFuture as Future>::poll`, `ch01::hello_world::{{closure}}` → `hello_world::{{closure}}`.
pub fn short(name: &str) -> String {
    static PATH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(?:[A-Za-z_][A-Za-z0-9_]*::)+([A-Za-z_][A-Za-z0-9_]*)").unwrap());
    PATH.replace_all(name, "$1").into_owned()
}

/// Applies `rename` to every symbol-like token of an operand string (`[rip + .LJTI2_0]`,
/// `.LBB2_1-.LJTI2_0`, `_ZN…E@GOTPCREL`), leaving registers, numbers and punctuation alone.
pub fn map_tokens(text: &str, mut rename: impl FnMut(&str) -> Option<String>) -> String {
    let is_symbol_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_symbol_char) {
        out.push_str(&rest[..start]);
        let token_len = rest[start..].find(|c: char| !is_symbol_char(c)).unwrap_or(rest.len() - start);
        let token = &rest[start..start + token_len];
        match rename(token) {
            Some(renamed) => out.push_str(&renamed),
            None => out.push_str(token),
        }
        rest = &rest[start + token_len..];
    }
    out.push_str(rest);
    out
}

/// The symbol-like tokens of an operand string, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    map_tokens(text, |token| {
        found.push(token.to_owned());
        None
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_symbols_lose_their_hash() {
        assert_eq!(
            demangle("_ZN10ch01_probe11hello_world28_$u7b$$u7b$closure$u7d$$u7d$17h2bafa51661bb71abE").as_deref(),
            Some("ch01_probe::hello_world::{{closure}}")
        );
    }

    #[test]
    fn v0_symbols_lose_their_crate_disambiguators() {
        assert_eq!(demangle("_RNvNtNtCsjrHSEGnQ3l9_3std2io5stdio6__print").as_deref(), Some("std::io::stdio::_print"));
    }

    #[test]
    fn labels_registers_and_numbers_are_not_demangled() {
        for token in [".LBB2_1", "rax", "0x10", "_Unwind_Resume"] {
            assert_eq!(demangle(token), None, "{token}");
        }
    }

    #[test]
    fn v0_spellings_normalise_to_legacy_ones() {
        assert_eq!(normalise("ch01[1a2b3c]::hello_world::{closure#0}"), "ch01::hello_world::{{closure}}");
        assert_eq!(normalise("  ch01::f::h0123456789abcdef "), "ch01::f");
    }

    #[test]
    fn short_names_keep_only_last_segments() {
        assert_eq!(short("<ch01::DummyFuture as core::future::future::Future>::poll"), "<DummyFuture as Future>::poll");
        assert_eq!(short("ch01::hello_world::{{closure}}"), "hello_world::{{closure}}");
        assert_eq!(short("noop"), "noop");
    }

    #[test]
    fn tokens_are_mapped_inside_operands() {
        let renamed = map_tokens("qword ptr [rip + .LJTI2_0] .LBB2_1-.LJTI2_0 _ZN1a17hE@GOTPCREL", |t| {
            t.starts_with(".L").then(|| format!("<{t}>"))
        });
        assert_eq!(renamed, "qword ptr [rip + <.LJTI2_0>] <.LBB2_1>-<.LJTI2_0> _ZN1a17hE@GOTPCREL");
        assert_eq!(tokens("[rcx + 4*rax]"), ["rcx", "4", "rax"]);
    }
}
