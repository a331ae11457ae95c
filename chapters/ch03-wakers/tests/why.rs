//! Why-experiments of chapter 3 (`listings::experiment`): each test runs one and is named after it.

use std::path::Path;

use listings::{
    AsmListing, AsmOptions, CodegenFlags, Experiment, Trial, assert_asm_snapshot, assert_experiment_snapshot,
};

/// The quiz question's function, in a file of its own (from the workspace root, as the listing's
/// command names it): compiled apart from the chapter, so that no other function of `src/lib.rs`
/// (whose digest chapter 9's figures record) moves.
const WAKE_TWICE: &str = "chapters/ch03-wakers/tests/experiments/wake_twice.rs";

/// Three `static` vtables that differ only in what code outside the crate can reach.
const VTABLE_REACH: &str = "chapters/ch03-wakers/tests/experiments/vtable_reach.rs";

fn wake_twice(flags: &CodegenFlags) -> AsmListing {
    listings::asm_of_file(Path::new(WAKE_TWICE), "ch03_wake_twice", "wake_twice", &AsmOptions::default(), flags)
        .unwrap_or_else(|error| panic!("{error}"))
}

/// How many of the listing's instructions read memory at `operand` (`+ 16]`, `ptr [rdi]`).
fn reads(listing: &AsmListing, operand: &str) -> usize {
    listing.to_string().lines().filter(|line| line.trim_end().ends_with(operand)).count()
}

/// The quiz question `two-wakes-by-ref`: which pass makes two `wake_by_ref`s on one `&Waker`
/// read the vtable slot once. Only MIR GVN (`compiler/rustc_mir_transform/src/gvn.rs`) is turned
/// off: LLVM still keeps the waker's two words in registers, but reads the slot again.
#[test]
fn mir_gvn_reads_the_wake_by_ref_slot_once() {
    let with = wake_twice(&CodegenFlags::default());
    let without = wake_twice(&CodegenFlags::default().with_unstable("mir-enable-passes=-GVN"));
    assert_asm_snapshot!("wake_twice", with);
    assert_asm_snapshot!("wake_twice_without_mir_gvn", without);
    assert_eq!((reads(&with, "+ 16]"), reads(&without, "+ 16]")), (1, 2), "the slot: {with}\n{without}");
    // The one load goes into `r14`, a callee-saved register, and both calls go through it.
    let text: Vec<String> =
        with.to_string().lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    assert!(text.contains(&"mov r14, qword ptr [rax + 16]".to_owned()), "{with}");
    assert_eq!(text.iter().filter(|line| *line == "call r14" || *line == "mov rax, r14").count(), 2, "{with}");
    assert_eq!((reads(&without, "ptr [rdi]"), reads(&without, "ptr [rdi + 8]")), (1, 1), "{without}");
    let experiment = Experiment {
        effect: "the `wake_by_ref` slot `[… + 16]` is loaded into a register once, for both calls",
        change: "`-Z mir-enable-passes=-GVN`: rustc's MIR pass GVN is off",
        with: Trial::new("wake_twice", &with),
        without: Trial::new("wake_twice_without_mir_gvn", &without),
    }
    .run(|line| line.starts_with("mov ") && line.ends_with("+ 16]"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("mir_gvn_reads_the_wake_by_ref_slot_once", experiment);
}

/// The aside on the global offset table: a `static` vtable is loaded from the GOT when code in
/// other crates can reach it (it is `pub`, or a small `pub fn` that may be inlined elsewhere
/// names it), and its address is computed with `lea` when nothing outside can.
#[test]
fn a_static_vtable_is_reached_through_the_got_only_when_other_crates_can_reach_it() {
    let clone_of = |function: &str| {
        listings::asm_of_file(
            Path::new(VTABLE_REACH),
            "ch03_vtable_reach",
            function,
            &AsmOptions::default(),
            &CodegenFlags::default(),
        )
        .unwrap_or_else(|error| panic!("{error}"))
    };
    let public = clone_of("public_clone");
    let inlinable = clone_of("inlinable_clone");
    let private = clone_of("private_clone");
    assert_asm_snapshot!("vtable_reach_public_clone", public);
    assert_asm_snapshot!("vtable_reach_inlinable_clone", inlinable);
    assert_asm_snapshot!("vtable_reach_private_clone", private);
    let lines = |listing: &AsmListing| -> Vec<String> {
        listing.to_string().lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
    };
    let got = |table: &str| format!("mov rax, qword ptr [rip + ch03_vtable_reach::{table}@GOTPCREL]");
    assert!(lines(&public).contains(&got("PUBLIC_VTABLE")), "{public}");
    assert!(lines(&inlinable).contains(&got("INLINABLE_VTABLE")), "{inlinable}");
    assert!(lines(&private).contains(&"lea rax, [rip + ch03_vtable_reach::PRIVATE_VTABLE]".to_owned()), "{private}");
    assert!(!private.to_string().contains("GOTPCREL"), "{private}");
}
