//! x86-64 assembly listings: parse → select → filter → render.

mod filter;
mod listing;
pub mod parse;
mod select;
pub mod symbols;

pub use listing::{Line, Listing, is_source_line};
pub use select::{Function, Program};

use crate::{Chapter, Error, Workspace};

/// What a listing shows besides the function's own code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsmOptions {
    /// Interleave the chapter's Rust lines as `; src/lib.rs:42  …` comments.
    pub source: bool,
    /// Show the constants the code refers to (a waker vtable's four `.quad`s, strings), not
    /// only the jump tables.
    pub data: bool,
}

impl AsmOptions {
    fn describe(&self) -> String {
        let mut extras = String::new();
        if self.data {
            extras.push_str(" · with the constants it refers to");
        }
        if self.source {
            extras.push_str(" · with source lines");
        }
        extras
    }
}

/// The listing of `function` in an already compiled and parsed chapter.
pub fn listing(program: &Program, chapter: &Chapter, function: &str, options: &AsmOptions) -> Result<Listing, Error> {
    let function = program.select(function, &chapter.slug)?;
    Ok(filter::filter(program, function, chapter, &Workspace::this_checkout().root, options))
}
