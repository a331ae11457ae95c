//! The section "The task in memory": the layout of tokio's task cell for `task::known`'s future
//! (from `-Zprint-type-sizes`, through cargo, as tokio is needed), and the state word read
//! through a task's own waker.

mod task_support;
use task_support::{bounded, current_thread, multi_thread};

use std::sync::OnceLock;

use ch12_tokio::task::{StateWord, bits, known, own_state, own_waker, spawn_known, state_of};
use listings::{Crate, Stage, StageListing};

/// This chapter, compiled through cargo with tokio (its stages cannot compile `src/lib.rs` alone).
pub fn chapter() -> &'static Crate {
    static CRATE: OnceLock<Crate> = OnceLock::new();
    CRATE.get_or_init(|| Crate::chapter_with_dependencies(env!("CARGO_PKG_NAME")).unwrap_or_else(|e| panic!("{e}")))
}

const KNOWN: &str = "{async fn body of task::known()}";
const CURRENT: &str = "std::sync::Arc<tokio::runtime::scheduler::current_thread::Handle>";

fn type_sizes(subject: &str) -> StageListing {
    listings::stage_of(chapter(), Stage::TypeSizes, subject).unwrap_or_else(|e| panic!("{e}"))
}

/// `(name, offset, size)` of each field of a struct's listing.
fn fields(listing: &StageListing) -> Vec<(String, u64, u64)> {
    let layout = listing.layout.as_ref().expect("a type-sizes listing");
    layout.variants[0].fields.iter().map(|f| (f.name.clone(), f.offset, f.size)).collect()
}

#[test]
fn task_the_cell_of_known_is_a_header_a_core_and_a_trailer_in_256_bytes_aligned_to_128() {
    let cell = type_sizes(&format!("tokio::runtime::task::core::Cell<{KNOWN}, {CURRENT}>"));
    let layout = cell.layout.clone().unwrap();
    assert_eq!((layout.size, layout.align), (256, 128));
    assert_eq!(
        fields(&cell),
        [("header".into(), 0, 32), ("core".into(), 32, 88), ("trailer".into(), 120, 48)]
            .map(|(n, o, s): (String, u64, u64)| (n, o, s))
    );
    listings::assert_stage_snapshot!("task_cell_of_known", cell);
    // The multi-thread scheduler's cell for the same future: the same 256 bytes.
    let multi = "std::sync::Arc<tokio::runtime::scheduler::multi_thread::handle::Handle>";
    let cell = type_sizes(&format!("tokio::runtime::task::core::Cell<{KNOWN}, {multi}>"));
    assert_eq!(cell.layout.clone().unwrap().size, 256);
}

#[test]
fn task_a_boxed_future_makes_a_128_byte_cell_holding_a_pointer() {
    // `Handle::spawn` boxes a future larger than tokio's threshold first (runtime/handle.rs
    // 197–207, runtime/mod.rs 635–656). tokio's comment (runtime/mod.rs 641–651) says only the
    // taken branch is instantiated; rustc lays the boxed cell out all the same, and why the
    // print-out lists it is not established.
    let boxed =
        type_sizes(&format!("tokio::runtime::task::core::Cell<std::pin::Pin<std::boxed::Box<{KNOWN}>>, {CURRENT}>"));
    let layout = boxed.layout.clone().unwrap();
    assert_eq!((layout.size, layout.align), (128, 128));
    listings::assert_stage_snapshot!("task_cell_of_boxed_known", boxed);
    // Its stage's `Running` holds one 8-byte pointer, the box, where `known`'s held 64 bytes.
    let stage = type_sizes(&format!("tokio::runtime::task::core::Stage<std::pin::Pin<std::boxed::Box<{KNOWN}>>>"));
    let layout = stage.layout.clone().unwrap();
    let running = layout.variants.iter().find(|v| v.name.as_deref() == Some("Running")).unwrap();
    assert_eq!(running.fields.iter().map(|f| f.size).collect::<Vec<_>>(), [8]);
}

#[test]
fn task_the_header_holds_the_state_word_first_then_the_queue_link_the_vtable_and_the_owner() {
    let header = type_sizes("tokio::runtime::task::core::Header");
    let names: Vec<(String, u64, u64)> = fields(&header);
    assert_eq!(
        names,
        [("state", 0, 8), ("queue_next", 8, 8), ("vtable", 16, 8), ("owner_id", 24, 8), ("scheduled_at", 32, 0)]
            .map(|(n, o, s)| (n.to_owned(), o, s))
    );
    listings::assert_stage_snapshot!("task_header", header);
}

