//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use ch04_executors::Executor;
use course::facts::{asm, displacement};

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

/// Runs the question's thread: two `unpark`s, then two `park`s. Returns how many of the parks
/// returned before anything else unparked it (then unparks it, so that it ends).
fn parks_returned_after_two_unparks() -> usize {
    let returned = std::sync::Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
    let seen = std::sync::Arc::clone(&returned);
    let parked = thread::spawn(move || {
        thread::current().unpark();
        thread::current().unpark();
        for flag in seen.iter() {
            thread::park();
            flag.store(true, Ordering::SeqCst);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while !returned[0].load(Ordering::SeqCst) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    // Time for the second park to return, if a token were left for it (std's park on Linux
    // loops on spurious futex wake-ups, so it returns only for an unpark).
    thread::sleep(Duration::from_millis(100));
    let count = returned.iter().filter(|flag| flag.load(Ordering::SeqCst)).count();
    parked.thread().unpark();
    parked.join().unwrap();
    count
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    let loop_length = asm(CHAPTER, "simple_block_on_dyn").block(".LBB0_1").expect("the loop's block").len();
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
            ("two-unparks-two-parks", parks_returned_after_two_unparks().into()),
        ],
    );
}
