//! What decides a kept result, digested.

use std::path::Path;

use sha2::{Digest, Sha256};

/// A SHA-256 of everything that decides a result and is known before it is computed, and the
/// kind of result (`asm`, `rustc-vV`, `callgrind`), which names the folder its entries are in.
#[derive(Debug, Clone)]
pub struct Key {
    kind: &'static str,
    digest: Sha256,
}

impl Key {
    /// `kind` is a folder name: ASCII letters, digits and `-`.
    pub fn new(kind: &'static str) -> Key {
        assert!(
            !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "a kind of kept result is a plain folder name, not {kind:?}"
        );
        Key { kind, digest: Sha256::new() }.with(kind)
    }

    /// Adds one more part of what decides the result. Each part is digested with its length, so
    /// that `("ab", "c")` and `("a", "bc")` are different keys.
    pub fn with(mut self, part: impl AsRef<[u8]>) -> Key {
        let part = part.as_ref();
        self.digest.update((part.len() as u64).to_le_bytes());
        self.digest.update(part);
        self
    }

    pub(crate) fn kind(&self) -> &'static str {
        self.kind
    }

    /// The entry's file name: the digest in hex.
    pub(crate) fn name(&self) -> String {
        crate::entry::hex(&self.digest.clone().finalize())
    }
}

/// The SHA-256 of a file's bytes; `None` if it cannot be read.
pub(crate) fn digest_of_file(path: &Path) -> Option<[u8; 32]> {
    std::fs::read(path).ok().map(|bytes| Sha256::digest(bytes).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_counts_with_its_length_and_the_kind_counts_too() {
        let name = |key: Key| key.name();
        assert_eq!(name(Key::new("asm").with("ab").with("c")), name(Key::new("asm").with("ab").with("c")));
        assert_ne!(name(Key::new("asm").with("ab").with("c")), name(Key::new("asm").with("a").with("bc")));
        assert_ne!(name(Key::new("asm").with("x")), name(Key::new("mir").with("x")));
        assert_eq!(name(Key::new("asm")).len(), 64);
    }

    #[test]
    #[should_panic(expected = "plain folder name")]
    fn a_kind_is_a_folder_name() {
        let _ = Key::new("../elsewhere");
    }
}
