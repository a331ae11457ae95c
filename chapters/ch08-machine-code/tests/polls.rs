//! How the chapter's futures behave and what they weigh, independent of the compiler's output:
//! the callers all compute the same thing, the nest and the join take the polls the page says.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use ch08_machine_code::*;

/// Polls until ready with a no-op waker; the output and the number of polls.
fn poll_to_end<F: Future>(future: F) -> (F::Output, usize) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
}

#[test]
fn three_awaits_takes_four_polls_and_every_caller_gets_the_same_answer() {
    let (output, polls) = poll_to_end(three_awaits(5));
    assert_eq!(polls, 4, "one per await, and the last");
    for caller in [
        run_in_view,
        run_behind_dyn,
        run_behind_black_box,
        run_across_a_function_boundary,
        run_behind_dyn_and_black_box,
    ] {
        assert_eq!(caller(5), output);
    }
    assert_eq!(four_polls_in_view(5), [Poll::Pending, Poll::Pending, Poll::Pending, Poll::Ready(output)]);
    assert_eq!(boxed_three_awaits(5).as_mut().poll(&mut Context::from_waker(Waker::noop())), Poll::Pending);
}

#[test]
fn the_futures_have_the_sizes_of_their_layouts() {
    assert_eq!(size_of_val(&three_awaits(5)), 48);
    assert_eq!(size_of_val(&leaf()), 2);
    assert_eq!(size_of_val(&middle()), 8);
    assert_eq!(size_of_val(&outer()), 16);
}

#[test]
fn the_nest_takes_two_polls_as_its_leaf_does() {
    assert_eq!(poll_to_end(outer()), (50, 2), "(7 + 3) * 5, pending once at the leaf");
    assert_eq!(poll_to_end(boxed_outer()), (50, 2));
}

/// The size of `futures::future::MaybeDone` around a future of `future`'s type.
fn maybe_done_size<F: Future>(_: &F) -> usize {
    size_of::<futures::future::MaybeDone<F>>()
}

#[test]
fn join_takes_as_many_polls_as_its_slowest_future_and_holds_both_in_maybe_dones() {
    let (output, polls) = poll_to_end(join_two());
    assert_eq!(polls, 4, "leaf is done after 2, three_awaits after 4");
    assert_eq!(output, (7, poll_to_end(three_awaits(1)).0));
    assert_eq!(poll_to_end(boxed_join_two()).1, 4);
    // Each MaybeDone adds a tag of its own in front of its future (coroutines have no niche).
    assert_eq!(maybe_done_size(&leaf()), 8, "the tag, leaf's 2 bytes, room for the u32 output");
    assert_eq!(maybe_done_size(&three_awaits(1)), 56, "a word of tag, then the 48-byte future");
    // Both MaybeDones, the two pointers the poll_fn closure keeps to them, and the tag.
    assert_eq!(size_of_val(&join_two()), 8 + 56 + 16 + 8);
}
