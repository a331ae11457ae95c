//! The page's section "The coop budget: a ready channel that answers `Pending`", checked on
//! tokio as `Cargo.lock` pins it: a task may receive 128 messages per poll and no more, the 129th
//! `recv` answers `Pending` with messages queued, `unconstrained` lifts the limit (the
//! why-experiment), and the wake of a task out of budget, like `yield_now`'s, is deferred until
//! the other ready tasks have run. Every run is one thread and explicit counters: nothing here
//! depends on the clock.

mod coop_source;

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use ch12_tokio::coop::{YieldByWake, receive};
use coop_source::assert_cited;
use listings::{AsmOptions, Crate, Stage, assert_asm_snapshot, assert_stage_snapshot};
use tokio::sync::mpsc;

const MESSAGES: usize = 1000;

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().unwrap()
}

/// A channel with `MESSAGES` messages queued and its sender, kept alive so that the channel stays open.
fn full_channel() -> (mpsc::Sender<u32>, mpsc::Receiver<u32>) {
    let (tx, rx) = mpsc::channel(MESSAGES);
    for message in 0..MESSAGES as u32 {
        tx.try_send(message).unwrap();
    }
    (tx, rx)
}

/// Polls `rx` until it answers anything but a message, in one poll of the task: how many
/// messages came first, and what the last answer was.
async fn receive_in_one_poll(rx: &mut mpsc::Receiver<u32>) -> (usize, Poll<Option<u32>>) {
    poll_fn(|cx| {
        let mut received = 0;
        loop {
            match rx.poll_recv(cx) {
                Poll::Ready(Some(_)) => received += 1,
                other => return Poll::Ready((received, other)),
            }
        }
    })
    .await
}

#[test]
fn coop_a_ready_channel_answers_pending_after_128_messages_in_one_poll() {
    current_thread().block_on(async {
        let (_tx, mut rx) = full_channel();
        let (received, answer) = receive_in_one_poll(&mut rx).await;
        assert_eq!(received, 128);
        assert!(answer.is_pending(), "{answer:?}");
        assert_eq!(rx.len(), MESSAGES - 128, "the rest are queued: the channel was ready");
    });
    // Where 128 comes from, and who spends it: each poll of a task runs with a fresh budget, and
    // each `recv` that can proceed takes one unit of it.
    assert_cited("src/task/coop/mod.rs", 116, "Budget(Some(128))");
    assert_cited("src/runtime/scheduler/current_thread/mod.rs", 392, "crate::task::coop::budget(|| {");
    assert_cited(
        "src/runtime/scheduler/current_thread/mod.rs",
        830,
        "crate::task::coop::budget(|| future.as_mut().poll(&mut cx))",
    );
    assert_cited("src/sync/mpsc/chan.rs", 311, "let coop = ready!(crate::task::coop::poll_proceed(cx));");
}

#[test]
fn coop_why_unconstrained_lets_one_poll_take_every_message() {
    current_thread().block_on(async {
        let (_tx, mut rx) = full_channel();
        let (received, answer) = tokio::task::coop::unconstrained(receive_in_one_poll(&mut rx)).await;
        assert_eq!(received, MESSAGES);
        assert!(answer.is_pending(), "now Pending because the queue is empty: {answer:?}");
        assert_eq!(rx.len(), 0);
    });
    assert_cited("src/task/coop/unconstrained.rs", 25, "crate::task::coop::with_unconstrained(|| inner.poll(cx))");
    assert_cited("src/task/coop/mod.rs", 121, "Budget(None)");
}

/// Wraps a future and writes down, at each of its polls, how many messages the poll took: the
/// sender's free capacity grows by one for each message received.
struct MessagesPerPoll<'a, F> {
    inner: Pin<Box<F>>,
    tx: &'a mpsc::Sender<u32>,
    per_poll: Vec<usize>,
}

impl<F: Future> Future for MessagesPerPoll<'_, F> {
    type Output = Vec<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<usize>> {
        let before = self.tx.capacity();
        let answer = self.inner.as_mut().poll(cx);
        let taken = self.tx.capacity() - before;
        self.per_poll.push(taken);
        answer.map(|_| std::mem::take(&mut self.per_poll))
    }
}

