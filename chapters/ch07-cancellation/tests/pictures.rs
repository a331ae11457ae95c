//! The pictures of this chapter, drawn from the listings its page shows (`{{#type-sizes …}}` and
//! `{{#picture …}}` show them).

use pictures::states::Exit;
use pictures::{assert_layout_picture, assert_states_picture};

#[test]
fn the_future_held_across_three_awaits_is_drawn_with_second_only_in_suspend1() {
    let layout = assert_layout_picture!("held_across_awaits");
    assert_eq!(layout.over("Suspend1", 64..80), Some("second"));
    for state in ["Suspend0", "Suspend2"] {
        assert_eq!(layout.over(state, 64..80), None, "{state}");
    }
    assert_eq!(layout.over("Returned", 48..49), Some("tag"));
}

#[test]
fn the_two_rc_coroutines_whose_mir_the_page_shows_have_their_states_drawn() {
    for function in ["rc_held_across_await", "rc_dropped_in_a_block_before_await"] {
        let states = assert_states_picture!(function, function);
        assert!(states.state("Suspend0").is_some_and(|s| s.line.is_some()), "{function}: {states:?}");
        let unwinds =
            states.named_transitions().into_iter().filter(|(_, to, exit)| *to == "Panicked" && *exit == Exit::Unwind);
        assert_eq!(unwinds.count(), 2, "{function}: a panic from Unresumed or Suspend0 poisons the future");
        assert!(
            states.named_transitions().contains(&("Unresumed", "Returned", Exit::Ready)),
            "{function}: a first poll whose awaitee is ready at once runs past the await to the end"
        );
    }
}

#[test]
fn the_future_suspended_at_a_child_is_drawn_with_the_childs_future_over_48_to_72() {
    let layout = assert_layout_picture!("awaits_a_child");
    assert_eq!(layout.over("Suspend0", 48..72), Some("__awaitee"));
    assert_eq!(layout.over("Unresumed", 48..72), None);
}

#[test]
fn the_future_whose_rc_is_replaced_after_the_await_is_drawn_with_no_rc() {
    let layout = assert_layout_picture!("rc_replaced_after_await");
    assert_eq!(layout.over("Suspend0", 1..2), Some("__awaitee"));
    assert_eq!(layout.over("Suspend0", 0..1), Some("tag"));
}
