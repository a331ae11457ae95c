//! Chapter 6's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment ch06-pinning
//! NAME}}` and runs with `cargo test -p ch06-pinning --test why NAME`.

use listings::{
    AsmListing, AsmOptions, CodegenFlags, Experiment, Trial, assert_asm_snapshot, assert_experiment_snapshot,
};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

const RESUME: &str = "points_into_itself::{{closure}}";

/// The resume function with the given flags, with source lines, as `tests/listings.rs` lists it.
fn resume_with(flags: &CodegenFlags) -> AsmListing {
    let options = AsmOptions { source: true, data: false };
    listings::asm_with_flags(CHAPTER, RESUME, &options, flags).unwrap_or_else(|error| panic!("{error}"))
}

/// "`mov byte ptr [rbx + 32], 0` … is dead": the first poll stores 0 into the awaitee's flag and
/// the block it jumps to overwrites it with 1. With `-C panic=abort` (no landing pad) the store
/// of 0 is gone, as in chapter 8's `three_awaits`.
#[test]
fn the_dead_store_to_the_flag_goes_with_the_landing_pad() {
    let with = resume_with(&CodegenFlags::default());
    let without = resume_with(&CodegenFlags::default().with_codegen("panic=abort"));
    assert_asm_snapshot!("points_into_itself_state_machine", with);
    assert_asm_snapshot!("points_into_itself_state_machine_panic_abort", without);
    // Dead in the first: the store of 0 jumps to the block that stores 1, before any read.
    let code: Vec<(&str, &str)> = with.instructions().collect();
    let store = code.iter().position(|i| *i == ("mov", "byte ptr [rbx + 32], 0")).expect("the store of 0");
    assert_eq!(code[store + 1], ("jmp", ".LBB0_3"), "{with}");
    assert_eq!(with.block(".LBB0_3").expect("the block it jumps to")[0], ("mov", "byte ptr [rbx + 32], 1"));
    let experiment = Experiment {
        effect: "`mov byte ptr [rbx + 32], 0`, the store of 0 that `mov byte ptr [rbx + 32], 1` overwrites",
        change: "`-C panic=abort`: no unwinding, so no landing pad",
        with: Trial::new("points_into_itself_state_machine", &with),
        without: Trial::new("points_into_itself_state_machine_panic_abort", &without),
    }
    .run(|line| line == "mov byte ptr [rbx + 32], 0")
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("the_dead_store_to_the_flag_goes_with_the_landing_pad", experiment);
    // The landing pad goes with it: only the first listing resumes unwinding.
    let unwinds = |listing: &AsmListing| listing.to_string().contains("call    _Unwind_Resume@PLT");
    assert!(unwinds(&with) && !unwinds(&without), "{with}\n{without}");
    // In this small function the dispatch changes too: the table gives way to compares.
    assert_eq!((with.jump_tables().len(), without.jump_tables().len()), (1, 0), "{without}");
}