fn messages_per_poll(unconstrained: bool) -> Vec<usize> {
    current_thread().block_on(async {
        let (tx, mut rx) = full_channel();
        let all = receive(&mut rx, MESSAGES);
        if unconstrained {
            MessagesPerPoll { inner: Box::pin(tokio::task::coop::unconstrained(all)), tx: &tx, per_poll: Vec::new() }
                .await
        } else {
            MessagesPerPoll { inner: Box::pin(all), tx: &tx, per_poll: Vec::new() }.await
        }
    })
}

/// [`messages_per_poll`] as a task of a multi-thread runtime's one worker.
fn messages_per_poll_on_a_worker() -> Vec<usize> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    runtime.block_on(async {
        tokio::spawn(async {
            let (tx, mut rx) = full_channel();
            MessagesPerPoll { inner: Box::pin(receive(&mut rx, MESSAGES)), tx: &tx, per_poll: Vec::new() }.await
        })
        .await
        .unwrap()
    })
}

#[test]
fn coop_a_multi_thread_worker_gives_a_task_it_takes_from_its_queue_a_fresh_128() {
    assert_eq!(messages_per_poll_on_a_worker(), [128, 128, 128, 128, 128, 128, 128, 104]);
    assert_cited("src/runtime/scheduler/multi_thread/worker.rs", 696, "coop::budget(|| {");
    // Its deferred wakes: a list per worker, woken when the worker finds no task to run.
    assert_cited("src/runtime/scheduler/multi_thread/worker.rs", 257, "pub(crate) defer: Defer,");
    assert_cited("src/runtime/scheduler/multi_thread/worker.rs", 616, "core = if !self.defer.is_empty() {");
}

/// Takes messages from `rx` in one poll of the task, `limit` at most: how many came before the
/// limit or the first answer that was not a message.
async fn receive_at_most(rx: &mut mpsc::Receiver<u32>, limit: usize) -> usize {
    poll_fn(|cx| {
        let mut received = 0;
        while received < limit {
            match rx.poll_recv(cx) {
                Poll::Ready(Some(_)) => received += 1,
                _ => break,
            }
        }
        Poll::Ready(received)
    })
    .await
}

#[test]
fn coop_a_task_run_from_the_lifo_slot_gets_what_the_task_before_it_left_of_the_128() {
    // One worker. Task `a` takes 100 messages in one poll, then wakes task `b` (which goes to the
    // worker's LIFO slot) and ends its poll `Pending`. The worker runs `b` at once, inside the same
    // budget: `b` spends one unit on the oneshot that woke it and gets 27 messages, 128 - 100 - 1.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_time().build().unwrap();
    let (a, b) = runtime.block_on(async {
        let both = tokio::spawn(async {
            let (wake_b, woken) = tokio::sync::oneshot::channel::<()>();
            let b = tokio::spawn(async move {
                woken.await.unwrap();
                let (_tx, mut rx) = full_channel();
                receive_at_most(&mut rx, MESSAGES).await
            });
            tokio::task::yield_now().await; // `b` runs until it waits on the oneshot
            let (release_a, released) = tokio::sync::oneshot::channel::<()>();
            let a = tokio::spawn(async move {
                let (_tx, mut rx) = full_channel();
                let got = receive_at_most(&mut rx, 100).await;
                wake_b.send(()).unwrap(); // `b` is scheduled from this worker: the LIFO slot
                let _ = released.await; // and `a`'s poll ends `Pending`
                got
            });
            let b = b.await.unwrap();
            release_a.send(()).unwrap();
            (a.await.unwrap(), b)
        });
        tokio::time::timeout(std::time::Duration::from_secs(10), both).await.expect("bounded").unwrap()
    });
    assert_eq!((a, b), (100, 27));
    // "Tasks from the LIFO slot inherit the 'parent''s limits": one budget for the task taken from
    // the queue and the LIFO tasks run after it, each checked only for budget left before it runs.
    assert_cited("src/runtime/scheduler/multi_thread/worker.rs", 681, "Tasks from the LIFO slot");
    assert_cited("src/runtime/scheduler/multi_thread/worker.rs", 682, "inherit the \"parent\"'s limits");
    assert_cited("src/runtime/scheduler/multi_thread/worker.rs", 1407, "core.lifo_slot = Some(task);");
    assert_cited("src/runtime/scheduler/multi_thread/worker.rs", 737, "if !coop::has_budget_remaining() {");
}

