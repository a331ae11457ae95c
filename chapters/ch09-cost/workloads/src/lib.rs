//! The cost chapter's workloads: each is one unit of work (a future polled a given number of
//! times, a waker cloned, woken by reference and dropped, a task driven to completion by an
//! executor), and each names the functions whose instructions callgrind counts in it.
//!
//! The program `workload` (`src/main.rs`) runs one of them again and again, under callgrind or
//! natively; `chapters/ch09-cost/examples/measure.rs` builds it with the listings' flags, runs
//! it, and writes the chapter's `figures.toml`. This crate depends on nothing but the chapters
//! and `futures`, whose code it measures, so that its optimised build compiles nothing else.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};

use ch03_wakers::{ThreadWaker, clone_of, drop_of, wake_by_ref_of};
use ch04_executors::Executor;
use ch09_cost::{Flag, FlagWakeOnly};
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;

/// Callgrind's name of a function of this crate.
macro_rules! here {
    ($function:literal) => {
        concat!("ch09_cost_workloads::", $function)
    };
}

// ANCHOR: marker
/// Callgrind discards every count made before the program first enters this function
/// (`--zero-before`): the warm-up run before it is not measured.
#[inline(never)]
pub fn start_counting() {
    black_box(());
}

/// Callgrind's name of [`start_counting`].
pub const START_COUNTING: &str = here!("start_counting");
// ANCHOR_END: marker

/// One unit of work, and how many times to repeat it.
pub struct Workload {
    pub name: &'static str,
    pub run: fn(),
    /// Runs under callgrind: the counts are exact, so a few suffice to average what varies
    /// from run to run (an allocator's slow path, a channel's new block).
    pub counted_runs: u32,
    /// Runs per timing: enough for about ten milliseconds on a 2020s CPU.
    pub timed_runs: u32,
}

// ANCHOR: polls
/// Chapter 5's state machine, as chapter 5's crate compiles it: the `poll` of the boxed future
/// that `boxed_two_suspension_points` makes is the resume function of chapter 5's listing.
pub const ASYNC_POLL: &str = "ch05_lowering::two_suspension_points::{{closure}}";
/// The same machine by hand, boxed the same way by this chapter's crate.
pub const BY_HAND_POLL: &str = "<ch09_cost::TwoSuspensionPointsByHand as core::future::future::Future>::poll";

/// A boxed future, as its crate makes it.
type BoxedTask<Output> = Pin<Box<dyn Future<Output = Output>>>;

/// Makes a boxed future and polls it `polls` times with `Waker::noop()`, through its
/// `dyn Future` vtable, as an executor polls a task.
fn poll_times<Output>(make: fn(u64) -> BoxedTask<Output>, polls: usize) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = make(black_box(5));
    for _ in 0..polls {
        let _ = black_box(future.as_mut().poll(&mut cx));
    }
}

fn poll_async<const POLLS: usize>() {
    poll_times(ch05_lowering::boxed_two_suspension_points, POLLS);
}

fn poll_by_hand<const POLLS: usize>() {
    poll_times(ch09_cost::boxed_by_hand, POLLS);
}
// ANCHOR_END: polls

// ANCHOR: three_awaits
/// Chapter 8's `three_awaits`, whose C++20 twin `cpp/resume_three_awaits.cpp` resumes: its
/// state machine, as chapter 8's crate compiles it.
pub const THREE_AWAITS_POLL: &str = "ch08_machine_code::three_awaits::{{closure}}";

fn poll_three_awaits<const POLLS: usize>() {
    poll_times(ch08_machine_code::boxed_three_awaits, POLLS);
}

/// The bytes of chapter 8's `three_awaits` future, which its box allocates.
pub fn three_awaits_size() -> usize {
    size_of_val(&ch08_machine_code::three_awaits(5))
}
// ANCHOR_END: three_awaits

// ANCHOR: wakers
/// One clone, one wake by reference and one drop, each through chapter 3's out-of-line
/// functions, whose own three instructions (two loads and a jump through the vtable) come
/// before each vtable function.
fn exercise(waker: &Waker) {
    let waker = black_box(waker);
    let clone = clone_of(waker);
    wake_by_ref_of(waker);
    drop_of(clone);
}

