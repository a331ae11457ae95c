//! The pictures of this chapter, drawn from the listings its page shows (`{{#type-sizes …}}` and
//! `{{#picture …}}` show them).

// ---- sizes (recursion, futures too big for the stack) -------------------------------------------
// Paths in full, no `use`: other sections of this file may import the same names.

#[test]
fn the_boxed_recursions_future_is_drawn_with_an_8_byte_awaitee_in_suspend0() {
    let layout = pictures::assert_layout_picture!("recursion_depth");
    assert_eq!(layout.over("Suspend0", 0..8), Some("__awaitee"));
    assert_eq!(layout.over("Unresumed", 0..8), None);
}

#[test]
fn the_big_awaiters_future_is_drawn_as_a_tag_and_the_whole_32770_byte_future_it_awaits() {
    let layout = pictures::assert_layout_picture!("big_awaiter");
    assert_eq!(layout.over("Suspend0", 1..32771), Some("__awaitee"));
    assert_eq!(layout.over("Unresumed", 0..1), Some("tag"));
}
