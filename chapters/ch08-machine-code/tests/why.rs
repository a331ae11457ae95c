//! Chapter 8's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch08-machine-code NAME}}` and runs with `cargo test -p ch08-machine-code --test why NAME`.

use listings::{
    AsmListing, AsmOptions, CodegenFlags, Experiment, Trial, assert_asm_snapshot, assert_experiment_snapshot,
};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

const RESUME: &str = "three_awaits::{{closure}}";

/// A function with the given flags, with source lines, as `tests/listings.rs` lists it for the page.
fn asm_with(function: &str, flags: &CodegenFlags) -> AsmListing {
    let options = AsmOptions { source: true, data: false };
    listings::asm_with_flags(CHAPTER, function, &options, flags).unwrap_or_else(|error| panic!("{error}"))
}

/// The resume function at one level.
fn resume_at(opt_level: &str) -> AsmListing {
    asm_with(RESUME, &CodegenFlags::with_opt_level(opt_level))
}

/// "Level `z` (`minsize`) goes further and stops inlining `YieldOnce::poll` at all": the same
/// function at `s`, the one flag changed, inlines it.
#[test]
fn yield_once_poll_is_called_at_z() {
    let (z, s) = (resume_at("z"), resume_at("s"));
    assert_asm_snapshot!("three_awaits_opt_level_z", z);
    assert_asm_snapshot!("three_awaits_opt_level_s", s);
    let experiment = Experiment {
        effect: "`YieldOnce::poll` is called, not inlined",
        change: "`-C opt-level=s` in place of `z`",
        with: Trial::new("three_awaits_opt_level_z", &z),
        without: Trial::new("three_awaits_opt_level_s", &s),
    }
    .run(|line| {
        line.starts_with("call ")
            && line.contains("<ch08_machine_code::YieldOnce as core::future::future::Future>::poll")
    })
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("yield_once_poll_is_called_at_z", experiment);
}

