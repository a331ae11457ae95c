//! Your `poll` beside rustc's state machine: the same behaviour, the future's address kept
//! across the awaited poll, and what that costs, counted with callgrind as chapter 9 counts.

use std::future::Future;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::OnceLock;

use ch09_write_the_state_after_the_poll::{PREDICTIONS, TwoSuspensionPointsByHand, YieldOnce};
use exercise_harness::{WakeLog, poll_once, poll_to_end};
use figures::Figures;
use figures::callgrind::{Callgrind, Measured};
use listings::{AsmListing, AsmOptions, BuiltProgram, CodegenFlags, Listing};

const CRATE: &str = "ch09_write_the_state_after_the_poll";
const POLL: &str = "<TwoSuspensionPointsByHand as Future>::poll";

/// Chapter 5's function, as rustc lowers it.
async fn two_suspension_points(before: u64) -> (u64, u64) {
    YieldOnce::default().await;
    let between = black_box(before);
    YieldOnce::default().await;
    (before, between)
}

fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")
}

/// The listing of your `poll`, compiled from src/lib.rs with the chapters' flags, once for all
/// the checks of this run.
fn listing() -> &'static AsmListing {
    static LISTING: OnceLock<AsmListing> = OnceLock::new();
    LISTING.get_or_init(|| {
        listings::asm_of_file(&source(), CRATE, POLL, &AsmOptions::default(), &CodegenFlags::default())
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

const CALLEE_SAVED: [&str; 6] = ["rbx", "rbp", "r12", "r13", "r14", "r15"];

/// The callee-saved registers pushed on entry, before any other instruction.
fn saved_on_entry(listing: &Listing) -> Vec<String> {
    listing
        .instructions()
        .map_while(|(mnemonic, operand)| (mnemonic == "push").then(|| operand.trim().to_owned()))
        .filter(|register| CALLEE_SAVED.contains(&register.as_str()))
        .collect()
}

/// The program callgrind runs: `program N RUNS` polls a new boxed future N times with
/// `Waker::noop()`, through its vtable, RUNS times after a warm-up, as chapter 9's workloads do.
const RUNS: u64 = 10;
const PROGRAM: &str = r#"
use std::hint::black_box;
use std::task::{Context, Waker};

/// Callgrind throws away what it counted before the program first enters this function.
#[inline(never)]
fn start_counting() {
    black_box(());
}

fn polls(n: usize) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = ch09_write_the_state_after_the_poll::boxed_by_hand(black_box(5));
    for _ in 0..n {
        let _ = black_box(future.as_mut().poll(&mut cx));
    }
}

fn main() {
    let number = |at: usize| -> usize {
        std::env::args().nth(at).and_then(|n| n.parse().ok()).expect("program POLLS RUNS")
    };
    let (n, runs) = (number(1), number(2));
    polls(3);
    start_counting();
    for _ in 0..runs {
        polls(n);
    }
}
"#;

/// The program, built from src/lib.rs with the listings' flags (removed again when dropped).
fn program() -> BuiltProgram {
    listings::program_of_file(&source(), CRATE, PROGRAM, &CodegenFlags::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The instructions `polls` polls of a new future execute inside your `poll`.
fn counted(program: &BuiltProgram, polls: usize) -> u64 {
    let callgrind = Callgrind::find(listings::Workspace::this_checkout().kept()).unwrap_or_else(|e| panic!("{e}"));
    let function = format!("<{CRATE}::TwoSuspensionPointsByHand as core::future::future::Future>::poll");
    let measured = Measured { function: &function, from: "program::start_counting" };
    let total = callgrind
        .count(&program.path, &[&polls.to_string(), &RUNS.to_string()], &measured)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(total % RUNS, 0, "{total} instructions in {RUNS} runs: every run should count the same");
    total / RUNS
}

#[test]
fn it_behaves_as_rustcs_state_machine() {
    for before in [0, 5, u64::MAX] {
        assert_eq!(
            poll_to_end(TwoSuspensionPointsByHand::new(before), 10),
            poll_to_end(two_suspension_points(before), 10),
            "(polls, output) of yours (left) and of rustc's async fn (right), for before = {before}"
        );
    }
    fn wakes(future: impl Future<Output = (u64, u64)>) -> usize {
        let log = WakeLog::new();
        let mut future = pin!(future);
        while poll_once(future.as_mut(), &log.waker()).is_pending() {}
        log.wakes()
    }
    assert_eq!(wakes(TwoSuspensionPointsByHand::new(1)), wakes(two_suspension_points(1)), "wakes until Ready");
}

#[test]
fn it_keeps_the_futures_address_across_the_awaited_poll() {
    let listing = listing();
    let saved = saved_on_entry(listing);
    let kept = listing.instructions().find_map(|(mnemonic, operands)| {
        let (to, from) = operands.split_once(',')?;
        (mnemonic == "mov" && from.trim() == "rsi" && saved.contains(&to.trim().to_owned()))
            .then(|| to.trim().to_owned())
    });
    assert!(
        kept.is_some(),
        "the future's address arrives in rsi, which the waker's call may overwrite; a poll that writes its \
         state after that call copies rsi into a callee-saved register first, and yours does not: does it \
         still write its next variant before polling the awaited future? Saved on entry: {saved:?}\n{listing}"
    );
}

#[test]
fn the_register_prediction_matches_the_listing() {
    let listing = listing();
    let saved = saved_on_entry(listing);
    assert_eq!(
        PREDICTIONS.callee_saved_registers,
        saved.len(),
        "you predicted {} callee-saved registers; your poll pushes {saved:?} on entry. What does each one keep \
         across the waker's call?\n{listing}",
        PREDICTIONS.callee_saved_registers
    );
}

/// Chapter 9's counts of the n-th poll of `name` (`async`, `by_hand`), as its page shows them.
fn chapter_9s_polls(name: &str) -> String {
    let root = listings::Workspace::this_checkout().root;
    let figures =
        Figures::read(&root.join("chapters/ch09-cost").join(figures::FILE_NAME)).unwrap_or_else(|e| panic!("{e}"));
    let poll = |n: u32| figures.value(&format!("poll_{name}_{n}")).unwrap_or_else(|e| panic!("{e}"));
    format!("{}, {} and {}", poll(1), poll(2), poll(3))
}

#[test]
fn the_count_prediction_matches_callgrind() {
    let program = program();
    let three = counted(&program, 3);
    if PREDICTIONS.three_polls != three {
        let (one, two) = (counted(&program, 1), counted(&program, 2));
        panic!(
            "you predicted {} instructions for three polls; callgrind counted {three}: {one} for the first poll, \
             {} for the second, {} for the third (chapter 9 counted {} for its enum, {} for rustc's machine). \
             Follow each poll's path through your listing, and count the `ret` of the no-op waker in each \
             pending poll.",
            PREDICTIONS.three_polls,
            two - one,
            three - two,
            chapter_9s_polls("by_hand"),
            chapter_9s_polls("async"),
        );
    }
}
