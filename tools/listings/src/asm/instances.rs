//! What tells apart generic instances that legacy mangling prints alike: their type arguments.
//!
//! A legacy symbol demangles to the generic item's path (`<&T as core::fmt::Debug>::fmt`) and a
//! hash. The debug information rustc writes for the same function names it with its type
//! arguments: `DISubprogram(name: "fmt<regex_syntax::hir::Hir>", linkageName: "_ZN…E", …)`
//! (rustc's `dbg_scope_fn` appends the instance's generic arguments to the item's name). The
//! LLVM IR of a build with the listing flags carries those lines.

use super::select::TypeArguments;

/// Symbol → type arguments (`regex_syntax::hir::Hir`; empty for a function that has none) of
/// every function the LLVM IR describes.
pub fn type_arguments(llvm_ir: &str) -> TypeArguments {
    let arguments = llvm_ir
        .lines()
        .filter(|line| line.contains("!DISubprogram(name: \""))
        .filter_map(|line| {
            let name = quoted_field(line, "name")?;
            let symbol = quoted_field(line, "linkageName")?;
            let arguments = name.find('<').map_or("", |open| name[open + 1..].strip_suffix('>').unwrap_or(""));
            Some((symbol.to_owned(), arguments.to_owned()))
        })
        .collect();
    std::sync::Arc::new(arguments)
}

/// The value of `key: "…"` in a metadata node.
fn quoted_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(&format!("{key}: \""))? + key.len() + 3;
    let end = line[start..].find('"')?;
    Some(&line[start..start + end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_symbol_gets_the_type_arguments_its_debug_name_carries() {
        let ir = "!12 = distinct !DISubprogram(name: \"grow_one<u8, alloc::alloc::Global>\", linkageName: \"_ZN5alloc7raw_vec6grow17h1E\", scope: !3)\n\
                  !13 = distinct !DISubprogram(name: \"noop\", linkageName: \"_ZN4tiny4noop17h2E\", scope: !4)\n";
        let arguments = type_arguments(ir);
        assert_eq!(arguments["_ZN5alloc7raw_vec6grow17h1E"], "u8, alloc::alloc::Global");
        assert_eq!(arguments["_ZN4tiny4noop17h2E"], "");
    }
}
