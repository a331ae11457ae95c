//! What the page's section "The same four slots in five runtimes" says about cost, held against
//! the figures it shows (`figures.toml`, written by `ci/bench-cost` with callgrind through
//! `examples/runtimes_measure.rs`): the figures were measured on the sources as they are, their
//! order is the page's, and callgrind's count of a waker function with no branch taken is its
//! listing's instruction count. Nothing here is timed, and nothing runs valgrind: the counting
//! is `ci/bench-cost`'s.

use std::path::PathBuf;
use std::sync::OnceLock;

use figures::{FILE_NAME, Figures};
use listings::AsmOptions;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The figures the page shows.
fn shown() -> &'static Figures {
    static SHOWN: OnceLock<Figures> = OnceLock::new();
    SHOWN.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FILE_NAME);
        Figures::read(&path).unwrap_or_else(|error| panic!("{error}: run ci/bench-cost"))
    })
}

/// `runtimes_<runtime>_<what>` from the figures.
fn figure(runtime: &str, what: &str) -> f64 {
    let name = format!("runtimes_{runtime}_{what}");
    shown().value(&name).unwrap_or_else(|message| panic!("{message}")).as_f64()
}

#[test]
fn runtimes_cost_the_figures_the_page_shows_were_measured_on_the_sources_as_they_are() {
    let root = listings::Workspace::this_checkout().root;
    let stale = shown().stale(&root, &listings::pinned_release());
    assert!(stale.is_empty(), "chapters/ch12-tokio/{FILE_NAME} is stale: {stale:#?}\nrun ci/bench-cost");
}

/// The five runtimes, by their figures' names.
const RUNTIMES: [&str; 5] = ["book", "local_pool", "tokio", "async_task", "embassy"];

#[test]
fn runtimes_cost_a_spawn_costs_least_on_embassy_then_async_task_then_the_book_s_and_local_pool_and_most_on_tokio() {
    let spawn = |runtime: &str| figure(runtime, "spawn");
    let (book, local_pool) = (spawn("book"), spawn("local_pool"));
    let order = [spawn("embassy"), spawn("async_task"), book.min(local_pool), book.max(local_pool), spawn("tokio")];
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{order:?}");
    // The book's executor and LocalPool: within a twentieth of each other.
    assert!((book - local_pool).abs() < local_pool / 20.0, "book {book}, LocalPool {local_pool}");
    // tokio's spawn, with the `block_on` of its `JoinHandle`, against async-task's with a loop
    // over a queue: more than five times as many instructions.
    assert!(spawn("tokio") > 5.0 * spawn("async_task"), "{order:?}");
}

#[test]
fn runtimes_cost_a_yield_costs_under_200_instructions_on_embassy_and_async_task_200_to_300_on_the_book_s_and_over_300_on_tokio_and_local_pool()
 {
    for runtime in ["embassy", "async_task"] {
        assert!(figure(runtime, "yield") < 200.0, "{runtime}: {}", figure(runtime, "yield"));
    }
    let book = figure("book", "yield");
    assert!((200.0..300.0).contains(&book), "book: {book}");
    for runtime in ["tokio", "local_pool"] {
        assert!(figure(runtime, "yield") > 300.0, "{runtime}: {}", figure(runtime, "yield"));
    }
    // tokio's yield and LocalPool's are within a tenth of each other.
    let (tokio, local_pool) = (figure("tokio", "yield"), figure("local_pool", "yield"));
    assert!((tokio - local_pool).abs() < 0.1 * local_pool, "tokio {tokio}, LocalPool {local_pool}");
}

#[test]
fn runtimes_cost_the_book_s_wake_by_ref_a_channel_send_is_the_dearest_of_the_five_and_chapter_9_s_less_its_call_site() {
    let book = figure("book", "wake_by_ref");
    for runtime in &RUNTIMES[1..] {
        assert!(book > figure(runtime, "wake_by_ref"), "book {book}, {runtime} {}", figure(runtime, "wake_by_ref"));
    }
    assert!((book + 3.0 - chapter_9("task_run_queue_wake")).abs() < 1.0, "chapter 12 {book} + 3");
}

/// A figure of chapter 9's `figures.toml`.
fn chapter_9(name: &str) -> f64 {
    let root = listings::Workspace::this_checkout().root;
    let figures = Figures::read(&root.join("chapters/ch09-cost").join(FILE_NAME)).unwrap_or_else(|e| panic!("{e}"));
    figures.value(name).unwrap_or_else(|e| panic!("{e}")).as_f64()
}

#[test]
fn runtimes_cost_chapter_9_s_wakes_agree_less_their_call_site_and_its_yields_do_not() {
    // Chapter 9 counted each wake through `wake_by_ref_of`, whose three instructions at the call
    // site it counts with it (and rounded the figure); its yields are of another task, an
    // `async` block awaiting a leaf.
    for (here, there) in [("book", "task_run_queue"), ("local_pool", "task_local_pool")] {
        let wake = figure(here, "wake_by_ref");
        let chapter_9_wake = chapter_9(&format!("{there}_wake"));
        assert!((wake + 3.0 - chapter_9_wake).abs() < 1.0, "{here}: {wake} + 3 here, {chapter_9_wake} in chapter 9");
        // The pages' "10 to 15 instructions more" in chapter 9, of which its call site is three.
        let (yielded, chapter_9_yield) = (figure(here, "yield"), chapter_9(&format!("{there}_per_yield")));
        assert!(
            (10.0..=15.0).contains(&(chapter_9_yield - yielded)),
            "{here}: a yield {yielded} here, {chapter_9_yield} in chapter 9"
        );
    }
}

