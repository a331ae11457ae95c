//! Chapter 10's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch10-async-today NAME}}` and runs with `cargo test -p ch10-async-today --test why NAME`.

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
