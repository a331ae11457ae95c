//! Where a coroutine's state tag lies, read from the debug information rustc writes for it.
//!
//! `-Zprint-type-sizes` gives the tag's size but not its offset. The DWARF description of the
//! same type does: an `async fn`'s future is the composite type `{async_fn_env#0}` in the
//! namespace of the function (an async closure's body `{async_closure_env#0}`, an `async` block
//! `{async_block_env#0}`), and its variant part is discriminated by an artificial member named
//! `__state`, whose `offset` (in bits; absent means 0) is the tag's place. In LLVM IR these are
//! metadata lines such as
//!
//! ```text
//! !48 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !12, …, size: 8, align: 8, offset: 128, …)
//! !12 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !13, …)
//! !13 = !DINamespace(name: "two_suspension_points", scope: !14)
//! ```
//!
//! Which type of the print-out such a structure is, [`CoroutineSource`] says.

use std::collections::HashMap;

use super::type_sizes::TypeLayout;
use crate::error::{Expected, Format, ParseError};

/// Every metadata node, `!12 = …` → (`12`, its line number, `…`).
fn metadata(llvm_ir: &str) -> HashMap<&str, (usize, &str)> {
    llvm_ir
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let (id, node) = line.strip_prefix('!')?.split_once(" = ")?;
            Some((id, (index + 1, node)))
        })
        .collect()
}

/// The number in the field `key` of the node on line `line`: absent is `None`, unreadable an
/// error (a number read as 0 would put a tag where it is not).
fn number(llvm_ir: &str, line: usize, node: &str, key: &'static str) -> Result<Option<u64>, ParseError> {
    match field(node, key) {
        None => Ok(None),
        Some(text) => {
            text.rsplit(' ').next().and_then(|n| n.parse().ok()).map(Some).ok_or_else(|| {
                ParseError::at(Format::DebugInfo, llvm_ir, line, Expected::MetadataNumber { field: key })
            })
        }
    }
}

/// Which coroutine a type is, in terms that both the print-out and the debug information give.
///
/// The two outputs name a coroutine differently. `-Zprint-type-sizes` writes an `async fn`'s
/// future as `{async fn body of streams::countdown_step()}`, and a closure's body or a block by
/// where it starts in the source: `{async closure body@src/lib.rs:152:24: 156:6}`,
/// `{async block@src/lib.rs:179:9: 179:19}`. The debug information describes the same type as a
/// structure `{async_fn_env#0}`, `{async_closure_env#0}` or `{async_block_env#0}` inside the
/// namespaces of its function, and its resume function, in the same namespace, carries the file
/// and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoroutineSource {
    /// An `async fn`'s future: the function's path in its crate (`streams::countdown_step`), and
    /// whether the type is an instance of a generic function (`call_twice<…>`), whose type
    /// arguments the two outputs spell differently.
    AsyncFn { path: String, generic: bool },
    /// An async closure's body: the file and line where it starts.
    AsyncClosureBody { file: String, line: u64 },
    /// An `async` block: the file and line where it starts.
    AsyncBlock { file: String, line: u64 },
}

impl CoroutineSource {
    /// The coroutine a print-out's type name is, or `None` for any other type. A method's
    /// future keeps the path the print-out gives it, its type's (`Svc::method`, `Wrapper::get`
    /// for `Wrapper<u8>::get`, `<Memory as Store>::get` as it is), which its debug information
    /// does not have: there it is `{impl#1}::get` ([`CoroutineSource::is_method_of`]).
    pub fn of_printed(name: &str) -> Option<CoroutineSource> {
        if let Some(function) = name.strip_prefix("{async fn body of ").and_then(|rest| rest.strip_suffix("()}")) {
            if function.starts_with('<') {
                return Some(CoroutineSource::AsyncFn { path: function.to_owned(), generic: false });
            }
            let path = without_type_arguments(function);
            let generic = path != function;
            return Some(CoroutineSource::AsyncFn { path, generic });
        }
        let spanned = |prefix: &str| -> Option<(String, u64)> {
            // `FILE:LINE:COLUMN: LINE:COLUMN`, the file name possibly holding colons of its own.
            let span = name.strip_prefix(prefix)?.strip_suffix('}')?;
            let (start, _end) = span.rsplit_once(": ")?;
            let mut parts = start.rsplitn(3, ':');
            let (_column, line, file) = (parts.next()?, parts.next()?, parts.next()?);
            Some((file.to_owned(), line.parse().ok()?))
        };
        if let Some((file, line)) = spanned("{async closure body@") {
            return Some(CoroutineSource::AsyncClosureBody { file, line });
        }
        spanned("{async block@").map(|(file, line)| CoroutineSource::AsyncBlock { file, line })
    }
}

