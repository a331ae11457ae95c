//! `select` and timeouts are drops: the future that loses a race is dropped, wherever it was
//! suspended, and its drop glue runs then.

use std::future::Future;
use std::pin::pin;

use futures::executor::block_on;
use futures::future::{Either, select};

use ch07_cancellation::{Deadline, Named, held_across_awaits, take_dropped};

#[test]
fn select_hands_the_loser_back_and_dropping_it_runs_its_drop_glue() {
    take_dropped();
    let work = Box::pin(held_across_awaits(Named("argument")));
    let deadline = Box::pin(Deadline::after_polls(2));
    let Either::Right(((), loser)) = block_on(select(work, deadline)) else {
        panic!("the deadline wins on the second poll, while the work is at its second await");
    };
    assert!(take_dropped().is_empty(), "the loser is still alive: select returned it");
    drop(loser);
    assert_eq!(take_dropped(), ["second", "first", "argument"], "dropped at Suspend1");
}

#[test]
fn the_winner_of_a_select_is_dropped_by_its_own_body_and_the_deadline_drops_nothing() {
    take_dropped();
    let work = Box::pin(held_across_awaits(Named("argument")));
    let deadline = Box::pin(Deadline::after_polls(10));
    let Either::Left(((), deadline)) = block_on(select(work, deadline)) else { panic!("the work wins") };
    assert_eq!(take_dropped(), ["second", "first", "argument"], "in the order the body ends their scopes");
    drop(deadline);
    assert!(take_dropped().is_empty());
}

/// A timeout written with `select`: `None` if the deadline comes first.
async fn with_deadline<F: Future>(work: F, polls: u32) -> Option<F::Output> {
    let work = pin!(work);
    match select(work, pin!(Deadline::after_polls(polls))).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), unfinished)) => {
            drop(unfinished); // a `Pin<&mut F>`: dropping it ends a borrow, not the work
            assert!(take_dropped().is_empty(), "the pinned work is still alive here");
            None
        }
    }
    // The work is dropped here, with the local that `pin!` made for it.
}

#[test]
fn a_timeout_is_a_select_and_the_work_it_gives_up_on_is_dropped_when_the_pinned_local_goes() {
    take_dropped();
    assert_eq!(block_on(with_deadline(held_across_awaits(Named("argument")), 2)), None);
    assert_eq!(take_dropped(), ["second", "first", "argument"]);
    assert_eq!(block_on(with_deadline(held_across_awaits(Named("argument")), 10)), Some(()));
    assert_eq!(take_dropped(), ["second", "first", "argument"]);
}
