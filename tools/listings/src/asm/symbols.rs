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

/// The form in which names are compared: crate disambiguators (`crate[1a2b…]`) and any `::h…`
/// hash dropped. Closures keep their spelling: `{closure#1}` and `{closure#0}` are two functions.
pub fn normalise(name: &str) -> String {
    static DISAMBIGUATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[[0-9a-f]+\]").unwrap());
    static HASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"::h[0-9a-f]{16}$").unwrap());
    let name = name.trim();
    let name = match name.contains('[') {
        true => DISAMBIGUATOR.replace_all(name, ""),
        false => name.into(),
    };
    HASH.replace(&name, "").into_owned()
}

/// A name with every closure spelled the legacy way: `{closure#0}` → `{{closure}}`. Legacy
/// mangling (the chapters' own symbols) cannot tell sibling closures apart, so a v0 spelling is
/// compared in this form only when nothing has the exact spelling.
pub fn collapse_closures(name: &str) -> String {
    static V0_CLOSURE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{closure#\d+\}").unwrap());
    match name.contains("{closure#") {
        true => V0_CLOSURE.replace_all(name, "{{closure}}").into_owned(),
        false => name.to_owned(),
    }
}

/// Every path shortened to its last segment: `<ch01::DummyFuture as core::future::future::Future>::poll`
/// → `<DummyFuture as Future>::poll`, `ch01::hello_world::{{closure}}` → `hello_world::{{closure}}`.
pub fn short(name: &str) -> String {
    static PATH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(?:[A-Za-z_][A-Za-z0-9_]*::)+([A-Za-z_][A-Za-z0-9_]*)").unwrap());
    PATH.replace_all(name, "$1").into_owned()
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
    fn normal_names_lose_disambiguators_and_hashes_but_keep_closure_numbers() {
        assert_eq!(normalise("ch01[1a2b3c]::hello_world::{closure#1}"), "ch01::hello_world::{closure#1}");
        assert_eq!(normalise("  ch01::f::h0123456789abcdef "), "ch01::f");
    }

    #[test]
    fn collapsing_closures_gives_the_legacy_spelling() {
        assert_eq!(collapse_closures("first_of::{closure#0}::{closure#1}"), "first_of::{{closure}}::{{closure}}");
    }

    #[test]
    fn short_names_keep_only_last_segments() {
        assert_eq!(short("<ch01::DummyFuture as core::future::future::Future>::poll"), "<DummyFuture as Future>::poll");
        assert_eq!(short("ch01::hello_world::{{closure}}"), "hello_world::{{closure}}");
        assert_eq!(short("noop"), "noop");
    }
}
