//! The one place where quiz checks read what a chapter shows: its listing snapshots, read back
//! into the listings library's own types. The snapshot files are what the book renders and
//! what the chapter's tests compare the compiler against, so a quiz checked here can never say
//! something the page's listings do not.
//!
//! A question may also take a chapter's rules one step past what its crate compiles (another
//! `Poll<T>`, a third `.await`); its check then asks the pinned rustc directly, on a snippet of the
//! code the question describes: [`compiles`], [`asm_of_snippet`], [`mir_of_snippet`].

use std::io::Write as _;
use std::process::{Command, Stdio};

use listings::lowering::type_sizes::TypeLayout;
use listings::{AsmListing, ListingKind, Rustc, StoredListing, Workspace, read_snapshot};

/// The assembly listing `chapters/<chapter>/tests/snapshots/<chapter>__asm__<name>.snap`, read
/// back by the listing's own parser.
pub fn asm(chapter: &str, name: &str) -> AsmListing {
    snapshot(chapter, ListingKind::Asm, name).asm().unwrap_or_else(|e| panic!("{e}"))
}

/// The text of a MIR or HIR snapshot.
pub fn stage_text(chapter: &str, kind: ListingKind, name: &str) -> String {
    snapshot(chapter, kind, name).body
}

/// The layout a type-size snapshot shows, read back by the layout's own parser: its tag's
/// place and its states from the snapshot's header, never from the table's prose.
pub fn type_layout(chapter: &str, name: &str) -> TypeLayout {
    snapshot(chapter, ListingKind::Stage(listings::Stage::TypeSizes), name)
        .type_layout()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The offset of the field `kind name` (`local buffer`, `upvar seen`) in the variant `variant`
/// (`Suspend0`) of a layout.
pub fn field_offset(layout: &TypeLayout, variant: &str, kind: &str, name: &str) -> u64 {
    layout
        .variants
        .iter()
        .filter(|v| v.name.as_deref() == Some(variant))
        .flat_map(|v| &v.fields)
        .find(|field| field.kind == kind && field.name == name)
        .unwrap_or_else(|| panic!("no {kind} `{name}` in the variant {variant} of {}", layout.name))
        .offset
}

/// Whether the pinned rustc accepts `source`, a std-only library of edition 2024, as it is
/// (`Ok`), or the first error it reports (`Err("error[E0277]: …")`). Only type checking runs
/// (`--emit=metadata`): for questions about what compiles.
///
/// The answer is kept (`kept`) under the compiler's version, the flags and the snippet, so that
/// a snippet is type-checked once, not on every run of the quiz's test.
pub fn compiles(source: &str) -> Result<(), String> {
    let workspace = Workspace::this_checkout();
    let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
    let key = verdict_key(&rustc, source);
    let kept = workspace.kept();
    if let Some(verdict) = kept.get(&key).and_then(|entry| Verdict::from_entry(&entry)) {
        return verdict.0;
    }
    let verdict = Verdict(ask_rustc_whether_it_compiles(&rustc, source));
    // A snippet read from standard input: no file to record. One that cannot be kept is
    // asked again next time.
    let _ = kept.keep(&key, &verdict.to_entry(), &[], kept::Computation::start());
    verdict.0
}

/// The flags [`compiles`] checks a snippet with, read from standard input.
const TYPE_CHECK: &[&str] = &[
    "--edition",
    "2024",
    "--crate-type",
    "lib",
    "--crate-name",
    "snippet",
    "--emit=metadata",
    "--error-format",
    "short",
];

fn verdict_key(rustc: &Rustc, source: &str) -> kept::Key {
    kept::Key::new("compiles").with(&rustc.version_line).with(TYPE_CHECK.join(" ")).with(source)
}

/// What [`compiles`] answers, as it is kept.
struct Verdict(Result<(), String>);

impl Verdict {
    fn to_entry(&self) -> kept::Entry {
        let output = |text: &str| kept::Output::new("verdict", text.as_bytes().to_vec());
        kept::Entry::new(vec![match &self.0 {
            Ok(()) => output("accepted"),
            Err(error) => output(&format!("refused\n{error}")),
        }])
    }

    fn from_entry(entry: &kept::Entry) -> Option<Verdict> {
        match entry.text("verdict")? {
            "accepted" => Some(Verdict(Ok(()))),
            verdict => verdict.strip_prefix("refused\n").map(|error| Verdict(Err(error.to_owned()))),
        }
    }
}

fn ask_rustc_whether_it_compiles(rustc: &Rustc, source: &str) -> Result<(), String> {
    let out = scratch_dir();
    let mut child = Command::new(&rustc.path)
        .args(TYPE_CHECK)
        .arg("--out-dir")
        .arg(out.path())
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.path.display()));
    child.stdin.take().expect("piped").write_all(source.as_bytes()).expect("rustc reads the snippet");
    let output = child.wait_with_output().expect("rustc finishes");
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(stderr.lines().find(|line| line.contains("error")).unwrap_or(&stderr).to_owned())
}

