//! What chapter 7 says about dropping a suspended future, checked on the pinned compiler: each
//! test asserts the claims the page makes of one listing (layout, drop glue in MIR and in
//! assembly, the MIR that decides `Send`), then snapshots the whole listing the page shows.

use std::ops::Range;

use listings::{AsmOptions, Stage, StageListing, assert_asm_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

/// The cells of the layout table's row over `bytes`, one per column.
fn layout_row(layout: &StageListing, bytes: Range<u64>) -> Vec<String> {
    let future = layout.layout.as_ref().expect("a type's listing has its layout");
    future.row(bytes.clone()).unwrap_or_else(|| panic!("no row {bytes:?} in:\n{}", layout.text))
}

const DROP_NAMED: &str = "qword ptr [rip + <ch07_cancellation::Named as core::ops::drop::Drop>::drop@GOTPCREL]";

// ---- The layout: what each suspended state holds ------------------------------------------------

#[test]
fn the_future_of_held_across_awaits_holds_different_names_in_each_suspended_state() {
    let layout = stage(Stage::TypeSizes, "held_across_awaits");
    assert!(layout.text.starts_with("type: `{async fn body of held_across_awaits()}`: 80 bytes, alignment: 8 bytes\n"));
    // Columns: Unresumed, Suspend0, Suspend1, Suspend2, Returned, Panicked.
    assert_eq!(layout_row(&layout, 0..16), ["upvar argument"; 6], "the captured argument, in every state");
    assert_eq!(layout_row(&layout, 16..32), ["", "local argument", "local argument", "local argument"]);
    assert_eq!(layout_row(&layout, 32..48), ["", "local first", "local first", "local first"]);
    assert_eq!(layout_row(&layout, 48..49), ["tag"; 6]);
    assert_eq!(layout_row(&layout, 56..57), ["", "local __awaitee", "local __awaitee", "local __awaitee"]);
    assert_eq!(layout_row(&layout, 64..80), ["", "", "local second"], "second only in Suspend1");
    assert!(layout.text.contains("the tag: 1 byte(s) at offset 48"), "{}", layout.text);
    assert_stage_snapshot!("held_across_awaits", layout);
}

// ---- The drop glue in MIR -----------------------------------------------------------------------

#[test]
fn the_first_resume_moves_the_upvar_into_the_bodys_argument_so_a_finished_future_has_none_to_drop() {
    let mir = stage(Stage::Mir, "held_across_awaits::{closure#0}");
    let moved_out = "(((*_31) as variant#5).0: Named) = move ((*_31).0: Named);";
    assert!(mir.text.contains(moved_out), "`let argument = argument;` moves the upvar:\n{}", mir.text);
}

#[test]
fn the_drop_glue_switches_on_the_state_and_drops_exactly_what_each_state_holds() {
    let glue = stage(Stage::DropGlue, "held_across_awaits");
    let mir = glue.text.as_str();
    let body = glue.body.as_ref().expect("a MIR listing carries its body");
    let block = |name: &str| body.block(name).unwrap_or_else(|| panic!("no block {name} in:\n{mir}"));
    assert!(mir.starts_with("fn drop_in_place(_1: *mut {async fn body of held_across_awaits()}) -> () {\n"));
    for debug in [
        // The body's variables, as the coroutine's MIR names them: the drop glue is a copy of the
        // coroutine's body (it even keeps `_task_context`, which it never uses).
        "debug _task_context => _2;",
        "debug argument => ((*_1).0: Named);",
        "debug argument => (((*_1) as variant#5).0: Named);",
        "debug first => (((*_1) as variant#5).1: Named);",
        "debug second => (((*_1) as variant#4).2: Named);",
    ] {
        assert!(mir.contains(debug), "`{debug}` missing from:\n{mir}");
    }
    assert_eq!(
        block("bb0").statements,
        ["_60 = discriminant((*_1));", "switchInt(move _60) -> [0: bb17, 3: bb20, 4: bb21, 5: bb22, otherwise: bb23];"]
    );

    // Follow each state to its drops: the blocks it passes through, and the places it drops. The
    // blocks on the way that are not drops only end the storage of the resume function's
    // temporaries (StorageLive/StorageDead, nop), which drops nothing.
    let path_from = |start: &str| -> (Vec<String>, Vec<String>) {
        let (mut blocks, mut dropped) = (Vec::new(), Vec::new());
        let mut block = start.to_owned();
        loop {
            blocks.push(block.clone());
            let terminator = body.block(&block).unwrap_or_else(|| panic!("no block {block}")).terminator();
            if let Some((place, rest)) = terminator.strip_prefix("drop(").and_then(|t| t.split_once(") -> [return: ")) {
                dropped.push(place.to_owned());
                block = rest.split(',').next().unwrap().to_owned();
            } else if let Some(next) = terminator.strip_prefix("goto -> ") {
                block = next.trim_end_matches(';').to_owned();
            } else {
                assert_eq!(terminator, "return;", "{block}");
                return (blocks, dropped);
            }
        }
    };
    // The blocks the page's table names: from the switch's target to the last drop.
    let blocks_until = |start: &str, last: &str| -> Vec<String> {
        let (blocks, _) = path_from(start);
        let end = blocks.iter().position(|b| b == last).unwrap_or_else(|| panic!("{last} not on {blocks:?}"));
        blocks[..=end].to_vec()
    };
    let upvar = "((*_1).0: Named)";
    let (argument, first, second) =
        ("(((*_1) as variant#5).0: Named)", "(((*_1) as variant#5).1: Named)", "(((*_1) as variant#4).2: Named)");
    assert_eq!(path_from("bb17").1, [upvar], "Unresumed: the captured argument, nothing else");
    assert_eq!(blocks_until("bb17", "bb19"), ["bb17", "bb19"]);
    assert_eq!(path_from("bb20").1, [first, argument], "Suspend0");
    assert_eq!(blocks_until("bb20", "bb6"), ["bb20", "bb4", "bb5", "bb6"]);
    assert_eq!(path_from("bb21").1, [second, first, argument], "Suspend1");
    assert_eq!(blocks_until("bb21", "bb6"), ["bb21", "bb2", "bb3", "bb5", "bb6"]);
    assert_eq!(path_from("bb22").1, [first, argument], "Suspend2");
    assert_eq!(blocks_until("bb22", "bb6"), ["bb22", "bb1", "bb5", "bb6"]);
    assert_eq!(path_from("bb23"), (vec!["bb23".to_owned()], vec![]), "Returned and Panicked: nothing");
    // If a drop panics, the cleanup blocks drop what is left, in the same order; a drop that
    // panics during that cleanup terminates the program.
    assert_eq!(block("bb2").terminator(), "drop((((*_1) as variant#4).2: Named)) -> [return: bb3, unwind: bb10];");
    assert_eq!(
        block("bb10").terminator(),
        "drop((((*_1) as variant#5).1: Named)) -> [return: bb11, unwind terminate(cleanup)];"
    );
    assert_eq!(
        block("bb11").terminator(),
        "drop((((*_1) as variant#5).0: Named)) -> [return: bb12, unwind terminate(cleanup)];"
    );
    assert_stage_snapshot!("held_across_awaits_drop_glue", glue);
}

// ---- The drop glue in machine code ----------------------------------------------------------------

#[test]
fn the_drop_glue_in_machine_code_jumps_on_the_tag_at_48_to_calls_at_the_offsets_of_the_layout() {
    let listing = listings::asm(CHAPTER, "drop_in_place<held_across_awaits::{{closure}}>", &AsmOptions::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    let dispatch =
        code.windows(3).any(|w| w == [("movzx", "eax, byte ptr [rdi + 48]"), ("cmp", "rax, 5"), ("ja", ".LBB0_4")]);
    assert!(dispatch, "the tag at 48; above 5, nothing to do: {listing}");
    let table: Vec<&str> = listing.jump_tables()[0].iter().map(|entry| entry.split('-').next().unwrap()).collect();
    assert_eq!(table, [".LBB0_3", ".LBB0_4", ".LBB0_4", ".LBB0_2", ".LBB0_1", ".LBB0_2"], "states 0 to 5");
    // Suspend1: `second` at 64, then on into Suspend0's and Suspend2's block.
    assert_eq!(listing.block(".LBB0_1").unwrap(), [("lea", "rdi, [rbx + 64]"), ("call", DROP_NAMED)]);
    // Suspend0 and Suspend2: `first` at 32, then the body's `argument` at 16, as a tail call.
    assert_eq!(
        listing.block(".LBB0_2").unwrap(),
        [("lea", "rdi, [rbx + 32]"), ("call", DROP_NAMED), ("add", "rbx, 16")]
    );
    // Unresumed lands here directly, with rbx still the future: the upvar at 0.
    let tail = listing.block(".LBB0_3").unwrap();
    assert_eq!(tail.first(), Some(&("mov", "rdi, rbx")));
    assert_eq!(tail.last(), Some(&("jmp", DROP_NAMED)));
    let returned_or_panicked = listing.block(".LBB0_4").unwrap();
    assert_eq!(returned_or_panicked.last(), Some(&("ret", "")), "Returned and Panicked: nothing");
    assert!(returned_or_panicked.iter().all(|(m, _)| *m != "call"));
    // Landing pads: a panic in `second`'s drop still drops `first` and the argument; a panic in
    // `first`'s drop, the argument; then unwinding goes on.
    assert_eq!(
        listing.block(".LBB0_5").unwrap(),
        [("mov", "r14, rax"), ("lea", "rdi, [rbx + 32]"), ("call", DROP_NAMED), ("jmp", ".LBB0_7")]
    );
    assert_eq!(listing.block(".LBB0_6"), Some(vec![("mov", "r14, rax")]));
    assert_eq!(
        listing.block(".LBB0_7").unwrap(),
        [
            ("add", "rbx, 16"),
            ("mov", "rdi, rbx"),
            ("call", DROP_NAMED),
            ("mov", "rdi, r14"),
            ("call", "_Unwind_Resume@PLT")
        ]
    );
    assert_eq!(
        listing.block(".LBB0_8").unwrap(),
        [("call", "qword ptr [rip + core::panicking::panic_in_cleanup@GOTPCREL]")],
        "a panic while unwinding"
    );
    assert_asm_snapshot!("drop_held_across_awaits", listing);
}

// ---- The drop glue's recursive step: an awaitee with a destructor --------------------------------

#[test]
fn suspended_at_a_child_the_drop_glue_drops_the_childs_future_before_its_own_locals() {
    let glue = stage(Stage::DropGlue, "awaits_a_child");
    let body = glue.body.as_ref().expect("a MIR listing carries its body");
    let block = |name: &str| body.block(name).unwrap_or_else(|| panic!("no block {name} in:\n{}", glue.text));
    assert_eq!(
        block("bb0").statements,
        ["_24 = discriminant((*_1));", "switchInt(move _24) -> [0: bb16, 3: bb19, otherwise: bb20];"]
    );
    assert_eq!(block("bb19").terminator(), "goto -> bb1;");
    // Suspend0: the awaitee, a whole `async fn` future, is dropped first: a call of its own drop glue.
    assert_eq!(
        block("bb1").terminator(),
        "drop((((*_1) as variant#3).2: {async fn body of child_holding_a_name()})) -> [return: bb2, unwind: bb8];"
    );
    assert_eq!(block("bb3").terminator(), "drop((((*_1) as variant#3).1: Named)) -> [return: bb4, unwind: bb10];");
    assert_eq!(block("bb4").terminator(), "drop((((*_1) as variant#3).0: Named)) -> [return: bb5, unwind: bb11];");

    // Where those fields lie: the child's future at 48..72, its own tag 17 bytes in, at 65.
    let layout = stage(Stage::TypeSizes, "awaits_a_child");
    assert_eq!(layout_row(&layout, 48..72), ["", "local __awaitee"]);
    assert_eq!(layout_row(&layout, 72..73), ["tag"; 4]);
    let child = stage(Stage::TypeSizes, "child_holding_a_name");
    assert_eq!(layout_row(&child, 0..16), ["", "local inner"]);
    assert!(child.text.contains("the tag: 1 byte(s) at offset 17"), "{}", child.text);
    assert_stage_snapshot!("awaits_a_child", layout);
    assert_stage_snapshot!("awaits_a_child_drop_glue", glue);
}

#[test]
fn in_machine_code_the_childs_drop_glue_is_inlined_as_a_test_of_the_childs_own_tag() {
    let listing = listings::asm(CHAPTER, "drop_in_place<awaits_a_child::{{closure}}>", &AsmOptions::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let code: Vec<(&str, &str)> = listing.instructions().collect();
    assert!(code.contains(&("movzx", "eax, byte ptr [rdi + 72]")), "the parent's tag at 72: {listing}");
    // Suspend0 of the parent: is the child (at 48) in its own Suspend0, tag 3 at 48 + 17?
    // Then `inner`, at 48 + 0; then, either way, the parent's `outer` and `argument`.
    assert_eq!(
        listing.block(".LBB0_1").unwrap(),
        [("cmp", "byte ptr [rbx + 65], 3"), ("jne", ".LBB0_2"), ("lea", "rdi, [rbx + 48]"), ("call", DROP_NAMED)]
    );
    assert_eq!(
        listing.block(".LBB0_2").unwrap(),
        [("lea", "rdi, [rbx + 32]"), ("call", DROP_NAMED), ("add", "rbx, 16")]
    );
    assert!(!code.iter().any(|(_, operands)| operands.contains("drop_in_place")), "no call: inlined: {listing}");
    assert_asm_snapshot!("drop_awaits_a_child", listing);
}

// ---- What the saved locals decide: Send -------------------------------------------------------

#[test]
fn an_rc_used_after_the_await_is_a_field_of_the_future() {
    let mir = stage(Stage::Mir, "rc_held_across_await::{closure#0}");
    assert!(mir.text.contains("debug shared => (((*_16) as variant#3).0: std::rc::Rc<u8>);"), "{}", mir.text);
    assert_stage_snapshot!("rc_held_across_await", mir);
}

#[test]
fn an_rc_in_a_block_that_ends_before_the_await_is_a_local_of_the_resume_function() {
    let mir = stage(Stage::Mir, "rc_dropped_in_a_block_before_await::{closure#0}");
    assert!(mir.text.contains("debug shared => _3;"), "{}", mir.text);
    // Borrowed (`*shared` is `Deref::deref(&shared)`), and still not saved: its scope ends first.
    assert!(mir.text.contains("_5 = &_3;"), "{}", mir.text);
    assert!(mir.text.contains("debug value => (((*_17) as variant#3).0: u8);"), "only the byte is saved");
    assert!(!mir.text.contains("variant#3).0: std::rc::Rc"), "{}", mir.text);
    assert_stage_snapshot!("rc_dropped_in_a_block_before_await", mir);
}

#[test]
fn an_rc_borrowed_then_dropped_before_the_await_stays_a_field_of_the_future() {
    let mir = stage(Stage::Mir, "rc_borrowed_then_dropped_before_await::{closure#0}");
    assert!(mir.text.contains("debug shared => (((*_18) as variant#3).0: std::rc::Rc<u8>);"), "{}", mir.text);
    // `*shared` borrows the Rc for `Deref::deref` …
    let borrow = "_4 = &(((*_18) as variant#3).0: std::rc::Rc<u8>);\n        _3 = <Rc<u8> as Deref>::deref(move _4)";
    assert!(mir.text.contains(borrow), "{}", mir.text);
    // … and `drop` moves it out, which does not end its storage.
    assert!(mir.text.contains("_5 = std::mem::drop::<Rc<u8>>(move _6)"), "{}", mir.text);
    let layout = stage(Stage::TypeSizes, "rc_borrowed_then_dropped_before_await");
    assert_eq!(layout_row(&layout, 0..8), ["", "local shared"], "8 bytes of the future are the dropped Rc's");
}

#[test]
fn an_rc_dropped_before_the_await_and_replaced_after_it_is_no_field_of_the_future() {
    // The future is still not `Send`: the page's `compile_fail` doc-test holds that half.
    let layout = stage(Stage::TypeSizes, "rc_replaced_after_await");
    assert!(
        layout.text.starts_with("type: `{async fn body of rc_replaced_after_await()}`: 2 bytes, alignment: 1 bytes\n")
    );
    assert!(!layout.text.contains("Rc"), "no field of the future is an Rc: {}", layout.text);
    assert_eq!(layout_row(&layout, 1..2), ["", "local __awaitee"]);
    assert_stage_snapshot!("rc_replaced_after_await", layout);
}
