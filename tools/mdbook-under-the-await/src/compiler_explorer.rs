//! "Open in Compiler Explorer" links that carry a chapter's source and the listing's flags.
//!
//! Compiler Explorer restores a whole session from `/clientstate/<base64 of JSON>` (its
//! `docs/API.md`; the route accepts standard base64 with padding). The JSON names one Rust
//! editor and one compiler; the compiler id is `r` and the release's digits (`r1950` for
//! 1.95.0, per `etc/config/rust.amazon.properties`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

const SITE: &str = "https://godbolt.org/clientstate/";

/// A link that opens `source` compiled by rustc `release` with `options`.
pub fn link(source: &str, release: &str, options: &str) -> String {
    let state = json!({
        "sessions": [{
            "id": 1,
            "language": "rust",
            "source": source,
            "compilers": [{
                "id": compiler_id(release),
                "options": options,
                // Intel syntax, demangled, directives and comments hidden: as the book shows it.
                "filters": {
                    "binary": false, "commentOnly": true, "demangle": true, "directives": true,
                    "execute": false, "intel": true, "labels": true, "trim": false
                }
            }]
        }]
    });
    format!("{SITE}{}", STANDARD.encode(state.to_string()))
}

/// A link that opens the C++ `source` compiled by x86-64 gcc `release` with `options`.
pub fn cpp_link(source: &str, release: &str, options: &str) -> String {
    let state = json!({
        "sessions": [{
            "id": 1,
            "language": "c++",
            "source": source,
            "compilers": [{
                "id": gcc_compiler_id(release),
                "options": options,
                "filters": {
                    "binary": false, "commentOnly": true, "demangle": true, "directives": true,
                    "execute": false, "intel": true, "labels": true, "trim": false
                }
            }]
        }]
    });
    format!("{SITE}{}", STANDARD.encode(state.to_string()))
}

/// `12.2.0` → `g122`, Compiler Explorer's id of x86-64 gcc 12.2 (`etc/config/c++.amazon.properties`).
pub fn gcc_compiler_id(release: &str) -> String {
    let mut parts = release.split('.');
    format!("g{}{}", parts.next().unwrap_or_default(), parts.next().unwrap_or_default())
}

/// `1.95.0` → `r1950`.
pub fn compiler_id(release: &str) -> String {
    format!("r{}", release.replace('.', ""))
}

/// Why a text is not a link [`link`] wrote.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a Compiler Explorer client-state link")]
    NotClientState,
    #[error(transparent)]
    Base64(#[from] base64::DecodeError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("the state has no {0}")]
    Missing(&'static str),
}

/// The source, compiler id and options a link carries: the inverse of [`link`].
pub fn decode(link: &str) -> Result<(String, String, String), DecodeError> {
    let encoded = link.strip_prefix(SITE).ok_or(DecodeError::NotClientState)?;
    let state: Value = serde_json::from_slice(&STANDARD.decode(encoded)?)?;
    let session = &state["sessions"][0];
    let compiler = &session["compilers"][0];
    let text = |value: &Value, field| value.as_str().map(str::to_owned).ok_or(DecodeError::Missing(field));
    Ok((
        text(&session["source"], "source")?,
        text(&compiler["id"], "compiler id")?,
        text(&compiler["options"], "options")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_round_trips_the_source_compiler_and_options() {
        let source = "pub async fn f() {}\n// quotes \" and backslashes \\ and ünicode\n";
        let options = listings::CodegenFlags::default().compiler_explorer_options("2024");
        let url = link(source, "1.95.0", &options);
        assert!(url.starts_with("https://godbolt.org/clientstate/"));
        assert!(url.is_ascii() && !url.contains(char::is_whitespace), "{url}");
        let (decoded_source, compiler, decoded_options) = decode(&url).unwrap();
        assert_eq!(decoded_source, source);
        assert_eq!(compiler, "r1950");
        assert_eq!(decoded_options, "--edition 2024 -C opt-level=3 -C codegen-units=1 -C target-cpu=x86-64");
    }

    #[test]
    fn a_cpp_link_names_gcc_by_its_compiler_explorer_id() {
        let url = cpp_link("int main() {}\n", "12.2.0", "-std=c++20 -O2");
        let (source, compiler, options) = decode(&url).unwrap();
        assert_eq!(
            (source.as_str(), compiler.as_str(), options.as_str()),
            ("int main() {}\n", "g122", "-std=c++20 -O2")
        );
    }
}