#[test]
fn coop_a_recv_that_answers_pending_gives_its_unit_back() {
    current_thread().block_on(async {
        let (_empty_tx, mut empty) = mpsc::channel::<u32>(1);
        let (_tx, mut rx) = full_channel();
        let received = poll_fn(|cx| {
            // 500 polls of an empty channel: each takes a unit and, answering `Pending`, gives it back.
            for _ in 0..500 {
                assert!(empty.poll_recv(cx).is_pending());
            }
            let mut received = 0;
            while let Poll::Ready(Some(_)) = rx.poll_recv(cx) {
                received += 1;
            }
            Poll::Ready(received)
        })
        .await;
        assert_eq!(received, 128, "the whole budget is left after 500 empty recvs");
    });
    // `poll_proceed` hands out a `RestoreOnPending` holding the budget as it was; its drop writes
    // that back unless `made_progress` was called, which `recv` does only when it returns `Ready`.
    assert_cited("src/task/coop/mod.rs", 278, "impl Drop for RestoreOnPending {");
    assert_cited("src/task/coop/mod.rs", 284, "context::budget(|cell| {");
    assert_cited("src/task/coop/mod.rs", 274, "self.0.set(Budget::unconstrained());");
    assert_cited("src/sync/mpsc/chan.rs", 321, "coop.made_progress();");
    assert_cited(
        "src/task/coop/mod.rs",
        363,
        ".unwrap_or(Poll::Ready(RestoreOnPending::new(Budget::unconstrained())))",
    );
}

#[test]
fn coop_receiving_1000_queued_messages_takes_8_polls_of_128_and_a_last_of_104() {
    let per_poll = messages_per_poll(false);
    assert_eq!(per_poll, [128, 128, 128, 128, 128, 128, 128, 104]);
    assert_eq!(per_poll.iter().sum::<usize>(), MESSAGES);
    // unconstrained: one poll takes them all.
    assert_eq!(messages_per_poll(true), [MESSAGES]);
}

type Log = Arc<Mutex<Vec<String>>>;

fn note(log: &Log, what: impl Into<String>) {
    log.lock().unwrap().push(what.into());
}

/// Two tasks, each draining a full channel of its own, on one thread: the order of their polls.
fn two_busy_tasks(unconstrained: bool) -> Vec<String> {
    let log = Log::default();
    current_thread().block_on(async {
        let mut handles = Vec::new();
        for name in ["a", "b"] {
            let log = Arc::clone(&log);
            handles.push(tokio::spawn(async move {
                let (tx, mut rx) = full_channel();
                let all = receive(&mut rx, MESSAGES);
                let counted = MessagesPerPoll { inner: Box::pin(all), tx: &tx, per_poll: Vec::new() };
                let counted = Logged { inner: Box::pin(counted), name, log: &log };
                if unconstrained { tokio::task::coop::unconstrained(counted).await } else { counted.await }
            }));
        }
        for handle in handles {
            handle.await.unwrap();
        }
    });
    Arc::try_unwrap(log).unwrap().into_inner().unwrap()
}

/// Writes `name: n` into the log for each poll of a [`MessagesPerPoll`].
struct Logged<'a, F> {
    inner: Pin<Box<F>>,
    name: &'static str,
    log: &'a Log,
}

impl<'a, 't, G: Future> Future for Logged<'a, MessagesPerPoll<'t, G>> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let answer = self.inner.as_mut().poll(cx);
        let taken = match &answer {
            Poll::Ready(per_poll) => *per_poll.last().unwrap(),
            Poll::Pending => *self.inner.per_poll.last().unwrap(),
        };
        note(self.log, format!("{}: {taken}", self.name));
        answer.map(|_| ())
    }
}

