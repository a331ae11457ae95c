//! `{{#cpp-asm CHAPTER NAME}}`: a C++ listing made by the pinned g++ (`listings::cpp`), from
//! its snapshot `chapters/<chapter>/tests/snapshots/<chapter>__cpp-asm__<NAME>.snap`, with a
//! caption naming the function, the compiler, the flags and the source file, and a Compiler
//! Explorer link that carries that file and those flags.

use listings::{ListingKind, Workspace};

use std::collections::BTreeMap;

use crate::listing::{asm_figure, caption, stored_listing};
use crate::{asm_html, compiler_explorer};

pub fn render_cpp_asm(arguments: &[String], workspace: &Workspace) -> Result<String, String> {
    let (chapter, name, stored, options) = stored_listing(ListingKind::CppAsm, arguments, workspace, "none")?;
    if let Some(option) = options.first() {
        return Err(format!("unknown option `{option}` of {{{{#cpp-asm}}}}; it takes none"));
    }
    let source_path = listings::cpp::source_of(&stored.provenance)
        .ok_or_else(|| format!("the snapshot of C++ listing `{name}` names no .cpp source in its header"))?;
    let source = std::fs::read_to_string(chapter.dir.join(source_path))
        .map_err(|e| format!("cannot read {source_path} of {}: {e}", chapter.slug))?;
    let pin = listings::cpp::gxx::pinned();
    let explorer = compiler_explorer::cpp_link(&source, &pin.release, &listings::cpp::gxx::FLAGS.join(" "));
    Ok(asm_figure(
        &format!("cpp-listing-{}-{name}", chapter.slug),
        &asm_html::render(&stored.asm_lines().map_err(|e| e.to_string())?, &BTreeMap::new()),
        "",
        &format!(
            "{} · <a class=\"compiler-explorer\" href=\"{explorer}\">Open in Compiler Explorer</a>",
            caption(&stored)
        ),
    ))
}
