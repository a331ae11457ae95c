//! The section "tokio's waker": its four functions in machine code (tokio's own library,
//! compiled with the listings' flags), the task vtable's slots they jump through, and what
//! `wake_by_ref` does to the state word and to the run queue of the current-thread scheduler.

mod task_support;
use task_support::{bounded, current_thread};

use std::future::poll_fn;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use ch12_tokio::task::{StateWord, bits, own_state, state_of};
use listings::{AsmListing, AsmOptions, Crate, Stage};

fn tokio_asm(function: &str, data: bool) -> AsmListing {
    let options = AsmOptions { data, ..Default::default() };
    listings::package_asm("tokio", &format!("tokio::runtime::task::waker::{function}"), &options)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn has(listing: &AsmListing, line: &str) -> bool {
    listing
        .to_string()
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == line.split_whitespace().collect::<Vec<_>>())
}

fn assert_lines(listing: &AsmListing, lines: &[&str]) {
    for line in lines {
        assert!(has(listing, line), "no `{line}` in\n{listing}");
    }
}

#[test]
fn waker_clone_adds_one_reference_64_to_the_state_word_and_returns_the_one_static_vtable() {
    let clone = tokio_asm("clone_waker", true);
    assert_lines(
        &clone,
        &[
            "mov eax, 64",
            "lock xadd qword ptr [rdi], rax",
            "js .LBB0_1",
            "mov rax, qword ptr [rip + tokio::runtime::task::waker::WAKER_VTABLE@GOTPCREL]",
            "mov rdx, rdi",
            "call qword ptr [rip + std::process::abort@GOTPCREL]",
            ".quad tokio::runtime::task::waker::wake_by_ref",
        ],
    );
    listings::assert_asm_snapshot!("waker_tokio_clone", clone);
}

#[test]
fn waker_drop_takes_64_away_and_on_the_last_reference_jumps_to_the_tasks_dealloc() {
    let drop = tokio_asm("drop_waker", false);
    assert_lines(
        &drop,
        &[
            "mov rax, -64",
            "lock xadd qword ptr [rdi], rax",
            "shr rax, 6",
            "cmp rax, 1",
            "mov rax, qword ptr [rdi + 16]",
            "jmp qword ptr [rax + 16]",
        ],
    );
    listings::assert_asm_snapshot!("waker_tokio_drop", drop);
}

#[test]
fn waker_wake_by_ref_is_a_compare_exchange_loop_then_a_jump_through_the_tasks_schedule() {
    let wake_by_ref = tokio_asm("wake_by_ref", false);
    assert_lines(
        &wake_by_ref,
        &[
            "mov rax, qword ptr [rdi]",
            "test al, 2",
            "test al, 4",
            "test al, 1",
            "or r8, 4",
            // idle and not notified: one more reference and NOTIFIED, in one instruction
            "lea r8, [rax + 68]",
            "lock cmpxchg qword ptr [rdi], r8",
            "mov rax, qword ptr [rdi + 16]",
            "jmp qword ptr [rax + 8]",
        ],
    );
    assert_eq!(64 + 4, bits::REF_ONE + bits::NOTIFIED);
    listings::assert_asm_snapshot!("waker_tokio_wake_by_ref", wake_by_ref);
}

#[test]
fn waker_wake_calls_schedule_then_drops_its_own_reference() {
    let wake = tokio_asm("wake_by_val", false);
    assert_lines(
        &wake,
        &[
            // RUNNING first, then COMPLETE | NOTIFIED together (state.rs 215–250)
            "test al, 1",
            "test al, 6",
            // running: NOTIFIED, and the waker's own reference given back, in the one exchange
            "or rdx, 4",
            "add rdx, -64",
            // idle: a reference and NOTIFIED, as wake_by_ref; schedule; then the waker's drop
            "lea rdx, [rax + 68]",
            "lock cmpxchg qword ptr [rdi], rdx",
            "call qword ptr [rax + 8]",
            "mov rax, -64",
        ],
    );
    let text = wake.to_string();
    let at = |line: &str| text.find(line).unwrap_or_else(|| panic!("no `{line}`"));
    assert!(at("test    al, 1") < at("test    al, 6"), "{wake}");
    assert!(at("call    qword ptr [rax + 8]") < at("lock xadd"), "schedule before the drop:\n{wake}");
    listings::assert_asm_snapshot!("waker_tokio_wake", wake);
}

#[test]
fn waker_the_tasks_vtable_has_poll_at_0_schedule_at_8_and_dealloc_at_16() {
    let krate = Crate::chapter_with_dependencies(env!("CARGO_PKG_NAME")).unwrap_or_else(|e| panic!("{e}"));
    let vtable = listings::stage_of(&krate, Stage::TypeSizes, "tokio::runtime::task::raw::Vtable")
        .unwrap_or_else(|e| panic!("{e}"));
    let layout = vtable.layout.clone().unwrap();
    let at: Vec<(&str, u64)> = layout.variants[0].fields.iter().map(|f| (f.name.as_str(), f.offset)).take(3).collect();
    assert_eq!(at, [("poll", 0), ("schedule", 8), ("dealloc", 16)]);
    listings::assert_stage_snapshot!("waker_task_vtable", vtable);
}

// ---- the waker at run time -----------------------------------------------------------------------

/// A future that is never ready: it counts its polls and keeps a clone of its last waker.
fn parked(polls: Arc<AtomicUsize>, kept: Arc<Mutex<Option<Waker>>>) -> impl Future<Output = ()> + Send + 'static {
    poll_fn(move |cx| {
        polls.fetch_add(1, Ordering::SeqCst);
        *kept.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    })
}

