//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, by running the chapter's code, or by asking the pinned rustc
//! whether it accepts a std-only snippet.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use ch10_async_today::streams::Countdown;
use ch10_async_today::sum_countdown;
use course::facts::{asm, compiles, field_offset, stage_text, type_layout, waker_slot};
use listings::lowering::type_sizes::{Field, TypeLayout};
use listings::{ListingKind, Stage};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The field of `layout` at `offset` in the variant `variant`.
fn field_at<'a>(layout: &'a TypeLayout, variant: &str, offset: u64) -> &'a Field {
    layout
        .variants
        .iter()
        .filter(|v| v.name.as_deref() == Some(variant))
        .flat_map(|v| &v.fields)
        .find(|field| field.offset == offset)
        .unwrap_or_else(|| panic!("no field at {offset} in the variant {variant} of {}", layout.name))
}

/// Everything rustc prints for `source`, a std-only library, type-checked only: `compiles` keeps
/// the first error's line, without its notes.
fn full_report(source: &str) -> String {
    let workspace = listings::Workspace::this_checkout();
    let rustc = listings::Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
    let scratch = workspace.scratch_dir("ch10-quiz-snippet").unwrap_or_else(|e| panic!("{e}"));
    let file = scratch.path().join("snippet.rs");
    std::fs::write(&file, source).unwrap();
    let output = std::process::Command::new(&rustc.path)
        .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "snippet", "--emit=metadata"])
        .arg("--out-dir")
        .arg(scratch.path())
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.path.display()));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The chapter's leaf, as `src/lib.rs` has it: the start of every snippet below.
const LEAF: &str = "use std::future::Future;\nuse std::pin::Pin;\nuse std::task::{Context, Poll};\n\n\
    #[derive(Default)]\npub struct YieldOnce {\n    yielded: bool,\n}\n\n\
    impl Future for YieldOnce {\n    type Output = ();\n\n    \
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {\n        \
    if self.yielded {\n            return Poll::Ready(());\n        }\n        \
    self.yielded = true;\n        cx.waker().wake_by_ref();\n        Poll::Pending\n    }\n}\n";

/// `total_with_rc`'s body, the same in both of the `Send` question's forms.
const TOTAL_WITH_RC_BODY: &str = "let seen = std::rc::Rc::new(std::cell::Cell::new(0));\n    \
    let mut sum = 0;\n    for key in keys {\n        YieldOnce::default().await;\n        \
    sum += key;\n        seen.set(seen.get() + 1);\n    }\n    sum";

/// The 1-based line of the first error in `compiles`' short message (`<anon>:LINE:COL: error…`).
fn error_line(error: &str) -> usize {
    let mut parts = error.split(':');
    parts.next();
    parts.next().and_then(|line| line.parse().ok()).unwrap_or_else(|| panic!("no line in {error}"))
}

