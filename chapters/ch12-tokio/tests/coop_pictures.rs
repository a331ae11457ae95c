//! The pictures of the sections "The coop budget", "`select!` in a loop" and "A lock held across
//! an `.await`", drawn from the type-sizes listings their page shows (`{{#type-sizes ch12-tokio
//! select_…}}` and `lock_…` show each above its print-out). The listings come from the chapter
//! compiled through cargo with tokio, as in `tests/select.rs` and `tests/lock.rs`.

use listings::{Crate, Stage, StageListing};
use pictures::assert_picture_snapshot;
use pictures::layout::Layout;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// Draws the layout of `subject`, checks it against `layout_<listing_name>`, and returns it.
fn layout_picture(subject: &str, listing_name: &str) -> Layout {
    let krate = Crate::chapter_with_dependencies(CHAPTER).unwrap_or_else(|error| panic!("{error}"));
    let listing: StageListing =
        listings::stage_of(&krate, Stage::TypeSizes, subject).unwrap_or_else(|error| panic!("{error}"));
    let layout = Layout::of(&listing).unwrap_or_else(|error| panic!("{error}"));
    assert_picture_snapshot!(&format!("layout_{listing_name}"), layout.picture(CHAPTER, listing_name, &listing));
    layout
}

#[test]
fn select_the_deadline_loop_is_drawn_with_the_timer_twice_and_select_s_futures_after_it() {
    let layout =
        layout_picture("{async fn body of coop::until_deadline<tokio::time::Sleep>()}", "select_until_deadline");
    assert_eq!(layout.over("Suspend0", 0..112), Some("timer"));
    assert_eq!(layout.over("Suspend0", 152..264), Some("timer"));
    assert_eq!(layout.over("Suspend0", 272..304), Some("futures"));
}

#[test]
fn select_the_sleep_is_drawn_as_its_driver_timer_and_deadline() {
    let layout = layout_picture("tokio::time::Sleep", "select_sleep");
    assert_eq!(layout.over("fields", 16..96), Some("timer"));
}

#[test]
fn lock_the_std_guard_is_drawn_in_suspend0_and_the_scoped_future_without_it() {
    let layout = layout_picture("{async fn body of coop::add_one_std()}", "lock_add_one_std");
    assert_eq!(layout.over("Suspend0", 8..24), Some("guard"));
    let scoped = layout_picture("{async fn body of coop::add_one_std_scoped()}", "lock_add_one_std_scoped");
    assert_eq!(scoped.over("Suspend0", 8..24), Some("__awaitee"));
}

#[test]
fn lock_tokios_lock_future_its_acquire_and_add_one_tokio_are_drawn() {
    let lock = layout_picture("{async fn body of tokio::sync::Mutex<u32>::lock()}", "lock_tokio_lock");
    assert_eq!(lock.over("Suspend0", 8..112), Some("__awaitee"));
    let acquire = layout_picture("tokio::sync::batch_semaphore::Acquire<'_>", "lock_acquire");
    assert_eq!(acquire.over("fields", 8..48), Some("node"));
    let add_one = layout_picture("{async fn body of coop::add_one_tokio()}", "lock_add_one_tokio");
    assert_eq!(add_one.over("Suspend1", 8..16), Some("guard"));
}
