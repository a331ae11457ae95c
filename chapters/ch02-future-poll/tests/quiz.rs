//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::future::{Future, ready};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use course::Truth;
use course::facts::{asm, asm_of_snippet, waker_slot};
use listings::Listing;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn writes(listing: &listings::Listing, registers: &[&str]) -> bool {
    listing.instructions().any(|(_, o)| registers.contains(&o.split(',').next().unwrap_or_default().trim()))
}

/// The three outputs of the question, and a future whose output is four words and which uses
/// `cx`, compiled with the chapters' flags: std only.
const SNIPPET: &str = r#"
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[inline(never)]
pub fn poll_u32(value: &u32) -> Poll<u32> {
    if *value == 0 { Poll::Pending } else { Poll::Ready(*value) }
}

#[inline(never)]
pub fn poll_option_ref<'a>(value: &Option<&'a u64>) -> Poll<Option<&'a u64>> {
    if value.is_none() { Poll::Pending } else { Poll::Ready(*value) }
}

#[inline(never)]
pub fn poll_triple(value: &(u64, u64, u64)) -> Poll<(u64, u64, u64)> {
    if value.0 == 0 { Poll::Pending } else { Poll::Ready(*value) }
}

pub struct ArrayYield {
    words: [u64; 4],
    yielded: bool,
}

impl Future for ArrayYield {
    type Output = [u64; 4];

    #[inline(never)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<[u64; 4]> {
        if self.yielded {
            return Poll::Ready(self.words);
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
"#;

/// How a function's `Poll` comes back: "memory" if it is written through the slot in `rdi`,
/// whose address goes back in `rax`; "tag and rdx" if the value is written into `rdx`, "tag and
/// edx" if only into its lower half `edx`.
fn comes_back(listing: &Listing) -> &'static str {
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    if instructions.contains(&("mov", "rax, rdi")) && instructions.iter().any(|(_, o)| o.starts_with("qword ptr [rax"))
    {
        "memory"
    } else if instructions.iter().any(|(_, o)| o.starts_with("rdx,")) {
        "tag and rdx"
    } else if instructions.iter().any(|(_, o)| o.starts_with("edx,")) {
        "tag and edx"
    } else {
        "rax"
    }
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
    let wake_slot = asm(CHAPTER, "yield_once_poll")
        .instructions()
        .find(|(m, o)| *m == "call" && o.starts_with("qword ptr [rcx"))
        .and_then(|(_, o)| waker_slot(o))
        .expect("YieldOnce::poll calls through the waker's vtable");
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(ready(5));
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(5));
    let again = match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
        Err(_) => "panics",
        Ok(Poll::Pending) => "returns `Pending`",
        Ok(Poll::Ready(_)) => "returns `Ready(5)` again",
    };
    let three = ["poll_u32", "poll_option_ref", "poll_triple"].map(|f| comes_back(&asm_of_snippet(SNIPPET, f)));
    let three_more = match three {
        ["tag and edx" | "tag and rdx", "tag and rdx", "tag and rdx"] => "all three in `rax` and `rdx`",
        ["rax", "tag and rdx", "tag and rdx"] => "`Poll<u32>` in `eax` alone; the other two in `rax` and `rdx`",
        ["tag and edx", "tag and rdx", "memory"] => {
            "the first two as a tag in `eax` and the value in `edx` (`Poll<u32>`) or `rdx`; `Poll<(u64, u64, u64)>` through memory, at the address the caller passes in `rdi`"
        }
        ["memory", "memory", "memory"] => "all three through memory",
        other => panic!("no choice says {other:?}"),
    };

    // `cx` is the register whose first word is loaded, and then the waker's two words from that.
    let array_yield = asm_of_snippet(SNIPPET, "<ArrayYield as Future>::poll");
    let instructions: Vec<(&str, &str)> = array_yield.instructions().collect();
    let cx_register = instructions
        .windows(3)
        .find_map(|w| {
            let (to, from) = w[0].1.split_once(", ")?;
            let register = from.strip_prefix("qword ptr [")?.strip_suffix(']')?;
            let reads_the_waker =
                w[1].1.ends_with(&format!("qword ptr [{to}]")) && w[2].1.ends_with(&format!("qword ptr [{to} + 8]"));
            (w[0].0 == "mov" && reads_the_waker).then(|| register.to_owned())
        })
        .unwrap_or_else(|| panic!("no load of the waker through cx in:\n{array_yield}"));

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
            ("three-more-outputs", three_more.into()),
            ("option-ref-size", size_of::<Poll<Option<&u64>>>().into()),
            ("array-cx-register", Truth::Choice(cx_register)),
        ],
    );
}
