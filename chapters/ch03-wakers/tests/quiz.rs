//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::task::Waker;

use ch03_wakers::CountingWaker;
use course::facts::{asm, asm_of_snippet, displacement};

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
    let twice = asm_of_snippet(
        "#[inline(never)]\npub fn wake_twice(waker: &std::task::Waker) {\n    waker.wake_by_ref();\n    waker.wake_by_ref();\n}\n",
        "wake_twice",
    );
    // Transfers through a register or a vtable slot, in order: `call r14`, `jmp rax`.
    let through_the_vtable: Vec<(&str, &str)> = twice
        .instructions()
        .filter(|(m, o)| (*m == "call" || *m == "jmp") && !o.starts_with(".L") && !o.contains("rip"))
        .collect();
    let two_wakes = match through_the_vtable.iter().map(|(m, _)| *m).collect::<Vec<_>>().as_slice() {
        ["jmp", "jmp"] => "two `jmp`s through the vtable",
        ["call", "jmp"] => {
            // The same slot twice: the register the `call` used went on to the `jmp`.
            let slot_kept =
                twice.instructions().any(|(m, o)| m == "mov" && o == format!("rax, {}", through_the_vtable[0].1));
            assert!(slot_kept, "the jump goes through the slot the call used: {twice}");
            "a `call` through the vtable, then a `jmp` through the same slot"
        }
        ["call", "call"] => "two `call`s through the vtable, then a `ret`",
        ["call"] => "one `call`: the compiler merges the two wakes",
        other => panic!("no choice says {other:?}: {twice}"),
    };

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("option-waker-size", size_of::<Option<Waker>>().into()),
            ("arc-clone-locked", locked.into()),
            ("wake-slot-offset", wake_offset.into()),
            ("will-wake-calls", calls.into()),
            ("counting-drops", counting.counts().drops.into()),
            ("two-wakes-by-ref", two_wakes.into()),
        ],
    );
}
