//! What a compiler says it read: the dep-info file rustc (`--emit=dep-info`) and cargo write
//! beside what they build, in Makefile syntax.

use std::path::PathBuf;

/// The prerequisites of a Makefile-style dep-info file (`target: a.rs b.rs`), `\ ` unescaped.
pub fn dep_info_inputs(dep_info: &str) -> Vec<PathBuf> {
    let Some(line) = dep_info.lines().next() else { return Vec::new() };
    let Some((_, prerequisites)) = line.split_once(": ") else { return Vec::new() };
    let mut inputs = Vec::new();
    let mut current = String::new();
    let mut chars = prerequisites.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ' ' => inputs.extend((!current.is_empty()).then(|| std::mem::take(&mut current))),
            c => current.push(c),
        }
    }
    inputs.extend((!current.is_empty()).then_some(current));
    inputs.into_iter().map(PathBuf::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_info_lists_every_input_with_escaped_spaces() {
        assert_eq!(
            dep_info_inputs("/t/libx.rlib: /w/src/lib.rs /w/my\\ dir/a.rs\n\n/w/src/lib.rs:\n"),
            ["/w/src/lib.rs", "/w/my dir/a.rs"].map(PathBuf::from)
        );
    }
}
