//! Where an `async fn`'s state tag lies, read from the debug information rustc writes for it.
//!
//! `-Zprint-type-sizes` gives the tag's size but not its offset. The DWARF description of the
//! same type does: an `async fn`'s future is the composite type `{async_fn_env#0}` in the
//! namespace of the function, and its variant part is discriminated by an artificial member
//! named `__state`, whose `offset` (in bits; absent means 0) is the tag's place. In LLVM IR
//! these are metadata lines such as
//!
//! ```text
//! !48 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !12, …, size: 8, align: 8, offset: 128, …)
//! !12 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !13, …)
//! !13 = !DINamespace(name: "two_suspension_points", scope: !14)
//! ```

use std::collections::HashMap;

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

/// (`{async fn body of NAME()}`, tag offset in bytes) for every `async fn` whose future has debug
/// information. A name that two functions share (in different modules) is left out.
pub fn async_fn_tag_offsets(llvm_ir: &str) -> Result<Vec<(String, u64)>, ParseError> {
    let metadata = metadata(llvm_ir);
    let node = |reference: &str| metadata.get(reference.trim_start_matches('!')).map(|(_, node)| *node);
    let mut found: HashMap<String, Vec<u64>> = HashMap::new();
    for (line, member) in metadata
        .values()
        .filter(|(_, node)| node.contains("DW_TAG_member") && field(node, "name") == Some("\"__state\""))
    {
        // No `offset` is offset 0.
        let bits = number(llvm_ir, *line, member, "offset")?.unwrap_or(0);
        let Some(coroutine) = field(member, "scope").and_then(node) else { continue };
        if field(coroutine, "name") != Some("\"{async_fn_env#0}\"") {
            continue;
        }
        let Some(function) = field(coroutine, "scope").and_then(node).and_then(|namespace| field(namespace, "name"))
        else {
            continue;
        };
        found.entry(format!("{{async fn body of {}()}}", function.trim_matches('"'))).or_default().push(bits / 8);
    }
    let mut offsets: Vec<(String, u64)> =
        found.into_iter().filter(|(_, offsets)| offsets.len() == 1).map(|(name, offsets)| (name, offsets[0])).collect();
    offsets.sort();
    Ok(offsets)
}

/// One state of an `async fn`'s future as its debug information describes it: the value its tag
/// holds in that state, the variant's name and the source line rustc gives the variant (for a
/// `SuspendN`, the line of its `.await`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSource {
    pub value: u64,
    pub variant: String,
    pub line: Option<u32>,
}

/// (`{async fn body of NAME()}`, its states in the order of their tag values) for every `async fn`
/// whose future has debug information. The variant part of `{async_fn_env#0}` lists one member
/// per state, whose `extraData` is the tag's value, whose `line` is the state's source line and
/// whose base type is the variant (`Suspend0`):
///
/// ```text
/// !16 = !DICompositeType(tag: DW_TAG_variant_part, scope: !12, …, elements: !17, …, discriminator: !48)
/// !17 = !{!18, !25, !29, !33, !42}
/// !33 = !DIDerivedType(tag: DW_TAG_member, name: "3", scope: !16, file: !19, line: 89, baseType: !34, …, extraData: i8 3)
/// !34 = !DICompositeType(tag: DW_TAG_structure_type, name: "Suspend0", scope: !12, …)
/// ```
pub fn async_fn_states(llvm_ir: &str) -> Result<Vec<(String, Vec<StateSource>)>, ParseError> {
    let metadata = metadata(llvm_ir);
    let numbered = |reference: &str| metadata.get(reference.trim_start_matches('!')).copied();
    let node = |reference: &str| numbered(reference).map(|(_, node)| node);
    let list = |reference: &str| -> Vec<&str> {
        node(reference)
            .and_then(|text| text.strip_prefix("!{")?.strip_suffix('}'))
            .map(|items| items.split(", ").filter(|item| !item.is_empty()).collect())
            .unwrap_or_default()
    };
    let mut found: HashMap<String, Vec<Vec<StateSource>>> = HashMap::new();
    for (_, coroutine) in metadata.values().filter(|(_, node)| {
        node.contains("DW_TAG_structure_type") && field(node, "name") == Some("\"{async_fn_env#0}\"")
    }) {
        let Some(function) = field(coroutine, "scope").and_then(node).and_then(|namespace| field(namespace, "name"))
        else {
            continue;
        };
        let parts = field(coroutine, "elements").map(list).unwrap_or_default();
        let Some(part) = parts.iter().filter_map(|p| node(p)).find(|p| p.contains("DW_TAG_variant_part")) else {
            continue;
        };
        // Each member of the variant part is a state: its value, its variant and its line must
        // all be read, or the picture of the states would be drawn without one.
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
        found.entry(format!("{{async fn body of {}()}}", function.trim_matches('"'))).or_default().push(states);
    }
    let mut states: Vec<(String, Vec<StateSource>)> =
        found.into_iter().filter(|(_, all)| all.len() == 1).map(|(name, mut all)| (name, all.remove(0))).collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(states)
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
!91 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_block_env#0}", scope: !59, file: !2, size: 16, align: 8)
"#;

    #[test]
    fn the_state_members_offset_is_the_tags_place_for_each_async_fn() {
        assert_eq!(
            async_fn_tag_offsets(IR).unwrap(),
            [
                ("{async fn body of hello_world()}".to_owned(), 0),
                ("{async fn body of two_suspension_points()}".to_owned(), 16)
            ]
        );
    }

    #[test]
    fn each_state_has_its_tag_value_variant_and_source_line() {
        let states = async_fn_states(IR).unwrap();
        let (name, two) = &states[0];
        assert_eq!(name, "{async fn body of two_suspension_points()}");
        assert_eq!(
            two,
            &[
                StateSource { value: 0, variant: "Unresumed".into(), line: Some(88) },
                StateSource { value: 3, variant: "Suspend0".into(), line: Some(89) },
            ]
        );
        assert_eq!(states.len(), 1, "hello_world's future has no variant part in this excerpt");
    }

    #[test]
    fn a_tag_offset_or_a_state_value_that_cannot_be_read_is_an_error_not_zero() {
        let ir = IR.replace("offset: 128", "offset: lots");
        let error = async_fn_tag_offsets(&ir).unwrap_err();
        assert_eq!((error.line, error.expected), (4, Expected::MetadataNumber { field: "offset" }));
        let ir = IR.replace("extraData: i8 3", "extraData: i8 three");
        let error = async_fn_states(&ir).unwrap_err();
        assert_eq!((error.line, error.expected), (14, Expected::MetadataNumber { field: "extraData" }));
    }
}
