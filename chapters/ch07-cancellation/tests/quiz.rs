//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use std::future::Future;
use std::marker::PhantomData;
use std::task::{Context, Waker};

use ch07_cancellation::{
    Named, held_across_awaits, rc_borrowed_then_dropped_before_await, rc_dropped_in_a_block_before_await,
    rc_held_across_await, rc_replaced_after_await, take_dropped,
};
use course::facts::{asm, displacement, field_offset, stage_text, type_layout};
use listings::ListingKind;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// Whether `T: Send`, as the compiler decides it where `is_send` is called: an inherent method
/// whose bound holds is chosen before a trait's method of the same name, so the answer is
/// `true` exactly when `T: Send` holds (the `impls` crate's trick).
struct SendProbe<T>(PhantomData<T>);

trait NotSend {
    fn is_send(&self) -> bool {
        false
    }
}

impl<T> NotSend for SendProbe<T> {}

impl<T: Send> SendProbe<T> {
    fn is_send(&self) -> bool {
        true
    }
}

fn probe<T>(_: &T) -> SendProbe<T> {
    SendProbe(PhantomData)
}

fn needs_drop_of<T>(_: &T) -> bool {
    std::mem::needs_drop::<T>()
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    let glue = asm(CHAPTER, "drop_held_across_awaits");
    let table = &glue.jump_tables()[0];
    let entries = table.len();
    // The explanation: returned and panicked share a target, and so do the first and third awaits.
    assert!(table[1] == table[2] && table[3] == table[5], "{table:?}");
    // The drop that follows `lea rdi, [rbx + N]` for the one field only `Suspend1` holds.
    let second = field_offset(&type_layout(CHAPTER, "held_across_awaits"), "Suspend1", "local", "second");
    let instructions: Vec<(&str, &str)> = glue.instructions().collect();
    let dropped_at: Vec<u64> = instructions
        .windows(2)
        .filter(|w| {
            w[0].0 == "lea"
                && w[0].1.starts_with("rdi, [rbx")
                && w[1].1.contains("Named as core::ops::drop::Drop>::drop")
        })
        .filter_map(|w| displacement(w[0].1))
        .collect();
    assert!(dropped_at.contains(&second), "the glue drops at {dropped_at:?}, the layout puts `second` at {second}");

    take_dropped();
    let mut future = Box::pin(held_across_awaits(Named("argument")));
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..2 {
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
    assert!(take_dropped().is_empty(), "the body has dropped nothing at its second await");
    drop(future);
    let order = take_dropped().join(", ");

    let send = [
        probe(&rc_held_across_await()).is_send(),
        probe(&rc_dropped_in_a_block_before_await()).is_send(),
        probe(&rc_borrowed_then_dropped_before_await()).is_send(),
    ];
    // The explanation's exception: a 2-byte future that saves no `Rc` and is still not `Send`.
    let replaced = rc_replaced_after_await();
    assert_eq!((size_of_val(&replaced), probe(&replaced).is_send()), (2, false));
    let which_are_send = match send {
        [false, false, false] => "none of them: each makes an `Rc`",
        [false, true, false] => "only `rc_dropped_in_a_block_before_await`",
        [false, true, true] => "`rc_dropped_in_a_block_before_await` and `rc_borrowed_then_dropped_before_await`",
        [true, true, true] => "all three: the `Rc` never leaves the task",
        other => panic!("no choice says {other:?}"),
    };

    let mir = stage_text(CHAPTER, ListingKind::Stage(listings::Stage::Mir), "rc_held_across_await");
    let saved = mir.lines().map(str::trim).find(|l| l.starts_with("debug shared => ")).expect("the MIR names `shared`");
    let saved_line = if saved.contains("as variant#3") {
        "`debug shared => (((*_16) as variant#3).0: std::rc::Rc<u8>);`: a field of the future in `Suspend0`"
    } else if saved.starts_with("debug shared => ((*") {
        "`debug shared => ((*_16).0: std::rc::Rc<u8>);`: a captured upvar"
    } else {
        "`debug shared => _3;`: a local of the resume function"
    };
    assert!(saved_line.contains(saved), "the line is `{saved}`");

    let empty = async {};
    let needs_drop = if needs_drop_of(&empty) { "`true`" } else { "`false`" };

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("glue-entries", entries.into()),
            ("second-offset", second.into()),
            ("dropped-at-the-second-await", order.as_str().into()),
            ("which-are-send", which_are_send.into()),
            ("rc-saved-line", saved_line.into()),
            ("empty-needs-drop", needs_drop.into()),
        ],
    );
}