impl CoroutineSource {
    /// Whether `self`, a future as the print-out names it, is the method's future `described`
    /// names as the debug information does, by its impl: `Svc::method` and
    /// `routes::Svc::method` are `{impl#0}::method` and `routes::{impl#0}::method` (the impl in
    /// the module of the type), `<Memory as Store>::get` is `…::{impl#N}::get` (in any module).
    /// The impl's number says nothing of the type: [`place_tags`] pairs the two only where
    /// nothing else fits.
    pub fn is_method_of(&self, described: &CoroutineSource) -> bool {
        let (
            CoroutineSource::AsyncFn { path: printed, generic },
            CoroutineSource::AsyncFn { path: described, generic: described_generic },
        ) = (self, described)
        else {
            return false;
        };
        let Some((impl_path, method)) = described.rsplit_once("::") else { return false };
        let (module, impl_name) = match impl_path.rsplit_once("::") {
            Some((module, impl_name)) => (Some(module), impl_name),
            None => (None, impl_path),
        };
        if !impl_name.starts_with("{impl#") {
            return false;
        }
        if printed.starts_with('<') {
            return printed.ends_with(&format!(">::{method}"));
        }
        let Some((type_path, printed_method)) = printed.rsplit_once("::") else { return false };
        let printed_module = type_path.rsplit_once("::").map(|(module, _)| module);
        // The print-out names a type by the path its crate exports it under, the debug
        // information by the module that defines it: tokio's `tokio::sync::Mutex` is
        // `tokio::sync::mutex::{impl#N}`, a module inside the exported one.
        let same_or_inside = match (printed_module, module) {
            (Some(printed), Some(described)) => {
                printed == described || described.strip_prefix(printed).is_some_and(|rest| rest.starts_with("::"))
            }
            (printed, described) => printed == described,
        };
        printed_method == method && generic == described_generic && same_or_inside
    }
}

/// A path with its type arguments taken out: `Wrapper<Vec<u8>>::get` → `Wrapper::get`,
/// `call<Box<dyn Fn() -> u8>>` → `call` (the `>` of a `->` closes nothing), a turbofish's
/// `Wrapper::<u8>::get` → `Wrapper::get`. The future report strips whole type names with it.
pub(crate) fn without_type_arguments(path: &str) -> String {
    let mut depth = 0usize;
    let mut bare = String::new();
    let mut previous = ' ';
    for c in path.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 && previous != '-' => depth -= 1,
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
        previous = c;
    }
    bare.replace("::::", "::")
}

/// What the debug information says of one coroutine type: which it is, its size, where its tag
/// lies, and its states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoroutineDebugInfo {
    pub source: CoroutineSource,
    /// In bytes.
    pub size: u64,
    /// The offset, in bytes, of the tag: the artificial member `__state`, by which the type's
    /// variant part is discriminated.
    pub tag_offset: u64,
    /// In the order of their tag values; empty if the type has no variant part.
    pub states: Vec<StateSource>,
}

