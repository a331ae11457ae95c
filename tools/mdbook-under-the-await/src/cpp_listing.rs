//! `{{#cpp-asm CHAPTER NAME}}`: a C++ listing made by the pinned g++ (`listings::cpp`), from
//! its snapshot `chapters/<chapter>/tests/snapshots/<chapter>__cpp-asm__<NAME>.snap`, with a
//! caption naming the function, the compiler, the flags and the source file, and a Compiler
//! Explorer link that carries that file and those flags.

use std::collections::BTreeMap;

use listings::ListingKind;

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::{Error, ListingArguments, ListingName, Options, Snapshot, asm_figure, caption};
use crate::{asm_html, compiler_explorer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CppAsm {
    pub listing: ListingName,
}

impl CppAsm {
    pub fn parse(arguments: &Arguments<'_>) -> Result<CppAsm, ArgumentError> {
        Ok(CppAsm { listing: ListingArguments::parse(&arguments.words, Options::None)?.listing })
    }
}

impl Render for CppAsm {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let Snapshot { chapter, name, stored } = self.listing.read(ListingKind::CppAsm, context.workspace)?;
        let source_path =
            listings::cpp::source_of(&stored.provenance).ok_or_else(|| Error::NoCppSource { name: name.clone() })?;
        let source_path = chapter.dir.join(source_path);
        let source = std::fs::read_to_string(&source_path)
            .map_err(|error| Error::read(&source_path, context.workspace, &error))?;
        let pin = listings::cpp::gxx::pinned();
        let explorer = compiler_explorer::cpp_link(&source, &pin.release, &listings::cpp::gxx::FLAGS.join(" "));
        Ok(Expansion::Markdown(asm_figure(
            &format!("cpp-listing-{}-{name}", chapter.slug),
            &asm_html::render(&stored.asm_lines().map_err(|e| Error::Unreadable(Box::new(e)))?, &BTreeMap::new()),
            "",
            &format!(
                "{} · <a class=\"compiler-explorer\" href=\"{explorer}\">Open in Compiler Explorer</a>",
                caption(&stored)
            ),
        )))
    }
}
