//! Every comparison the page makes between its figures, checked on two sets of figures:
//!
//! - the ones the page shows, `chapters/ch09-cost/figures.toml`, as `ci/bench-cost` wrote them;
//! - the same figures counted now, on this machine, by the same program under callgrind
//!   (`cargo run -p ch09-cost --example measure -- figures OUT --no-wall-clock`).
//!
//! Where the measured code calls the C library (the allocator, in every executor), the count
//! can differ from one CPU to another, since glibc picks some of its functions by CPU features;
//! those claims are ratios with the tolerance each test states. Where the measured code calls
//! nothing outside the book's crates and std (a poll with `Waker::noop()`, the waker operations),
//! the instructions are those of one binary, the same on every x86-64 CPU, and the tests compare
//! counts exactly, down to the instructions of the listings.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use figures::{FILE_NAME, Figures};
use listings::{AsmListing, AsmOptions, Listing};

/// The figures the page shows.
fn shown() -> &'static Figures {
    static SHOWN: OnceLock<Figures> = OnceLock::new();
    SHOWN.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FILE_NAME);
        Figures::read(&path).unwrap_or_else(|error| panic!("{error}: run ci/bench-cost"))
    })
}

/// The figures counted now, once per test run (about half a minute, two callgrind runs at a time).
fn counted_now() -> &'static Figures {
    static NOW: OnceLock<Figures> = OnceLock::new();
    NOW.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("ch09-cost-figures-{}.toml", std::process::id()));
        let measure = listings::built_example(env!("CARGO_PKG_NAME"), "measure");
        let output = Command::new(&measure).arg("figures").arg(&out).arg("--no-wall-clock").output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let figures = Figures::read(&out).unwrap();
        std::fs::remove_file(&out).unwrap();
        figures
    })
}

/// Both sets, named for the failure messages.
fn both() -> [(&'static str, &'static Figures); 2] {
    [("figures.toml", shown()), ("counted now", counted_now())]
}

fn value(figures: &Figures, name: &str) -> f64 {
    figures.value(name).unwrap_or_else(|message| panic!("{message}")).as_f64()
}

/// Asserts `low <= value <= high`, naming the figures and the claim.
fn within(which: &str, claim: &str, value: f64, low: f64, high: f64) {
    assert!((low..=high).contains(&value), "{which}: {claim}: {value} is not within [{low}, {high}]");
}

/// How many instructions a listing has, and how many of them are `ud2` (never executed).
fn listing(chapter: &str, function: &str) -> AsmListing {
    listings::asm(chapter, function, &AsmOptions::default()).unwrap_or_else(|error| panic!("{error}"))
}

fn executed_instructions(listing: &Listing) -> f64 {
    listing.instructions().filter(|(mnemonic, _)| *mnemonic != "ud2").count() as f64
}

#[test]
fn the_figures_the_page_shows_were_measured_on_the_sources_as_they_are() {
    let root = listings::Workspace::this_checkout().root;
    let stale = shown().stale(&root, &listings::pinned_release());
    assert!(stale.is_empty(), "chapters/ch09-cost/{FILE_NAME} is stale: {stale:#?}\nrun ci/bench-cost");
}

// ---- One poll: the async fn against the enum by hand --------------------------------------

#[test]
fn the_async_fn_runs_about_a_fifth_more_instructions_than_the_enum_by_hand() {
    // Stated: 1.18. Tolerance ±0.03.
    for (which, figures) in both() {
        within(which, "async fn / by hand, three polls", value(figures, "poll_ratio"), 1.15, 1.21);
        let total = value(figures, "poll_async_total") / value(figures, "poll_by_hand_total");
        assert_eq!(total, value(figures, "poll_ratio"), "{which}");
    }
}

