//! The seed's program, run: `cargo run -p ch01-the-experiment --example seed`.
//!
//! Prints `hello, world!` (from the second poll, when the awaited future is ready) and then
//! `Completed on second poll!`.

fn main() {
    // The results are printed by the polls themselves, as in the seed's `main`.
    let _results = ch01_the_experiment::poll_hello_world_twice();
}
