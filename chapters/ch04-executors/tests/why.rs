//! Why-experiments of chapter 4 (`listings::experiment`): each test runs one and is named after it.

use std::path::Path;

use listings::{
    AsmListing, AsmOptions, CodegenFlags, Experiment, Trial, assert_asm_snapshot, assert_experiment_snapshot,
};

/// Two functions that differ in where the waker goes, in a file of their own (from the workspace
/// root, as the listing's command names it), compiled apart from the chapter.
const WAKER_ESCAPE: &str = "chapters/ch04-executors/tests/experiments/waker_escape.rs";

fn function(name: &str) -> AsmListing {
    let (options, flags) = (AsmOptions::default(), CodegenFlags::default());
    listings::asm_of_file(Path::new(WAKER_ESCAPE), "ch04_waker_escape", name, &options, &flags)
        .unwrap_or_else(|error| panic!("{error}"))
}

/// The listing's instructions, whitespace collapsed.
fn instructions(listing: &AsmListing) -> Vec<String> {
    listing.to_string().lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// Why `Task::poll` drops its waker through the vtable: a waker whose address did not go into
/// `poll` is dropped by `Arc`'s own code, inlined; one whose address did is dropped through slot 3
/// of its vtable, reloaded from the stack after the call.
#[test]
fn a_waker_kept_from_poll_is_dropped_inline() {
    let (kept, passed) = (function("polled_with_another"), function("polled_with_it"));
    assert_asm_snapshot!("polled_with_another", kept);
    assert_asm_snapshot!("polled_with_it", passed);
    // The future's poll is slot 3 (`+ 24]`) of its vtable in both; the waker's drop, and the
    // drop on unwinding, are slot 3 of the waker's vtable only where the waker went into `poll`.
    let slot_3_calls = |listing: &AsmListing| {
        instructions(listing).iter().filter(|i| i.starts_with("call qword ptr [") && i.ends_with("+ 24]")).count()
    };
    assert_eq!((slot_3_calls(&passed), slot_3_calls(&kept)), (3, 1), "{passed}\n{kept}");
    let reloaded = |i: &String| i == "mov rcx, qword ptr [rsp]" || i == "mov rax, qword ptr [rsp]";
    assert!(instructions(&passed).iter().any(reloaded), "{passed}");
    let experiment = Experiment {
        effect: "the waker's `Arc` is dropped by its own code, inlined: a `lock dec`",
        change: "`Context::from_waker(&waker)` in place of `Context::from_waker(Waker::noop())`: the waker's \
                 address goes into `poll`",
        with: Trial::new("polled_with_another", &kept),
        without: Trial::new("polled_with_it", &passed),
    }
    .run(|line| line.starts_with("lock dec"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("a_waker_kept_from_poll_is_dropped_inline", experiment);
}