#[test]
fn each_poll_of_the_async_fn_runs_at_least_the_three_instructions_of_its_larger_frame_more() {
    // The listings test `the_state_machine_keeps_two_registers…` and
    // `the_enum_by_hand_keeps_one_register…` hold the frames: push/pop of r14 and the copy of
    // the future's address into rbx, against the enum's single saved register.
    for (which, figures) in both() {
        for poll in 1..=3 {
            let difference =
                value(figures, &format!("poll_async_{poll}")) - value(figures, &format!("poll_by_hand_{poll}"));
            assert!(difference >= 3.0, "{which}: poll {poll}: {difference}");
        }
        let sum: f64 = (1..=3).map(|poll| value(figures, &format!("poll_async_{poll}"))).sum();
        assert_eq!(sum, value(figures, "poll_async_total"), "{which}");
    }
}

/// The instructions one poll executes in a listing: its entry block, then the blocks at
/// `labels`, each whole (on the paths below no conditional jump is taken), as single-spaced text.
fn path(listing: &Listing, labels: &[&str]) -> Vec<String> {
    let entry = listing.lines.iter().take_while(|line| line.label().is_none()).filter_map(|line| line.instruction());
    let blocks = labels.iter().flat_map(|label| listing.block(label).unwrap_or_else(|| panic!("no {label}")));
    entry
        .chain(blocks)
        .map(|(mnemonic, operands)| format!("{mnemonic} {operands}").split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The paths of the three polls through chapter 5's state machine and through the enum's `poll`.
const ASYNC_PATHS: [&[&str]; 3] = [
    &[".LBB0_1", ".LBB0_3", ".LBB0_6", ".LBB0_7"],
    &[".LBB0_2", ".LBB0_5", ".LBB0_6", ".LBB0_7"],
    &[".LBB0_4", ".LBB0_7"],
];
const BY_HAND_PATHS: [&[&str]; 3] =
    [&[".LBB0_1", ".LBB0_4", ".LBB0_5"], &[".LBB0_3", ".LBB0_4", ".LBB0_5"], &[".LBB0_2", ".LBB0_5"]];

#[test]
fn every_instruction_of_each_poll_is_on_its_path_through_the_listing_and_every_difference_is_named() {
    let state_machine = listing("ch05-lowering", "two_suspension_points::{{closure}}");
    let by_hand = listing(env!("CARGO_PKG_NAME"), "<TwoSuspensionPointsByHand as Future>::poll");
    let count = |all: &[String], wanted: &str| all.iter().filter(|i| *i == wanted).count();
    let jumps = |all: &[String]| all.iter().filter(|i| i.starts_with("jmp ")).count();
    for poll in 1..=3 {
        let (ours, theirs) = (path(&state_machine, ASYNC_PATHS[poll - 1]), path(&by_hand, BY_HAND_PATHS[poll - 1]));
        // Polls 1 and 2 call the leaf's wake through the vtable: `Waker::noop()`'s one `ret`.
        let wake = if poll < 3 { 1.0 } else { 0.0 };
        for (which, figures) in both() {
            assert_eq!(value(figures, &format!("poll_async_{poll}")), ours.len() as f64 + wake, "{which}: {ours:#?}");
            assert_eq!(
                value(figures, &format!("poll_by_hand_{poll}")),
                theirs.len() as f64 + wake,
                "{which}: {theirs:#?}"
            );
        }
        // What only the state machine executes, as the page's table names it.
        let frame = ["push r14", "mov r14, rdi", "pop r14"].iter().map(|i| count(&ours, i)).sum::<usize>();
        let copy = count(&ours, "mov rax, qword ptr [rbx]") + count(&ours, "mov qword ptr [rbx + 8], rax");
        let dead_store = count(&ours, "mov byte ptr [rbx + 24], 0");
        let state = ["mov al, 3", "mov al, 4", "mov al, 1"].iter().map(|i| count(&ours, i)).sum::<usize>()
            + count(&ours, "mov byte ptr [rbx + 16], al");
        let extra_jump = jumps(&ours) - jumps(&theirs);
        // What only the enum executes.
        let tag = ["mov byte ptr [rsi], 1", "mov byte ptr [rsi], 2", "mov byte ptr [rsi], 3"]
            .iter()
            .map(|i| count(&theirs, i))
            .sum::<usize>();
        let flag = count(&theirs, "movzx ecx, byte ptr [rsi + 1]");
        // `before`, loaded early: in polls 2 and 3 the state machine loads it too.
        let before = count(&theirs, "mov rax, qword ptr [rsi + 8]") - count(&ours, "mov rax, qword ptr [rbx + 8]");
        let named = [frame, copy, dead_store, state, extra_jump];
        let expected: [[usize; 5]; 3] = [[3, 2, 1, 2, 1], [3, 0, 1, 2, 1], [3, 0, 0, 2, 0]];
        assert_eq!(named, expected[poll - 1], "poll {poll}: frame, copy, dead store, state, jmp");
        assert_eq!((tag, flag, before), (1, 1, if poll == 1 { 1 } else { 0 }), "poll {poll}: tag, flag, before");
        let difference = named.iter().sum::<usize>() - tag - flag - before;
        assert_eq!(difference, ours.len() - theirs.len(), "poll {poll}: every difference named");
    }
}

// ---- Wakers ------------------------------------------------------------------------------------

const OPERATIONS: [&str; 3] = ["clone", "wake_by_ref", "drop"];

#[test]
fn waker_noop_and_a_hand_written_static_vtable_cost_the_same() {
    for (which, figures) in both() {
        for operation in OPERATIONS {
            assert_eq!(
                value(figures, &format!("waker_noop_{operation}")),
                value(figures, &format!("waker_by_hand_{operation}")),
                "{which}: {operation}"
            );
        }
    }
}

#[test]
fn a_noop_operation_is_chapter_3s_call_site_then_the_vtable_function_and_nothing_else() {
    let call_site = |function| executed_instructions(&listing("ch03-wakers", function));
    let noop_clone = executed_instructions(&listing("ch03-wakers", "noop_clone"));
    let noop = executed_instructions(&listing("ch03-wakers", "ch03_wakers::noop"));
    for (which, figures) in both() {
        assert_eq!(value(figures, "waker_by_hand_clone"), call_site("clone_of") + noop_clone, "{which}");
        assert_eq!(value(figures, "waker_by_hand_wake_by_ref"), call_site("wake_by_ref_of") + noop, "{which}");
        assert_eq!(value(figures, "waker_by_hand_drop"), call_site("drop_of") + noop, "{which}");
    }
    assert_eq!((call_site("clone_of"), noop_clone, noop), (3.0, 3.0, 1.0));
}

#[test]
fn an_arc_wakers_clone_costs_two_instructions_more_than_a_noops_the_locked_increment_and_its_check() {
    let clone_waker = listing(env!("CARGO_PKG_NAME"), "alloc::task::raw_waker::clone_waker#1");
    let clone_waker: Vec<(&str, &str)> = clone_waker.instructions().collect();
    assert_eq!(clone_waker[0], ("lock inc", "qword ptr [rdi - 16]"));
    assert_eq!(clone_waker[1].0, "jle");
    for (which, figures) in both() {
        assert_eq!(value(figures, "waker_arc_wake_clone") - value(figures, "waker_noop_clone"), 2.0, "{which}");
        // The thread waker is an `Arc` + `Wake` waker too: the same clone and drop.
        for operation in ["clone", "drop"] {
            assert_eq!(
                value(figures, &format!("waker_thread_{operation}")),
                value(figures, &format!("waker_arc_wake_{operation}")),
                "{which}: {operation}"
            );
        }
    }
}

#[test]
fn an_arc_wakers_drop_costs_six_instructions_more_than_a_noops() {
    let drop_waker = listing(env!("CARGO_PKG_NAME"), "alloc::task::raw_waker::drop_waker");
    assert!(drop_waker.instructions().any(|i| i == ("lock dec", "qword ptr [rdi - 16]")), "{drop_waker}");
    for (which, figures) in both() {
        assert_eq!(value(figures, "waker_arc_wake_drop") - value(figures, "waker_noop_drop"), 6.0, "{which}");
    }
}

#[test]
fn the_default_wake_by_ref_costs_eight_instructions_more_than_flags_own_a_clone_and_a_drop() {
    // The listings test `the_default_wake_by_ref_clones_the_arc_wakes_the_clone_and_drops_it`
    // holds the two locked instructions.
    for (which, figures) in both() {
        let own = value(figures, "waker_arc_wake_wake_by_ref");
        let default = value(figures, "waker_arc_wake_only_wake_by_ref");
        assert_eq!(default - own, 8.0, "{which}");
        assert_eq!(own - value(figures, "waker_noop_wake_by_ref"), 1.0, "{which}: the store of the flag");
    }
}

#[test]
fn waking_an_awake_thread_costs_the_thread_waker_twice_what_flag_costs() {
    for (which, figures) in both() {
        let ratio = value(figures, "waker_thread_wake_by_ref") / value(figures, "waker_arc_wake_wake_by_ref");
        assert_eq!(ratio, 2.0, "{which}");
    }
}

// ---- Executors ---------------------------------------------------------------------------------

#[test]
fn futures_block_on_runs_a_task_that_never_yields_in_less_than_a_quarter_of_the_instructions_of_ours() {
    // Stated: less than a quarter (0.22 when measured). Tolerance below: down to 0.15.
    for (which, figures) in both() {
        let ratio = value(figures, "task_futures_block_on") / value(figures, "task_block_on");
        let claim = "futures block_on / chapter 4's block_on, a task that never yields";
        assert!(ratio < 0.25, "{which}: {claim}: {ratio} is not less than a quarter");
        within(which, claim, ratio, 0.15, 0.25);
    }
}

#[test]
fn the_two_block_ons_cost_the_same_per_yield_and_wake_in_the_same_number_of_instructions() {
    // Stated: the same per yield (tolerance: 10%), and the same count per wake, exactly. The
    // page does not claim the two wakes are the same instructions: no listing of them is read.
    for (which, figures) in both() {
        let ratio = value(figures, "task_futures_block_on_per_yield") / value(figures, "task_block_on_per_yield");
        within(which, "per yield, futures block_on / ours", ratio, 0.9, 1.1);
        assert_eq!(value(figures, "task_futures_block_on_wake"), value(figures, "task_block_on_wake"), "{which}");
    }
}

#[test]
fn a_yield_costs_local_pool_and_the_run_queue_eight_to_twelve_times_what_it_costs_block_on() {
    // Stated: eight to twelve times. Tolerance: 7 to 13.
    for (which, figures) in both() {
        let block_on = value(figures, "task_block_on_per_yield");
        for executor in ["local_pool", "run_queue"] {
            let ratio = value(figures, &format!("task_{executor}_per_yield")) / block_on;
            within(which, &format!("{executor} per yield / block_on per yield"), ratio, 7.0, 13.0);
        }
    }
}

#[test]
fn a_wake_through_the_run_queue_costs_about_five_wakes_of_block_on_and_local_pools_between() {
    // Stated: about five times (4.8 when measured; tolerance 4 to 6); LocalPool's wake lies
    // between the two.
    for (which, figures) in both() {
        let block_on = value(figures, "task_block_on_wake");
        let run_queue = value(figures, "task_run_queue_wake");
        let local_pool = value(figures, "task_local_pool_wake");
        within(which, "run-queue wake / block_on wake", run_queue / block_on, 4.0, 6.0);
        assert!(block_on < local_pool && local_pool < run_queue, "{which}");
    }
}

#[test]
fn a_task_costs_the_pools_more_than_a_thousand_instructions_seven_times_our_block_on_at_least() {
    for (which, figures) in both() {
        let block_on = value(figures, "task_block_on");
        for executor in ["local_pool", "run_queue"] {
            let fixed = value(figures, &format!("task_{executor}"));
            assert!(fixed > 1000.0 && fixed > 7.0 * block_on, "{which}: {executor}: {fixed} against {block_on}");
        }
    }
}

// ---- C++20 coroutines -------------------------------------------------------------------------

#[test]
fn each_cpp_resume_is_its_path_through_chapter_8s_actor_and_the_one_jump_of_resume_once() {
    let actor = listings::cpp::asm(
        "ch08-machine-code",
        "cpp/three_awaits.cpp",
        "three_awaits(three_awaits(unsigned long)::_Z12three_awaitsm.Frame*) [clone .actor]",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    // Every resume tests the index (even: a resume, not a destroy), then jumps through the
    // table to the code of the await it resumes from; the ramp ran the first entry, index 0,
    // before any resume.
    for (resume, label) in [(1, ".L7"), (2, ".L6"), (3, ".L5"), (4, ".L4")] {
        // The entry block up to its `je .L2`, which is taken, then the two blocks.
        let mut on_path = path(&actor, &[]);
        on_path.truncate(on_path.iter().position(|i| i == "je .L2").expect("je .L2") + 1);
        on_path.extend(path(&actor, &[".L2", label]).split_off(path(&actor, &[]).len()));
        assert_eq!(on_path.last().map(String::as_str), Some("ret"), "resume {resume}: {on_path:#?}");
        for (which, figures) in both() {
            assert_eq!(
                value(figures, &format!("cpp_resume_{resume}")),
                on_path.len() as f64 + 1.0,
                "{which}: {on_path:#?}"
            );
        }
    }
}

/// The paths of the four polls through chapter 8's `three_awaits` state machine: the entry
/// block's jump table, then whole blocks, since no conditional jump on them is taken.
const THREE_AWAITS_PATHS: [&[&str]; 4] =
    [&[".LBB0_1", ".LBB0_7"], &[".LBB0_5", ".LBB0_6"], &[".LBB0_2", ".LBB0_4"], &[".LBB0_3"]];

#[test]
fn each_rust_poll_of_three_awaits_is_its_path_through_chapter_8s_listing_and_the_noop_wake() {
    let state_machine = listing("ch08-machine-code", "three_awaits::{{closure}}");
    let dead_store = "mov byte ptr [rbx + 32], 0";
    let flag_store = "mov byte ptr [rbx + 32], 1";
    // The future's address comes in `rdi`, which a call may change (psABI §3.2.1), and is kept
    // in the callee-saved `rbx`, saved first, for the stores of the state after the calls.
    let all = path(&state_machine, &[]);
    assert_eq!(&all[..2], ["push rbx", "mov rbx, rdi"], "{state_machine}");
    for (poll, labels) in (1..=4).zip(THREE_AWAITS_PATHS) {
        let on_path = path(&state_machine, labels);
        // Polls 1 to 3 call the leaf's wake through the vtable: `Waker::noop()`'s one `ret`.
        let wake = if poll < 4 { 1.0 } else { 0.0 };
        for (which, figures) in both() {
            assert_eq!(
                value(figures, &format!("three_awaits_poll_{poll}")),
                on_path.len() as f64 + wake,
                "{which}: {on_path:#?}"
            );
        }
        // The dead store: the new `YieldOnce` written, then overwritten by the leaf's poll with
        // nothing between that reads the byte at 32 (the instructions between are a jump, or
        // loads and stores of other offsets).
        let dead = on_path.iter().filter(|i| *i == dead_store).count();
        assert_eq!(dead, if poll < 4 { 1 } else { 0 }, "poll {poll}: {on_path:#?}");
        if dead == 1 {
            let written = on_path.iter().position(|i| i == dead_store).unwrap();
            let overwritten = on_path.iter().position(|i| i == flag_store).unwrap();
            assert!(written < overwritten, "poll {poll}: {on_path:#?}");
            assert!(on_path[written + 1..overwritten].iter().all(|i| !i.contains("[rbx + 32]")), "poll {poll}");
        }
    }
}

#[test]
fn the_cpp_frame_is_larger_than_the_rust_future_and_its_resumes_execute_fewer_instructions_than_the_polls() {
    for (which, figures) in both() {
        assert!(value(figures, "cpp_frame_bytes") > value(figures, "three_awaits_future_bytes"), "{which}");
        assert!(value(figures, "cpp_resume_total") < value(figures, "three_awaits_poll_total"), "{which}");
    }
}
