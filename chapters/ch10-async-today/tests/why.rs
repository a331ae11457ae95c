//! Chapter 10's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch10-async-today NAME}}` and runs with `cargo test -p ch10-async-today --test why NAME`.

use listings::{Experiment, Stage, StageListing, Trial, assert_experiment_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

// ---- closures ----------------------------------------------------------------------------------

/// "The future an `AsyncFnMut` call returns never drops the log: it only borrows it. The future
/// of the call by value owns it, and drops it." The two bodies are one body, the second made from
/// the first by rustc's by-move pass, which changes the capture of `log` from a borrow to the
/// value and nothing else (`compiler/rustc_mir_transform/src/coroutine/by_move_body.rs`).
#[test]
fn only_the_future_that_owns_the_log_drops_it() {
    let by_move = stage(Stage::Mir, "async_logger::{closure#0}::{synthetic#0}");
    let by_ref = stage(Stage::Mir, "async_logger::{closure#0}::{closure#0}");
    assert_stage_snapshot!("closures_by_move_body", by_move);
    assert_stage_snapshot!("closures_by_ref_body", by_ref);
    let experiment = Experiment {
        effect: "`drop(…)` of the `Vec<u32>` the body calls `log`, when the body finishes and when it unwinds",
        change: "the body an `AsyncFnMut` call runs, which reaches `log` through a `&mut` in place of owning it",
        with: Trial::new("closures_by_move_body", &by_move),
        without: Trial::new("closures_by_ref_body", &by_ref),
    }
    .run(|line| line.starts_with("drop(") && line.contains("std::vec::Vec<u32>"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("only_the_future_that_owns_the_log_drops_it", experiment);
}

// ---- sizes (futures too big for the stack) ------------------------------------------------------
// Paths in full, no `use`: other sections of this file may import the same names.

/// "A debug build copies the big future through the stack": `big_awaiter`'s resume function at
/// opt-level 0 copies `big_buffer`'s 32770-byte future with `memcpy`; at opt-level 3 it builds it
/// in place. The one change is the optimisation level.
#[test]
fn the_debug_build_copies_the_awaited_future_into_place_with_memcpy() {
    let at = |level: &str| {
        let flags = listings::CodegenFlags::with_opt_level(level);
        listings::asm_with_flags(
            env!("CARGO_PKG_NAME"),
            "big_awaiter::{{closure}}",
            &listings::AsmOptions::default(),
            &flags,
        )
        .unwrap_or_else(|error| panic!("{error}"))
    };
    let (debug, release) = (at("0"), at("3"));
    listings::assert_asm_snapshot!("big_awaiter_opt_level_0", debug);
    listings::assert_asm_snapshot!("big_awaiter_opt_level_3", release);
    let experiment = listings::Experiment {
        effect: "`call memcpy@PLT`: the awaited future's 32770 bytes copied from the stack frame into the future",
        change: "`-C opt-level=3` in place of `0`",
        with: listings::Trial::new("big_awaiter_opt_level_0", &debug),
        without: listings::Trial::new("big_awaiter_opt_level_3", &release),
    }
    .run(|line| line.starts_with("call ") && line.contains("memcpy"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    listings::assert_experiment_snapshot!(
        "the_debug_build_copies_the_awaited_future_into_place_with_memcpy",
        experiment
    );
}

// ---- traits ------------------------------------------------------------------------------------
//
// Paths in full, as in the library: each section of this file stands alone.

fn traits_asm(function: &str) -> listings::AsmListing {
    let options = listings::AsmOptions::default();
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

/// "With the type known, … the allocation and the free are gone": `get_boxed` and `get_dyn` are
/// one function with two parameter types, `&Memory` and `&dyn BoxedStore`; only the second frees
/// a box.
#[test]
fn traits_the_concrete_type_lets_llvm_remove_the_box() {
    let (through_dyn, concrete) = (traits_asm("get_dyn"), traits_asm("get_boxed"));
    listings::assert_asm_snapshot!("traits_get_dyn", through_dyn);
    listings::assert_asm_snapshot!("traits_get_boxed", concrete);
    let experiment = listings::Experiment {
        effect: "the box is freed: a call of `__rust_dealloc`",
        change: "`store: &crate::Memory` in place of `store: &dyn BoxedStore`",
        with: listings::Trial::new("traits_get_dyn", &through_dyn),
        without: listings::Trial::new("traits_get_boxed", &concrete),
    }
    .run(|line| line.starts_with("call ") && line.contains("__rust_dealloc"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    listings::assert_experiment_snapshot!("traits_the_concrete_type_lets_llvm_remove_the_box", experiment);
}

/// "The drop glue `get_dyn` calls on the way out of an unwind is named for another type": the
/// box of `dyn Future<Output = u32> + Send` and the box of `dyn Future<Output = u8>` (the section
/// on futures too big for the stack keeps such boxes) have drop glues of the same instructions,
/// and LLVM's MergeFunctions pass keeps one of them, which both names then call. rustc runs that
/// pass unless `-Z merge-functions=disabled` turns it off (`merge_functions` in `ModuleConfig::new`,
/// `compiler/rustc_codegen_ssa/src/back/write.rs`). A `-Z` flag needs `RUSTC_BOOTSTRAP=1`, under
/// which rustc writes symbols in another style (`drop_in_place::<…>`), so both builds of the
/// experiment take one: `aliases`, whose landing pad calls the same glue as the listings' build,
/// and `disabled`, whose calls the drop glue of its own type. That one value is the change.
#[test]
fn traits_the_merged_drop_glue_is_named_for_another_type() {
    let options = listings::AsmOptions::default();
    let built_with = |merge_functions: &str, function: &str| {
        let flags = listings::CodegenFlags::default().with_unstable(&format!("merge-functions={merge_functions}"));
        listings::asm_with_flags(CHAPTER, function, &options, &flags).unwrap_or_else(|error| panic!("{error}"))
    };
    let (merged, apart) = (built_with("aliases", "get_dyn"), built_with("disabled", "get_dyn"));
    listings::assert_asm_snapshot!("traits_get_dyn_merge_functions_aliases", merged);
    listings::assert_asm_snapshot!("traits_get_dyn_merge_functions_disabled", apart);
    // The names of the two drop glues as these builds print them.
    let glue = |object: &str| {
        format!(
            "core::ptr::drop_in_place::<core::pin::Pin<alloc::boxed::Box<dyn core::future::future::Future<{object}>>>"
        )
    };
    let (u8_glue, u32_glue) = (glue("Output = u8>"), glue("Output = u32> + core::marker::Send"));
    assert!(merged.calls().contains(&u8_glue.as_str()), "{merged}");
    assert!(apart.calls().contains(&u32_glue.as_str()), "{apart}");
    // The listings' own build calls the `u8` glue too.
    assert!(traits_asm("get_dyn").calls().iter().any(|call| call.contains("Future+Output = u8>")));
    let instructions =
        |listing: &listings::AsmListing| listing.instructions().map(|(m, o)| format!("{m} {o}")).collect::<Vec<_>>();
    let (u8_glue, u32_glue) = (built_with("disabled", &u8_glue), built_with("disabled", &u32_glue));
    assert_eq!(instructions(&u8_glue), instructions(&u32_glue), "{u8_glue}\n{u32_glue}");
    let experiment = listings::Experiment {
        effect: "the landing pad calls the drop glue of `Pin<Box<dyn Future<Output = u8>>>`, another type's",
        change: "`-Z merge-functions=disabled` in place of `aliases`: LLVM's MergeFunctions pass off",
        with: listings::Trial::new("traits_get_dyn_merge_functions_aliases", &merged),
        without: listings::Trial::new("traits_get_dyn_merge_functions_disabled", &apart),
    }
    .run(|line| line.starts_with("call ") && line.contains("Output = u8>"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    listings::assert_experiment_snapshot!("traits_the_merged_drop_glue_is_named_for_another_type", experiment);
}
