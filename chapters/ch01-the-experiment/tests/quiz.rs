//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::task::Poll;

use course::Truth;
use course::facts::{asm, waker_slot};
use listings::Listing;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// What the code at the target of jump-table entry `index` does, as the quiz's choices say it.
fn jump_table_target(listing: &Listing, index: usize) -> &'static str {
    let entry = listing.jump_tables()[0][index];
    let label = entry.split('-').next().unwrap();
    let code = listing.block(label).unwrap_or_else(|| panic!("no block {label} in {listing}"));
    let calls = |needle: &str| code.iter().any(|(m, o)| *m == "call" && o.contains(needle));
    if calls("panic_const_async_fn_resumed_panic@") {
        "to the panic \"`async fn` resumed after panicking\""
    } else if calls("panic_const_async_fn_resumed@") {
        "to the panic \"`async fn` resumed after completion\""
    } else if calls("DummyFuture") {
        "to the poll of the `DummyFuture` after a suspension"
    } else {
        "to the code that makes the `DummyFuture`, then polls it"
    }
}

/// The byte a `Poll<()>` is stored as, as this compiler lays it out.
fn byte_of(poll: Poll<()>) -> u8 {
    // SAFETY: `Poll<()>` is one byte (asserted below), and every value of it is a valid `u8`.
    unsafe { std::mem::transmute::<Poll<()>, u8>(poll) }
}

/// The two answers a `[Poll<()>; 2]` built as the 16-bit immediate `value` holds, in the
/// quiz's words: the first element is the low byte (x86-64 is little-endian).
fn two_polls(value: u16) -> String {
    let name = |byte: u8| match byte {
        b if b == byte_of(Poll::Ready(())) => "Ready(())",
        b if b == byte_of(Poll::Pending) => "Pending",
        other => panic!("{other} is no Poll<()>"),
    };
    let [low, high] = value.to_le_bytes();
    format!("`[{}, {}]`", name(low), name(high))
}

fn loads_constants_with_push_and_pop(listing: &Listing) -> bool {
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    instructions.windows(2).any(|w| w[0].0 == "push" && w[0].1.parse::<u8>().is_ok() && w[1].0 == "pop")
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    let state_machine = asm(CHAPTER, "hello_world_state_machine");
    let driver = asm(CHAPTER, "poll_hello_world_twice");
    let drop_slot = driver
        .instructions()
        .filter(|(m, o)| *m == "call" && o.starts_with("qword ptr [rax"))
        .filter_map(|(_, o)| waker_slot(o))
        .last()
        .expect("the driver calls through the waker's vtable");
    let value_register = asm(CHAPTER, "dummy_future_poll")
        .instructions()
        .find(|(m, o)| *m == "mov" && o.ends_with(", 11"))
        .map(|(_, o)| o.split(',').next().unwrap().to_owned())
        .expect("DummyFuture::poll loads 11");
    let for_size = asm(CHAPTER, "poll_hello_world_twice_opt_level_z");
    let push_pop = loads_constants_with_push_and_pop(&for_size) && !loads_constants_with_push_and_pop(&driver);
    assert_eq!(size_of::<Poll<()>>(), 1);
    let inlined = asm(CHAPTER, "poll_hello_world_twice_inlined");
    let both: Vec<u16> = inlined
        .instructions()
        .filter_map(|(m, o)| (m == "mov").then(|| o.strip_prefix("bp, ")?.parse().ok())?)
        .collect();
    assert!(both.len() == 2 && both.contains(&257), "the two answers built in bp, 257 among them: {both:?}");
    let other = both.iter().find(|value| **value != 257).copied().unwrap();
    assert_eq!(two_polls(other), "`[Pending, Ready(())]`", "the other path, the page says, is the answer given");
    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("jump-table-entries", state_machine.jump_tables()[0].len().into()),
            ("third-entry", jump_table_target(&state_machine, 2).into()),
            ("future-size", size_of_val(&ch01_the_experiment::hello_world()).into()),
            ("inlined-257", Truth::Choice(two_polls(257))),
            ("driver-drop-slot", drop_slot.into()),
            ("poll-u8-value-register", Truth::Choice(value_register)),
            (
                "opt-level-z-constants",
                if push_pop {
                    "with a `push` of the constant, then a `pop` into the register"
                } else {
                    "with `mov`, as at opt-level 3"
                }
                .into(),
            ),
        ],
    );
}
