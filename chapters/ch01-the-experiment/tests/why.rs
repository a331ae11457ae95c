//! Chapter 1's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch01-the-experiment NAME}}` and runs with `cargo test -p ch01-the-experiment --test why NAME`.

use listings::{
    AsmListing, AsmOptions, CodegenFlags, Experiment, Part, Stage, StageListing, Trial, assert_asm_snapshot,
    assert_experiment_snapshot, assert_part_snapshot,
};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str, flags: &CodegenFlags) -> AsmListing {
    listings::asm_with_flags(CHAPTER, function, &AsmOptions::default(), flags).unwrap_or_else(|error| panic!("{error}"))
}

fn ir(stage: Stage, function: &str) -> StageListing {
    listings::stage(CHAPTER, stage, function).unwrap_or_else(|error| panic!("{error}"))
}

/// "A call that may unwind into a landing pad is an `invoke` in the IR: the `unreachable` after
/// it starts a block of its own, and that block becomes a `ud2`": with `-C panic=abort` nothing
/// unwinds, `handle_alloc_error` is a plain call, and no `ud2` is left.
#[test]
fn ud2_follows_handle_alloc_error_because_it_may_unwind() {
    let unwinding = asm("poll_hello_world_twice", &CodegenFlags::default());
    let aborting = asm("poll_hello_world_twice", &CodegenFlags::default().with_codegen("panic=abort"));
    let ud2s = |listing: &AsmListing| listing.instructions().filter(|(mnemonic, _)| *mnemonic == "ud2").count();
    assert_eq!(ud2s(&unwinding), 1, "one `ud2`, after `handle_alloc_error`: {unwinding}");
    assert_asm_snapshot!("poll_hello_world_twice_no_data", unwinding);
    assert_asm_snapshot!("poll_hello_world_twice_panic_abort", aborting);
    let experiment = Experiment {
        effect: "a `ud2` after the call to `handle_alloc_error`",
        change: "`-C panic=abort`: nothing unwinds, so every call is a plain `call` in the IR",
        with: Trial::new("poll_hello_world_twice_no_data", &unwinding),
        without: Trial::new("poll_hello_world_twice_panic_abort", &aborting),
    }
    .run(|line| line == "ud2")
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("ud2_follows_handle_alloc_error_because_it_may_unwind", experiment);
}

/// "An entry is the distance from the table to a block, not an address, so that the table needs
/// no relocation": for code at a fixed address (`-C relocation-model=static`) the entries are
/// addresses.
#[test]
fn jump_table_entries_are_distances_because_the_code_may_be_loaded_anywhere() {
    let position_independent = asm("hello_world::{{closure}}", &CodegenFlags::default());
    let fixed = asm("hello_world::{{closure}}", &CodegenFlags::default().with_codegen("relocation-model=static"));
    assert!(
        fixed.to_string().lines().any(|line| line.trim_start().starts_with(".quad") && line.contains(".LBB0_")),
        "8-byte addresses instead: {fixed}"
    );
    assert_asm_snapshot!("state_machine_position_independent", position_independent);
    assert_asm_snapshot!("state_machine_relocation_model_static", fixed);
    let experiment = Experiment {
        effect: "jump-table entries that are distances, `.long .LBB0_N-.LJTI0_0`",
        change: "`-C relocation-model=static`: code at an address fixed at link time",
        with: Trial::new("state_machine_position_independent", &position_independent),
        without: Trial::new("state_machine_relocation_model_static", &fixed),
    }
    .run(|line| line.starts_with(".long .LBB") && line.contains("-.LJTI"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("jump_table_entries_are_distances_because_the_code_may_be_loaded_anywhere", experiment);
}

/// The 1-based lines (title included, as [`Part`] counts them) from the first that contains
/// `from` to the first after it that contains `to`.
fn lines_between(listing: &StageListing, from: &str, to: &str) -> std::ops::RangeInclusive<usize> {
    let text = listing.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|line| line.contains(from)).unwrap_or_else(|| panic!("no `{from}`:\n{text}"));
    let last = first
        + lines[first..].iter().position(|line| line.contains(to)).unwrap_or_else(|| panic!("no `{to}`:\n{text}"));
    first + 1..=last + 1
}

/// "rustc moves the two-byte future into the box whole, as one `i16` of which only the state byte
/// was ever written, and LLVM gives the undefined second byte 0": the IR as rustc hands it to
/// LLVM stores one byte and loads two; LLVM's passes turn that into one `store i16 0`.
#[test]
fn llvm_makes_the_two_byte_store() {
    let optimised = ir(Stage::LlvmIr, "poll_hello_world_twice");
    let unoptimised = ir(Stage::LlvmIrUnoptimised, "poll_hello_world_twice");
    let built = Part::of_stage(
        &unoptimised,
        "into_the_box",
        lines_between(&unoptimised, "store i8 0, ptr %_8", "to label %bb16"),
    );
    assert_part_snapshot!("poll_hello_world_twice_unoptimised", built);
    let stored = Part::of_stage(&optimised, "into_the_box", lines_between(&optimised, "bb16:", "store i16 0"));
    assert_part_snapshot!("poll_hello_world_twice", stored);
    let experiment = Experiment {
        effect: "one two-byte store of a constant, `store i16 0`",
        change: "the IR as rustc hands it to LLVM, before LLVM's passes (`-C no-prepopulate-passes`)",
        with: Trial::new("poll_hello_world_twice", &optimised),
        without: Trial::new("poll_hello_world_twice_unoptimised", &unoptimised),
    }
    .run(|line| line.starts_with("store i16 0,"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    assert_experiment_snapshot!("llvm_makes_the_two_byte_store", experiment);
}

/// "The panicked state's entry is there because the body can unwind": with `-C panic=abort` the
/// state machine has no jump table, tests for state 0 and compares with 3, sends every other
/// state to `panic_const_async_fn_resumed`, and never stores the panicked state 2.
#[test]
fn under_panic_abort_the_state_machine_has_no_jump_table_and_no_panicked_arm() {
    let listing = asm("hello_world::{{closure}}", &CodegenFlags::default().with_codegen("panic=abort"));
    assert!(listing.jump_tables().is_empty(), "no jump table: {listing}");
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    assert!(instructions.contains(&("test", "eax, eax")), "state 0: {listing}");
    assert!(instructions.contains(&("cmp", "eax, 3")), "state 3: {listing}");
    let calls = listing.calls();
    assert!(calls.iter().any(|c| c.contains("panic_const_async_fn_resumed@")), "{calls:?}");
    assert!(!calls.iter().any(|c| c.contains("panic_const_async_fn_resumed_panic")), "{calls:?}");
    assert!(!instructions.iter().any(|(m, o)| *m == "mov" && o.ends_with(", 2")), "state 2 never stored: {listing}");
}
