//! x86-64 assembly listings: parse → select → filter → render.

mod filter;
pub mod instances;
pub(crate) mod listing;
pub mod parse;
mod select;
pub mod symbols;

pub use filter::EMPTY_INLINE_ASM;
/// The lines of a function's listing in an already compiled and parsed crate.
pub use filter::filter as lines;
pub use listing::{AsmListing, ConstantKind, Line, Listing, parse_lines};
pub use select::{Function, Program, TypeArguments};

/// What a listing shows besides the function's own code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AsmOptions {
    /// Interleave the chapter's Rust lines as `; src/lib.rs:42  …` comments.
    pub source: bool,
    /// Show the constants the code refers to (a waker vtable's four `.quad`s, strings), not
    /// only the jump tables.
    pub data: bool,
}