#[test]
fn coop_two_busy_tasks_on_one_thread_take_turns_of_128_messages() {
    let turns = two_busy_tasks(false);
    // Each turn of two polls: each task takes 128 messages (104 at the last), and the deferred
    // wakes come back last in, first out, so that the order of the two flips at every turn.
    let expected: Vec<String> = (0..8)
        .flat_map(|turn| {
            let order = if turn % 2 == 0 { ["a", "b"] } else { ["b", "a"] };
            order.map(|name| format!("{name}: {}", if turn < 7 { 128 } else { 104 }))
        })
        .collect();
    assert_eq!(turns, expected);
    assert_cited("src/runtime/scheduler/defer.rs", 33, "while let Some(waker) = self.deferred.borrow_mut().pop() {");
    // Without the budget, the first task takes the thread until its channel is empty.
    assert_eq!(two_busy_tasks(true), ["a: 1000", "b: 1000"]);
    // Out of budget, the task's wake is deferred, as `yield_now`'s is (below).
    assert_cited("src/task/coop/mod.rs", 397, "context::defer(cx.waker());");
}

// ---- The budget in machine code ---------------------------------------------------------------

#[test]
fn coop_poll_recv_reads_the_budget_from_a_thread_local_and_at_zero_registers_and_returns_pending_2() {
    let listing = listings::asm(env!("CARGO_PKG_NAME"), "poll_recv_once", &AsmOptions::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    // The runtime's thread-local context, found through the TLS descriptor of tokio's `CONTEXT`.
    let tls =
        code.iter().position(|(_, operands)| operands.contains("tokio::runtime::context::CONTEXT")).expect("CONTEXT");
    assert!(code[tls..].iter().take(6).any(|&i| i == ("call", "__tls_get_addr@PLT")), "{listing}");
    // The thread-local's own state byte, std's eager `State` (0 initial, 1 alive, 2 destroyed):
    // destroyed, the budget is taken as `None` (tag 0 in `ebp`), unconstrained.
    let state = code[tls..].iter().position(|&i| i == ("movzx", "ecx, byte ptr [rax + 72]")).expect("the state") + tls;
    assert_eq!(
        code[state + 1..state + 7],
        [
            ("cmp", "ecx, 1"),
            ("je", ".LBB0_2"),
            ("cmp", "ecx, 2"),
            ("jne", ".LBB0_1"),
            ("xor", "ebp, ebp"),
            ("xor", "r15d, r15d")
        ],
        "{listing}"
    );
    assert_cited("src/runtime/context.rs", 141, "CONTEXT.try_with(|ctx| f(&ctx.budget))");
    // The budget, an `Option<u8>`: its tag at 68 (1 = `Some`), its count at 69. `None`
    // (unconstrained) skips the check; a count of 0 jumps to `.LBB0_11`; else count - 1 is stored.
    let check = [
        ("movzx", "ebp, byte ptr [rax + 68]"),
        ("movzx", "r15d, byte ptr [rax + 69]"),
        ("mov", "ecx, r15d"),
        ("cmp", "bpl, 1"),
        ("jne", ".LBB0_3"),
        ("test", "r15b, r15b"),
        ("je", ".LBB0_11"),
        ("lea", "ecx, [r15 - 1]"),
    ];
    assert_eq!(listing.block(".LBB0_2").unwrap(), check, "{listing}");
    assert_eq!(listing.block(".LBB0_3").unwrap()[0], ("mov", "byte ptr [rax + 69], cl"), "{listing}");
    // At zero: the task's waker goes to `register_waker` (the deferred list), and the function
    // returns 2 in `eax` without reading the channel: `Poll::Pending` of a `Poll<Option<u32>>`.
    let out_of_budget = listing.block(".LBB0_11").unwrap();
    assert_eq!(
        out_of_budget[..2],
        [("mov", "rdi, r14"), ("call", "qword ptr [rip + tokio::task::coop::register_waker@GOTPCREL]")]
    );
    assert!(out_of_budget.contains(&("mov", "ebp, 2")), "{listing}");
    assert!(!out_of_budget.iter().any(|(_, operands)| operands.contains("pop")), "no pop of the queue on this path");
    assert_eq!(listing.block(".LBB0_9").unwrap()[..2], [("mov", "eax, ebp"), ("mov", "edx, ebx")]);
    assert_eq!(listing.block(".LBB0_6").unwrap()[0], ("mov", "ebx, edx"), "the message, from pop's edx");
    let pending: [u32; 2] = unsafe { std::mem::transmute(Poll::<Option<u32>>::Pending) };
    assert_eq!(pending[0], 2, "Poll<Option<u32>>'s tag for Pending, on this compiler");
    // `Ready(None)` and `Ready(Some(_))` keep `Option`'s own tags, 0 and 1; `Pending` takes the next.
    let none: [u32; 2] = unsafe { std::mem::transmute(Poll::<Option<u32>>::Ready(None)) };
    let some: [u32; 2] = unsafe { std::mem::transmute(Poll::Ready(Some(7u32))) };
    assert_eq!((none[0], some), (0, [1, 7]));
    // The refund: `.LBB0_4` saves the budget as it was (tag, count) in the `RestoreOnPending` at
    // `[rsp + 2]`; a message (`.LBB0_7`) sets its tag to 0, `None`, which is `made_progress`; the
    // drop at `.LBB0_8` writes the saved budget back unless that tag is 0. The path where both
    // `pop`s found nothing and the channel is open goes from `.LBB0_10` to `.LBB0_8` without
    // `.LBB0_7`: the unit is given back.
    assert_eq!(
        listing.block(".LBB0_4").unwrap()[..2],
        [("mov", "byte ptr [rsp + 2], bpl"), ("mov", "byte ptr [rsp + 3], r15b")],
        "{listing}"
    );
    assert_eq!(listing.block(".LBB0_7").unwrap()[0], ("mov", "byte ptr [rsp + 2], 0"), "{listing}");
    assert_eq!(
        listing.block(".LBB0_8").unwrap(),
        [
            ("lea", "rdi, [rsp + 2]"),
            ("call", "qword ptr [rip + <tokio::task::coop::RestoreOnPending as core::ops::drop::Drop>::drop@GOTPCREL]")
        ],
        "{listing}"
    );
    assert_eq!(listing.block(".LBB0_10").unwrap(), [("jmp", ".LBB0_8")], "{listing}");
    // The two other drops, of `[rsp + 5]` with tag 0: the unconstrained `RestoreOnPending` that
    // `unwrap_or`'s argument builds whether or not it is used.
    let eager = [("mov", "byte ptr [rsp + 6], 0"), ("mov", "word ptr [rsp + 4], 0"), ("lea", "rdi, [rsp + 5]")];
    assert_eq!(listing.block(".LBB0_3").unwrap()[1..4], eager, "{listing}");
    assert_eq!(listing.block(".LBB0_11").unwrap()[2..5], eager, "{listing}");
    // With budget, the channel's own code: pop, register the waker, pop again.
    let calls: Vec<&str> = listing
        .calls()
        .into_iter()
        .filter(|call| call.contains("Rx<T>::pop") || call.contains("register_by_ref"))
        .collect();
    assert_eq!(
        calls,
        [
            "tokio::sync::mpsc::list::Rx<T>::pop",
            "qword ptr [rip + tokio::sync::task::atomic_waker::AtomicWaker::register_by_ref@GOTPCREL]",
            "tokio::sync::mpsc::list::Rx<T>::pop",
        ],
        "{listing}"
    );
    assert_cited("src/sync/mpsc/chan.rs", 338, "try_recv!();");
    assert_cited("src/sync/mpsc/chan.rs", 340, "self.inner.rx_waker.register_by_ref(cx.waker());");
    assert_cited("src/sync/mpsc/chan.rs", 345, "try_recv!();");
    assert_asm_snapshot!("coop_poll_recv_once", listing);

    // The type the two bytes belong to.
    assert_cited("src/task/coop/mod.rs", 97, "pub(crate) struct Budget(Option<u8>);");
    let krate = Crate::chapter_with_dependencies(env!("CARGO_PKG_NAME")).unwrap_or_else(|e| panic!("{e}"));
    let budget =
        listings::stage_of(&krate, Stage::TypeSizes, "tokio::task::coop::Budget").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        budget.text.starts_with("type: `tokio::task::coop::Budget`: 2 bytes, alignment: 1 bytes\n"),
        "{}",
        budget.text
    );
    assert_stage_snapshot!("coop_budget", budget);
}

