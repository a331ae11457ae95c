//! The pictures of this chapter, drawn from the listings its page shows: the layout of every
//! future whose type sizes the page prints, and the states of every coroutine whose MIR it
//! prints. `{{#type-sizes …}}` and `{{#picture …}}` show them.

use pictures::layout::{Layout, What};
use pictures::states::Exit;
use pictures::{assert_layout_picture, assert_states_picture};

/// What each row has over `bytes`, by row: `("Suspend0", "__awaitee")`, `("Unresumed", "tag")`.
fn over(layout: &Layout, bytes: std::ops::Range<u64>) -> Vec<(String, String)> {
    layout
        .rows
        .iter()
        .filter_map(|row| Some((row.name.clone(), layout.over(&row.name, bytes.clone())?.to_owned())))
        .collect()
}

#[test]
fn hello_worlds_future_is_drawn_as_a_tag_in_every_state_and_the_awaitee_in_suspend0_only() {
    let layout = assert_layout_picture!("hello_world");
    assert_eq!(layout.columns, [0..1, 1..2]);
    let tags = over(&layout, 0..1);
    assert_eq!(tags.len(), 4, "{tags:?}");
    assert!(tags.iter().all(|(_, what)| what == "tag"));
    assert_eq!(over(&layout, 1..2), [("Suspend0".to_owned(), "__awaitee".to_owned())]);
}

#[test]
fn two_suspension_points_has_its_tag_at_byte_16_between_hatched_padding_and_shares_the_awaitees_bytes() {
    let layout = assert_layout_picture!("two_suspension_points");
    assert!(over(&layout, 16..17).iter().all(|(_, what)| what == "tag"));
    assert!(over(&layout, 17..24).iter().all(|(_, what)| what == "padding"));
    let shared: Vec<_> = layout.shared().into_iter().map(|(bytes, users)| (bytes, users.len())).collect();
    assert!(shared.contains(&(24..25, 2)), "both suspension points keep an awaitee at byte 24: {shared:?}");
}

/// The three parts of the layout rule, as the page reads them in this one picture: the body's
/// `before` promoted to the prefix (the same bytes in both suspended rows, empty in the others),
/// `between` in `Suspend1`'s variant alone, and the two awaitees overlapping on byte 24.
#[test]
fn the_layout_of_two_suspension_points_has_a_local_in_the_prefix_one_in_one_variant_and_two_that_overlap() {
    let layout = assert_layout_picture!("two_suspension_points");
    let rows = |names: &[&str], what: &str| -> Vec<(String, String)> {
        names.iter().map(|name| ((*name).to_owned(), what.to_owned())).collect()
    };
    let every_state = ["Unresumed", "Suspend0", "Suspend1", "Returned", "Panicked"];
    assert_eq!(over(&layout, 0..8), rows(&every_state, "before"), "the upvar, in every state");
    assert_eq!(over(&layout, 8..16), rows(&["Suspend0", "Suspend1"], "before"), "the promoted local");
    assert_eq!(over(&layout, 32..40), rows(&["Suspend1"], "between"), "a local of one variant");
    assert_eq!(over(&layout, 24..25), rows(&["Suspend0", "Suspend1"], "__awaitee"), "two locals, one byte");
    assert_eq!(layout.size, 40);
}

#[test]
fn the_buffer_futures_are_drawn_with_the_kilobyte_only_where_it_is_held() {
    assert_eq!(
        over(&assert_layout_picture!("buffer_held_across_await"), 1..1025),
        [("Suspend0".into(), "buffer".into())]
    );
    assert_eq!(
        over(&assert_layout_picture!("buffer_borrowed_then_dropped_before_await"), 1..1025),
        [("Suspend0".into(), "buffer".into())]
    );
    for small in ["buffer_in_block_before_await", "buffer_read_without_borrow_before_await"] {
        let layout = assert_layout_picture!(small);
        assert_eq!(layout.size, 3, "{small}");
        assert_eq!(over(&layout, 1..2), [("Suspend0".into(), "checksum".into())], "{small}");
    }
}

#[test]
fn two_big_awaits_share_the_same_kilobyte_of_bytes() {
    let layout = assert_layout_picture!("two_big_awaits_in_sequence");
    assert_eq!(
        over(&layout, 2..1028),
        [("Suspend0".into(), "__awaitee".into()), ("Suspend1".into(), "__awaitee".into())]
    );
}

