//! The pictures of the sections "The task in memory" and "`JoinHandle::abort`", drawn from the
//! type-sizes listings the page shows (`{{#type-sizes ch12-tokio task_…}}` shows each above its
//! print-out). The listings come through cargo, as tokio is needed (`tests/task.rs`).

use listings::{Crate, Stage, StageListing};
use pictures::assert_picture_snapshot;
use pictures::layout::Layout;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn layout_picture(subject: &str, listing_name: &str) -> Layout {
    let krate = Crate::chapter_with_dependencies(CHAPTER).unwrap_or_else(|e| panic!("{e}"));
    let listing: StageListing =
        listings::stage_of(&krate, Stage::TypeSizes, subject).unwrap_or_else(|error| panic!("{error}"));
    let layout = Layout::of(&listing).unwrap_or_else(|error| panic!("{error}"));
    assert_picture_snapshot!(&format!("layout_{listing_name}"), layout.picture(CHAPTER, listing_name, &listing));
    layout
}

#[test]
fn task_the_cell_is_drawn_header_core_trailer_then_88_bytes_of_padding_to_the_128_byte_alignment() {
    let layout = layout_picture(
        "tokio::runtime::task::core::Cell<{async fn body of task::known()}, std::sync::Arc<tokio::runtime::scheduler::current_thread::Handle>>",
        "task_cell_of_known",
    );
    let row = layout.rows[0].name.clone();
    assert_eq!(layout.over(&row, 0..32), Some("header"));
    assert_eq!(layout.over(&row, 32..120), Some("core"));
    assert_eq!(layout.over(&row, 120..168), Some("trailer"));
    assert_eq!(layout.over(&row, 168..256), Some("padding"));
}

#[test]
fn task_the_stage_is_drawn_with_the_future_in_running_and_the_output_in_finished() {
    let layout =
        layout_picture("tokio::runtime::task::core::Stage<{async fn body of task::known()}>", "task_stage_of_known");
    assert_eq!(layout.over("Running", 0..4), Some("tag"));
    assert_eq!(layout.over("Running", 8..72), Some("0"));
    assert_eq!(layout.over("Finished", 8..32), Some("0"));
}

#[test]
fn abort_the_staged_future_is_drawn_with_a_row_per_state() {
    let layout = layout_picture("{async fn body of task::staged()}", "abort_staged_future");
    let rows: Vec<&str> = layout.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(rows, ["Unresumed", "Suspend0", "Suspend1", "Returned", "Panicked"]);
}

#[test]
fn task_the_header_is_drawn_state_word_first() {
    let layout = layout_picture("tokio::runtime::task::core::Header", "task_header");
    let row = layout.rows[0].name.clone();
    assert_eq!(layout.over(&row, 0..8), Some("state"));
    assert_eq!(layout.over(&row, 16..24), Some("vtable"));
}

#[test]
fn task_the_boxed_futures_cell_is_drawn_in_128_bytes() {
    let layout = layout_picture(
        "tokio::runtime::task::core::Cell<std::pin::Pin<std::boxed::Box<{async fn body of task::known()}>>, std::sync::Arc<tokio::runtime::scheduler::current_thread::Handle>>",
        "task_cell_of_boxed_known",
    );
    assert_eq!(layout.size, 128);
}

#[test]
fn waker_the_task_vtable_is_drawn_poll_schedule_dealloc_first() {
    let layout = layout_picture("tokio::runtime::task::raw::Vtable", "waker_task_vtable");
    let row = layout.rows[0].name.clone();
    assert_eq!(layout.over(&row, 8..16), Some("schedule"));
    assert_eq!(layout.over(&row, 16..24), Some("dealloc"));
}

#[test]
fn task_the_known_future_is_drawn_with_its_words_and_the_awaited_future_in_suspend0() {
    let layout = layout_picture("{async fn body of task::known()}", "task_known_future");
    assert_eq!(layout.over("Suspend0", 8..40), Some("words"));
    assert_eq!(layout.over("Suspend0", 40..56), Some("__awaitee"));
    assert_eq!(layout.size, 64);
}
