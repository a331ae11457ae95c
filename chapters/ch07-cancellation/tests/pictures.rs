//! The pictures of this chapter, drawn from the listings its page shows (`{{#type-sizes …}}` and
//! `{{#picture …}}` show them).

use pictures::assert_picture_snapshot;
use pictures::layout::Layout;
use pictures::states::{Exit, States};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn layout_picture(future: &str) -> Layout {
    let (layout, listing) = Layout::of_subject(CHAPTER, future).unwrap_or_else(|e| panic!("{e}"));
    assert_picture_snapshot!(&format!("layout_{future}"), layout.picture(CHAPTER, future, &listing));
    layout
}

#[test]
fn the_future_held_across_three_awaits_is_drawn_with_second_only_in_suspend1() {
    let layout = layout_picture("held_across_awaits");
    assert_eq!(layout.over("Suspend1", 64..80), Some("second"));
    for state in ["Suspend0", "Suspend2"] {
        assert_eq!(layout.over(state, 64..80), None, "{state}");
    }
    assert_eq!(layout.over("Returned", 48..49), Some("tag"));
}

#[test]
fn the_two_rc_coroutines_whose_mir_the_page_shows_have_their_states_drawn() {
    for function in ["rc_held_across_await", "rc_dropped_in_a_block_before_await"] {
        let (states, mir) = States::of_async_fn(CHAPTER, function).unwrap_or_else(|e| panic!("{e}"));
        assert_picture_snapshot!(&format!("states_{function}"), states.picture(CHAPTER, function, &mir));
        assert!(states.state("Suspend0").is_some_and(|s| s.line.is_some()), "{function}: {states:?}");
        let unwinds =
            states.named_transitions().into_iter().filter(|(_, to, exit)| *to == "Panicked" && *exit == Exit::Unwind);
        assert_eq!(unwinds.count(), 2, "{function}: a panic from Unresumed or Suspend0 poisons the future");
    }
}
