//! `held_across_awaits`, dropped after 0, 1, 2, 3 and 4 polls: what its body dropped while it
//! ran, and what its drop glue dropped when the future was dropped.
//! `cargo run -p ch07-cancellation --example cancel_at_each_await`.

use std::future::Future;
use std::task::{Context, Waker};

use ch07_cancellation::{Named, held_across_awaits, take_dropped};

/// The state each number of polls leaves the future in (the layout table's variants).
const STATES: [&str; 5] = ["Unresumed", "Suspend0", "Suspend1", "Suspend2", "Returned"];

fn names(dropped: &[&str]) -> String {
    if dropped.is_empty() { "-".to_owned() } else { dropped.join(", ") }
}

fn main() {
    let mut cx = Context::from_waker(Waker::noop());
    println!("{:<6} {:<10} {:<26} dropped by the drop glue", "polls", "state", "dropped by the body");
    for (polls, state) in STATES.iter().enumerate() {
        let mut future = Box::pin(held_across_awaits(Named("argument")));
        for _ in 0..polls {
            let _ = future.as_mut().poll(&mut cx);
        }
        let by_the_body = take_dropped();
        drop(future);
        let by_the_glue = take_dropped();
        println!("{polls:<6} {state:<10} {:<26} {}", names(&by_the_body), names(&by_the_glue));
    }
}
