//! The pictures of this chapter, drawn from the listings its page shows: the no-op waker in
//! memory, from `noop_clone`'s listing with its constants, and the state machine's jump table.
//! `{{#picture …}}` shows them.

use listings::{AsmListing, AsmOptions, Stage};
use pictures::assert_picture_snapshot;
use pictures::jump_table::JumpTable;
use pictures::waker::{Value, WakerInMemory, WordsAt};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn asm(function: &str, options: AsmOptions) -> AsmListing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn std_layout(name: &str) -> listings::TypeLayout {
    let listing = listings::stage(CHAPTER, Stage::TypeSizes, name).unwrap_or_else(|e| panic!("{e}"));
    listing.layout.unwrap_or_else(|| panic!("no layout of {name}"))
}

#[test]
fn the_noop_waker_is_drawn_as_two_words_vtable_first_and_four_slots_three_of_them_noop() {
    let listing = asm("noop_clone", AsmOptions { source: false, data: true });
    let waker =
        WakerInMemory::of(&listing, &std_layout("std::task::RawWaker"), &std_layout("std::task::RawWakerVTable"))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waker.words_at, WordsAt::Registers);
    let words: Vec<(u64, &str, &Value)> = waker.words.iter().map(|w| (w.offset, w.field.as_str(), &w.value)).collect();
    assert_eq!(
        words,
        [(0, "vtable", &Value::Address(".L__unnamed_1".into())), (8, "data", &Value::Null)],
        "rustc put the vtable first in this build"
    );
    let slots: Vec<(u64, &str, &str)> =
        waker.slots.iter().map(|s| (s.offset, s.name.as_str(), s.function.as_str())).collect();
    assert_eq!(
        slots,
        [
            (0, "clone", "ch01_the_experiment::noop_clone"),
            (8, "wake", "ch01_the_experiment::noop"),
            (16, "wake_by_ref", "ch01_the_experiment::noop"),
            (24, "drop", "ch01_the_experiment::noop"),
        ]
    );
    assert_picture_snapshot!("waker_noop_clone", waker.picture(CHAPTER, "noop_clone", &listing));
}

#[test]
fn the_jump_table_is_drawn_from_the_state_byte_at_offset_0_to_four_labels() {
    let listing = asm("hello_world::{{closure}}", AsmOptions { source: true, data: false });
    let future = pictures::future_layout(CHAPTER, "hello_world").unwrap_or_else(|e| panic!("{e}"));
    let table = JumpTable::of(&listing, &future).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((table.dispatch.as_str(), table.state_offset), ("movzx eax, byte ptr [rdi]", 0));
    let entries: Vec<(u64, &str, &str)> =
        table.entries.iter().map(|e| (e.value, e.state.as_str(), e.label.as_str())).collect();
    assert_eq!(
        entries,
        [
            (0, "Unresumed", ".LBB0_1"),
            (1, "Returned", ".LBB0_5"),
            (2, "Panicked", ".LBB0_4"),
            (3, "Suspend0", ".LBB0_2")
        ]
    );
    let returned = table.targets.iter().find(|t| t.label == ".LBB0_5").unwrap();
    assert_eq!(returned.calls.as_deref(), Some("panic_const_async_fn_resumed"), "{returned:?}");
    assert_picture_snapshot!(
        "jump_table_hello_world_state_machine",
        table.picture(CHAPTER, "hello_world_state_machine", &listing)
    );
}