// ---- yield_now ----------------------------------------------------------------------------------

/// Task `a` yields once with `yield_now` or with a plain wake; task `b`, queued behind it, spawns
/// task `c`. The order in which the three run.
fn yield_order(deferred: bool) -> Vec<String> {
    let log = Log::default();
    current_thread().block_on(async {
        let a = {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                note(&log, "a, before its yield");
                if deferred {
                    tokio::task::yield_now().await;
                } else {
                    YieldByWake::default().await;
                }
                note(&log, "a, after its yield");
            })
        };
        let b = {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                note(&log, "b, which spawns c");
                let log = Arc::clone(&log);
                tokio::spawn(async move { note(&log, "c") }).await.unwrap();
            })
        };
        a.await.unwrap();
        b.await.unwrap();
    });
    Arc::try_unwrap(log).unwrap().into_inner().unwrap()
}

#[test]
fn coop_yield_now_runs_again_after_a_task_spawned_after_its_yield() {
    assert_eq!(yield_order(true), ["a, before its yield", "b, which spawns c", "c", "a, after its yield"]);
    assert_cited("src/task/yield_now.rs", 55, "context::defer(cx.waker());");
    // The deferred wakers wait in a list of the scheduler's; the current-thread runtime wakes them
    // when its run queue is empty, after it has polled its drivers without blocking.
    assert_cited("src/runtime/scheduler/defer.rs", 25, "deferred.push(waker.clone());");
    assert_cited("src/runtime/scheduler/current_thread/mod.rs", 855, "core = if context.has_pending_work(&core) {");
    assert_cited("src/runtime/scheduler/current_thread/mod.rs", 879, "core = context.park_yield(core, handle);");
    assert_cited("src/runtime/scheduler/current_thread/mod.rs", 473, "self.defer.wake();");
    // tokio's reason for deferring, in the comment above the call.
    assert_cited("src/task/yield_now.rs", 49, "Don't wake the task immediately, as that would push it right back");
    assert_cited("src/task/yield_now.rs", 50, "polled again before other tasks");
    assert_cited("src/task/yield_now.rs", 51, "or the IO/timer driver get a chance to run.");
    // And its documentation: the order is not guaranteed, and may change in any release.
    assert_cited("src/task/yield_now.rs", 15, "## Non-guarantees");
    assert_cited("src/task/yield_now.rs", 19, "has another branch complete during the same poll as the");
    assert_cited("src/task/yield_now.rs", 25, "the runtime may choose to poll the task that just ran");
    assert_cited("src/task/yield_now.rs", 32, "changes to the order in which the runtime polls tasks is not");
    assert_cited("src/task/yield_now.rs", 33, "considered a breaking change");
    // `event_interval`: a `Builder` setting, 61 by default.
    assert_cited("src/runtime/builder.rs", 283, "const EVENT_INTERVAL: u32 = 61;");
    assert_cited("src/runtime/builder.rs", 1312, "pub fn event_interval(&mut self, val: u32) -> &mut Self {");
}

#[test]
fn coop_why_a_yield_that_wakes_at_once_runs_again_before_that_task() {
    assert_eq!(yield_order(false), ["a, before its yield", "b, which spawns c", "a, after its yield", "c"]);
    // A task woken during its own poll is scheduled again when the poll returns, at the back.
    assert_cited("src/runtime/task/harness.rs", 161, ".yield_now(Notified(self.get_new_task()));");
    assert_cited("src/runtime/scheduler/current_thread/mod.rs", 356, "self.tasks.push_back(task);");
}
