//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use ch04_executors::Executor;
use course::facts::{asm, block, displacement};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// Wakes its task twice on its first poll, then waits for nothing.
struct WakesTwiceThenWaits(Arc<AtomicUsize>);

impl Future for WakesTwiceThenWaits {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    let loop_length = block(&asm(CHAPTER, "simple_block_on_dyn"), ".LBB0_1").len();
    let flag = asm(CHAPTER, "block_on_dyn")
        .instructions()
        .find(|(m, o)| *m == "xchg" && o.starts_with("byte ptr [rbx"))
        .and_then(|(_, o)| displacement(o))
        .expect("block_on_dyn swaps its flag");
    let unpark = asm(CHAPTER, "unparker_wake_by_ref");
    let before_ret: Vec<(&str, &str)> = unpark.instructions().take_while(|(m, _)| *m != "ret").collect();
    let awake_cost = if before_ret.iter().any(|(m, _)| m.starts_with("lock ")) {
        "a `lock cmpxchg` loop"
    } else if before_ret.iter().any(|(_, o)| o.contains("futex")) {
        "a `futex` system call"
    } else if before_ret.iter().filter(|(m, _)| *m == "xchg").count() == 1 {
        "one `xchg` and a `ret`"
    } else {
        "none of these"
    };
    let polls = Arc::new(AtomicUsize::new(0));
    let executor = Executor::new();
    executor.spawn(WakesTwiceThenWaits(Arc::clone(&polls)));
    executor.run();
    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("simple-loop-length", loop_length.into()),
            ("flag-offset", flag.into()),
            ("unpark-awake-thread", awake_cost.into()),
            ("woken-twice-polls", polls.load(Ordering::SeqCst).into()),
        ],
    );
}