#[test]
fn the_argument_is_drawn_twice_once_captured_and_once_as_a_saved_local() {
    let layout = assert_layout_picture!("argument_counted_twice");
    let suspend0: Vec<(std::ops::Range<u64>, String)> = layout
        .row("Suspend0")
        .unwrap()
        .boxes
        .iter()
        .filter_map(|b| match &b.what {
            What::Field { kind, name } => Some((b.bytes.clone(), format!("{kind} {name}"))),
            _ => None,
        })
        .collect();
    assert_eq!(
        suspend0,
        [(1..1025, "upvar bytes".into()), (1025..2049, "local bytes".into()), (2049..2050, "local __awaitee".into())]
    );
}

#[test]
fn hello_world_is_drawn_with_one_suspension_point_at_its_await_and_a_panic_edge_from_each_live_state() {
    let states = assert_states_picture!("hello_world", "hello_world_state_machine");
    let suspend0 = states.state("Suspend0").unwrap();
    assert_eq!(suspend0.value, 3);
    assert!(suspend0.source.as_deref().unwrap().contains(".await"), "{suspend0:?}");
    let transitions = states.named_transitions();
    for expected in [
        ("Unresumed", "Suspend0", Exit::Pending),
        ("Suspend0", "Suspend0", Exit::Pending),
        ("Suspend0", "Returned", Exit::Ready),
        ("Unresumed", "Panicked", Exit::Unwind),
        ("Suspend0", "Panicked", Exit::Unwind),
    ] {
        assert!(transitions.contains(&expected), "{expected:?} missing from {transitions:?}");
    }
    assert_eq!(states.state("Returned").unwrap().panics.as_deref(), Some("`async fn` resumed after completion"));
    assert_eq!(states.state("Panicked").unwrap().panics.as_deref(), Some("`async fn` resumed after panicking"));
}

#[test]
fn two_suspension_points_are_drawn_in_order_each_at_its_own_await() {
    let states = assert_states_picture!("two_suspension_points", "two_suspension_points_state_machine");
    let names: Vec<&str> = states.states.iter().map(|s| s.variant.as_str()).collect();
    assert_eq!(names, ["Unresumed", "Suspend0", "Suspend1", "Returned", "Panicked"]);
    let (first, second) = (states.state("Suspend0").unwrap(), states.state("Suspend1").unwrap());
    assert!(first.line < second.line, "{first:?} {second:?}");
    assert!(states.named_transitions().contains(&("Suspend0", "Suspend1", Exit::Pending)));
    assert!(!states.named_transitions().iter().any(|(from, _, _)| *from == "Returned"), "Returned only panics");
}

/// The arrows that skip a state: from `Unresumed` a single poll can leave the future in
/// `Suspend1` or `Returned`, running past an await whose future was ready at once.
#[test]
fn one_poll_from_unresumed_can_run_past_ready_awaits_straight_to_suspend1_or_returned() {
    let states = assert_states_picture!("two_suspension_points", "two_suspension_points_state_machine");
    let transitions = states.named_transitions();
    assert!(transitions.contains(&("Unresumed", "Suspend1", Exit::Pending)), "{transitions:?}");
    assert!(transitions.contains(&("Unresumed", "Returned", Exit::Ready)), "{transitions:?}");
    assert!(transitions.contains(&("Suspend0", "Returned", Exit::Ready)), "{transitions:?}");
}

#[test]
fn the_buffer_coroutines_whose_mir_the_page_shows_have_their_states_drawn() {
    for function in ["buffer_borrowed_then_dropped_before_await", "buffer_read_without_borrow_before_await"] {
        let states = assert_states_picture!(function, function);
        assert_eq!(states.states.len(), 4, "{function}: one suspension point");
        assert!(states.named_transitions().contains(&("Suspend0", "Returned", Exit::Ready)), "{function}");
    }
}

#[test]
fn first_assigned_after_the_await_shares_byte_1_with_the_first_awaitee() {
    let layout = assert_layout_picture!("first_assigned_after_the_await");
    assert_eq!(over(&layout, 1..2), [("Suspend0".into(), "__awaitee".into()), ("Suspend1".into(), "first".into())]);
}

/// With one await, the saved locals sit in the prefix before the tag: `Suspend0`'s row has them
/// at 0..10, and every row has the tag at byte 10.
#[test]
fn a_byte_and_a_word_across_one_await_are_drawn_before_the_tag() {
    let layout = assert_layout_picture!("a_byte_and_a_word_across_one_await");
    assert_eq!(over(&layout, 0..8), [("Suspend0".into(), "big".into())]);
    assert_eq!(over(&layout, 8..9), [("Suspend0".into(), "small".into())]);
    assert_eq!(over(&layout, 9..10), [("Suspend0".into(), "__awaitee".into())]);
    let tags = over(&layout, 10..11);
    assert_eq!(tags.len(), 4, "{tags:?}");
    assert!(tags.iter().all(|(_, what)| what == "tag"), "{tags:?}");
    assert_eq!(layout.size, 16);
}
