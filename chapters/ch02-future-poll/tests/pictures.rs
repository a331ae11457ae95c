//! The picture of this chapter, drawn from the listing its page shows: the layout of
//! `Poll<u64>`, which `{{#type-sizes ch02-future-poll poll_of_u64}}` shows with its print-out.

use pictures::assert_picture_snapshot;
use pictures::layout::Layout;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

#[test]
fn poll_of_u64_is_drawn_as_a_word_of_tag_in_both_variants_then_the_word_in_ready() {
    let (layout, listing) =
        Layout::of_subject(CHAPTER, "std::task::Poll<u64>").unwrap_or_else(|error| panic!("{error}"));
    assert_picture_snapshot!("layout_poll_of_u64", layout.picture(CHAPTER, "poll_of_u64", &listing));
    for variant in ["Ready", "Pending"] {
        assert_eq!(layout.over(variant, 0..8), Some("tag"), "{variant}: eight bytes of tag, no padding");
    }
    assert_eq!(layout.over("Ready", 8..16), Some("0"), "the word");
    assert_eq!(layout.over("Pending", 8..16), None, "nothing after Pending's tag");
}
