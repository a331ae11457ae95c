//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::task::Waker;

use ch03_wakers::CountingWaker;
use course::facts::{asm, displacement};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

#[test]
fn every_quiz_answer_is_the_compilers() {
    let locked = asm(CHAPTER, "std_wake_clone_waker").instructions().filter(|(m, _)| m.starts_with("lock ")).count();
    let wake_offset = asm(CHAPTER, "wake_of")
        .instructions()
        .find(|(m, o)| *m == "jmp" && o.starts_with("qword ptr [rax"))
        .and_then(|(_, o)| displacement(o))
        .expect("wake_of jumps through the vtable");
    let calls = asm(CHAPTER, "will_wake_of")
        .instructions()
        .filter(|(m, o)| *m == "call" || (*m == "jmp" && !o.starts_with(".LBB")))
        .count();
    let counting = CountingWaker::new(Waker::noop().clone());
    let waker = counting.waker();
    let (first, second) = (waker.clone(), waker.clone());
    first.wake();
    second.wake_by_ref();
    drop(second);
    drop(waker);
    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("option-waker-size", size_of::<Option<Waker>>().into()),
            ("arc-clone-locked", locked.into()),
            ("wake-slot-offset", wake_offset.into()),
            ("will-wake-calls", calls.into()),
            ("counting-drops", counting.counts().drops.into()),
        ],
    );
}
