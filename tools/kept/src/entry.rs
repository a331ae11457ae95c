//! What a kept result holds, and its one file format.
//!
//! ```text
//! under-the-await kept 1 <inputs> <outputs>
//! input <sha-256 in hex> <length of the path>
//! <the path's bytes>
//! output <mode in octal> <length of the name> <length of the bytes>
//! <the name's bytes><the output's bytes>
//! end
//! ```
//!
//! Every length is given before the bytes it measures, so any byte may appear in a path, a
//! name or an output; a file that is cut short, or has anything else, is not an entry.

use std::path::{Path, PathBuf};

/// The outputs of one computation, each whole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    outputs: Vec<Output>,
}

/// One output: a file a computation wrote (`ch01_the_experiment.s`, `program`), or a value it
/// printed (a compiler's version, a count), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The Unix permission bits the file had (`0o755` for a program), given back by [`Output::write`].
    pub mode: u32,
}

impl Entry {
    pub fn new(outputs: Vec<Output>) -> Entry {
        Entry { outputs }
    }

    /// The output named `name`.
    pub fn output(&self, name: &str) -> Option<&Output> {
        self.outputs.iter().find(|output| output.name == name)
    }

    /// The bytes of the output named `name`.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.output(name).map(|output| output.bytes.as_slice())
    }

    /// The output named `name` as text, if it is UTF-8.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.bytes(name).and_then(|bytes| std::str::from_utf8(bytes).ok())
    }
}

impl Output {
    /// A value, or a file of ordinary permissions.
    pub fn new(name: &str, bytes: Vec<u8>) -> Output {
        Output { name: name.to_owned(), bytes, mode: 0o644 }
    }

    /// The file at `path`, with its permissions.
    pub fn read(name: &str, path: &Path) -> std::io::Result<Output> {
        use std::os::unix::fs::PermissionsExt as _;
        let bytes = std::fs::read(path)?;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o7777;
        Ok(Output { name: name.to_owned(), bytes, mode })
    }

    /// Writes the output to `path` with the permissions it was kept with: the same file, to the
    /// byte and the executable bit, as the computation wrote.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::write(path, &self.bytes)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(self.mode))
    }
}

/// An entry with the inputs it was computed from, as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub inputs: Vec<(PathBuf, [u8; 32])>,
    pub entry: Entry,
}

const MAGIC: &str = "under-the-await kept 1";

impl Recorded {
    pub fn encode(&self) -> Vec<u8> {
        use std::os::unix::ffi::OsStrExt as _;
        let mut out = format!("{MAGIC} {} {}\n", self.inputs.len(), self.entry.outputs.len()).into_bytes();
        for (path, digest) in &self.inputs {
            let path = path.as_os_str().as_bytes();
            out.extend(format!("input {} {}\n", hex(digest), path.len()).bytes());
            out.extend(path);
            out.push(b'\n');
        }
        for output in &self.entry.outputs {
            out.extend(format!("output {:o} {} {}\n", output.mode, output.name.len(), output.bytes.len()).bytes());
            out.extend(output.name.as_bytes());
            out.extend(&output.bytes);
            out.push(b'\n');
        }
        out.extend(b"end\n");
        out
    }

    /// `None` unless `bytes` is exactly one whole entry.
    pub fn decode(bytes: &[u8]) -> Option<Recorded> {
        use std::os::unix::ffi::OsStrExt as _;
        let mut reader = Reader { rest: bytes };
        let header = reader.line()?;
        let counts = header.strip_prefix(MAGIC)?.strip_prefix(' ')?;
        let (inputs, outputs) = counts.split_once(' ')?;
        let (inputs, outputs): (usize, usize) = (inputs.parse().ok()?, outputs.parse().ok()?);
        let mut recorded = Recorded { inputs: Vec::new(), entry: Entry::default() };
        for _ in 0..inputs {
            let (digest, length) = reader.line()?.strip_prefix("input ")?.split_once(' ')?;
            let digest = unhex(digest)?;
            let path = reader.take(length.parse().ok()?)?;
            reader.newline()?;
            recorded.inputs.push((PathBuf::from(std::ffi::OsStr::from_bytes(path)), digest));
        }
        for _ in 0..outputs {
            let fields: Vec<&str> = reader.line()?.strip_prefix("output ")?.split(' ').collect();
            let [mode, name_length, length] = fields.as_slice() else { return None };
            let mode = u32::from_str_radix(mode, 8).ok().filter(|mode| *mode <= 0o7777)?;
            let name = String::from_utf8(reader.take(name_length.parse().ok()?)?.to_vec()).ok()?;
            let bytes = reader.take(length.parse().ok()?)?.to_vec();
            reader.newline()?;
            recorded.entry.outputs.push(Output { name, bytes, mode });
        }
        (reader.line()? == "end" && reader.rest.is_empty()).then_some(recorded)
    }
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The text up to the next newline, which is consumed.
    fn line(&mut self) -> Option<&'a str> {
        let end = self.rest.iter().position(|&byte| byte == b'\n')?;
        let line = std::str::from_utf8(&self.rest[..end]).ok()?;
        self.rest = &self.rest[end + 1..];
        Some(line)
    }

    fn take(&mut self, length: usize) -> Option<&'a [u8]> {
        let taken = self.rest.get(..length)?;
        self.rest = &self.rest[length..];
        Some(taken)
    }

    fn newline(&mut self) -> Option<()> {
        (self.take(1)? == b"\n").then_some(())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut digest = [0; 32];
    if text.len() != 64 {
        return None;
    }
    for (byte, pair) in digest.iter_mut().zip(text.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_read_back_as_it_was_written_whatever_its_bytes() {
        let recorded = Recorded {
            inputs: vec![(PathBuf::from("/a path/with\nnewline.rs"), [7; 32]), (PathBuf::from("/b.rs"), [0xab; 32])],
            entry: Entry::new(vec![
                Output::new("name with spaces", b"end\noutput 644 1 1\n".to_vec()),
                Output { name: "program".into(), bytes: (0..=255).collect(), mode: 0o755 },
                Output::new("empty", Vec::new()),
            ]),
        };
        assert_eq!(Recorded::decode(&recorded.encode()), Some(recorded));
    }

    #[test]
    fn anything_after_the_end_or_a_wrong_count_is_not_an_entry() {
        let recorded = Recorded { inputs: Vec::new(), entry: Entry::new(vec![Output::new("a", b"1".to_vec())]) };
        let mut longer = recorded.encode();
        longer.extend(b"more");
        assert_eq!(Recorded::decode(&longer), None);
        let miscounted = String::from_utf8(recorded.encode()).unwrap().replacen(" 0 1\n", " 0 2\n", 1);
        assert_eq!(Recorded::decode(miscounted.as_bytes()), None);
    }
}
