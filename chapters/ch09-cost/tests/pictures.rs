//! The picture of the one layout this chapter's page prints, drawn from its type-sizes listing:
//! `{{#type-sizes ch09-cost TwoSuspensionPointsByHand}}` shows it.

use pictures::assert_layout_picture;

#[test]
fn the_enum_by_hand_is_drawn_with_its_tag_at_byte_0_and_the_awaitees_beside_it() {
    let layout = assert_layout_picture!("TwoSuspensionPointsByHand");
    assert_eq!(layout.size, 24);
    assert!(layout.rows.iter().all(|row| layout.over(&row.name, 0..1) == Some("tag")), "{:?}", layout.rows);
    assert_eq!(layout.over("AtFirstAwait", 1..2), Some("awaitee"));
    assert_eq!(layout.over("AtSecondAwait", 1..2), Some("awaitee"));
}
