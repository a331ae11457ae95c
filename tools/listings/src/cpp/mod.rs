//! C++ listings, for the appendix that sets a C++20 coroutine beside a Rust future.
//!
//! The same rules as the Rust listings: one pinned compiler (`gxx-toolchain.toml`, refused
//! otherwise), its version in the snapshot's header, no path of the machine, labels renumbered
//! per listing, every symbol demangled (`cpp_demangle`). The source is a file of a chapter
//! (`chapters/<chapter>/cpp/<name>.cpp`) compiled alone by g++ with [`gxx::FLAGS`], `-S`.
//!
//! ```text
//! g++ -S (gxx.rs) → parse (asm/parse.rs, shared) → functions, filter, renumber (filter.rs) → Listing
//! ```

pub mod filter;
pub mod gxx;

use std::path::Path;
use std::sync::{Arc, LazyLock};

use kept::Memo;

use crate::asm::parse::{Statement, check_complete, parse_numbered};
use crate::error::{Format, ParseError};
use crate::workspace::closest;
use crate::{AsmListing, Error, Origin, Provenance, Workspace};

/// The assembly of `function` (demangled, as `c++filt` prints it, or the part before its
/// parameters when that is unambiguous: `three_awaits`) in the chapter's C++ file `source`
/// (`cpp/three_awaits.cpp`).
pub fn asm(chapter: &str, source: &str, function: &str) -> Result<AsmListing, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    let compiled = compiled(&workspace, &chapter, source)?;
    let (statements, functions) = (&compiled.statements, &compiled.functions);
    let wanted = function.trim();
    let exact: Vec<&filter::CppFunction> = functions.iter().filter(|f| f.name == wanted).collect();
    let by_prefix: Vec<&filter::CppFunction> =
        functions.iter().filter(|f| f.name.split('(').next() == Some(wanted)).collect();
    let selected = match (exact.as_slice(), by_prefix.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], []) => {
            let known: Vec<String> = functions.iter().map(|f| f.name.clone()).collect();
            return Err(Error::UnknownFunction {
                given: wanted.to_owned(),
                chapter: format!("{} ({source})", chapter.slug),
                closest: closest(wanted, &known),
                known,
                listed_by: None,
            });
        }
        (_, several) => {
            return Err(Error::Ambiguous {
                given: wanted.to_owned(),
                chapter: format!("{} ({source})", chapter.slug),
                what: "functions".to_owned(),
                candidates: several.iter().map(|f| f.name.clone()).collect(),
            });
        }
    };
    let provenance = Provenance {
        subject: selected.name.clone(),
        compiler: gxx::pinned().describe(),
        origin: Origin::Cpp { flags: gxx::FLAGS.join(" "), source: source.to_owned() },
        excerpt: None,
    };
    let command = provenance.command(&chapter.slug, function);
    Ok(AsmListing { listing: filter::listing(statements, selected), provenance, command })
}

/// Every function of the chapter's C++ file, by the names [`asm`] accepts.
pub fn functions(chapter: &str, source: &str) -> Result<Vec<String>, Error> {
    let workspace = Workspace::this_checkout();
    let chapter = workspace.chapter(chapter)?;
    Ok(compiled(&workspace, &chapter, source)?.functions.iter().map(|f| f.name.clone()).collect())
}

/// The source file a C++ listing's provenance names.
pub fn source_of(provenance: &Provenance) -> Option<&str> {
    match &provenance.origin {
        Origin::Cpp { source, .. } => Some(source),
        _ => None,
    }
}

/// A C++ file's assembly, parsed, and its functions.
struct Compiled {
    statements: Vec<Statement>,
    functions: Vec<filter::CppFunction>,
}

/// Compiles and parses one C++ file once per process.
fn compiled(workspace: &Workspace, chapter: &crate::Chapter, source: &str) -> Result<Arc<Compiled>, Error> {
    type BySource = Memo<(String, String), Result<Arc<Compiled>, Error>>;
    static COMPILED: LazyLock<BySource> = LazyLock::new(Memo::new);
    COMPILED.get((chapter.slug.clone(), source.to_owned()), || {
        let text = gxx::assembly(workspace, chapter, Path::new(source))?;
        let in_file = |e: ParseError| e.in_file(format!("g++'s assembly of {source}"));
        let (statements, numbers) = parse_numbered(&text).map_err(in_file)?;
        check_complete(&statements, &text).map_err(in_file)?;
        let functions = filter::functions(&statements).map_err(|(at, expected)| {
            in_file(ParseError::at(Format::Assembly, &text, numbers[at] as usize, expected))
        })?;
        Ok(Arc::new(Compiled { statements, functions }))
    })
}

/// Checks a C++ [`AsmListing`] against its snapshot `tests/snapshots/<package>__cpp-asm__<name>.snap`,
/// like [`assert_asm_snapshot!`](crate::assert_asm_snapshot).
#[macro_export]
macro_rules! assert_cpp_asm_snapshot {
    ($name:expr, $listing:expr $(,)?) => {{
        let listing: &$crate::AsmListing = &$listing;
        $crate::snapshot_settings(&listing.provenance, None).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), $crate::ListingKind::CppAsm, $name),
                listing.to_string(),
                listing.command.as_str()
            );
        });
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_is_the_last_field_of_a_cpp_provenance() {
        let cpp: Provenance = "f() · g++ 12.2.0 · -O2 · cpp/three_awaits.cpp".parse().unwrap();
        assert_eq!(source_of(&cpp), Some("cpp/three_awaits.cpp"));
        let rust: Provenance =
            "f · rustc 1.95.0 (x) · --edition 2024 --crate-type lib --emit=mir -C opt-level=0".parse().unwrap();
        assert_eq!(source_of(&rust), None);
    }
}
