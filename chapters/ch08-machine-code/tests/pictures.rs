//! The pictures of this chapter, drawn from the listings its page shows (`{{#type-sizes …}}` and
//! `{{#picture …}}` show them).

use pictures::jump_table::JumpTable;
use pictures::{assert_layout_picture, assert_picture_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

#[test]
fn three_awaits_is_drawn_with_kept_in_the_two_later_states_and_the_tag_at_24() {
    let layout = assert_layout_picture!("three_awaits");
    assert_eq!(layout.over("Suspend0", 16..24), None);
    for state in ["Suspend1", "Suspend2"] {
        assert_eq!(layout.over(state, 16..24), Some("kept"), "{state}");
    }
    assert_eq!(layout.over("Panicked", 24..25), Some("tag"));
}

#[test]
fn each_nested_future_is_drawn_holding_the_next_one_as_its_awaitee() {
    let outer = assert_layout_picture!("outer");
    let middle = assert_layout_picture!("middle");
    let leaf = assert_layout_picture!("leaf");
    assert_eq!(outer.over("Suspend0", 4..12), Some("__awaitee"));
    assert_eq!(outer.columns.iter().find(|c| **c == (4..12)).map(|c| c.end - c.start), Some(middle.size));
    assert_eq!(middle.over("Suspend0", 4..6), Some("__awaitee"));
    assert_eq!(leaf.size, 2, "leaf is a tag and its YieldOnce");
}

#[test]
fn the_jump_table_at_opt_level_3_is_drawn_from_the_state_byte_at_24_to_six_labels_out_of_source_order() {
    let options = listings::AsmOptions { source: true, data: false };
    let listing = listings::asm(CHAPTER, "three_awaits::{{closure}}", &options).unwrap_or_else(|e| panic!("{e}"));
    let future = pictures::future_layout(CHAPTER, "three_awaits").unwrap_or_else(|e| panic!("{e}"));
    let table = JumpTable::of(&listing, &future).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(table.state_offset, 24);
    let states: Vec<&str> = table.entries.iter().map(|e| e.state.as_str()).collect();
    assert_eq!(states, ["Unresumed", "Returned", "Panicked", "Suspend0", "Suspend1", "Suspend2"]);
    let labels: Vec<&str> = table.entries.iter().map(|e| e.label.as_str()).collect();
    let in_listing_order: Vec<&str> = table.targets.iter().map(|t| t.label.as_str()).collect();
    assert_ne!(labels, in_listing_order, "the blocks are not laid out in the order of the states");
    assert_picture_snapshot!(
        "jump_table_three_awaits_opt_level_3",
        table.picture(CHAPTER, "three_awaits_opt_level_3", &listing)
    );
}
