//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::future::{Future, ready};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use course::Truth;
use course::facts::{asm, waker_slot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn writes(listing: &listings::Listing, registers: &[&str]) -> bool {
    listing.instructions().any(|(_, o)| registers.contains(&o.split(',').next().unwrap_or_default().trim()))
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    let ref_after = asm(CHAPTER, "ref_after_poll");
    let null_in_rax =
        ref_after.instructions().any(|i| i == ("xor", "eax, eax")) && !writes(&ref_after, &["rdx", "edx", "dl"]);
    let self_register = asm(CHAPTER, "array_after_poll")
        .instructions()
        .find_map(|(_, o)| o.split_once("byte ptr [")?.1.strip_suffix(" + 32]").map(str::to_owned))
        .expect("ArrayAfter::poll reads polls_left after the four words");
    let wake_slot = asm(CHAPTER, "yield_now_poll")
        .instructions()
        .find(|(m, o)| *m == "call" && o.starts_with("qword ptr [rcx"))
        .and_then(|(_, o)| waker_slot(o))
        .expect("YieldNow::poll calls through the waker's vtable");
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(ready(5));
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(5));
    let again = match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
        Err(_) => "panics",
        Ok(Poll::Pending) => "returns `Pending`",
        Ok(Poll::Ready(_)) => "returns `Ready(5)` again",
    };
    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("poll-u64-size", size_of::<Poll<u64>>().into()),
            (
                "ref-after-pending",
                if null_in_rax { "a null pointer in `rax`" } else { "a tag word in `rax`, with `rdx` left as it was" }
                    .into(),
            ),
            ("array-self-register", Truth::Choice(self_register)),
            ("yield-now-slot", wake_slot.into()),
            ("ready-polled-again", again.into()),
        ],
    );
}