/// The 1-based line of `source` that starts with `start`.
fn line_starting(source: &str, start: &str) -> usize {
    1 + source.lines().position(|line| line.starts_with(start)).unwrap_or_else(|| panic!("no `{start}`"))
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    // `async fn` in traits: the verdict on `&dyn Store`, its error code picks the choice.
    let dyn_store = "pub trait Store {\n    async fn get(&self, key: u32) -> u32;\n}\n\n\
                     pub fn get_through_any_store(_store: &dyn Store) {}\n";
    let dyn_verdict = match compiles(dyn_store) {
        Ok(()) => "nothing: it compiles, and a call through the vtable returns the future in a `Pin<Box<dyn Future>>`",
        Err(error) if error.contains("error[E0038]") => {
            assert!(error.contains("not dyn compatible"), "{error}");
            // The reason is in a note, which `compiles` leaves out: ask rustc for all of it.
            let report = full_report(dyn_store);
            assert!(report.contains("because method `get` is `async`"), "{report}");
            "error E0038: `Store` is not dyn compatible, because `get` is `async`"
        }
        Err(error) if error.contains("error[E0277]") => "error E0277: the future of `get` is not known to be `Send`",
        Err(error) if error.contains("error[E0706]") => "error E0706: `async fn` is not supported in traits",
        Err(error) => panic!("no choice says {error}"),
    };

    // Async closures: the lent future's size and its first field.
    let lent = type_layout(CHAPTER, "closures_logger_future");
    let first = field_at(&lent, "Unresumed", 0);
    let entry = field_offset(&lent, "Unresumed", "upvar", "entry");
    let lent_future = match (lent.size, first.name.as_str(), first.size, entry) {
        (16, name, 8, 8) if name.starts_with("_ref__") && name.ends_with("log") => {
            "16 bytes: a borrow of the closure's log (`_ref__log`), then the entry"
        }
        (32, "log", 24, 24) => "32 bytes: the log itself, moved out of the closure, then the entry",
        other => panic!("no choice says {other:?}"),
    };

    // The reader's kind: the type of `_1` in the MIR of its call.
    let reader = stage_text(CHAPTER, ListingKind::Stage(Stage::Mir), "closures_async_reader_call");
    let receiver = reader
        .lines()
        .find_map(|line| line.strip_prefix("fn async_reader::{closure#0}(_1: "))
        .expect("the MIR of the reader's call");
    let reader_trait = if receiver.starts_with("&mut {async closure@") {
        "`AsyncFnMut`: `_1` is `&mut {async closure@…}`"
    } else if receiver.starts_with("&{async closure@") {
        "`AsyncFn`: `_1` is `&{async closure@…}`, a shared borrow"
    } else if receiver.starts_with("{async closure@") {
        "`AsyncFnOnce`: `_1` is the closure itself, by value"
    } else {
        panic!("no choice says `_1: {receiver}`")
    };

    // Recursion: the size `mov edi, N` gives `__rust_alloc`, which is the future's size.
    let recursion = asm(CHAPTER, "recursion_depth_state_machine");
    let code: Vec<(&str, &str)> = recursion.instructions().collect();
    let alloc = code
        .iter()
        .position(|(m, o)| *m == "call" && o.contains("__rust_alloc@"))
        .expect("the resume function allocates");
    let per_level: u64 = code[..alloc]
        .iter()
        .rev()
        .find_map(|(m, o)| (*m == "mov").then(|| o.strip_prefix("edi, ")?.parse().ok())?)
        .expect("the size is in edi");
    assert_eq!(per_level, type_layout(CHAPTER, "recursion_depth").size, "the box holds one level's future");

    // Streams: the value in `eax` on the path that wakes the task, which is `Pending`'s.
    let poll_next = asm(CHAPTER, "streams_countdown_poll_next");
    let code: Vec<(&str, &str)> = poll_next.instructions().collect();
    let wake = code
        .iter()
        .position(|(m, o)| *m == "call" && waker_slot(o) == Some("wake_by_ref"))
        .expect("Pending's path calls wake_by_ref");
    let pending: u64 = code[wake..]
        .iter()
        .find_map(|(m, o)| (*m == "mov").then(|| o.strip_prefix("eax, ")?.parse().ok())?)
        .expect("a value in eax after the wake");
    assert_eq!(code[wake..].iter().find(|(m, _)| *m == "ret"), Some(&("ret", "")));

    // Streams: where the stored `Next` points, read from a suspended future, against the layout.
    let layout = type_layout(CHAPTER, "streams_sum_countdown");
    let (next_at, countdown_at) = (
        field_offset(&layout, "Suspend0", "local", "__awaitee"),
        field_offset(&layout, "Suspend0", "local", "countdown"),
    );
    let mut future = Box::pin(sum_countdown(Countdown::new(2)));
    assert_eq!(future.as_mut().poll(&mut Context::from_waker(Waker::noop())), Poll::Pending);
    let base = std::ptr::from_ref(&*future).cast::<u8>();
    // SAFETY: suspended at its one await, the future holds the `Next`, an initialised reference,
    // at the layout's offset; reading its bytes neither moves nor changes the future.
    let pointer = unsafe { base.add(next_at as usize).cast::<usize>().read_unaligned() };
    let points_at = pointer.checked_sub(base as usize).expect("the pointer is into the future") as u64;
    assert_eq!(points_at, countdown_at, "the `Next` borrows the body's own countdown");

    // Futures too big: the frame at opt-level 0, in copies of the awaited future.
    let frame: u64 = asm(CHAPTER, "big_awaiter_opt_level_0")
        .instructions()
        .filter_map(|(m, o)| (m == "add").then(|| o.strip_prefix("rsp, ")?.parse().ok())?)
        .max()
        .expect("the frame is given back with `add rsp, N`");
    let awaitee = type_layout(CHAPTER, "big_awaiter")
        .variants
        .iter()
        .filter(|v| v.name.as_deref() == Some("Suspend0"))
        .flat_map(|v| &v.fields)
        .find(|f| f.name == "__awaitee")
        .expect("the awaiter holds big_buffer's future")
        .size;
    let debug_frame = match frame / awaitee {
        0 => "40 bytes: five pushes, nothing else",
        1 => "about 32 KiB: room for one copy of `big_buffer`'s future",
        2 => "about 64 KiB: room for two copies of `big_buffer`'s future",
        3 => "about 96 KiB: room for three copies, one for each place the `.await` passes it through",
        copies => panic!("no choice says {copies} copies ({frame} bytes)"),
    };
    assert_eq!(frame, 65608, "the explanation's number");

    // Where `Send` comes from: the two forms of `total_with_rc`, with no caller.
    let as_async_fn =
        format!("{LEAF}\npub async fn total_with_rc(keys: Vec<u32>) -> u32 {{\n    {TOTAL_WITH_RC_BODY}\n}}\n");
    let with_send = format!(
        "{LEAF}\npub fn total_with_rc(keys: Vec<u32>) -> impl Future<Output = u32> + Send {{\n    \
         async move {{\n    {TOTAL_WITH_RC_BODY}\n    }}\n}}\n"
    );
    let send_promise = match (compiles(&as_async_fn), compiles(&with_send)) {
        (Ok(()), Err(error)) => {
            assert!(error.contains("future cannot be sent between threads safely"), "{error}");
            assert_eq!(error_line(&error), line_starting(&with_send, "pub fn total_with_rc"), "{error}");
            "yes as an `async fn`; with `+ Send`, no, and the error is on the function's signature"
        }
        (Err(_), Err(_)) => {
            "no either way: a future that holds an `Rc` across an `.await` is refused where it is written"
        }
        (Ok(()), Ok(())) => "yes either way: `Send` is checked only where a caller asks for it, as `spawn` does",
        other => panic!("no choice says {other:?}"),
    };

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("dyn-store", dyn_verdict.into()),
            ("lent-future", lent_future.into()),
            ("reader-trait", reader_trait.into()),
            ("recursion-allocation", per_level.into()),
            ("pending-in-eax", pending.into()),
            ("next-points-at", points_at.into()),
            ("debug-frame", debug_frame.into()),
            ("send-promise", send_promise.into()),
        ],
    );
}