/// Every coroutine type (an `async fn`'s future, an async closure's body, an `async` block) that
/// has debug information with a `__state` member, whose `offset` (in bits; absent means 0) is
/// the tag's place. A coroutine whose source cannot be told (a closure's body or a block whose
/// resume function has no debug information) is left out.
///
/// The states come from the variant part of the same structure, which lists one member per
/// state, whose `extraData` is the tag's value, whose `line` is the state's source line and
/// whose base type is the variant (`Suspend0`):
///
/// ```text
/// !16 = !DICompositeType(tag: DW_TAG_variant_part, scope: !12, …, elements: !17, …, discriminator: !48)
/// !17 = !{!18, !25, !29, !33, !42}
/// !33 = !DIDerivedType(tag: DW_TAG_member, name: "3", scope: !16, file: !19, line: 89, baseType: !34, …, extraData: i8 3)
/// !34 = !DICompositeType(tag: DW_TAG_structure_type, name: "Suspend0", scope: !12, …)
/// ```
pub fn coroutines(llvm_ir: &str) -> Result<Vec<CoroutineDebugInfo>, ParseError> {
    let metadata = metadata(llvm_ir);
    let numbered = |reference: &str| metadata.get(reference.trim_start_matches('!')).copied();
    let mut found = Vec::new();
    let mut members: Vec<_> = metadata
        .values()
        .filter(|(_, node)| node.contains("DW_TAG_member") && field(node, "name") == Some("\"__state\""))
        .collect();
    members.sort_by_key(|(line, _)| *line);
    for (line, member) in members {
        // No `offset` is offset 0.
        let bits = number(llvm_ir, *line, member, "offset")?.unwrap_or(0);
        let Some((coroutine_line, coroutine)) = field(member, "scope").and_then(numbered) else { continue };
        let Some(name) = field(coroutine, "name").map(|name| name.trim_matches('"')) else { continue };
        let Some(scope) = field(coroutine, "scope") else { continue };
        let source = if name.starts_with("{async_fn_env#") {
            let Some(path) = namespace_path(&metadata, scope) else { continue };
            CoroutineSource::AsyncFn { path, generic: name.contains('<') }
        } else if name.starts_with("{async_closure_env#") || name.starts_with("{async_block_env#") {
            let Some((file, line)) = resume_function_start(&metadata, &name.replacen("_env#", "#", 1), scope) else {
                continue;
            };
            if name.starts_with("{async_closure_env#") {
                CoroutineSource::AsyncClosureBody { file, line }
            } else {
                CoroutineSource::AsyncBlock { file, line }
            }
        } else {
            continue;
        };
        let Some(size) = number(llvm_ir, coroutine_line, coroutine, "size")? else { continue };
        let states = states(llvm_ir, coroutine, &numbered)?;
        found.push(CoroutineDebugInfo { source, size: size / 8, tag_offset: bits / 8, states });
    }
    Ok(found)
}

/// Places the tag of every coroutine in `layouts` whose debug information is in `coroutines`,
/// and gives it its states. A layout and a description are paired only if each is the one
/// alone, on its side, of that source and size: two instances of a generic `async fn`, which
/// the print-out and the debug information tell apart by type arguments spelled differently,
/// are paired by their sizes where these differ, and not at all where they do not. A method's
/// future, which the two name differently ([`CoroutineSource::is_method_of`]), is paired the
/// same way, between a layout that no description names and a description that names no layout.
pub fn place_tags(layouts: &mut [TypeLayout], coroutines: &[CoroutineDebugInfo]) {
    let sources: Vec<Option<CoroutineSource>> =
        layouts.iter().map(|layout| CoroutineSource::of_printed(&layout.name)).collect();
    let named_by_a_description = |source: &CoroutineSource| coroutines.iter().any(|c| c.source == *source);
    let names_a_layout = |c: &CoroutineDebugInfo| sources.iter().flatten().any(|source| *source == c.source);
    let fits = |source: &CoroutineSource, c: &CoroutineDebugInfo| {
        c.source == *source || (!named_by_a_description(source) && !names_a_layout(c) && source.is_method_of(&c.source))
    };
    for (index, source) in sources.iter().enumerate() {
        let Some(source) = source else { continue };
        let size = layouts[index].size;
        let described: Vec<&CoroutineDebugInfo> =
            coroutines.iter().filter(|c| fits(source, c) && c.size == size).collect();
        let [coroutine] = described[..] else { continue };
        let alike = sources
            .iter()
            .zip(layouts.iter())
            .filter(|(s, l)| l.size == size && s.as_ref().is_some_and(|s| fits(s, coroutine)))
            .count();
        if alike == 1 {
            layouts[index].place_tag(coroutine.tag_offset);
            layouts[index].states = coroutine.states.clone();
        }
    }
}

/// The path of the namespace `reference` in its crate, `streams::countdown_step`: the names of
/// the namespaces from the crate's (whose scope is `null`, left out) down to it.
fn namespace_path(metadata: &HashMap<&str, (usize, &str)>, reference: &str) -> Option<String> {
    let mut names = Vec::new();
    let mut at = reference;
    loop {
        let (_, namespace) = metadata.get(at.trim_start_matches('!'))?;
        if !namespace.starts_with("!DINamespace(") {
            return None;
        }
        match field(namespace, "scope") {
            Some("null") | None => break,
            Some(scope) => {
                names.push(field(namespace, "name")?.trim_matches('"'));
                at = scope;
            }
        }
    }
    names.reverse();
    (!names.is_empty()).then(|| names.join("::"))
}