/// A waker made once per program, kept for every run.
fn kept(cell: &'static OnceLock<Waker>, make: fn() -> Waker) -> &'static Waker {
    cell.get_or_init(make)
}

fn waker_noop() {
    exercise(Waker::noop());
}

fn waker_by_hand() {
    static WAKER: OnceLock<Waker> = OnceLock::new();
    exercise(kept(&WAKER, ch03_wakers::noop_waker));
}

fn waker_arc_wake() {
    static WAKER: OnceLock<Waker> = OnceLock::new();
    exercise(kept(&WAKER, || ch09_cost::flag_waker(Arc::new(Flag::default()))));
}

fn waker_arc_wake_only() {
    static WAKER: OnceLock<Waker> = OnceLock::new();
    exercise(kept(&WAKER, || ch09_cost::flag_wake_only_waker(Arc::new(FlagWakeOnly::default()))));
}

/// Chapter 3's `ThreadWaker`: raise a flag, unpark the thread. The thread is this one, awake,
/// so `unpark` never needs the system call that wakes a sleeping thread.
fn waker_thread() {
    static WAKER: OnceLock<Waker> = OnceLock::new();
    exercise(kept(&WAKER, || ch03_wakers::thread_waker(ThreadWaker::current())));
}
// ANCHOR_END: wakers

// ANCHOR: tasks
/// Pending once; before saying so it wakes its task through chapter 3's `wake_by_ref_of`, the
/// function the executors' table counts as "the wake".
#[derive(Default)]
struct Yield {
    yielded: bool,
}

impl Future for Yield {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        wake_by_ref_of(cx.waker());
        Poll::Pending
    }
}

/// The task every executor runs: it yields `yields` times, then returns.
async fn task(yields: u32) {
    for _ in 0..yields {
        Yield::default().await;
    }
}

/// Chapter 4's `block_on`: a waker with a flag, made for each call.
#[inline(never)]
fn drive_block_on(yields: u32) {
    ch04_executors::block_on(task(yields));
}

/// `futures::executor::block_on`: a thread-local waker, lent to the task without a count.
#[inline(never)]
fn drive_futures_block_on(yields: u32) {
    futures::executor::block_on(task(yields));
}

/// `futures::executor::LocalPool`: a pool made, one task spawned, run until none is left.
#[inline(never)]
fn drive_local_pool(yields: u32) {
    let mut pool = LocalPool::new();
    pool.spawner().spawn_local(task(yields)).expect("the pool is alive");
    pool.run();
}

/// Chapter 4's run queue: an executor made, one task spawned, run until none is left.
#[inline(never)]
fn drive_run_queue(yields: u32) {
    let executor = Executor::new();
    executor.spawn(task(yields));
    executor.run();
}

/// The yields of the task in the workloads that yield.
pub const YIELDS: u32 = 100;

fn on_block_on<const YIELDS: u32>() {
    drive_block_on(black_box(YIELDS));
}

fn on_futures_block_on<const YIELDS: u32>() {
    drive_futures_block_on(black_box(YIELDS));
}

fn on_local_pool<const YIELDS: u32>() {
    drive_local_pool(black_box(YIELDS));
}

fn on_run_queue<const YIELDS: u32>() {
    drive_run_queue(black_box(YIELDS));
}
// ANCHOR_END: tasks

pub const WORKLOADS: &[Workload] = &[
    Workload { name: "poll-async-1", run: poll_async::<1>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-async-2", run: poll_async::<2>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-async-3", run: poll_async::<3>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-by-hand-1", run: poll_by_hand::<1>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-by-hand-2", run: poll_by_hand::<2>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-by-hand-3", run: poll_by_hand::<3>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-three-awaits-1", run: poll_three_awaits::<1>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-three-awaits-2", run: poll_three_awaits::<2>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-three-awaits-3", run: poll_three_awaits::<3>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "poll-three-awaits-4", run: poll_three_awaits::<4>, counted_runs: 100, timed_runs: 200_000 },
    Workload { name: "waker-noop", run: waker_noop, counted_runs: 100, timed_runs: 500_000 },
    Workload { name: "waker-by-hand", run: waker_by_hand, counted_runs: 100, timed_runs: 500_000 },
    Workload { name: "waker-arc-wake", run: waker_arc_wake, counted_runs: 100, timed_runs: 500_000 },
    Workload { name: "waker-arc-wake-only", run: waker_arc_wake_only, counted_runs: 100, timed_runs: 500_000 },
    Workload { name: "waker-thread", run: waker_thread, counted_runs: 100, timed_runs: 500_000 },
    Workload { name: "task-block-on-0", run: on_block_on::<0>, counted_runs: 100, timed_runs: 20_000 },
    Workload { name: "task-block-on-100", run: on_block_on::<YIELDS>, counted_runs: 10, timed_runs: 2_000 },
    Workload { name: "task-futures-block-on-0", run: on_futures_block_on::<0>, counted_runs: 100, timed_runs: 20_000 },
    Workload {
        name: "task-futures-block-on-100",
        run: on_futures_block_on::<YIELDS>,
        counted_runs: 10,
        timed_runs: 2_000,
    },
    Workload { name: "task-local-pool-0", run: on_local_pool::<0>, counted_runs: 100, timed_runs: 20_000 },
    Workload { name: "task-local-pool-100", run: on_local_pool::<YIELDS>, counted_runs: 10, timed_runs: 2_000 },
    Workload { name: "task-run-queue-0", run: on_run_queue::<0>, counted_runs: 100, timed_runs: 20_000 },
    Workload { name: "task-run-queue-100", run: on_run_queue::<YIELDS>, counted_runs: 10, timed_runs: 2_000 },
];

