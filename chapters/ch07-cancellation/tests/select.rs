//! `select` and timeouts are drops: the future that loses a race is dropped, wherever it was
//! suspended, and its drop glue runs then. The page's own examples race the work against an
//! earlier deadline (the loser handed back, and a timeout written with `select`); here the work
//! wins.

use futures::executor::block_on;
use futures::future::{Either, select};

use ch07_cancellation::{Deadline, Named, held_across_awaits, take_dropped};

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