/// "The jump table stayed … DFA jump threading … is not in the default pipeline": `run_in_view`
/// with the listing's flags keeps its table; given the option that adds the pass, it has none.
#[test]
fn run_in_view_keeps_its_jump_table_without_dfa_jump_threading() {
    let with = asm_with("run_in_view", &CodegenFlags::default());
    let without = asm_with("run_in_view", &CodegenFlags::default().with_codegen("llvm-args=-enable-dfa-jump-thread"));
    assert_asm_snapshot!("run_in_view", with);
    assert_asm_snapshot!("run_in_view_dfa_jump_thread", without);
    let experiment = Experiment {
        effect: "the jump table `.LJTI0_0`: its address loaded, its label and its entries",
        change: "`-C llvm-args=-enable-dfa-jump-thread`, which adds DFA jump threading to the pipeline",
        with: Trial::new("run_in_view", &with),
        without: Trial::new("run_in_view_dfa_jump_thread", &without),
    }
    .run(|line| line.contains(".LJTI"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("run_in_view_keeps_its_jump_table_without_dfa_jump_threading", experiment);
}

/// "What keeps it is unwinding": at level 2 each `YieldOnce::default()` stores 0 into the flag
/// that the next block overwrites with 1; with `-C panic=abort` (no landing pads) the stores of
/// 0 are gone.
#[test]
fn the_dead_stores_to_the_flag_go_with_the_landing_pads() {
    let with = resume_at("2");
    let without = asm_with(RESUME, &CodegenFlags::with_opt_level("2").with_codegen("panic=abort"));
    assert_asm_snapshot!("three_awaits_opt_level_2", with);
    assert_asm_snapshot!("three_awaits_opt_level_2_panic_abort", without);
    let experiment = Experiment {
        effect: "`mov byte ptr [rbx + 32], 0`, the store of 0 that `mov byte ptr [rbx + 32], 1` overwrites",
        change: "`-C panic=abort`: no unwinding, so no landing pads",
        with: Trial::new("three_awaits_opt_level_2", &with),
        without: Trial::new("three_awaits_opt_level_2_panic_abort", &without),
    }
    .run(|line| line == "mov byte ptr [rbx + 32], 0")
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("the_dead_stores_to_the_flag_go_with_the_landing_pads", experiment);
    // The landing pads go with them: only the first listing resumes unwinding.
    let unwinds = |listing: &AsmListing| listing.to_string().contains("call    _Unwind_Resume@PLT");
    assert!(unwinds(&with) && !unwinds(&without), "{with}\n{without}");
}

/// "Where level 2 jumps to a shared tail, level 3 copies the tail into each path": level 2 with
/// block placement's tail-duplication threshold raised from its default, 2, to 4 (the default of
/// its aggressive threshold, used at level 3) has no jump to a shared tail.
#[test]
fn level_2_shares_the_tails_that_a_higher_tail_duplication_threshold_copies() {
    let with = resume_at("2");
    let without =
        asm_with(RESUME, &CodegenFlags::with_opt_level("2").with_codegen("llvm-args=-tail-dup-placement-threshold=4"));
    assert_asm_snapshot!("three_awaits_opt_level_2", with);
    assert_asm_snapshot!("three_awaits_opt_level_2_tail_dup_placement_threshold_4", without);
    let experiment = Experiment {
        effect: "`jmp .LBB0_8` and `jmp .LBB0_14`, the jumps to the shared `Pending` return and the shared cleanup",
        change: "`-C llvm-args=-tail-dup-placement-threshold=4`, level 3's tail-duplication threshold",
        with: Trial::new("three_awaits_opt_level_2", &with),
        without: Trial::new("three_awaits_opt_level_2_tail_dup_placement_threshold_4", &without),
    }
    .run(|line| line == "jmp .LBB0_8" || line == "jmp .LBB0_14")
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("level_2_shares_the_tails_that_a_higher_tail_duplication_threshold_copies", experiment);
    // The copies are level 3's: one `ret` per way out and one landing pad per await.
    let count = |listing: &AsmListing, text: &str| listing.to_string().lines().filter(|l| l.trim() == text).count();
    assert_eq!(
        (count(&without, "ret"), count(&without, "call    _Unwind_Resume@PLT")),
        (count(&resume_at("3"), "ret"), count(&resume_at("3"), "call    _Unwind_Resume@PLT")),
        "{without}"
    );
}

/// "What `panic = "abort"` changes": at level 3, the resume function's three landing pads each
/// mark the future `Panicked` (state 2) and resume unwinding, and state 2's entry in the jump
/// table panics with "`async fn` resumed after panicking"; with `-C panic=abort` nothing unwinds,
/// the landing pads are gone, and state 2's entry leads to `ud2`. The table keeps its six entries.
#[test]
fn the_landing_pads_that_mark_the_future_panicked_go_with_unwinding() {
    let with = resume_at("3");
    let without = asm_with(RESUME, &CodegenFlags::default().with_codegen("panic=abort"));
    assert_asm_snapshot!("three_awaits_opt_level_3", with);
    assert_asm_snapshot!("three_awaits_opt_level_3_panic_abort", without);
    let experiment = Experiment {
        effect: "the landing pads, each marking the future `Panicked` (`mov byte ptr [rbx + 24], 2`) and resuming \
                 the unwinding, and the panic of a future resumed after panicking",
        change: "`-C panic=abort`: a panic ends the process, nothing unwinds",
        with: Trial::new("three_awaits_opt_level_3", &with),
        without: Trial::new("three_awaits_opt_level_3_panic_abort", &without),
    }
    .run(|line| {
        line == "mov byte ptr [rbx + 24], 2"
            || line == "call _Unwind_Resume@PLT"
            || line.contains("panic_const_async_fn_resumed_panic")
    })
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("the_landing_pads_that_mark_the_future_panicked_go_with_unwinding", experiment);
    // Three landing pads with unwinding, none without.
    let count = |listing: &AsmListing, text: &str| listing.to_string().lines().filter(|l| l.trim() == text).count();
    assert_eq!(count(&with, "call    _Unwind_Resume@PLT"), 3, "{with}");
    assert_eq!(count(&without, "call    _Unwind_Resume@PLT"), 0, "{without}");
    // Both tables have an entry for each of the six states; state 2's leads to the panic with
    // unwinding, and to `ud2` without.
    let state_2 = |listing: &AsmListing| {
        let tables = listing.jump_tables();
        assert_eq!(tables.iter().map(Vec::len).collect::<Vec<_>>(), [6], "{listing}");
        let label = tables[0][2].split('-').next().unwrap().to_owned();
        listing.block(&label).unwrap().iter().map(|(m, o)| format!("{m} {o}").trim().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(
        state_2(&with),
        [
            "lea rdi, [rip + .L__unnamed_1]",
            "call qword ptr [rip + core::panicking::panic_const::panic_const_async_fn_resumed_panic@GOTPCREL]"
        ]
    );
    assert_eq!(state_2(&without), ["ud2"]);
}