#[test]
fn waker_every_task_shares_one_vtable_and_its_data_is_the_tasks_header() {
    let runtime = current_thread();
    let (a, b) = bounded(&runtime, async {
        let a = tokio::spawn(ch12_tokio::task::own_waker()).await.unwrap();
        let b = tokio::spawn(async { ch12_tokio::task::own_waker().await }).await.unwrap();
        (a, b)
    });
    // One `RawWakerVTable` for every task (waker.rs line 118); two tasks, two headers.
    assert!(std::ptr::eq(a.vtable(), b.vtable()));
    assert_ne!(a.data(), b.data());
    // The header's third word is the task's own `Vtable`, one per future type (raw.rs line 61).
    // SAFETY: each waker holds a reference, so each header is alive.
    let task_vtable = |w: &Waker| unsafe { *w.data().cast::<usize>().add(2) };
    assert_ne!(task_vtable(&a), task_vtable(&b));
    // And the data pointer's first word is each task's state word: finished, its JoinHandle
    // gone, the waker the last reference.
    for waker in [&a, &b] {
        // SAFETY: as above.
        let state = unsafe { state_of(waker) };
        assert_eq!(state, StateWord(bits::REF_ONE | bits::COMPLETE), "{state}");
    }
}

#[test]
fn waker_wake_by_ref_while_running_sets_notified_and_takes_no_reference() {
    let runtime = current_thread();
    let (before, after) = bounded(&runtime, async {
        tokio::spawn(async {
            // SAFETY: inside a spawned task.
            let before = unsafe { own_state() }.await;
            poll_fn(|cx| {
                cx.waker().wake_by_ref();
                Poll::Ready(())
            })
            .await;
            (before, unsafe { own_state() }.await)
        })
        .await
        .unwrap()
    });
    assert_eq!(after, StateWord(before.0 | bits::NOTIFIED), "{before} → {after}");
}

#[test]
fn waker_wake_by_ref_on_an_idle_task_queues_it_once_on_the_local_or_the_injection_queue() {
    let runtime = current_thread();
    let metrics = runtime.metrics();
    let (polls, kept) = (Arc::new(AtomicUsize::new(0)), Arc::new(Mutex::new(None)));
    let seen = bounded(&runtime, async {
        let _task = tokio::spawn(parked(polls.clone(), kept.clone()));
        tokio::task::yield_now().await; // the task runs once and parks
        assert_eq!(polls.load(Ordering::SeqCst), 1);
        let waker = kept.lock().unwrap().clone().unwrap();
        // SAFETY: we hold a clone, so the task is alive.
        let idle = unsafe { state_of(&waker) };
        // From the runtime's own thread: the local queue (no injection).
        waker.wake_by_ref();
        let woken_here = unsafe { state_of(&waker) };
        let injected_from_here = metrics.global_queue_depth();
        tokio::task::yield_now().await; // the task runs again and parks again
        assert_eq!(polls.load(Ordering::SeqCst), 2);
        // From another thread, twice, while the runtime's thread waits for it: the injection
        // queue, once. (The same waker: it names the same task.)
        std::thread::scope(|s| {
            s.spawn(|| {
                waker.wake_by_ref();
                waker.wake_by_ref();
            });
        });
        let woken_there = unsafe { state_of(&waker) };
        let injected_from_there = metrics.global_queue_depth();
        tokio::task::yield_now().await;
        assert_eq!(polls.load(Ordering::SeqCst), 3, "two wakes, one poll");
        (idle, woken_here, injected_from_here, woken_there, injected_from_there)
    });
    let (idle, woken_here, injected_from_here, woken_there, injected_from_there) = seen;
    assert!(!idle.flags().contains(&"NOTIFIED") && !idle.flags().contains(&"RUNNING"), "{idle}");
    assert_eq!(woken_here.0, idle.0 + bits::REF_ONE + bits::NOTIFIED, "{idle} → {woken_here}");
    assert_eq!(injected_from_here, 0);
    assert_eq!(woken_there.0, idle.0 + bits::REF_ONE + bits::NOTIFIED, "{idle} → {woken_there}");
    assert_eq!(injected_from_there, 1);
}

/// Wakes its task twice in its first poll, then stays pending without waking it again.
fn woken_twice_then_pending(polls: Arc<AtomicUsize>) -> impl Future<Output = ()> + Send + 'static {
    poll_fn(move |cx| {
        if polls.fetch_add(1, Ordering::SeqCst) == 0 {
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    })
}

#[test]
fn waker_woken_twice_in_one_poll_the_book_s_executor_polls_again_twice_tokio_once() {
    // Chapter 4's executor: each wake sends the task down the channel; three polls. `run` returns
    // once the last queued copy is polled and dropped (nothing else holds the task).
    let book_polls = Arc::new(AtomicUsize::new(0));
    let (done, finished) = std::sync::mpsc::channel();
    let polls = book_polls.clone();
    std::thread::spawn(move || {
        let executor = ch04_executors::Executor::new();
        executor.spawn(woken_twice_then_pending(polls));
        executor.run();
        let _ = done.send(());
    });
    finished.recv_timeout(task_support::LIMIT).expect("chapter 4's executor ran out of tasks in time");
    assert_eq!(book_polls.load(Ordering::SeqCst), 3);

    // tokio: the second wake finds NOTIFIED set; the task is queued once, polled twice.
    let runtime = current_thread();
    let tokio_polls = Arc::new(AtomicUsize::new(0));
    bounded(&runtime, async {
        let _task = tokio::spawn(woken_twice_then_pending(tokio_polls.clone()));
        for _ in 0..4 {
            tokio::task::yield_now().await; // turns enough for any queued copy to be polled
        }
    });
    assert_eq!(tokio_polls.load(Ordering::SeqCst), 2);
}