#[test]
fn runtimes_cost_on_every_runtime_most_of_a_yield_is_outside_the_wake_and_embassy_s_wake_has_the_largest_share() {
    // `wake_by_ref` is called while the task runs: tokio and async-task only mark the task (it
    // is queued after the poll, in "poll"); LocalPool and embassy queue it inside the wake.
    let share = |runtime: &str| figure(runtime, "wake_by_ref") / figure(runtime, "yield");
    for runtime in RUNTIMES {
        assert!(figure(runtime, "poll") > figure(runtime, "wake_by_ref"), "{runtime}");
    }
    for runtime in ["tokio", "async_task"] {
        assert!(share(runtime) < 1.0 / 8.0, "{runtime}: {}", share(runtime));
    }
    for runtime in ["book", "local_pool", "tokio", "async_task"] {
        assert!(share("embassy") > share(runtime), "embassy {} against {runtime} {}", share("embassy"), share(runtime));
    }
    // The page's "72 of 173".
    assert_eq!((figure("embassy", "wake_by_ref"), figure("embassy", "yield")), (72.0, 173.0));
}

/// A runtime's waker function in machine code, as `tests/runtimes.rs` lists it: from a
/// dependency's library, or this chapter's assembly (`None`).
fn listing_instructions(dependency: Option<&str>, function: &str) -> usize {
    let options = AsmOptions::default();
    let listing = match dependency {
        Some(package) => listings::package_asm(package, function, &options),
        None => listings::asm(CHAPTER, function, &options),
    };
    listing.unwrap_or_else(|error| panic!("{error}")).instructions().count()
}

/// One of the book's waker functions, std's `Wake` for chapter 4's `Task`, in chapter 4's
/// assembly (as `tests/runtimes.rs` lists it).
fn book_listing(function: &str) -> Vec<(String, String)> {
    let name = format!("alloc::task::raw_waker::{function}::<ch04_executors::Task>");
    let listing = listings::asm("ch04", &name, &AsmOptions::default()).unwrap_or_else(|error| panic!("{error}"));
    listing.instructions().map(|(mnemonic, operands)| (mnemonic.to_owned(), operands.to_owned())).collect()
}

#[test]
fn runtimes_cost_the_book_s_clone_and_drop_run_their_listings_but_the_overflow_and_last_count_paths() {
    // clone: six instructions; the `ud2` after `ret`, the count's overflow, is never run.
    let clone = book_listing("clone_waker");
    assert_eq!((clone.len(), clone[4].0.as_str(), clone[5].0.as_str()), (6, "ret", "ud2"), "{clone:?}");
    assert_eq!(figure("book", "clone"), 5.0);
    // drop: nine instructions; the two that call `Arc::drop_slow`, for the last count, are never
    // run. The figure is per drop: the book's executor drops two wakers per poll (the workload's
    // clone, and the waker its `Task::poll` makes for each poll), and the measure divides by two.
    let drop = book_listing("drop_waker");
    let to_drop_slow: Vec<&str> = drop[5..7].iter().map(|(mnemonic, _)| mnemonic.as_str()).collect();
    assert_eq!((drop.len(), to_drop_slow), (9, vec!["mov", "call"]), "{drop:?}");
    assert!(drop[6].1.contains("drop_slow"), "{drop:?}");
    assert_eq!(figure("book", "drop"), 7.0);
}

#[test]
fn runtimes_cost_embassy_s_clone_and_drop_run_their_whole_listings_three_instructions_and_one() {
    // No branch, no call: callgrind counts every instruction of the listing, once per call.
    let clone = listing_instructions(Some("embassy-executor"), "embassy_executor::raw::waker::clone");
    let drop = listing_instructions(Some("embassy-executor"), "embassy_executor::raw::waker::drop");
    assert_eq!((clone, drop), (3, 1));
    assert_eq!((figure("embassy", "clone"), figure("embassy", "drop")), (3.0, 1.0));
}

#[test]
fn runtimes_cost_a_counted_clone_is_its_listing_without_the_overflow_path() {
    // tokio's and async-task's clone: seven instructions up to and including `ret`; the two
    // after it (the reference count's overflow: `push`, `call abort`) are never run.
    let tokio = listing_instructions(Some("tokio"), "tokio::runtime::task::waker::clone_waker");
    let async_task = listing_instructions(None, "async_task::raw::RawTask<F,T,S,M>::clone_waker");
    assert_eq!((tokio, async_task), (9, 9));
    assert_eq!((figure("tokio", "clone"), figure("async_task", "clone")), (7.0, 7.0));
}
