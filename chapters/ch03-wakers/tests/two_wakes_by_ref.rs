//! The quiz question `two-wakes-by-ref`: two `wake_by_ref`s on one `&Waker` read the vtable slot
//! once. Which pass merges the two reads is shown here by compiling the question's function with
//! the pinned rustc twice, once as usual and once with rustc's MIR pass GVN
//! (`compiler/rustc_mir_transform/src/gvn.rs`) turned off, so that the pass is the only variable.

use std::path::PathBuf;
use std::process::Command;

const SOURCE: &str = "#[inline(never)]\npub fn wake_twice(waker: &std::task::Waker) {\n    waker.wake_by_ref();\n    waker.wake_by_ref();\n}\n";

/// The MIR and the Intel-syntax assembly of `SOURCE` at `-C opt-level=3`, with `extra` flags.
fn compile(name: &str, extra: &[&str]) -> (String, String) {
    let rustc = listings::Rustc::for_listings(&listings::Workspace::this_checkout())
        .unwrap_or_else(|error| panic!("{error}"))
        .path;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("two_wakes_by_ref").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wake_twice.rs");
    std::fs::write(&file, SOURCE).unwrap();
    let (mir, asm) = (dir.join("wake_twice.mir"), dir.join("wake_twice.s"));
    let output = Command::new(rustc)
        // `-Z` flags need a nightly compiler or this variable; the pinned compiler is the same.
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["--edition=2024", "--crate-type=lib", "-C", "opt-level=3", "-C", "llvm-args=-x86-asm-syntax=intel"])
        .args(extra)
        // rustc writes its intermediate files to the output directory, the current one unless
        // told: each compilation gets its own, or two tests running at once swap their results.
        .arg("--out-dir")
        .arg(&dir)
        .arg(format!("--emit=mir={},asm={}", mir.display(), asm.display()))
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (std::fs::read_to_string(mir).unwrap(), std::fs::read_to_string(asm).unwrap())
}

/// How many MIR statements copy the `wake_by_ref` slot (field 2) out of the vtable.
fn slot_reads_in_mir(mir: &str) -> usize {
    mir.lines().filter(|line| line.contains(".2: unsafe fn(*const ()))")).count()
}

/// How many instructions read memory at `operand` (e.g. `+ 16]`, the `wake_by_ref` slot).
fn reads_in_asm(asm: &str, operand: &str) -> usize {
    asm.lines()
        .filter(|line| line.starts_with('\t') && !line.trim_start().starts_with('.') && line.contains(operand))
        .count()
}

#[test]
fn mir_gvn_reads_the_wake_by_ref_slot_once_for_both_wakes() {
    let (mir, asm) = compile("with_gvn", &[]);
    assert_eq!(slot_reads_in_mir(&mir), 1, "{mir}");
    assert_eq!(reads_in_asm(&asm, "+ 16]"), 1, "{asm}");
}

#[test]
fn without_mir_gvn_llvm_keeps_the_waker_s_two_words_but_reads_the_slot_again() {
    let (mir, asm) = compile("without_gvn", &["-Z", "mir-enable-passes=-GVN"]);
    assert_eq!(slot_reads_in_mir(&mir), 2, "{mir}");
    assert_eq!(reads_in_asm(&asm, "+ 16]"), 2, "{asm}");
    // The `&Waker` itself: its vtable word at [rdi] and data word at [rdi + 8], read once each.
    assert_eq!(reads_in_asm(&asm, "ptr [rdi]"), 1, "{asm}");
    assert_eq!(reads_in_asm(&asm, "ptr [rdi + 8]"), 1, "{asm}");
}
