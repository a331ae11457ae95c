//! The pictures of this chapter, drawn from the listings its page shows (`{{#type-sizes …}}`
//! shows them beside their listing).

#[test]
fn the_registration_is_drawn_with_the_waker_over_bytes_0_to_16_and_the_flag_at_16() {
    let layout = pictures::assert_layout_picture!("Registration");
    assert_eq!(layout.over("fields", 0..16), Some("waker"));
    assert_eq!(layout.over("fields", 16..17), Some("readable"));
    assert_eq!(layout.over("fields", 17..24), Some("padding"));
}
