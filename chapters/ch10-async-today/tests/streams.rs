//! What the page's section "Streams" says, checked on the pinned compiler: each test asserts the
//! claims the page makes of one listing (or of the streams' behaviour), then snapshots the listing
//! the page shows. Listing names start with `streams_`.

use std::future::Future;
use std::path::Path;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use ch10_async_today::crates::streams::countdown_unfold;
use ch10_async_today::streams::{Countdown, Stream, countdown_step};
use ch10_async_today::sum_countdown;
use listings::{
    AsmListing, AsmOptions, CodegenFlags, Listing, Stage, StageListing, assert_asm_snapshot, assert_stage_snapshot,
};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

fn asm(function: &str) -> AsmListing {
    listings::asm(CHAPTER, function, &AsmOptions::default()).unwrap_or_else(|error| panic!("{error}"))
}

/// Every instruction as one string, `mnemonic operands`, spaces closed up.
fn instructions(listing: &Listing) -> Vec<String> {
    listing.instructions().map(|(mnemonic, operands)| format!("{mnemonic} {operands}").trim().to_owned()).collect()
}

/// The instructions of the block at `label`, as [`instructions`] writes them.
fn block(listing: &Listing, label: &str) -> Vec<String> {
    let block = listing.block(label).unwrap_or_else(|| panic!("no {label} in:\n{listing}"));
    block.into_iter().map(|(mnemonic, operands)| format!("{mnemonic} {operands}").trim().to_owned()).collect()
}

