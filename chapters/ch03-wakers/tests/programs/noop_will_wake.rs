// Compiled by tests/will_wake_across_codegen_units.rs with the pinned rustc, at opt-level 0,
// once with `-C codegen-units=1` and once with `-C incremental` (with no `codegen-units` given,
// an incremental build may split the crate into up to 256 codegen units).
use std::task::Waker;

fn main() {
    let noop: &Waker = Waker::noop();
    let clone: Waker = noop.clone();
    println!("{}", clone.will_wake(noop));
}
