// Compiled by tests/will_wake_across_codegen_units.rs with the pinned rustc, at opt-level 0,
// once with one codegen unit and once with sixteen.
use std::task::Waker;

fn main() {
    let noop: &Waker = Waker::noop();
    let clone: Waker = noop.clone();
    println!("{}", clone.will_wake(noop));
}