/// The file and first line of the resume function `name` (`{async_block#0}`) in the namespace
/// `scope`, where the coroutine's structure is too; `None` unless exactly one place is given.
fn resume_function_start(metadata: &HashMap<&str, (usize, &str)>, name: &str, scope: &str) -> Option<(String, u64)> {
    let quoted = format!("\"{name}\"");
    let mut starts = metadata.values().filter_map(|(_, node)| {
        let function = node.strip_prefix("distinct ").unwrap_or(node);
        if !function.starts_with("!DISubprogram(") || field(function, "name") != Some(quoted.as_str()) {
            return None;
        }
        if field(function, "scope") != Some(scope) {
            return None;
        }
        let (_, file) = metadata.get(field(function, "file")?.trim_start_matches('!'))?;
        let file = field(file, "filename")?.trim_matches('"').to_owned();
        let line = field(function, "line")?.parse().ok()?;
        Some((file, line))
    });
    let first = starts.next()?;
    starts.all(|other| other == first).then_some(first)
}

/// The states of the coroutine structure `coroutine`, in the order of their tag values: one per
/// member of its variant part, whose value, variant and line must all be read, or the picture
/// of the states would be drawn without one. None if it has no variant part.
fn states<'a>(
    llvm_ir: &str,
    coroutine: &str,
    numbered: &dyn Fn(&str) -> Option<(usize, &'a str)>,
) -> Result<Vec<StateSource>, ParseError> {
    let node = |reference: &str| numbered(reference).map(|(_, node)| node);
    let list = |reference: &str| -> Vec<&str> {
        node(reference)
            .and_then(|text| text.strip_prefix("!{")?.strip_suffix('}'))
            .map(|items| items.split(", ").filter(|item| !item.is_empty()).collect())
            .unwrap_or_default()
    };
    let parts = field(coroutine, "elements").map(list).unwrap_or_default();
    let Some(part) = parts.iter().filter_map(|p| node(p)).find(|p| p.contains("DW_TAG_variant_part")) else {
        return Ok(Vec::new());
    };
    let mut states: Vec<StateSource> = Vec::new();
    for (line, member) in field(part, "elements").map(list).unwrap_or_default().into_iter().filter_map(numbered) {
        let error = |field| ParseError::at(Format::DebugInfo, llvm_ir, line, Expected::MetadataNumber { field });
        let value = number(llvm_ir, line, member, "extraData")?.ok_or_else(|| error("extraData"))?;
        let variant = field(member, "baseType").and_then(node).and_then(|v| field(v, "name"));
        let variant =
            variant.ok_or_else(|| ParseError::at(Format::DebugInfo, llvm_ir, line, Expected::MetadataVariant))?;
        let file = field(member, "file").and_then(node).and_then(|f| field(f, "filename"));
        let line = match file {
            Some("\"<unknown>\"") | None => None,
            Some(_) => number(llvm_ir, line, member, "line")?
                .map(|l| u32::try_from(l).map_err(|_| error("line")))
                .transpose()?,
        };
        states.push(StateSource { value, variant: variant.trim_matches('"').to_owned(), line });
    }
    states.sort_by_key(|state| state.value);
    Ok(states)
}

/// One state of a coroutine as its debug information describes it: the value its tag holds in
/// that state, the variant's name and the source line rustc gives the variant (for a
/// `SuspendN`, the line of its `.await`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSource {
    pub value: u64,
    pub variant: String,
    pub line: Option<u32>,
}

