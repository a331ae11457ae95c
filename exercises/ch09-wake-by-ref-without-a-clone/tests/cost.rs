//! `FlagWakeOnly` as a waker: what its wakes do, what the vtable's `wake_by_ref` compiles to,
//! and what it costs against chapter 9's `Flag`, counted with callgrind.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ch09_wake_by_ref_without_a_clone::{FlagWakeOnly, flag_wake_only_waker};
use figures::callgrind::{Callgrind, Measured};
use listings::{AsmOptions, CodegenFlags};

const CRATE: &str = "ch09_wake_by_ref_without_a_clone";

fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")
}

#[test]
fn waking_by_reference_raises_the_flag_and_keeps_the_strong_count() {
    let flag = Arc::new(FlagWakeOnly::default());
    let waker = flag_wake_only_waker(Arc::clone(&flag));
    assert_eq!(Arc::strong_count(&flag), 2, "the test's and the waker's");
    waker.wake_by_ref();
    assert!(flag.is_raised(), "wake_by_ref raises the flag");
    assert_eq!(Arc::strong_count(&flag), 2, "wake_by_ref borrows the waker: it keeps its strong count");
    drop(waker);
    assert_eq!(Arc::strong_count(&flag), 1, "dropping the waker gives its count back");
}

#[test]
fn waking_by_value_raises_the_flag_and_gives_the_strong_count_back() {
    let flag = Arc::new(FlagWakeOnly::default());
    let waker = flag_wake_only_waker(Arc::clone(&flag));
    let clone = waker.clone();
    assert_eq!(Arc::strong_count(&flag), 3, "the test's, the waker's and its clone's");
    clone.wake();
    assert!(flag.is_raised(), "wake raises the flag");
    assert_eq!(Arc::strong_count(&flag), 2, "wake consumes its waker, and with it one strong count");
    drop(waker);
    assert_eq!(Arc::strong_count(&flag), 1, "dropping the waker gives its count back");
}

#[test]
fn the_vtables_wake_by_ref_takes_no_lock_and_calls_nothing() {
    let listing = listings::asm_of_file(
        &source(),
        CRATE,
        "alloc::task::raw_waker::wake_by_ref",
        &AsmOptions::default(),
        &CodegenFlags::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let costly: Vec<String> = listing
        .instructions()
        .filter(|(mnemonic, _)| mnemonic.starts_with("lock") || *mnemonic == "call")
        .map(|(mnemonic, operands)| format!("{mnemonic} {operands}"))
        .collect();
    assert!(
        costly.is_empty(),
        "std's wake_by_ref for your waker still runs {costly:?}: the strong count of the Arc goes up and \
         down again around the store (Wake's default wake_by_ref is self.clone().wake()).\n{listing}"
    );
}

/// `program flag|wake-only RUNS` wakes a waker by reference RUNS times, after a warm-up, through
/// a call site like chapter 3's `wake_by_ref_of`. `Flag` is chapter 9's, written again here.
const RUNS: u64 = 10;
const PROGRAM: &str = r#"
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Wake, Waker};

#[derive(Default)]
struct Flag {
    raised: AtomicBool,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.raised.store(true, Ordering::Relaxed);
    }
}

/// Callgrind throws away what it counted before the program first enters this function.
#[inline(never)]
fn start_counting() {
    black_box(());
}

/// Chapter 3's call site: the waker's vtable, its data pointer, and a jump to its third slot.
#[inline(never)]
fn wake_by_ref_of(waker: &Waker) {
    waker.wake_by_ref();
}

fn main() {
    let waker = match std::env::args().nth(1).as_deref() {
        Some("flag") => Waker::from(Arc::new(Flag::default())),
        Some("wake-only") => ch09_wake_by_ref_without_a_clone::flag_wake_only_waker(Arc::default()),
        other => panic!("which waker? {other:?}"),
    };
    let runs: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).expect("program WAKER RUNS");
    let waker = black_box(waker);
    wake_by_ref_of(&waker);
    start_counting();
    for _ in 0..runs {
        wake_by_ref_of(&waker);
    }
}
"#;

#[test]
fn a_wake_by_reference_costs_what_it_costs_chapter_9s_flag() {
    let program = listings::program_of_file(&source(), CRATE, PROGRAM, &CodegenFlags::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let callgrind = Callgrind::find(listings::Workspace::this_checkout().kept()).unwrap_or_else(|e| panic!("{e}"));
    let measured = Measured { function: "program::wake_by_ref_of", from: "program::start_counting" };
    let per_wake = |waker: &str| {
        let total =
            callgrind.count(&program.path, &[waker, &RUNS.to_string()], &measured).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(total % RUNS, 0, "{total} instructions in {RUNS} wakes: every wake should count the same");
        total / RUNS
    };
    let (yours, flags) = (per_wake("wake-only"), per_wake("flag"));
    assert_eq!(
        yours, flags,
        "a wake by reference costs your waker {yours} instructions and Flag {flags}, both through the same \
         three-instruction call site: what does yours do that a store of the flag and a return do not?"
    );
}
