//! The chapter's quiz against the figures the page shows (`figures.toml`; `tests/claims.rs`
//! counts them again under callgrind) and the listings it reads.

use std::path::PathBuf;

use course::facts::asm;
use figures::{FILE_NAME, Figures};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

#[test]
fn every_quiz_answer_is_the_compilers() {
    let figures = Figures::read(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FILE_NAME)).unwrap();
    let value = |name: &str| figures.value(name).unwrap_or_else(|message| panic!("{message}")).as_f64();

    let ratio = value("poll_ratio");
    let poll_ratio = [("about 0.8: fewer", 0.8), ("1.00: the same", 1.0), ("about 1.2", 1.2), ("about 2", 2.0)]
        .into_iter()
        .min_by(|a, b| (a.1 - ratio).abs().total_cmp(&(b.1 - ratio).abs()))
        .map(|(choice, _)| choice)
        .unwrap();

    // Flag's wake by reference: chapter 3's call site, then the vtable function's listing.
    let call_site = asm("ch03-wakers", "wake_by_ref_of").instructions().count();
    let flag = asm(CHAPTER, "flag_wake_by_ref").instructions().count();
    let flag_wake_by_ref = value("waker_arc_wake_wake_by_ref");
    assert_eq!(
        flag_wake_by_ref,
        (call_site + flag) as f64,
        "the count is the two listings, instruction for instruction"
    );

    let default_extra = value("waker_arc_wake_only_wake_by_ref") - flag_wake_by_ref;
    let clone_extra = value("waker_arc_wake_clone") - value("waker_noop_clone");

    let held = value("size_buffer_held_across_await") - value("size_buffer_held_across_await_by_hand");
    let yield_once_has_a_niche = size_of::<Option<ch09_cost::YieldOnce>>() == size_of::<ch09_cost::YieldOnce>();
    let buffer_held = match (held as u64, yield_once_has_a_niche) {
        (1, true) => {
            "the enum keeps its tag in values the awaited `YieldOnce`'s `bool` never takes; a coroutine's tag is always a byte of its own"
        }
        (1, false) => "rustc rounds the future up to an even size",
        _ => "rustc keeps the buffer twice, once for each state",
    };

    let one_task = value("task_futures_block_on") / value("task_block_on");
    let per_yield = value("task_futures_block_on_per_yield") / value("task_block_on_per_yield");
    let same_wake = value("task_futures_block_on_wake") == value("task_block_on_wake");
    let block_on_quarter = if one_task < 0.25 && (0.9..=1.1).contains(&per_yield) && same_wake {
        "it keeps its waker in a thread-local made once per thread, where chapter 4's allocates an `Arc<ThreadWaker>` and takes the thread's handle on every call"
    } else if !same_wake {
        "its waker does not unpark the thread"
    } else {
        "it polls the task fewer times"
    };

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("poll-ratio", poll_ratio.into()),
            ("flag-wake-by-ref", (flag_wake_by_ref as u64).into()),
            ("default-wake-by-ref-extra", (default_extra as u64).into()),
            ("arc-clone-extra", (clone_extra as u64).into()),
            ("buffer-held-by-a-byte", buffer_held.into()),
            ("block-on-quarter", block_on_quarter.into()),
        ],
    );
}
