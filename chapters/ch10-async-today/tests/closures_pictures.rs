//! The pictures of the section "Async closures", drawn from the type-sizes listings its page
//! shows (`{{#type-sizes ch10-async-today closures_…}}` shows each above its print-out).

use listings::{Stage, StageListing};
use pictures::assert_picture_snapshot;
use pictures::layout::Layout;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

const LIBRARY: &str = include_str!("../src/lib.rs");

/// The type the stage names after the place of `marker`'s line in the library (as in
/// `tests/closures.rs`, which snapshots the listings these are drawn from).
fn type_at(kind: &str, marker: &str) -> String {
    // The line on which the marker ends (it may span lines), as in `tests/closures.rs`.
    let found: Vec<usize> = LIBRARY.match_indices(marker).map(|(at, _)| at).collect();
    assert_eq!(found.len(), 1, "`{marker}` must occur exactly once in src/lib.rs");
    let line = LIBRARY[..found[0] + marker.len()].lines().count();
    let start = format!("{kind}@chapters/{CHAPTER}/src/lib.rs:{line}:");
    let subjects = listings::stage_subjects(CHAPTER, Stage::TypeSizes).unwrap_or_else(|error| panic!("{error}"));
    let name = subjects.iter().find_map(|name| {
        let at = name.find(&start)?;
        Some(name[at..at + name[at..].find('}')? + 1].to_owned())
    });
    name.unwrap_or_else(|| panic!("no type `{start}…`"))
}

/// Draws the layout of `subject`, checks it against `layout_<listing_name>`, and returns it.
fn layout_picture(subject: &str, listing_name: &str) -> Layout {
    let listing: StageListing =
        listings::stage(CHAPTER, Stage::TypeSizes, subject).unwrap_or_else(|error| panic!("{error}"));
    let layout = Layout::of(&listing).unwrap_or_else(|error| panic!("{error}"));
    assert_picture_snapshot!(&format!("layout_{listing_name}"), layout.picture(CHAPTER, listing_name, &listing));
    layout
}

#[test]
fn the_lent_future_is_drawn_with_the_borrow_of_the_log_first_then_the_entry() {
    let layout = layout_picture(&type_at("{async closure body", "async move |entry|"), "closures_logger_future");
    for state in ["Unresumed", "Suspend0", "Returned", "Panicked"] {
        assert_eq!(layout.over(state, 0..8), Some("_ref__log"), "{state}");
        assert_eq!(layout.over(state, 8..12), Some("entry"), "{state}");
    }
    assert_eq!(layout.over("Suspend0", 12..13), Some("__awaitee"));
}

#[test]
fn the_async_blocks_future_is_drawn_with_the_rc_it_owns_where_the_other_has_its_borrow() {
    let layout = layout_picture(
        &type_at("{async block", "std::rc::Rc::clone(&log);\n        async move {"),
        "closures_shared_future",
    );
    assert_eq!(layout.over("Unresumed", 0..8), Some("log"));
    assert_eq!(layout.over("Suspend0", 12..13), Some("__awaitee"));
}

#[test]
fn call_twices_future_is_drawn_with_the_closure_and_the_future_that_borrows_from_it() {
    let closure = type_at("{async closure", "async move |entry|");
    let layout = layout_picture(&format!("{{async fn body of call_twice<{closure}>()}}"), "closures_call_twice");
    assert_eq!(layout.over("Unresumed", 0..24), Some("f"));
    for state in ["Suspend0", "Suspend1"] {
        assert_eq!(layout.over(state, 24..48), Some("f"), "{state}: the closure, moved into the body");
        assert_eq!(layout.over(state, 56..72), Some("__awaitee"), "{state}: the call's future");
    }
}