/// A figure callgrind counts: the instructions executed inside `function` while `workload`
/// runs, per run.
pub struct Counted {
    pub name: &'static str,
    pub workload: &'static str,
    pub function: &'static str,
}

/// The wakers of the waker table: the name of their figures, how the page calls them, and the
/// workload that exercises them.
pub const WAKERS: [(&str, &str, &str); 5] = [
    ("noop", "`Waker::noop()`", "waker-noop"),
    ("by_hand", "chapter 3's `noop_waker()`", "waker-by-hand"),
    ("arc_wake", "`Flag` (`Arc` + `Wake`)", "waker-arc-wake"),
    ("arc_wake_only", "`FlagWakeOnly` (default `wake_by_ref`)", "waker-arc-wake-only"),
    ("thread", "chapter 3's `ThreadWaker`", "waker-thread"),
];

pub const WAKER_OPERATIONS: [(&str, &str); 3] = [
    ("clone", "ch03_wakers::clone_of"),
    ("wake_by_ref", "ch03_wakers::wake_by_ref_of"),
    ("drop", "ch03_wakers::drop_of"),
];

/// The executors of the executor table: the name of their figures, how the page calls them, the
/// workloads that drive them (`-0` and `-100` yields), and the function callgrind counts in.
pub const EXECUTORS: [(&str, &str, &str, &str); 4] = [
    ("block_on", "chapter 4's `block_on`", "task-block-on", here!("drive_block_on")),
    ("futures_block_on", "`futures`' `block_on`", "task-futures-block-on", here!("drive_futures_block_on")),
    ("local_pool", "`futures`' `LocalPool`", "task-local-pool", here!("drive_local_pool")),
    ("run_queue", "chapter 4's run queue", "task-run-queue", here!("drive_run_queue")),
];

/// Every figure callgrind counts, by name.
pub fn counted() -> Vec<Counted> {
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let mut all = Vec::new();
    for polls in 1..=3 {
        for (machine, workload, function) in
            [("async", "poll-async", ASYNC_POLL), ("by_hand", "poll-by-hand", BY_HAND_POLL)]
        {
            all.push(Counted {
                name: leak(format!("count_poll_{machine}_{polls}_polls")),
                workload: leak(format!("{workload}-{polls}")),
                function,
            });
        }
    }
    for polls in 1..=4 {
        all.push(Counted {
            name: leak(format!("count_poll_three_awaits_{polls}_polls")),
            workload: leak(format!("poll-three-awaits-{polls}")),
            function: THREE_AWAITS_POLL,
        });
    }
    for (waker, _, workload) in WAKERS {
        for (operation, function) in WAKER_OPERATIONS {
            all.push(Counted { name: leak(format!("waker_{waker}_{operation}")), workload, function });
        }
    }
    for (executor, _, workload, function) in EXECUTORS {
        for yields in [0, YIELDS] {
            all.push(Counted {
                name: leak(format!("count_task_{executor}_{yields}")),
                workload: leak(format!("{workload}-{yields}")),
                function,
            });
        }
        all.push(Counted {
            name: leak(format!("count_task_{executor}_{YIELDS}_wakes")),
            workload: leak(format!("{workload}-{YIELDS}")),
            function: "ch03_wakers::wake_by_ref_of",
        });
    }
    all
}

// ANCHOR: states
/// The least a machine written by hand keeps for a future with one suspension point: its
/// arguments before the first poll; while suspended, the locals still needed and the future it
/// awaits; nothing once it has returned. The tag says which.
#[allow(dead_code, reason = "only the size of these states is measured")]
pub enum OneAwait<Arguments, Kept, Awaitee> {
    Start(Arguments),
    Suspended(Kept, Awaitee),
    Done,
}