#[test]
fn task_the_core_holds_the_scheduler_the_id_and_the_stage_with_the_64_byte_future() {
    let core = type_sizes(&format!("tokio::runtime::task::core::Core<{KNOWN}, {CURRENT}>"));
    assert_eq!(
        fields(&core),
        [("scheduler", 0, 8), ("task_id", 8, 8), ("stage", 16, 72)].map(|(n, o, s)| (n.to_owned(), o, s))
    );
    listings::assert_stage_snapshot!("task_core_of_known", core);
    let stage = type_sizes(&format!("tokio::runtime::task::core::Stage<{KNOWN}>"));
    let layout = stage.layout.clone().unwrap();
    let variants: Vec<&str> = layout.variants.iter().map(|v| v.name.as_deref().unwrap_or("")).collect();
    assert_eq!(variants, ["Running", "Finished", "Consumed"]);
    // The future in `Running`, after the 4-byte tag and 4 bytes of padding.
    assert_eq!((layout.variants[0].fields[0].offset, layout.variants[0].fields[0].size), (8, 64));
    listings::assert_stage_snapshot!("task_stage_of_known", stage);
    // The 64 bytes: `seed` (8) and `words` (32) kept across the await, `yield_now`'s future (16),
    // then the one-byte tag at 56 and padding.
    let future = type_sizes(KNOWN);
    let layout = future.layout.clone().unwrap();
    assert_eq!(layout.size, 64);
    let suspended = layout.variants.iter().find(|v| v.name.as_deref() == Some("Suspend0")).unwrap();
    let sizes: Vec<(&str, u64)> = suspended.fields.iter().map(|f| (f.name.as_str(), f.size)).collect();
    assert_eq!(sizes, [("seed", 8), ("words", 32), ("__awaitee", 16)]);
    let info = future.recorded_info().unwrap();
    assert!(info.starts_with("tag at 56"), "{info}");
    listings::assert_stage_snapshot!("task_known_future", future);
}

#[test]
fn task_the_trailer_holds_the_owned_list_links_the_join_waker_and_the_hooks() {
    let trailer = type_sizes("tokio::runtime::task::core::Trailer");
    assert_eq!(
        fields(&trailer),
        [("owned", 0, 16), ("waker", 16, 16), ("hooks", 32, 16)].map(|(n, o, s)| (n.to_owned(), o, s))
    );
    listings::assert_stage_snapshot!("task_trailer", trailer);
}

// ---- the state word, read through the task's own waker ------------------------------------------

/// A `StateWord` from flags and a reference count, for the assertions.
fn word(refs: usize, flags: &[usize]) -> StateWord {
    StateWord(refs * bits::REF_ONE + flags.iter().sum::<usize>())
}

#[test]
fn task_a_running_task_has_three_references_and_running_and_join_interest_set() {
    let runtime = current_thread();
    let seen = bounded(&runtime, async {
        let handle = tokio::spawn(async {
            // SAFETY: inside a spawned task.
            unsafe { own_state() }.await
        });
        handle.await.unwrap()
    });
    // The list of owned tasks, the notification being run, the JoinHandle; the JoinHandle,
    // awaited first, stored its waker in the trailer (JOIN_WAKER).
    assert_eq!(seen, word(3, &[bits::RUNNING, bits::JOIN_INTEREST, bits::JOIN_WAKER]), "{seen}");
    assert_eq!(seen.to_string(), "0x00d9: refs 3, RUNNING | JOIN_INTEREST | JOIN_WAKER");
}

#[test]
fn task_a_clone_of_the_waker_adds_64_to_the_state_word_and_its_drop_takes_it_back() {
    let runtime = current_thread();
    let (before, with_clone, after) = bounded(&runtime, async {
        tokio::spawn(async {
            // SAFETY: inside a spawned task.
            let before = unsafe { own_state() }.await;
            let waker = own_waker().await;
            let with_clone = unsafe { own_state() }.await;
            drop(waker);
            (before, with_clone, unsafe { own_state() }.await)
        })
        .await
        .unwrap()
    });
    assert_eq!(with_clone.0 - before.0, bits::REF_ONE);
    assert_eq!(after, before);
}

#[test]
fn task_a_waker_kept_after_the_end_keeps_the_cell_alive_complete_with_one_reference() {
    let runtime = current_thread();
    let waker = bounded(&runtime, async {
        let handle = tokio::spawn(async { own_waker().await });
        let waker = handle.await.unwrap();
        // The task completed, its JoinHandle is gone, the runtime released it: ours is the last
        // reference, and the cell is still there to read.
        waker
    });
    // SAFETY: the waker holds a reference, so the cell is alive.
    let seen = unsafe { state_of(&waker) };
    assert_eq!(seen, word(1, &[bits::COMPLETE]), "{seen}");
    drop(waker); // the last reference: the cell is freed here
}

#[test]
fn task_known_spawned_on_either_runtime_answers_its_sum() {
    let runtime = current_thread();
    assert_eq!(bounded(&runtime, spawn_known(runtime.handle(), 1)).unwrap(), 1 + 2 + 3 + 4);
    let multi = multi_thread();
    assert_eq!(bounded(&multi, spawn_known(multi.handle(), 1)).unwrap(), 10);
    assert_eq!(bounded(&runtime, known(0)), 6);
}
