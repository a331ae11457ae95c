//! Files that processes running side by side read while one of them writes.

use std::path::Path;

/// Writes `contents` to `path` atomically: under another name in the same folder, then renamed
/// over `path`, so that a reader beside this writer finds the whole file or none, never a part.
/// The folder is created.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let folder = path.parent().ok_or_else(|| std::io::Error::other(format!("{} has no folder", path.display())))?;
    std::fs::create_dir_all(folder)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = folder.join(format!(".{name}.{}.{}", std::process::id(), WRITES.fetch_add(1, Ordering::Relaxed)));
    let written = std::fs::write(&partial, contents).and_then(|()| std::fs::rename(&partial, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = std::env::temp_dir().join(format!("kept-atomic-{}", std::process::id()));
        let path = dir.join("deeper/kept.txt");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "a partial file was left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