/// The value of `key: value` in a metadata node's field list.
fn field<'a>(node: &'a str, key: &str) -> Option<&'a str> {
    let pattern = format!("{key}: ");
    let mut from = 0;
    while let Some(at) = node[from..].find(&pattern).map(|at| at + from) {
        // A whole field name: preceded by `(` or `, `.
        if at == 0 || node[..at].ends_with("(") || node[..at].ends_with(", ") {
            let value = &node[at + pattern.len()..];
            let end = if let Some(quoted) = value.strip_prefix('"') {
                quoted.find('"').map_or(value.len(), |end| end + 2)
            } else {
                value.find([',', ')']).unwrap_or(value.len())
            };
            return Some(&value[..end]);
        }
        from = at + pattern.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const IR: &str = r#"!12 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !13, file: !2, size: 320, align: 64, elements: !15)
!13 = !DINamespace(name: "two_suspension_points", scope: !14)
!14 = !DINamespace(name: "ch05_lowering", scope: null)
!48 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !12, file: !2, baseType: !49, size: 8, align: 8, offset: 128, flags: DIFlagArtificial)
!58 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !59, file: !2, size: 16, align: 8)
!59 = !DINamespace(name: "hello_world", scope: !14)
!83 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !58, file: !2, baseType: !49, size: 8, align: 8, flags: DIFlagArtificial)
!15 = !{!16}
!16 = !DICompositeType(tag: DW_TAG_variant_part, scope: !12, file: !2, size: 320, align: 64, elements: !17, discriminator: !48)
!17 = !{!18, !33}
!18 = !DIDerivedType(tag: DW_TAG_member, name: "0", scope: !16, file: !19, line: 88, baseType: !20, size: 320, align: 64, extraData: i8 0)
!19 = !DIFile(filename: "chapters/ch05-lowering/src/lib.rs", directory: ".")
!20 = !DICompositeType(tag: DW_TAG_structure_type, name: "Unresumed", scope: !12, file: !2, size: 320, align: 64, elements: !24)
!33 = !DIDerivedType(tag: DW_TAG_member, name: "3", scope: !16, file: !19, line: 89, baseType: !34, size: 320, align: 64, extraData: i8 3)
!34 = !DICompositeType(tag: DW_TAG_structure_type, name: "Suspend0", scope: !12, file: !2, size: 320, align: 64, elements: !24)
!90 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !91, file: !2, baseType: !49, size: 8, align: 8, offset: 64)
!91 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_block_env#0}", scope: !59, file: !2, size: 128, align: 64)
!92 = distinct !DISubprogram(name: "{async_block#0}", linkageName: "_RNC", scope: !59, file: !19, line: 179, type: !93, scopeLine: 179, unit: !1)
!100 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !101, file: !2, size: 96, align: 32)
!101 = !DINamespace(name: "countdown_step", scope: !102)
!102 = !DINamespace(name: "streams", scope: !14)
!103 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !100, file: !2, baseType: !49, size: 8, align: 8, offset: 72, flags: DIFlagArtificial)
!110 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_closure_env#0}", scope: !111, file: !2, size: 128, align: 64)
!111 = !DINamespace(name: "{closure#0}", scope: !112)
!112 = !DINamespace(name: "async_logger", scope: !14)
!113 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !110, file: !2, baseType: !49, size: 8, align: 8, offset: 104, flags: DIFlagArtificial)
!114 = distinct !DISubprogram(name: "{async_closure#0}", linkageName: "_RINC", scope: !111, file: !19, line: 152, type: !93, scopeLine: 152, unit: !1)
!120 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}<ch05_lowering::async_logger::{closure_env#0}>", scope: !121, file: !2, size: 576, align: 64)
!121 = !DINamespace(name: "call_twice", scope: !14)
!122 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !120, file: !2, baseType: !49, size: 8, align: 8, offset: 384, flags: DIFlagArtificial)
!123 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}<ch05_lowering::log_twice::{closure_env#0}>", scope: !121, file: !2, size: 320, align: 64)
!124 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !123, file: !2, baseType: !49, size: 8, align: 8, offset: 128, flags: DIFlagArtificial)
!130 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !131, file: !2, size: 128, align: 64)
!131 = !DINamespace(name: "get", scope: !132)
!132 = !DINamespace(name: "{impl#1}", scope: !14)
!133 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !130, file: !2, baseType: !49, size: 8, align: 8, offset: 96, flags: DIFlagArtificial)
!140 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_block_env#0}", scope: !141, file: !2, size: 128, align: 64)
!141 = !DINamespace(name: "no_resume_function", scope: !14)
!142 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !140, file: !2, baseType: !49, size: 8, align: 8, offset: 8, flags: DIFlagArtificial)
"#;

    fn async_fn(path: &str, generic: bool) -> CoroutineSource {
        CoroutineSource::AsyncFn { path: path.to_owned(), generic }
    }

    /// A coroutine's layout as the print-out would give it, with a tag of one byte.
    fn layout(name: &str, size: u64) -> TypeLayout {
        TypeLayout {
            name: name.to_owned(),
            size,
            align: 1,
            discriminant: Some(1),
            tag: None,
            variants: Vec::new(),
            printed: String::new(),
            states: Vec::new(),
        }
    }

    #[test]
    fn each_coroutine_has_its_source_its_size_and_its_tags_offset() {
        let found: Vec<(CoroutineSource, u64, u64)> =
            coroutines(IR).unwrap().into_iter().map(|c| (c.source, c.size, c.tag_offset)).collect();
        let lib = "chapters/ch05-lowering/src/lib.rs".to_owned();
        assert_eq!(
            found,
            [
                (async_fn("two_suspension_points", false), 40, 16),
                (async_fn("hello_world", false), 2, 0),
                (CoroutineSource::AsyncBlock { file: lib.clone(), line: 179 }, 16, 8),
                // A function in a module: its whole path.
                (async_fn("streams::countdown_step", false), 12, 9),
                (CoroutineSource::AsyncClosureBody { file: lib, line: 152 }, 16, 13),
                (async_fn("call_twice", true), 72, 48),
                (async_fn("call_twice", true), 40, 16),
                // A method of an impl, and no block whose resume function is not described.
                (async_fn("{impl#1}::get", false), 16, 12),
            ]
        );
    }

    #[test]
    fn each_state_has_its_tag_value_variant_and_source_line() {
        let found = coroutines(IR).unwrap();
        let two = &found[0];
        assert_eq!(two.source, async_fn("two_suspension_points", false));
        assert_eq!(
            two.states,
            [
                StateSource { value: 0, variant: "Unresumed".into(), line: Some(88) },
                StateSource { value: 3, variant: "Suspend0".into(), line: Some(89) },
            ]
        );
        assert!(found[1..].iter().all(|c| c.states.is_empty()), "no other variant part in this excerpt");
    }

    #[test]
    fn a_print_outs_name_says_which_coroutine_it_is() {
        let of = CoroutineSource::of_printed;
        assert_eq!(
            of("{async fn body of streams::countdown_step()}"),
            Some(async_fn("streams::countdown_step", false))
        );
        assert_eq!(
            of("{async fn body of call_twice<{async closure@src/lib.rs:152:5: 152:23}>()}"),
            Some(async_fn("call_twice", true))
        );
        assert_eq!(
            of("{async closure body@chapters/ch10-async-today/src/lib.rs:152:24: 156:6}"),
            Some(CoroutineSource::AsyncClosureBody { file: "chapters/ch10-async-today/src/lib.rs".into(), line: 152 })
        );
        assert_eq!(
            of("{async block@src/lib.rs:401:5: 401:15}"),
            Some(CoroutineSource::AsyncBlock { file: "src/lib.rs".into(), line: 401 })
        );
        assert_eq!(of("{async fn body of <Memory as Store>::get()}"), Some(async_fn("<Memory as Store>::get", false)));
        assert_eq!(of("{async fn body of Wrapper<Vec<u8>>::get()}"), Some(async_fn("Wrapper::get", true)));
        assert_eq!(of("std::mem::ManuallyDrop<{async fn body of big_buffer()}>"), None);
        assert_eq!(of("{async closure@src/lib.rs:152:5: 152:23}"), None, "the closure, not its body");
    }

    #[test]
    fn tags_are_placed_in_modules_closure_bodies_blocks_and_generic_instances_of_distinct_sizes() {
        let lib = "chapters/ch05-lowering/src/lib.rs";
        let mut layouts = vec![
            layout("{async fn body of two_suspension_points()}", 40),
            layout("{async fn body of streams::countdown_step()}", 12),
            layout(&format!("{{async closure body@{lib}:152:24: 156:6}}"), 16),
            layout(&format!("{{async block@{lib}:179:9: 179:19}}"), 16),
            layout("{async fn body of call_twice<{async closure@src/lib.rs:152:5: 152:23}>()}", 72),
            layout("{async fn body of call_twice<{closure@src/lib.rs:177:16: 177:28}>()}", 40),
            // A method of a trait impl: `{impl#1}::get` in the debug information.
            layout("{async fn body of <Memory as Store>::get()}", 16),
            // The size is not the one the debug information gives: not the same type.
            layout("{async fn body of hello_world()}", 3),
        ];
        place_tags(&mut layouts, &coroutines(IR).unwrap());
        let placed: Vec<Option<u64>> = layouts.iter().map(|l| l.tag.map(|t| t.offset())).collect();
        assert_eq!(placed, [Some(16), Some(9), Some(13), Some(8), Some(48), Some(16), Some(12), None]);
        assert_eq!(layouts[0].states.len(), 2);
    }

    /// The print-out names a method's future by its type, the debug information by its impl:
    /// the two are paired where nothing else fits, and the states come with their lines.
    #[test]
    fn a_methods_future_is_paired_with_its_impls_description_where_nothing_else_fits() {
        let method = |printed: &str, described: &str| {
            CoroutineSource::of_printed(&format!("{{async fn body of {printed}()}}"))
                .unwrap()
                .is_method_of(&async_fn(described, false))
        };
        assert!(method("Svc::method", "{impl#0}::method"));
        assert!(method("routes::Svc::method", "routes::{impl#3}::method"));
        assert!(method("<Memory as Store>::get", "stores::{impl#1}::get"));
        assert!(!method("Svc::method", "routes::{impl#0}::method"), "another module");
        let generic_method = |printed: &str, described: &str| {
            CoroutineSource::of_printed(&format!("{{async fn body of {printed}()}}"))
                .unwrap()
                .is_method_of(&async_fn(described, true))
        };
        assert!(
            generic_method("tokio::sync::Mutex<u32>::lock", "tokio::sync::mutex::{impl#7}::lock"),
            "a type exported from a module inside the one it is defined in"
        );
        assert!(!generic_method("tokio::sync::Mutex<u32>::lock", "tokio::time::{impl#7}::lock"), "a module beside it");
        assert!(!generic_method("tokio::sync::Mutex<u32>::lock", "tokio::syncs::{impl#7}::lock"), "a longer name");
        assert!(!method("Svc::method", "{impl#0}::other"));
        assert!(!method("Svc::method", "Svc::method"), "not an impl's: the same source, or not at all");
        assert!(!method("method", "{impl#0}::method"), "a fn, not a method");

        // `two_suspension_points`'s future made a method's: `{impl#1}::method`.
        let ir = IR.replace(
            "!13 = !DINamespace(name: \"two_suspension_points\", scope: !14)",
            "!13 = !DINamespace(name: \"method\", scope: !132)",
        );
        let mut layouts = vec![layout("{async fn body of Svc::method()}", 40)];
        place_tags(&mut layouts, &coroutines(&ir).unwrap());
        assert_eq!(layouts[0].tag.map(|t| t.offset()), Some(16));
        let lines: Vec<Option<u32>> = layouts[0].states.iter().map(|s| s.line).collect();
        assert_eq!(lines, [Some(88), Some(89)]);
        // Two methods of one name and size: which is which, the impl's number does not say.
        let mut layouts =
            vec![layout("{async fn body of Svc::get()}", 16), layout("{async fn body of Pool::get()}", 16)];
        place_tags(&mut layouts, &coroutines(IR).unwrap());
        assert!(layouts.iter().all(|l| l.tag.is_none()), "{layouts:?}");
    }

    #[test]
    fn two_instances_of_the_same_size_are_left_unplaced() {
        let mut layouts =
            vec![layout("{async fn body of call_twice<A>()}", 40), layout("{async fn body of call_twice<B>()}", 40)];
        place_tags(&mut layouts, &coroutines(IR).unwrap());
        assert!(layouts.iter().all(|l| l.tag.is_none()), "{layouts:?}");
        // And one print-out type that two descriptions would fit.
        let ir = IR.replace("size: 320, align: 64)\n!124", "size: 576, align: 64)\n!124");
        let mut layouts = vec![layout("{async fn body of call_twice<A>()}", 72)];
        place_tags(&mut layouts, &coroutines(&ir).unwrap());
        assert_eq!(layouts[0].tag, None);
    }

    #[test]
    fn a_tag_offset_or_a_state_value_that_cannot_be_read_is_an_error_not_zero() {
        let ir = IR.replace("offset: 128", "offset: lots");
        let error = coroutines(&ir).unwrap_err();
        assert_eq!((error.line, error.expected), (4, Expected::MetadataNumber { field: "offset" }));
        let ir = IR.replace("extraData: i8 3", "extraData: i8 three");
        let error = coroutines(&ir).unwrap_err();
        assert_eq!((error.line, error.expected), (14, Expected::MetadataNumber { field: "extraData" }));
    }
}
