//! What chapter 1 says about the compiled experiment, checked on the pinned compiler. Each
//! test asserts the claim the book makes, then snapshots the whole listing the book shows.

use listings::{AsmOptions, Listing, assert_asm_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str, options: AsmOptions) -> Listing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

fn calls(listing: &Listing) -> Vec<&str> {
    listing.instructions().filter(|(m, _)| *m == "call").map(|(_, target)| target).collect()
}

#[test]
fn hello_world_state_machine_jumps_on_its_state_byte_through_four_entries() {
    let listing = asm("hello_world::{{closure}}", AsmOptions { source: true, data: false });
    let first_instructions: Vec<(&str, &str)> = listing.instructions().take(8).collect();
    assert!(
        first_instructions.contains(&("movzx", "eax, byte ptr [rdi]")),
        "the state is the future's first byte: {first_instructions:?}"
    );
    let tables = listing.jump_tables();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].len(), 4, "Unresumed, Returned, Panicked, Suspend0: {tables:?}");
    let calls = calls(&listing);
    assert!(calls.iter().any(|c| c.contains("panic_const_async_fn_resumed@")), "state 1 panics: {calls:?}");
    assert!(calls.iter().any(|c| c.contains("panic_const_async_fn_resumed_panic@")), "state 2 panics: {calls:?}");
    assert!(listing.instructions().any(|i| i == ("mov", "byte ptr [rbx], 2")), "unwinding poisons the state");
    assert_asm_snapshot!("hello_world_state_machine", listing);
}

#[test]
fn dummy_future_poll_returns_the_tag_in_al_and_the_value_in_dl() {
    let listing = asm("DummyFuture::poll", AsmOptions { source: true, data: false });
    assert!(listing.instructions().any(|i| i == ("setne", "al")), "Poll's tag: 0 Ready, 1 Pending");
    assert!(listing.instructions().any(|i| i == ("mov", "dl, 11")), "Ready's 11");
    assert_asm_snapshot!("dummy_future_poll", listing);
}

#[test]
fn the_noop_waker_vtable_is_four_function_pointers_in_read_only_data() {
    let listing = asm("noop_clone", AsmOptions { source: false, data: true });
    let vtable = listing.data_after(".L__unnamed_1");
    assert_eq!(
        vtable,
        [
            "ch01_the_experiment::noop_clone",
            "ch01_the_experiment::noop",
            "ch01_the_experiment::noop",
            "ch01_the_experiment::noop"
        ],
        "clone, wake, wake_by_ref, drop"
    );
    assert_asm_snapshot!("noop_clone", listing);
}

#[test]
fn noop_is_a_lone_ret() {
    let listing = asm("noop", AsmOptions::default());
    assert_eq!(listing.instructions().collect::<Vec<_>>(), [("ret", "")]);
    assert_asm_snapshot!("noop", listing);
}

#[test]
fn the_driver_polls_twice_through_the_dyn_future_vtable_and_drops_the_waker_through_its_own() {
    let listing = asm("poll_hello_world_twice", AsmOptions { source: true, data: true });
    let calls = calls(&listing);
    assert_eq!(calls.iter().filter(|c| **c == "r15").count(), 2, "two indirect polls: {calls:?}");
    assert!(calls.contains(&"qword ptr [rax + 24]"), "the waker's drop is the vtable's fourth slot: {calls:?}");
    assert_asm_snapshot!("poll_hello_world_twice", listing);
}

#[test]
fn without_the_dyn_boundary_the_state_machine_is_inlined_into_the_driver() {
    let listing = asm("poll_hello_world_twice_inlined", AsmOptions { source: true, data: false });
    assert!(listing.jump_tables().is_empty(), "no jump table left");
    let calls = calls(&listing);
    assert!(!calls.iter().any(|c| c.contains("{{closure}}")), "the state machine is not called: {calls:?}");
    assert_asm_snapshot!("poll_hello_world_twice_inlined", listing);
}

#[test]
fn at_opt_level_z_small_constants_are_loaded_with_push_and_pop_as_in_the_seeds_listing() {
    let push_pop = |listing: &Listing| {
        let instructions: Vec<(&str, &str)> = listing.instructions().collect();
        instructions.windows(2).filter(|w| w[0].0 == "push" && w[0].1.parse::<u8>().is_ok() && w[1].0 == "pop").count()
    };
    let for_size = listings::asm_with_flags(
        CHAPTER,
        "poll_hello_world_twice",
        &AsmOptions::default(),
        &listings::CodegenFlags { opt_level: "z".into() },
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(push_pop(&for_size) > 0, "{for_size}");
    assert_eq!(push_pop(&asm("poll_hello_world_twice", AsmOptions::default())), 0, "not at opt-level 3");
    assert_asm_snapshot!("poll_hello_world_twice_opt_level_z", for_size);
}
