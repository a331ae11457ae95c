//! The page's section "`select!` in a loop", checked on tokio as `Cargo.lock` pins it: what
//! happens to the timer of a `select!` loop when it is pinned once and borrowed each turn, and
//! when a fresh one is made each turn (counted by wrapping it in `Counted`, which writes down each
//! make, poll and drop); that `recv` loses nothing when the other branch wins and `read_exact`
//! does; and the layout of the loop's future. The timers that must fire here are `YieldByWake`,
//! which fires at its second poll: nothing depends on the clock.

mod coop_source;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use Event::{Dropped, Made, Polled};
use ch12_tokio::coop::{
    Counted, Event, YieldByWake, until_deadline, until_deadline_sleep, until_idle, until_idle_sleep,
};
use coop_source::assert_cited;
use listings::{Crate, Stage, StageListing, assert_stage_snapshot};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// Longer than any test: a timer that never fires here.
const AN_HOUR: Duration = Duration::from_secs(3600);

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap()
}

type Log = Arc<Mutex<Vec<Event>>>;

fn events(log: &Log) -> Vec<Event> {
    log.lock().unwrap().clone()
}

/// A channel with `messages` queued; the sender is returned, to be kept or dropped.
fn channel_with(messages: u32) -> (mpsc::Sender<u32>, mpsc::Receiver<u32>) {
    let (tx, rx) = mpsc::channel(16);
    for message in 0..messages {
        tx.try_send(message).unwrap();
    }
    (tx, rx)
}

// ---- The timer, pinned once or made each turn ---------------------------------------------------

#[test]
fn select_a_pinned_timer_is_made_once_polled_every_turn_and_dropped_when_the_loop_ends() {
    let log = Log::default();
    let got = current_thread().block_on(async {
        let (tx, mut rx) = channel_with(3);
        drop(tx); // three turns with a message, a fourth that finds the channel closed
        until_deadline(&mut rx, Counted::new(tokio::time::sleep(AN_HOUR), &log)).await
    });
    assert_eq!(got, [0, 1, 2]);
    assert_eq!(
        events(&log),
        [Made(0), Polled(0, false), Polled(0, false), Polled(0, false), Polled(0, false), Dropped(0)]
    );
    // A `Sleep` makes its timer entry, and so registers with the time driver, at its first poll,
    // and takes it out of the driver when it is dropped.
    assert_cited("src/time/sleep.rs", 423, "let timer = Timer::new(handle.clone(), deadline);");
    assert_cited("src/time/sleep.rs", 426, "timer.as_mut().init(deadline);");
    assert_cited("src/runtime/time/entry.rs", 480, "pub(crate) fn init(self: Pin<&mut Self>, deadline: u64) {");
    assert_cited(
        "src/runtime/time/entry.rs",
        483,
        ".reregister(&self.driver.driver().io, deadline, (&self.inner).into());",
    );
    assert_cited("src/runtime/time/entry.rs", 301, "this.cancel();");
    // Without `biased;`, `select!` starts at a random branch each time.
    assert_cited("src/macros/select.rs", 808, "thread_rng_n(BRANCHES)");
    // `Sleep` is `!Unpin` (hence `tokio::pin!` before `&mut sleep`): its entry is a node of an
    // intrusive list.
    assert_cited("src/time/sleep.rs", 216, "#[project(!Unpin)]");
    assert_cited("src/runtime/time/entry.rs", 290, "this is part of an intrusive linked list");
}

#[test]
fn select_a_fresh_timer_each_turn_is_made_polled_and_dropped_in_every_turn() {
    let log = Log::default();
    let got = current_thread().block_on(async {
        let (tx, mut rx) = channel_with(3);
        drop(tx);
        until_idle(&mut rx, || Counted::new(tokio::time::sleep(AN_HOUR), &log)).await
    });
    assert_eq!(got, [0, 1, 2]);
    let per_turn = |n| [Made(n), Polled(n, false), Dropped(n)];
    assert_eq!(events(&log), [per_turn(0), per_turn(1), per_turn(2), per_turn(3)].concat());
}

