//! Chapter 8's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch08-machine-code NAME}}` and runs with `cargo test -p ch08-machine-code --test why NAME`.

use listings::{
    AsmListing, AsmOptions, CodegenFlags, Experiment, Trial, assert_asm_snapshot, assert_experiment_snapshot,
};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

const RESUME: &str = "three_awaits::{{closure}}";

/// The resume function at one level, as `tests/listings.rs` lists it for the page.
fn resume_at(opt_level: &str) -> AsmListing {
    let options = AsmOptions { source: true, data: false };
    listings::asm_with_flags(CHAPTER, RESUME, &options, &CodegenFlags::with_opt_level(opt_level))
        .unwrap_or_else(|error| panic!("{error}"))
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
