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

/// (`{async fn body of NAME()}`, tag offset in bytes) for every `async fn` whose future has debug
/// information. A name that two functions share (in different modules) is left out.
pub fn async_fn_tag_offsets(llvm_ir: &str) -> Vec<(String, u64)> {
    let metadata: HashMap<&str, &str> =
        llvm_ir.lines().filter_map(|line| line.strip_prefix('!')?.split_once(" = ")).collect();
    let mut found: HashMap<String, Vec<u64>> = HashMap::new();
    for node in
        metadata.values().filter(|node| node.contains("DW_TAG_member") && field(node, "name") == Some("\"__state\""))
    {
        let bits: u64 = field(node, "offset").and_then(|o| o.parse().ok()).unwrap_or(0);
        let Some(coroutine) = field(node, "scope").and_then(|s| metadata.get(s.trim_start_matches('!'))) else {
            continue;
        };
        if field(coroutine, "name") != Some("\"{async_fn_env#0}\"") {
            continue;
        }
        let Some(namespace) = field(coroutine, "scope").and_then(|s| metadata.get(s.trim_start_matches('!'))) else {
            continue;
        };
        let Some(function) = field(namespace, "name").map(|n| n.trim_matches('"')) else { continue };
        found.entry(format!("{{async fn body of {function}()}}")).or_default().push(bits / 8);
    }
    let mut offsets: Vec<(String, u64)> =
        found.into_iter().filter(|(_, offsets)| offsets.len() == 1).map(|(name, offsets)| (name, offsets[0])).collect();
    offsets.sort();
    offsets
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

    const IR: &str = r#"!12 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !13, file: !2, size: 320, align: 64)
!13 = !DINamespace(name: "two_suspension_points", scope: !14)
!14 = !DINamespace(name: "ch05_lowering", scope: null)
!48 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !12, file: !2, baseType: !49, size: 8, align: 8, offset: 128, flags: DIFlagArtificial)
!58 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_fn_env#0}", scope: !59, file: !2, size: 16, align: 8)
!59 = !DINamespace(name: "hello_world", scope: !14)
!83 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !58, file: !2, baseType: !49, size: 8, align: 8, flags: DIFlagArtificial)
!90 = !DIDerivedType(tag: DW_TAG_member, name: "__state", scope: !91, file: !2, baseType: !49, size: 8, align: 8, offset: 64)
!91 = !DICompositeType(tag: DW_TAG_structure_type, name: "{async_block_env#0}", scope: !59, file: !2, size: 16, align: 8)
"#;

    #[test]
    fn the_state_members_offset_is_the_tags_place_for_each_async_fn() {
        assert_eq!(
            async_fn_tag_offsets(IR),
            [
                ("{async fn body of hello_world()}".to_owned(), 0),
                ("{async fn body of two_suspension_points()}".to_owned(), 16)
            ]
        );
    }
}
