//! `traits_workload run CALL RUNS`: the program callgrind watches for the page's section
//! "`async fn` in traits". It makes one call of a store's `get` and one poll of its future,
//! through one of the library's three functions (`static`: `get_static`, `boxed`: `get_boxed`,
//! `dyn`: `get_dyn`), once as a warm-up, then `start_counting`, then `RUNS` times.
//! `examples/traits_measure.rs` builds it with the listings' flags, so that the functions it
//! counts are the ones the listings show, and counts only inside the called function.

use std::hint::black_box;
use std::process::ExitCode;

use ch10_async_today::Memory;
use ch10_async_today::crates::{BoxedStore, get_boxed, get_dyn};

/// Callgrind discards every count made before the program first enters this function
/// (`--zero-before`): the warm-up call before it is not measured.
#[inline(never)]
fn start_counting() {
    black_box(());
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (call, runs) = match args.as_slice() {
        ["run", call, runs] => (*call, runs.parse::<u32>()),
        _ => (" ", "".parse::<u32>()),
    };
    let memory = Memory { base: 40 };
    // Hidden from the optimiser: the store, its type behind `dyn`, and the key.
    let store: &Memory = black_box(&memory);
    let dyn_store: &dyn BoxedStore = black_box(&memory);
    let one: Box<dyn Fn() -> u32> = match call {
        "static" => Box::new(|| ch10_async_today::get_static(store, black_box(2))),
        "boxed" => Box::new(|| get_boxed(store, black_box(2))),
        "dyn" => Box::new(|| get_dyn(dyn_store, black_box(2))),
        _ => {
            eprintln!("usage: traits_workload run static|boxed|dyn RUNS (given {args:?})");
            return ExitCode::FAILURE;
        }
    };
    let Ok(runs) = runs else {
        eprintln!("RUNS must be a whole number (given {args:?})");
        return ExitCode::FAILURE;
    };
    black_box(one());
    start_counting();
    for _ in 0..runs {
        black_box(one());
    }
    // Out at once, without dropping `one` and `args`: their frees would be counted with the
    // calls' when callgrind counts inside the C library's `free`.
    std::process::exit(0)
}
