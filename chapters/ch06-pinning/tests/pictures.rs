//! The pictures of this chapter, drawn from the listings its page shows (`{{#type-sizes …}}` and
//! `{{#picture …}}` show them).

use pictures::states::Exit;
use pictures::{assert_layout_picture, assert_states_picture};

#[test]
fn the_future_that_points_into_itself_is_drawn_with_the_view_beside_the_buffer_it_points_into() {
    let layout = assert_layout_picture!("points_into_itself");
    assert_eq!(layout.over("Suspend0", 0..16), Some("buffer"));
    assert_eq!(layout.over("Suspend0", 16..24), Some("view"));
    assert_eq!(layout.over("Unresumed", 33..34), Some("tag"), "the tag after the fields, at 33");
}

#[test]
fn the_coroutine_whose_mir_the_page_shows_has_its_states_drawn() {
    let states = assert_states_picture!("points_into_itself", "points_into_itself_state_machine");
    let suspend0 = states.state("Suspend0").expect("one suspension point");
    assert!(suspend0.source.as_deref().is_some_and(|line| line.contains(".await")), "{suspend0:?}");
    assert!(states.named_transitions().contains(&("Suspend0", "Returned", Exit::Ready)));
}

#[test]
fn the_states_picture_has_a_first_poll_that_runs_past_the_await_to_returned() {
    // Drawn from the MIR: the path a first poll takes when the awaitee is ready at once.
    let (states, _) = pictures::states::States::of_async_fn(env!("CARGO_PKG_NAME"), "points_into_itself")
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(states.named_transitions().contains(&("Unresumed", "Returned", Exit::Ready)), "{states:?}");
    assert!(states.named_transitions().contains(&("Unresumed", "Suspend0", Exit::Pending)), "{states:?}");
}