#[test]
fn select_a_pinned_timer_is_a_deadline_for_the_loop_a_fresh_one_an_idle_timeout() {
    // Two messages queued and the sender kept: the loops end only when their timer fires, here
    // at its second poll.
    let pinned = Log::default();
    let (got, left) = current_thread().block_on(async {
        let (_tx, mut rx) = channel_with(2);
        let got = until_deadline(&mut rx, Counted::new(YieldByWake::default(), &pinned)).await;
        (got, rx.len())
    });
    assert_eq!((got, left), (vec![0], 1), "the timer fires at the second turn, one message left queued");
    assert_eq!(events(&pinned), [Made(0), Polled(0, false), Polled(0, true), Dropped(0)]);

    let fresh = Log::default();
    let (got, left) = current_thread().block_on(async {
        let (_tx, mut rx) = channel_with(2);
        let got = until_idle(&mut rx, || Counted::new(YieldByWake::default(), &fresh)).await;
        (got, rx.len())
    });
    assert_eq!((got, left), (vec![0, 1], 0), "each message restarts the timer; it fires when none comes");
    let mut expected = [0, 1].map(|n| [Made(n), Polled(n, false), Dropped(n)]).concat();
    expected.extend([Made(2), Polled(2, false), Polled(2, true), Dropped(2)]);
    assert_eq!(events(&fresh), expected);
}

// ---- Cancellation safety, in tokio's terms -------------------------------------------------------

#[test]
fn select_recv_is_cancel_safe_its_future_dropped_by_the_other_branch_takes_no_message() {
    let log = Log::default();
    current_thread().block_on(async {
        let (tx, mut rx) = channel_with(0);
        // A timer that, at its second poll, sends 7 and fires. At the first turn the timer answers
        // `Pending`, then `recv`'s future does, with its waker registered on the empty channel. At
        // the second, 7 is sent while that future is alive and waiting, the timer wins, and
        // `select!` drops the `recv` future without polling it again. A `recv` that took the
        // message when it was sent (into its future) would lose 7 here.
        let mut polls = 0;
        let sends_then_fires = std::future::poll_fn(|cx| {
            polls += 1;
            if polls == 1 {
                cx.waker().wake_by_ref();
                return std::task::Poll::Pending;
            }
            tx.try_send(7).unwrap();
            std::task::Poll::Ready(())
        });
        let got = until_deadline(&mut rx, Counted::new(sends_then_fires, &log)).await;
        assert!(got.is_empty());
        assert_eq!(rx.try_recv(), Ok(7), "the message is still in the queue: nothing was lost");
    });
    assert_eq!(events(&log), [Made(0), Polled(0, false), Polled(0, true), Dropped(0)]);
    // `recv` takes a message only in the poll that returns it.
    assert_cited("src/sync/mpsc/chan.rs", 318, "match rx_fields.list.pop(&self.inner.tx) {");
    assert_cited("src/sync/mpsc/chan.rs", 322, "return Ready(Some(value));");
    // tokio's `select!` docs list which methods are cancel safe: `recv` is, `read_exact` is not.
    assert_cited("src/macros/select.rs", 105, "///  * [`tokio::sync::mpsc::Receiver::recv`]");
    assert_cited("src/macros/select.rs", 129, "///  * [`tokio::sync::Mutex::lock`]");
    assert_cited("src/macros/select.rs", 121, "///  * [`tokio::io::AsyncReadExt::read_exact`]");
    // `select!`'s futures are locals of the block that computes its output: all of them, the
    // winner and the others, are dropped when that block ends, before the branch's handler runs.
    assert_cited("src/macros/select.rs", 640, "let mut output = {");
    assert_cited(
        "src/macros/select.rs",
        654,
        "let mut futures = ($( $crate::macros::support::IntoFuture::into_future(",
    );
}

