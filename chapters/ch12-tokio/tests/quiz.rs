//! The chapter's quiz against the compiler and tokio: each answer of `quiz.toml` is computed again
//! from the snapshots the page shows, or by running tokio as `Cargo.lock` pins it.

use std::future::poll_fn;
use std::task::Poll;

use course::facts::{asm, field_offset, type_layout};
use listings::lowering::type_sizes::{Field, TypeLayout};
use tokio::sync::mpsc;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The fields of `layout`'s variant `variant` (`None` for a struct's one variant) called `name`.
fn fields<'a>(layout: &'a TypeLayout, variant: Option<&str>, name: &str) -> Vec<&'a Field> {
    layout
        .variants
        .iter()
        .filter(|v| v.name.as_deref() == variant)
        .flat_map(|v| &v.fields)
        .filter(|field| field.name == name)
        .collect()
}

/// How many messages one poll of a spawned task takes from a channel holding `queued`, calling
/// `poll_recv` until it answers `Pending`.
fn received_in_one_poll(queued: usize) -> usize {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async move {
        let (tx, mut rx) = mpsc::channel(queued);
        for n in 0..queued {
            tx.try_send(n as u32).unwrap();
        }
        let task = tokio::spawn(async move {
            poll_fn(|cx| {
                let mut received = 0;
                loop {
                    match rx.poll_recv(cx) {
                        Poll::Ready(Some(_)) => received += 1,
                        Poll::Ready(None) => panic!("the sender is alive: the channel cannot close"),
                        Poll::Pending => return Poll::Ready(received),
                    }
                }
            })
            .await
        });
        let received = task.await.unwrap();
        drop(tx);
        received
    })
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    // The task cell of `known`: its size, and the bytes after the last field.
    let cell = type_layout(CHAPTER, "task_cell_of_known");
    let parts: Vec<&Field> = ["header", "core", "trailer"]
        .iter()
        .map(|name| *fields(&cell, None, name).first().unwrap_or_else(|| panic!("no {name}: {}", cell.printed)))
        .collect();
    let gaps: Vec<u64> = parts.windows(2).map(|pair| pair[1].offset - pair[0].bytes().end).collect();
    assert_eq!(gaps, [0, 0], "header, core and trailer follow one another");
    let end = parts[2].bytes().end;
    let task_cell = match (cell.size, cell.size - end) {
        (256, 88) if end == 168 => "256 bytes, of which the last 88 are padding",
        (168, 0) => "168 bytes: header, core and trailer, with no padding",
        (128, 40) => "128 bytes, of which 40 are padding",
        other => panic!("no choice says {other:?}"),
    };
    assert_eq!(cell.align, 128, "the explanation's alignment");

    // What `clone_waker` adds with its `lock xadd`: the value moved into the register it adds.
    let clone = asm(CHAPTER, "waker_tokio_clone");
    let code: Vec<(&str, &str)> = clone.instructions().collect();
    let xadd = code
        .iter()
        .position(|(m, o)| (*m == "lock" && o.starts_with("xadd ")) || *m == "lock xadd")
        .unwrap_or_else(|| panic!("no lock xadd: {clone}"));
    let register = code[xadd].1.rsplit(", ").next().unwrap().trim();
    let low = match register {
        "rax" => "eax",
        other => other,
    };
    let added: u64 = code[..xadd]
        .iter()
        .rev()
        .find_map(|(m, o)| {
            (*m == "mov")
                .then(|| o.strip_prefix(&format!("{low}, ")).or_else(|| o.strip_prefix(&format!("{register}, "))))?
        })
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no constant moved into {register} before the xadd: {clone}"));

    // The coop budget: one poll of a task against a channel of 1000 ready messages.
    let coop_messages = match received_in_one_poll(1000) {
        128 => "128",
        1000 => "1000: the channel is never empty, so `recv` is never pending",
        32 => "32",
        1 => "1",
        other => panic!("no choice says {other}"),
    };

    // `Sleep`'s size.
    let sleep = type_layout(CHAPTER, "select_sleep").size;

    // `until_deadline`'s future, suspended: the saved locals called `timer` (the argument, the
    // upvar at 0, is the value before `tokio::pin!` moved it).
    let deadline = type_layout(CHAPTER, "select_until_deadline");
    let saved: Vec<&Field> =
        fields(&deadline, Some("Suspend0"), "timer").into_iter().filter(|f| f.kind == "local").collect();
    let timers: Vec<u64> = saved.iter().map(|f| f.size).collect();
    let pinned_timer = match timers.as_slice() {
        [whole, 8] | [8, whole] if *whole == sleep => {
            "in the future itself: a whole `Sleep` among its saved locals, and beside it an 8-byte `Pin<&mut Sleep>` that points at it"
        }
        [8] => "on the heap: `tokio::pin!` boxes it, and the future keeps the 8-byte box",
        [] => "in the poll's stack frame, where `select!` makes it again at each turn",
        [16] => "only in the timer wheel: the future keeps the deadline, 16 bytes",
        other => panic!("no choice says {other:?}"),
    };
    let at: Vec<u64> = saved.iter().map(|f| f.offset).collect();
    assert_eq!(at, [152, 264], "the explanation's offsets");

    // `add_one_std`'s guard, suspended at the `yield_now().await`.
    let add_one_std = type_layout(CHAPTER, "lock_add_one_std");
    let guard = field_offset(&add_one_std, "Suspend0", "local", "guard");

    // embassy's waker clone: its instructions, and whether one of them is locked.
    let embassy = asm(CHAPTER, "runtimes_embassy_clone");
    let code: Vec<(&str, &str)> = embassy.instructions().collect();
    let locked = code.iter().any(|(m, _)| m.starts_with("lock"));
    let allocates = embassy.calls().iter().any(|target| target.contains("alloc"));
    let embassy_clone = match (code.len(), locked, allocates) {
        (3, false, false) => {
            assert_eq!(code.last(), Some(&("ret", "")), "{embassy}");
            "3 instructions: it loads the vtable's address and returns the same task pointer; nothing is counted"
        }
        (_, true, _) => "a `lock xadd`, as tokio's: it adds a reference to the task's header",
        (_, _, true) => "it allocates a new waker, as chapter 3's `Arc` waker clones its `Arc`",
        other => panic!("no choice says {other:?}: {embassy}"),
    };

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("task-cell", task_cell.into()),
            ("clone-adds", added.into()),
            ("coop-messages", coop_messages.into()),
            ("sleep-size", sleep.into()),
            ("pinned-timer", pinned_timer.into()),
            ("guard-offset", guard.into()),
            ("embassy-clone", embassy_clone.into()),
        ],
    );
}