/// A waker that counts its wakes.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Polls `poll_next` until the end (at most 100 times), and returns every answer, with for each
/// `Pending` whether the waker had been woken by the time it came back.
fn every_answer(mut poll_next: impl FnMut(&mut Context<'_>) -> Poll<Option<u32>>) -> Vec<(Poll<Option<u32>>, bool)> {
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut answers = Vec::new();
    for _ in 0..100 {
        let before = counter.0.load(Ordering::Relaxed);
        let answer = poll_next(&mut cx);
        let woken = counter.0.load(Ordering::Relaxed) > before;
        answers.push((answer, woken));
        if answer == Poll::Ready(None) {
            return answers;
        }
    }
    panic!("no end after 100 polls: {answers:?}");
}

/// What a countdown from 3 answers, poll after poll: pending (having woken its task) before
/// each item, then the end.
const COUNTDOWN_FROM_3: [(Poll<Option<u32>>, bool); 7] = [
    (Poll::Pending, true),
    (Poll::Ready(Some(3)), false),
    (Poll::Pending, true),
    (Poll::Ready(Some(2)), false),
    (Poll::Pending, true),
    (Poll::Ready(Some(1)), false),
    (Poll::Ready(None), false),
];

// ---- A second kind of leaf ----------------------------------------------------------------------

#[test]
fn the_hand_written_countdown_is_pending_before_each_item_and_wakes_its_task_first() {
    let mut countdown = Countdown::new(3);
    let answers = every_answer(|cx| Pin::new(&mut countdown).poll_next(cx));
    assert_eq!(answers, COUNTDOWN_FROM_3);
}

#[test]
fn poll_next_answers_in_eax_0_for_the_end_1_for_an_item_in_edx_2_for_pending() {
    let listing = asm("<ch10_async_today::streams::Countdown as ch10_async_today::streams::Stream>::poll_next");
    let code = instructions(&listing);
    // The end (`next == 0`): `eax` = 0.
    assert_eq!(block(&listing, ".LBB0_1"), ["xor eax, eax", "ret"], "{listing}");
    // An item: the old `next`, read into `edx`, stays there; `eax` = 1.
    assert_eq!(code[..2], ["mov edx, dword ptr [rdi]", "test edx, edx"], "{listing}");
    assert!(code.windows(2).any(|w| w == ["mov eax, 1", "ret"]), "{listing}");
    // Pending: the waker's `wake_by_ref` (slot 16 of its vtable), then `eax` = 2.
    let pending = block(&listing, ".LBB0_2");
    let wake = pending.iter().position(|line| line == "call qword ptr [rcx + 16]").expect("wake_by_ref");
    assert!(pending[wake..].contains(&"mov eax, 2".to_owned()), "{listing}");
    assert_asm_snapshot!("streams_countdown_poll_next", listing);
}

#[test]
fn poll_of_option_is_eight_bytes_and_has_no_tag_of_its_own() {
    let poll = stage(Stage::TypeSizes, "std::task::Poll<std::option::Option<u32>>");
    assert!(poll.text.starts_with("type: `std::task::Poll<std::option::Option<u32>>`: 8 bytes, alignment: 4 bytes\n"));
    // No `discriminant:` line: `Poll` stores no tag, `Pending` is a value of `Option`'s tag.
    assert!(!poll.text.contains("discriminant"), "{}", poll.text);
    assert_eq!((size_of::<Poll<Option<u32>>>(), size_of::<Option<u32>>()), (8, 8));
    assert_eq!(size_of::<Countdown>(), 8, "the hand-written stream: a u32 and a bool");
    assert_stage_snapshot!("streams_poll_of_option", poll);
}

#[test]
fn the_futures_stream_impl_forwards_to_the_same_machine_code() {
    let ours = asm("<ch10_async_today::streams::Countdown as ch10_async_today::streams::Stream>::poll_next");
    let futures = asm("ch10_async_today::crates::streams::<impl futures_core::stream::Stream for \
         ch10_async_today::streams::Countdown>::poll_next");
    assert_eq!(instructions(&ours), instructions(&futures), "{ours}\n{futures}");
}

// ---- By hand against `unfold` -------------------------------------------------------------------

#[test]
fn the_unfold_countdown_answers_exactly_as_the_hand_written_one() {
    let mut unfold = pin!(countdown_unfold(3));
    let answers = every_answer(|cx| futures::Stream::poll_next(unfold.as_mut(), cx));
    assert_eq!(answers, COUNTDOWN_FROM_3);
    let mut countdown = Countdown::new(3);
    assert_eq!(answers, every_answer(|cx| Pin::new(&mut countdown).poll_next(cx)));
}

#[test]
fn the_unfold_stream_is_the_step_future_after_a_four_byte_tag_of_its_own() {
    let step = stage(Stage::TypeSizes, "{async fn body of streams::countdown_step()}");
    let layout = step.layout.as_ref().expect("a type's listing has its layout");
    assert!(
        step.text.starts_with("type: `{async fn body of streams::countdown_step()}`: 12 bytes, alignment: 4 bytes\n"),
        "{}",
        step.text
    );
    assert_eq!(layout.row(0..4).unwrap(), ["upvar next"; 4]);
    assert_eq!(layout.row(4..8).unwrap(), ["", "local next"]);
    assert_eq!(layout.row(8..9).unwrap(), ["", "local __awaitee"]);
    // The tag, placed from the debug information: byte 9, which `Unfold`'s `poll_next` writes at
    // 13 (4 + 9).
    assert_eq!(layout.row(9..10).unwrap(), ["tag"; 4]);
    assert!(
        step.text.contains("the tag: 1 byte(s) at offset 9 (the `__state` member of the debug information)"),
        "{}",
        step.text
    );
    assert_eq!(size_of_val(&countdown_step(3)), 12);
    // `Unfold` is `f` (here `countdown_step`, a function item: no bytes) and an enum of three:
    // `Value { value: u32 }`, `Future { future }`, `Empty`. The enum gets a tag of its own,
    // four bytes (the alignment of what follows), because a coroutine offers no niche.
    assert_eq!(size_of_val(&countdown_step), 0);
    assert_eq!(size_of_val(&countdown_unfold(3)), 4 + 12);
    assert_eq!(size_of_val(&Some(countdown_step(3))), 4 + 12, "an Option pays the same tag");
    assert_stage_snapshot!("streams_countdown_step", step);
}

#[test]
fn unfold_turns_the_value_into_the_future_in_place_by_writing_two_tags() {
    let listing = asm("<futures_util::stream::unfold::Unfold<T,F,Fut> as futures_core::stream::Stream>::poll_next");
    let code = instructions(&listing);
    // The enum's tag at 0: 0 `Value`, 1 `Future`, 2 `Empty`. From `Value`, it writes `Future`
    // and the step future's state byte at 13 (4 + its offset 9) as `Unresumed`, and moves no
    // value: the `u32` at 4 is already where the future keeps its argument.
    assert_eq!(
        code[..7],
        [
            "push rbx",
            "mov rbx, rdi",
            "mov eax, dword ptr [rdi]",
            "test eax, eax",
            "jne .LBB0_1",
            "mov dword ptr [rbx], 1",
            "mov byte ptr [rbx + 13], 0",
        ],
        "{listing}"
    );
    // Then it resumes the step future, by its state byte, through a jump table.
    assert!(code.contains(&"movzx ecx, byte ptr [rbx + 13]".to_owned()), "{listing}");
    assert_eq!(listing.jump_tables().len(), 1, "{listing}");
    // The step future's first resume reads its argument at 4, copies it to 8 (the body's own
    // `next`, 4..8 of the future) and clears the `YieldOnce` at 12 (8 of the future).
    let first = block(&listing, ".LBB0_2");
    assert_eq!(first[..2], ["mov ecx, dword ptr [rbx + 4]", "mov dword ptr [rbx + 8], ecx"], "{listing}");
    assert!(first.contains(&"mov byte ptr [rbx + 12], 0".to_owned()), "{listing}");
    // An item: back to `Value`, with the next state at 4; the item in `edx`, `eax` = 1.
    let item = block(&listing, ".LBB0_3");
    for line in ["mov dword ptr [rbx], 0", "mov dword ptr [rbx + 4], eax", "mov eax, 1"] {
        assert!(item.contains(&line.to_owned()), "{line} not in .LBB0_3 of:\n{listing}");
    }
    // Pending: the step future's state becomes 3 (`Suspend0`), and the enum stays `Future`.
    assert!(block(&listing, ".LBB0_4").contains(&"mov byte ptr [rbx + 13], 3".to_owned()), "{listing}");
    // The end: `Empty`, and `eax` = 0.
    assert_eq!(block(&listing, ".LBB0_5")[1..3], ["mov dword ptr [rbx], 2", "xor eax, eax"], "{listing}");
    // Polled again after the end (the tag is neither 0 nor 1), it panics.
    assert_eq!(block(&listing, ".LBB0_1")[..2], ["cmp eax, 1", "jne .LBB0_6"], "{listing}");
    assert_eq!(block(&listing, ".LBB0_6")[3], "call qword ptr [rip + core::panicking::panic@GOTPCREL]", "{listing}");
    assert_asm_snapshot!("streams_unfold_poll_next", listing);
}

// ---- `while let` over `next().await` ------------------------------------------------------------

#[test]
fn while_let_over_next_await_is_a_loop_that_makes_and_awaits_a_next_each_turn() {
    let hir = stage(Stage::Hir, "sum_countdown");
    let text = &hir.text;
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in:\n{text}"));
    // `while let P = E { B }` is `loop { if let P = E { B } else { break; } }`, and E, the
    // `.await`, is chapter 5's match and inner loop around `into_future(countdown.next())`.
    let (outer, test, next) = (at("loop {"), at("if let Some(item) ="), at("match into_future(countdown.next()) {"));
    let (awaitee, inner, yields) =
        (at("mut __awaitee =>"), at("                                        loop {"), at("(yield ())"));
    let (body, exit) = (at("sum += item;"), at("} else { break; }"));
    assert!(outer < test && test < next && next < awaitee && awaitee < inner, "{text}");
    assert!(inner < yields && yields < body && body < exit, "{text}");
    assert_eq!(text.matches("into_future(").count(), 1, "one await: {text}");
    assert_stage_snapshot!("streams_sum_countdown", hir);
}

#[test]
fn each_turn_stores_a_fresh_next_in_the_state_and_a_resume_polls_the_stored_one() {
    let mir = stage(Stage::Mir, "sum_countdown::{closure#0}");
    let body = mir.body.as_ref().expect("a MIR listing carries its body");
    let block = |name: &str| body.block(name).unwrap_or_else(|| panic!("no {name} in:\n{}", mir.text));
    let awaitee = "(((*_18) as variant#3).2: streams::Next<'_, streams::Countdown>)";
    assert!(mir.text.contains(&format!("debug __awaitee => {awaitee};")), "{}", mir.text);
    // The first resume (state 0) goes to bb1, which moves the argument in and starts the sum.
    assert_eq!(
        block("bb0").statements.last().unwrap(),
        "switchInt(move _17) -> [0: bb1, 1: bb17, 2: bb16, 3: bb15, otherwise: bb8];"
    );
    assert_eq!(
        block("bb1").statements,
        [
            "(((*_18) as variant#3).0: streams::Countdown) = move ((*_18).0: streams::Countdown);",
            "(((*_18) as variant#3).1: u32) = const 0_u32;",
            "goto -> bb2;",
        ]
    );
    // bb2: a fresh `Next`, borrowing the countdown that lives in the state.
    assert_eq!(
        block("bb2").statements,
        [
            "_5 = &mut (((*_18) as variant#3).0: streams::Countdown);",
            "_4 = <Countdown as StreamExt>::next(move _5) -> [return: bb3, unwind: bb14];",
        ]
    );
    // bb4: stored in the state, as the awaitee field of Suspend0 (variant 3).
    assert_eq!(block("bb4").statements, [format!("{awaitee} = move _3;"), "goto -> bb5;".to_owned()]);
    // bb5, bb6: polled in place, through a `Pin` of that field.
    assert_eq!(block("bb5").statements[0], format!("_8 = &mut {awaitee};"));
    assert!(block("bb6").terminator().starts_with("_6 = <Next<'_, Countdown> as Future>::poll(move _7"));
    // Pending: state 3 and return; a resume in state 3 (bb15) goes back to bb5 and polls the
    // stored `Next` again, not a new one.
    assert_eq!(block("bb9").statements, ["_0 = Poll::<u32>::Pending;", "discriminant((*_18)) = 3;", "return;"]);
    assert_eq!(block("bb15").terminator(), "goto -> bb5;");
    // An item: added to the sum, and back to bb2 for the next `Next`.
    assert_eq!(block("bb12").statements[0], "_14 = copy ((_11 as Some).0: u32);");
    assert_eq!(block("bb13").terminator(), "goto -> bb2;");
    // The end: the sum is the answer.
    assert_eq!(block("bb11").statements[1], "_0 = Poll::<u32>::Ready(move _16);");
    assert_stage_snapshot!("streams_sum_countdown_state_machine", mir);
}

#[test]
fn the_loops_future_holds_the_countdown_and_a_next_that_points_at_it() {
    let layout = stage(Stage::TypeSizes, "sum_countdown");
    let table = layout.layout.as_ref().expect("a type's listing has its layout");
    assert!(layout.text.starts_with("type: `{async fn body of sum_countdown()}`: 32 bytes, alignment: 8 bytes\n"));
    assert_eq!(table.row(0..8).unwrap(), ["upvar countdown"; 4]);
    assert_eq!(table.row(8..16).unwrap(), ["", "local countdown"]);
    assert_eq!(table.row(16..24).unwrap(), ["", "local __awaitee"]);
    assert_eq!(table.row(24..28).unwrap(), ["", "local sum"]);
    assert_eq!(table.row(28..29).unwrap(), ["tag"; 4]);
    assert!(layout.text.contains("local `.__awaitee`: 8 bytes, type: Next<'_, Countdown>"), "{}", layout.text);

    // Suspended, the `Next` at 16 holds the address of the countdown at 8 of the same future.
    let mut future = Box::pin(sum_countdown(Countdown::new(2)));
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    let base = std::ptr::from_ref(&*future).cast::<u8>();
    // SAFETY: the future is suspended in Suspend0, whose bytes 16..24 hold the `Next`, a
    // reference, initialised; reading them does not move or change the future.
    let next = unsafe { base.add(16).cast::<usize>().read_unaligned() };
    assert_eq!(next, base as usize + 8);
    assert_stage_snapshot!("streams_sum_countdown", layout);
}

#[test]
fn the_while_let_loop_sums_a_stream_that_is_pending_between_items() {
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(sum_countdown(Countdown::new(3)));
    let mut polls = 1;
    while future.as_mut().poll(&mut cx).is_pending() {
        polls += 1;
    }
    // Three pendings, one before each item, each woken; the fourth poll finds the end at once.
    assert_eq!((polls, counter.0.load(Ordering::Relaxed)), (4, 3));
    let mut future = pin!(sum_countdown(Countdown::new(3)));
    let sum = loop {
        if let Poll::Ready(sum) = future.as_mut().poll(&mut cx) {
            break sum;
        }
    };
    assert_eq!(sum, 3 + 2 + 1);
}

// ---- `async gen`, unstable ----------------------------------------------------------------------

/// The experiment file, from the workspace root (as the listing's command names it).
const ASYNC_GEN: &str = "chapters/ch10-async-today/tests/experiments/streams_async_gen.rs";

/// `async gen` and `for await` are unstable in 1.95.0: the file is compiled with the three
/// features as crate attributes, a `-Z` flag, so under `RUSTC_BOOTSTRAP=1`.
fn unstable_features() -> CodegenFlags {
    CodegenFlags::default().with_unstable("crate-attr=feature(gen_blocks,async_iterator,async_for_loop)")
}

#[test]
fn an_async_gen_block_compiles_only_with_rustc_bootstrap_and_answers_poll_next_as_countdown_does() {
    let flags = unstable_features();
    assert!(flags.needs_bootstrap() && flags.describe().contains("(RUSTC_BOOTSTRAP=1)"));
    let listing = listings::asm_of_file(
        Path::new(ASYNC_GEN),
        "ch10_streams_async_gen",
        "countdown_gen::{{closure}}",
        &AsmOptions::default(),
        &flags,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(listing.command.starts_with("RUSTC_BOOTSTRAP=1 rustc "), "{}", listing.command);
    // The state byte is at 9 (`from` at 0, `next` at 4, the `YieldOnce` at 8), and the jump
    // table has a target for each of the five states.
    assert_eq!(instructions(&listing)[2], "movzx eax, byte ptr [rdi + 9]", "{listing}");
    let [table] = &listing.jump_tables()[..] else { panic!("one jump table:\n{listing}") };
    let targets = [".LBB0_1", ".LBB0_3", ".LBB0_8", ".LBB0_6", ".LBB0_4"].map(|t| format!("{t}-.LJTI0_0"));
    assert_eq!(table, &targets, "Unresumed, Returned, Panicked, Suspend0 (the await), Suspend1 (the yield)");
    // The same three answers as `Countdown::poll_next`. `yield next`: `Ready(Some(next))`, the
    // item in `edx` and `eax` = 1, and the state 4.
    let item = block(&listing, ".LBB0_6");
    assert_eq!(item[2..6], ["mov edx, dword ptr [rbx + 4]", "mov eax, 1", "mov cl, 4", "mov byte ptr [rbx + 9], cl"]);
    // The await of `YieldOnce`, pending: the wake (slot 16 of the waker's vtable), `eax` = 2,
    // the state 3.
    let pending = block(&listing, ".LBB0_7");
    assert_eq!(pending[4..8], ["call qword ptr [rcx + 16]", "mov eax, 2", "mov cl, 3", "mov byte ptr [rbx + 9], cl"]);
    // The end: `eax` = 0, the state 1 (Returned). Polled again, Returned answers the end again
    // (`xor eax, eax`), where an `async fn` would panic.
    assert_eq!(block(&listing, ".LBB0_5")[..4], ["xor eax, eax", "mov cl, 1", "mov byte ptr [rbx + 9], cl", "pop rbx"]);
    assert_eq!(block(&listing, ".LBB0_3"), ["xor eax, eax", "pop rbx", "ret"]);
    let panics: Vec<&str> = listing.calls().into_iter().filter(|call| call.contains("panic")).collect();
    assert_eq!(
        panics,
        ["qword ptr [rip + core::panicking::panic_const::panic_const_async_gen_fn_resumed_panic@GOTPCREL]"],
        "only Panicked panics"
    );
    // It is the generator's `poll_next`: the `dyn AsyncIterator` vtable's slot after drop, size
    // and alignment holds it.
    let boxed = listings::asm_of_file(
        Path::new(ASYNC_GEN),
        "ch10_streams_async_gen",
        "boxed_countdown_gen",
        &AsmOptions { data: true, ..AsmOptions::default() },
        &flags,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let vtable = boxed.data_after(".L__unnamed_1");
    assert_eq!(
        (vtable[0], vtable[2], vtable[3]),
        (
            "core::ptr::drop_in_place::<ch10_streams_async_gen::countdown_gen::{closure#0}>",
            "ch10_streams_async_gen::countdown_gen::{closure#0}",
            "<ch10_streams_async_gen::countdown_gen::{closure#0} as core::async_iter::async_iter::AsyncIterator>::size_hint",
        ),
        "{boxed}"
    );
    // The generator is 12 bytes, alignment 4; a new one has `from` at 0 and the state byte at 9
    // set to 0, `Unresumed`.
    let made = instructions(&boxed);
    for line in ["mov edi, 12", "mov esi, 4", "mov dword ptr [rax], ebx", "mov byte ptr [rax + 9], 0"] {
        assert!(made.contains(&line.to_owned()), "`{line}` not in:\n{boxed}");
    }
    assert_asm_snapshot!("streams_async_gen_boxed", boxed);
    // Without the features, the pinned compiler refuses the file.
    let refused = listings::asm_of_file(
        Path::new(ASYNC_GEN),
        "ch10_streams_async_gen",
        "countdown_gen::{{closure}}",
        &AsmOptions::default(),
        &CodegenFlags::default(),
    )
    .expect_err("stable 1.95.0 has no async gen");
    let refusal = refused.to_string();
    assert!(refusal.contains("error[E0658]: gen blocks are experimental"), "{refusal}");
    assert!(refusal.contains("error[E0658]: `for await` loops are experimental"), "{refusal}");
    // The tracking issues the page cites, as rustc names them.
    for issue in ["issue #117078", "issue #79024", "issue #118898"] {
        assert!(refusal.contains(issue), "{issue} not in:\n{refusal}");
    }
    assert_asm_snapshot!("streams_async_gen_poll_next", listing);
}

/// The lines of a function's text without their comments and trailing blanks.
fn without_comments(text: &str) -> Vec<&str> {
    text.lines().map(|line| line.split(" //").next().unwrap_or(line).trim_end()).collect()
}

#[test]
fn the_pages_refused_for_await_is_in_the_async_gen_file_which_compiles_with_the_features() {
    // The page's `compile_fail,E0658` block, as the doc-tests check it on 1.95.0 …
    let page = include_str!("../../../book/ch10-async-today.md");
    let block = page
        .split("```rust,compile_fail,E0658\n")
        .skip(1)
        .map(|rest| rest.split("\n```").next().unwrap())
        .find(|block| block.contains("for await n in numbers"))
        .expect("the page's refused `for await`");
    // … is, but for comments, the file's `sum`, which compiles under the features (the test
    // above lists the file's code with them).
    let file =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/experiments/streams_async_gen.rs"))
            .unwrap();
    let start = file.find("pub async fn sum(").expect("the file's `sum`");
    let function = &file[start + "pub ".len()..];
    let function = &function[..function.find("\n}\n").unwrap() + 2];
    assert_eq!(without_comments(block), without_comments(function));
    assert!(block.starts_with("async fn sum(numbers: impl std::async_iter::AsyncIterator<Item = u32>) -> u32 {"));
    let flags = unstable_features();
    let listing = listings::asm_of_file(
        Path::new(ASYNC_GEN),
        "ch10_streams_async_gen",
        "boxed_countdown_gen",
        &AsmOptions::default(),
        &flags,
    );
    assert!(listing.is_ok(), "the file compiles with the features: {listing:?}");
}

#[test]
fn the_async_gen_countdown_answers_as_the_others_ends_again_when_polled_again_and_for_await_sums_it() {
    let main = r#"
use std::async_iter::AsyncIterator;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

fn main() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut countdown = pin!(ch10_streams_async_gen::countdown_gen(3));
    loop {
        let answer = countdown.as_mut().poll_next(&mut cx);
        println!("{answer:?}");
        if answer == Poll::Ready(None) {
            break;
        }
    }
    println!("again: {:?}", countdown.as_mut().poll_next(&mut cx));
    let mut sum = pin!(ch10_streams_async_gen::sum_gen(3));
    let mut polls = 1;
    let sum = loop {
        match sum.as_mut().poll(&mut cx) {
            Poll::Ready(sum) => break sum,
            Poll::Pending => polls += 1,
        }
    };
    println!("sum {sum} in {polls} polls");
}
"#;
    let program = listings::program_of_file(Path::new(ASYNC_GEN), "ch10_streams_async_gen", main, &unstable_features())
        .unwrap_or_else(|error| panic!("{error}"));
    let output = std::process::Command::new(&program.path).output().expect("the program runs");
    assert!(output.status.success(), "{output:?}");
    let expected: Vec<String> = COUNTDOWN_FROM_3
        .iter()
        .map(|(answer, _)| format!("{answer:?}"))
        .chain(["again: Ready(None)".to_owned(), "sum 6 in 4 polls".to_owned()])
        .collect();
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().collect::<Vec<_>>(), expected);
}

// ---- Pictures of the layouts the page shows -----------------------------------------------------

/// Draws the layout of the type-sizes listing `name` (of `subject`), as `{{#type-sizes}}` shows
/// it beside the table, and checks it against its snapshot `layout_<name>`.
fn layout_picture(name: &str, subject: &str) -> pictures::layout::Layout {
    let listing = stage(Stage::TypeSizes, subject);
    let drawn = pictures::layout::Layout::of(&listing).unwrap_or_else(|error| panic!("{error}"));
    pictures::assert_picture_snapshot!(&format!("layout_{name}"), drawn.picture(CHAPTER, name, &listing));
    drawn
}

#[test]
fn the_pictures_of_the_streams_layouts_put_each_field_where_the_tables_do() {
    let poll = layout_picture("streams_poll_of_option", "std::task::Poll<std::option::Option<u32>>");
    assert_eq!(poll.over("Ready", 0..8), Some("0"));
    assert_eq!(poll.over("Pending", 0..8), None);
    let step = layout_picture("streams_countdown_step", "{async fn body of streams::countdown_step()}");
    assert_eq!(step.over("Suspend0", 8..9), Some("__awaitee"));
    assert_eq!(step.over("Unresumed", 0..4), Some("next"));
    assert_eq!(step.over("Suspend0", 9..10), Some("tag"), "the tag is drawn where the debug information puts it");
    let sum = layout_picture("streams_sum_countdown", "sum_countdown");
    assert_eq!(sum.over("Suspend0", 16..24), Some("__awaitee"));
    assert_eq!(sum.over("Suspend0", 8..16), Some("countdown"));
    assert_eq!(sum.over("Unresumed", 28..29), Some("tag"));
}