#[test]
fn select_read_exact_is_not_cancel_safe_the_count_of_bytes_it_had_read_is_lost_with_its_future() {
    current_thread().block_on(async {
        let (mut writer, mut reader) = tokio::io::duplex(64);
        writer.write_all(&[1, 2]).await.unwrap(); // half of a 4-byte frame
        let mut frame = [0u8; 4];
        let stop = YieldByWake::default();
        tokio::pin!(stop);
        // ANCHOR: select_read_exact
        let read = tokio::select! {
            biased;
            () = &mut stop => None, // Pending at the first poll, Ready at the second
            read = reader.read_exact(&mut frame) => Some(read),
        };
        // ANCHOR_END: select_read_exact
        assert!(read.is_none(), "the stop branch won");
        // The two bytes left the stream and sit in `frame`; what went with the future is its
        // `ReadBuf`, the count of bytes filled.
        assert_eq!(frame, [1, 2, 0, 0]);
        writer.write_all(&[3, 4, 5, 6]).await.unwrap();
        reader.read_exact(&mut frame).await.unwrap();
        assert_eq!(frame, [3, 4, 5, 6], "the next read_exact started again at frame[0]");
    });
    // `read_exact`'s future keeps the caller's buffer as a `ReadBuf`, which counts what is filled.
    assert_cited("src/io/util/read_exact.rs", 34, "pub struct ReadExact<'a, A: ?Sized> {");
    assert_cited("src/io/util/read_exact.rs", 36, "buf: ReadBuf<'a>,");
}

// ---- Without `tokio::pin!` ------------------------------------------------------------------------