/// The same for two suspension points.
#[allow(dead_code, reason = "only the size of these states is measured")]
pub enum TwoAwaits<Arguments, Kept0, Awaitee0, Kept1, Awaitee1> {
    Start(Arguments),
    Suspended0(Kept0, Awaitee0),
    Suspended1(Kept1, Awaitee1),
    Done,
}

/// `TwoAwaits` around two awaits of the same future type, whose size is all that is known of it.
fn two_awaits_of<F>(_: &F) -> usize {
    size_of::<TwoAwaits<(), (), F, u8, F>>()
}

// ANCHOR_END: states

/// A future of the book, the bytes rustc gives it, the bytes a hand-written machine needs, and
/// where the difference goes.
pub struct Size {
    pub future: &'static str,
    pub name: &'static str,
    pub rustc: usize,
    pub by_hand: usize,
    pub why: &'static str,
}

/// The byte a coroutine's tag takes where an enum of the same states needs none: rustc hides
/// the enum's tag in values the awaited `YieldOnce`'s `bool` never takes (`tests/sizes.rs`
/// shows it: with an awaitee that has no such values the enum is a byte larger).
const TAG: &str = "the tag";

pub fn sizes() -> Vec<Size> {
    use ch01_the_experiment::DummyFuture;
    use ch05_lowering::{self as ch05, YieldOnce};
    let kilobyte = [0u8; 1024];
    vec![
        Size {
            future: "`hello_world` (chapter 1)",
            name: "hello_world",
            rustc: size_of_val(&ch01_the_experiment::hello_world()),
            by_hand: size_of::<OneAwait<(), (), DummyFuture>>(),
            why: "",
        },
        Size {
            future: "`two_suspension_points`",
            name: "two_suspension_points",
            rustc: size_of_val(&ch05::two_suspension_points(5)),
            by_hand: size_of::<TwoAwaits<u64, u64, YieldOnce, (u64, u64), YieldOnce>>(),
            why: "the argument twice; the prefix's padding",
        },
        Size {
            future: "`buffer_held_across_await`",
            name: "buffer_held_across_await",
            rustc: size_of_val(&ch05::buffer_held_across_await()),
            by_hand: size_of::<OneAwait<(), [u8; 1024], YieldOnce>>(),
            why: TAG,
        },
        Size {
            future: "`buffer_in_block_before_await`",
            name: "buffer_in_block_before_await",
            rustc: size_of_val(&ch05::buffer_in_block_before_await()),
            by_hand: size_of::<OneAwait<(), u8, YieldOnce>>(),
            why: TAG,
        },
        Size {
            future: "`buffer_borrowed_then_dropped_before_await`",
            name: "buffer_borrowed_then_dropped_before_await",
            rustc: size_of_val(&ch05::buffer_borrowed_then_dropped_before_await()),
            by_hand: size_of::<OneAwait<(), u8, YieldOnce>>(),
            why: "the borrowed buffer; the tag",
        },
        Size {
            future: "`buffer_read_without_borrow_before_await`",
            name: "buffer_read_without_borrow_before_await",
            rustc: size_of_val(&ch05::buffer_read_without_borrow_before_await()),
            by_hand: size_of::<OneAwait<(), u8, YieldOnce>>(),
            why: TAG,
        },
        Size {
            future: "`two_big_awaits_in_sequence`",
            name: "two_big_awaits_in_sequence",
            rustc: size_of_val(&ch05::two_big_awaits_in_sequence()),
            by_hand: two_awaits_of(&ch05::buffer_held_across_await()),
            why: "",
        },
        Size {
            future: "`argument_counted_twice`",
            name: "argument_counted_twice",
            rustc: size_of_val(&ch05::argument_counted_twice(kilobyte)),
            by_hand: size_of::<OneAwait<[u8; 1024], [u8; 1024], YieldOnce>>(),
            why: "the argument twice; the tag",
        },
    ]
}

/// The workload of that name, or an error listing the names there are.
pub fn workload_named(name: &str) -> Result<&'static Workload, String> {
    WORKLOADS.iter().find(|w| w.name == name).ok_or_else(|| {
        let names: Vec<&str> = WORKLOADS.iter().map(|w| w.name).collect();
        format!("no workload `{name}`; the workloads are: {}", names.join(", "))
    })
}