/// The x86-64 listing of `function` in `source`, a std-only library compiled as an exercise's
/// file is (`listings::asm_of_file`: the chapters' flags, `opt-level=3`): for a question about a
/// case the chapter's rules predict but its crate does not compile, shown in the question.
pub fn asm_of_snippet(source: &str, function: &str) -> AsmListing {
    let file = snippet_file(source);
    let listing = listings::asm_of_file(
        &file,
        "snippet",
        function,
        &listings::AsmOptions::default(),
        &listings::CodegenFlags::default(),
    );
    listing.unwrap_or_else(|e| panic!("{e}"))
}

/// `source` as a file whose path depends on its text alone, so that the listings library, which
/// keeps what it compiled by path and content, compiles a snippet once and not on every run.
/// Written atomically ([`kept::write_atomically`]): a test asking for the same snippet reads all of it.
fn snippet_file(source: &str) -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    source.hash(&mut hasher);
    let snippets = Workspace::this_checkout().tools_dir("course-snippets");
    let file = snippets.join(format!("{:016x}", hasher.finish())).join("snippet.rs");
    if !std::fs::read_to_string(&file).is_ok_and(|text| text == source) {
        kept::write_atomically(&file, source.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    file
}

/// The MIR rustc prints for `source`, a std-only library of edition 2024, with the flags of the
/// chapters' MIR listings (`--emit=mir -C opt-level=0`).
pub fn mir_of_snippet(source: &str) -> String {
    let scratch = scratch_dir();
    let dir = scratch.path();
    let (file, out) = (dir.join("snippet.rs"), dir.join("snippet.mir"));
    std::fs::write(&file, source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let rustc = Rustc::for_listings(&Workspace::this_checkout()).unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(&rustc.path)
        .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "snippet", "-C", "opt-level=0", "--out-dir"])
        .arg(dir)
        .arg(format!("--emit=mir={}", out.display()))
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.path.display()));
    let mir = std::fs::read_to_string(&out);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    mir.unwrap_or_else(|e| panic!("{}: {e}", out.display()))
}

/// An empty folder of this call's own, for one compilation; removed when dropped.
fn scratch_dir() -> listings::ScratchDir {
    Workspace::this_checkout().scratch_dir("course-facts").unwrap_or_else(|e| panic!("{e}"))
}

fn snapshot(chapter: &str, kind: ListingKind, name: &str) -> StoredListing {
    let chapter = Workspace::this_checkout().chapter(chapter).unwrap_or_else(|e| panic!("{e}"));
    let path = chapter.snapshot_path(kind, name, None);
    read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The functions of a waker's vtable, in the order `RawWakerVTable::new` takes them and, in
/// this build, the order of their slots (chapter 2's tests pin that down).
pub const WAKER_VTABLE: [&str; 4] = ["clone", "wake", "wake_by_ref", "drop"];

/// `qword ptr [rcx + 16]` → 16; `qword ptr [rax]` → 0.
pub fn displacement(operand: &str) -> Option<u64> {
    let inside = operand.split_once('[')?.1.split_once(']')?.0;
    match inside.split_once(" + ") {
        Some((_, number)) => number.trim().parse().ok(),
        None => Some(0),
    }
}

/// The waker function a call through `[reg + offset]` of a waker vtable reaches.
pub fn waker_slot(operand: &str) -> Option<&'static str> {
    let offset = displacement(operand)?;
    (offset % 8 == 0).then(|| WAKER_VTABLE.get(offset as usize / 8).copied()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displacements_name_vtable_slots() {
        assert_eq!(displacement("qword ptr [rcx + 16]"), Some(16));
        assert_eq!(waker_slot("qword ptr [rax + 24]"), Some("drop"));
        assert_eq!(waker_slot("qword ptr [rax]"), Some("clone"));
        assert_eq!(waker_slot("qword ptr [rax + 32]"), None);
    }

    #[test]
    fn whether_a_snippet_compiles_is_asked_once_and_the_answer_kept() {
        // Unique to this run, so that the first call asks rustc.
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let refused = format!("// {nanos}\npub fn f() -> u8 {{ \"not a byte\" }}\n");
        let error = compiles(&refused).unwrap_err();
        assert!(error.contains("error[E0308]"), "{error}");
        let accepted = format!("// {nanos}\npub fn f() -> u8 {{ 1 }}\n");
        assert_eq!(compiles(&accepted), Ok(()));
        // Asked again, the kept answers (here marked) are what comes back.
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap();
        for source in [&refused, &accepted] {
            let marked = Verdict(Err("marked".to_owned())).to_entry();
            workspace.kept().keep(&verdict_key(&rustc, source), &marked, &[], kept::Computation::start()).unwrap();
            assert_eq!(compiles(source), Err("marked".to_owned()));
        }
    }
}