#[test]
fn select_without_pin_rustc_names_the_phantompinned_of_sleeps_unpin_impl() {
    // The page's `compile_fail` block, compiled against the tokio this test links (its rlib sits
    // beside this test's binary).
    let page = include_str!("../../../book/ch12-tokio.md");
    let block = page.split("```").find(|b| b.starts_with("rust,compile_fail,E0277\nasync fn until_an_hour")).unwrap();
    let code = block.split_once('\n').unwrap().1;
    let deps = std::env::current_exe().unwrap().parent().unwrap().to_owned();
    let rustc = listings::Rustc::for_listings(&listings::Workspace::this_checkout()).unwrap_or_else(|e| panic!("{e}"));
    let scratch =
        listings::Workspace::this_checkout().scratch_dir("ch12-select-unpinned").unwrap_or_else(|e| panic!("{e}"));
    let tokios = std::fs::read_dir(&deps).unwrap().map(|e| e.unwrap().path()).filter(|path| {
        let name = path.file_name().unwrap().to_string_lossy();
        name.starts_with("libtokio-") && name.ends_with(".rlib")
    });
    // The first tokio rlib that has what the block uses (a workspace may hold several).
    let compile = |tokio: &std::path::Path, code: &str| {
        std::fs::write(scratch.path().join("user.rs"), code).unwrap();
        std::process::Command::new(&rustc.path)
            .args(["--edition", "2024", "--crate-type", "lib", "--emit=metadata", "--out-dir", "."])
            .arg("--extern")
            .arg(format!("tokio={}", tokio.display()))
            .arg("-L")
            .arg(format!("dependency={}", deps.display()))
            .arg("user.rs")
            .current_dir(scratch.path())
            .output()
            .unwrap()
    };
    let (tokio, text) = tokios
        .map(|tokio| {
            let text = String::from_utf8_lossy(&compile(&tokio, code).stderr).into_owned();
            (tokio, text)
        })
        .find(|(_, text)| text.contains("error[E0277]"))
        .expect("a tokio rlib beside the test");
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(headers, ["error[E0277]: `PhantomPinned` cannot be unpinned"; 3], "{text}");
    for piece in [
        "within `(PhantomData<&()>, PhantomPinned)`, the trait `Unpin` is not implemented for `PhantomPinned`",
        "= note: required for `Sleep` to implement `Unpin`",
        "= note: required for `&mut Sleep` to implement `Future`",
    ] {
        assert!(text.contains(piece), "`{piece}` missing from:\n{text}");
    }
    // The tuple is pin-project-lite's: `#[project(!Unpin)]` makes `Sleep`'s `Unpin` impl ask it
    // of `(PhantomData<&()>, PhantomPinned)`, which never holds.
    coop_source::assert_cited_in(
        "pin-project-lite",
        "src/lib.rs",
        1277,
        "impl<'__pin, $($impl_generics)*> $crate::__private::Unpin for $ident",
    );
    coop_source::assert_cited_in("pin-project-lite", "src/lib.rs", 1281, "$crate::__private::PhantomPinned,");
    coop_source::assert_cited_in("pin-project-lite", "src/lib.rs", 1282, "): $crate::__private::Unpin");

    // With the timer pinned first, the same block compiles.
    let pinned = code.replace("    loop {", "    tokio::pin!(sleep);\n    loop {");
    assert_ne!(pinned, code);
    let output = compile(&tokio, &pinned);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

// ---- The loop's future ---------------------------------------------------------------------------

/// The chapter compiled through cargo with tokio: the stages of `src/lib.rs` alone cannot see it.
fn chapter() -> Crate {
    Crate::chapter_with_dependencies(env!("CARGO_PKG_NAME")).unwrap_or_else(|error| panic!("{error}"))
}

fn type_sizes(subject: &str) -> StageListing {
    listings::stage_of(&chapter(), Stage::TypeSizes, subject).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn select_the_deadline_loops_future_holds_the_pinned_112_byte_sleep_and_borrows_it_each_turn() {
    let sleep = type_sizes("tokio::time::Sleep");
    assert!(sleep.text.starts_with("type: `tokio::time::Sleep`: 112 bytes, alignment: 8 bytes\n"), "{}", sleep.text);
    assert_stage_snapshot!("select_sleep", sleep);

    let deadline = type_sizes("{async fn body of coop::until_deadline<tokio::time::Sleep>()}");
    let text = &deadline.text;
    assert!(
        text.starts_with("type: `{async fn body of coop::until_deadline<tokio::time::Sleep>()}`: 328 bytes"),
        "{text}"
    );
    let table = deadline.layout.as_ref().expect("a type's listing has its layout");
    // The argument, kept in its place; the pinned timer the loop polls, a second 112 bytes; the
    // `Pin<&mut Sleep>` that `pin!` leaves; and `select!`'s futures, `&mut` that pin and `recv`'s.
    assert_eq!(table.row(0..112).unwrap()[1], "upvar timer");
    assert_eq!(table.row(152..264).unwrap()[1], "local timer");
    assert_eq!(table.row(264..272).unwrap()[1], "local timer");
    assert_eq!(table.row(272..304).unwrap()[1], "local futures");
    // Then `select!`'s poll function (a `PollFn` over its closure), and its mask of finished branches.
    assert_eq!(table.row(304..320).unwrap()[1], "local __awaitee");
    assert_eq!(table.row(321..322).unwrap()[1], "local disabled");
    assert_stage_snapshot!("select_until_deadline", deadline);

    // The same sizes in this test's own build; the idle loop's future, whose `select!` holds a
    // whole `Sleep` in its futures each turn, is smaller: no pinned copy beside the argument.
    current_thread().block_on(async {
        let (_tx, mut rx) = channel_with(0);
        assert_eq!(size_of_val(&tokio::time::sleep(AN_HOUR)), 112);
        assert_eq!(size_of_val(&until_deadline_sleep(&mut rx, AN_HOUR)), 16 + 8 + 8 + 328);
        assert_eq!(size_of_val(&until_idle_sleep(&mut rx, AN_HOUR)), 264);
    });
}
