//! What chapter 5 says about rustc's lowering of `async fn`, checked on the pinned compiler:
//! each test asserts the claim the page makes on one listing (HIR, MIR, type sizes or
//! assembly), then snapshots the whole listing the page shows.

use listings::{
    AsmListing, AsmOptions, Part, Stage, StageListing, assert_asm_snapshot, assert_part_snapshot, assert_stage_snapshot,
};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

fn asm(function: &str, options: AsmOptions) -> AsmListing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

fn assert_contains_all(text: &str, pieces: &[&str]) {
    for piece in pieces {
        assert!(text.contains(piece), "`{piece}` missing from:\n{text}");
    }
}

/// The line of a MIR body that starts with `prefix` (after indentation).
fn mir_line<'a>(mir: &'a str, prefix: &str) -> &'a str {
    mir.lines().map(str::trim_start).find(|line| line.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}:\n{mir}"))
}

/// The `(kind, name, offset, size)` of every field of one variant of a future's layout.
fn variant_fields(future: &str, variant: &str) -> Vec<(String, String, u64, u64)> {
    let layout = stage(Stage::TypeSizes, future).layout.unwrap_or_else(|| panic!("no layout of {future}"));
    let variant = layout
        .variants
        .iter()
        .find(|v| v.name.as_deref() == Some(variant))
        .unwrap_or_else(|| panic!("no variant {variant} in {future}"));
    variant.fields.iter().map(|f| (f.kind.clone(), f.name.clone(), f.offset, f.size)).collect()
}

/// The lines `first..=last` of a MIR body from the line `scope 1 {` (its first scope) to the
/// `}` that closes the basic block containing `statement`: the part of a body the page shows.
fn scopes_to_the_block_of(mir: &StageListing, name: &str, statement: &str) -> Part {
    let lines: Vec<&str> = mir.text.lines().collect();
    let first = lines.iter().position(|line| line.trim() == "scope 1 {").expect("a first scope") + 1;
    let at = lines.iter().position(|line| line.contains(statement)).unwrap_or_else(|| panic!("{statement}"));
    let last = at + lines[at..].iter().position(|line| *line == "    }").expect("the block's end") + 1;
    Part::of_stage(mir, name, first..=last)
}

fn first_line(listing: &StageListing) -> &str {
    listing.text.lines().next().unwrap_or_default()
}

// ---- HIR: the desugaring ----------------------------------------------------------------------

#[test]
fn hir_of_hello_world_turns_the_body_into_a_coroutine_closure_and_await_into_a_poll_loop_that_yields() {
    let hir = stage(Stage::Hir, "hello_world");
    assert_contains_all(
        &hir.text,
        &[
            "async fn hello_world()",
            "/*impl Trait*/ |mut _task_context: ResumeTy|",
            "match into_future(fut) {",
            "mut __awaitee =>",
            "loop {",
            "poll(new_unchecked(&mut __awaitee),",
            "get_context(_task_context))",
            "Ready {  0: result } => break result,",
            "Pending {} => { }",
            "_task_context = (yield ());",
        ],
    );
    assert_eq!(hir.text.matches("yield").count(), 1, "one await, one yield");
    assert_stage_snapshot!("hello_world", hir);
}

#[test]
fn hir_of_an_async_fn_with_an_argument_moves_the_argument_into_the_coroutines_body() {
    let hir = stage(Stage::Hir, "argument_counted_twice");
    assert_contains_all(
        &hir.text,
        &["async fn argument_counted_twice(bytes: [u8; 1024])", "|mut _task_context: ResumeTy|", "let bytes = bytes;"],
    );
    let closure = hir.text.find("|mut _task_context").unwrap();
    assert!(hir.text.find("let bytes = bytes;").unwrap() > closure, "the move is the first statement of the closure");
    assert_stage_snapshot!("argument_counted_twice", hir);
}

// ---- MIR: the state machine -------------------------------------------------------------------

#[test]
fn mir_of_hello_world_switches_on_the_state_and_returns_pending_after_storing_state_3() {
    let mir = stage(Stage::Mir, "hello_world::{closure#0}");
    assert_eq!(
        first_line(&mir),
        "fn hello_world::{closure#0}(_1: Pin<&mut {async fn body of hello_world()}>, _2: &mut Context<'_>) -> Poll<()> {"
    );
    let switch = mir_line(&mir.text, "switchInt(move _14)");
    assert_eq!(switch, "switchInt(move _14) -> [0: bb1, 1: bb15, 2: bb14, 3: bb13, otherwise: bb7];");
    assert_contains_all(
        &mir.text,
        &[
            "_14 = discriminant((*_15));",
            // `yield` became: Pending, then the state of this suspension point.
            "_0 = Poll::<()>::Pending;\n        discriminant((*_15)) = 3;\n        return;",
            // `return` became: Ready, then state 1.
            "_0 = Poll::<()>::Ready(const ());\n        discriminant((*_15)) = 1;\n        return;",
            "bb12 (cleanup): {\n        discriminant((*_15)) = 2;\n        resume;",
            "assert(const false, \"`async fn` resumed after completion\")",
            "assert(const false, \"`async fn` resumed after panicking\")",
            // The awaited future lives in the coroutine, in the variant of state 3 …
            "debug __awaitee => (((*_15) as variant#3).0: DummyFuture);",
            // … while `fut`, handed to `into_future` before the await, stays an ordinary local,
            // passed by `copy` since CopyProp merged the temporary it was moved into.
            "debug fut => _3;",
            "_4 = <DummyFuture as IntoFuture>::into_future(copy _3)",
        ],
    );
    assert!(!mir.text.contains("yield"), "no yield is left after the transform");
    assert_stage_snapshot!("hello_world_state_machine", mir);
}

#[test]
fn mir_has_no_storage_markers_at_opt_level_0() {
    // RemoveStorageMarkers runs after StateTransform when no lifetime markers go to LLVM, as at
    // opt-level 0: the borrow rule used them, the printed MIR no longer shows them.
    for body in [
        "hello_world::{closure#0}",
        "two_suspension_points::{closure#0}",
        "buffer_borrowed_then_dropped_before_await::{closure#0}",
        "buffer_read_without_borrow_before_await::{closure#0}",
    ] {
        let mir = stage(Stage::Mir, body);
        assert!(!mir.text.contains("StorageLive") && !mir.text.contains("StorageDead"), "{body}:\n{}", mir.text);
    }
}

#[test]
fn mir_of_two_suspension_points_has_states_3_and_4_and_copies_the_argument_on_the_first_resume() {
    let mir = stage(Stage::Mir, "two_suspension_points::{closure#0}");
    let switch = mir_line(&mir.text, "switchInt(move _25)");
    assert_eq!(switch, "switchInt(move _25) -> [0: bb1, 1: bb22, 2: bb21, 3: bb19, 4: bb20, otherwise: bb7];");
    assert_contains_all(
        &mir.text,
        &[
            "discriminant((*_26)) = 3;",
            "discriminant((*_26)) = 4;",
            "discriminant((*_26)) = 1;",
            "discriminant((*_26)) = 2;",
            // The argument, captured like a closure's upvar …
            "debug before => ((*_26).0: u64);",
            // … and the body's own `before`, saved in the coroutine …
            "debug before => (((*_26) as variant#4).0: u64);",
            // … is filled from the upvar on the first resume: the argument is there twice.
            "bb1: {\n        (((*_26) as variant#4).0: u64) = copy ((*_26).0: u64);",
            "debug between => (((*_26) as variant#4).1: u64);",
            "debug __awaitee => (((*_26) as variant#3).1: YieldOnce);",
            "debug __awaitee => (((*_26) as variant#4).2: YieldOnce);",
        ],
    );
    assert_stage_snapshot!("two_suspension_points_state_machine", mir);
}

#[test]
fn mir_keeps_a_borrowed_buffer_in_the_coroutine_even_after_it_was_dropped_before_the_await() {
    let mir = stage(Stage::Mir, "buffer_borrowed_then_dropped_before_await::{closure#0}");
    let buffer = mir_line(&mir.text, "debug buffer =>");
    assert!(buffer.contains("as variant#3).0: Kilobyte)"), "the buffer is a field of the coroutine: {buffer}");
    assert_contains_all(
        &mir.text,
        &[
            // Built in a local of the resume function, moved into the coroutine's field (the
            // array temporary is not saved; `buffer` is), borrowed for `xor_all` …
            "_3 = [const 7_u8; 1024];",
            "(((*_19) as variant#3).0: Kilobyte) = Kilobyte(move _3);",
            "_5 = &((((*_19) as variant#3).0: Kilobyte).0: [u8; 1024]);",
            // … then moved out and dropped, before the await.
            "_7 = move (((*_19) as variant#3).0: Kilobyte);",
            "_6 = std::mem::drop::<Kilobyte>(move _7)",
        ],
    );
    let shown = scopes_to_the_block_of(&mir, "built_borrowed_dropped", "std::mem::drop::<Kilobyte>");
    assert!(shown.text.contains("debug buffer => (((*_19) as variant#3).0: Kilobyte);"), "{}", shown.text);
    assert!(shown.text.contains("Kilobyte(move _3);") && shown.text.trim_end().ends_with('}'), "{}", shown.text);
    assert_stage_snapshot!("buffer_borrowed_then_dropped_before_await", mir);
    assert_part_snapshot!("buffer_borrowed_then_dropped_before_await", shown);
}

#[test]
fn mir_leaves_a_buffer_that_was_never_borrowed_on_the_stack() {
    let mir = stage(Stage::Mir, "buffer_read_without_borrow_before_await::{closure#0}");
    assert_eq!(mir_line(&mir.text, "debug buffer =>"), "debug buffer => _3;", "an ordinary MIR local");
    assert_contains_all(&mir.text, &["_3 = [const 7_u8; 1024];", "_4 = copy _3[_5];"]);
    assert!(!mir.text.contains("&_3"), "never borrowed");
    let shown = scopes_to_the_block_of(&mir, "read_in_place", "BitXor(");
    assert!(shown.text.contains("debug buffer => _3;") && shown.text.contains("_4 = copy _3[_5];"), "{}", shown.text);
    assert_stage_snapshot!("buffer_read_without_borrow_before_await", mir);
    assert_part_snapshot!("buffer_read_without_borrow_before_await", shown);
}

// ---- Type sizes: the layout -------------------------------------------------------------------

#[test]
fn hello_worlds_future_is_its_tag_and_the_awaited_dummy_future() {
    let layout = stage(Stage::TypeSizes, "hello_world");
    assert!(layout.text.starts_with("type: `{async fn body of hello_world()}`: 2 bytes, alignment: 1 bytes\n"));
    assert_eq!(
        variant_fields("hello_world", "Suspend0"),
        [("local".into(), "__awaitee".into(), 1, 1)],
        "the DummyFuture right after the tag"
    );
    assert!(layout.text.contains("the tag: 1 byte(s) at offset 0"), "the tag first: {}", layout.text);
    assert_stage_snapshot!("hello_world", layout);
}

#[test]
fn two_suspension_points_store_the_argument_twice_and_between_only_in_suspend1() {
    let layout = stage(Stage::TypeSizes, "two_suspension_points");
    assert!(layout.text.starts_with("type: `{async fn body of two_suspension_points()}`: 40 bytes, alignment: 8"));
    // The same offset the resume function's machine code loads the tag from.
    assert!(layout.text.contains("the tag: 1 byte(s) at offset 16"), "the tag after the prefix: {}", layout.text);
    assert_eq!(
        variant_fields("two_suspension_points", "Suspend1"),
        [
            ("upvar".into(), "before".into(), 0, 8),
            ("local".into(), "before".into(), 8, 8),
            ("local".into(), "__awaitee".into(), 24, 1),
            ("local".into(), "between".into(), 32, 8),
        ]
    );
    assert_eq!(
        variant_fields("two_suspension_points", "Suspend0"),
        [
            ("upvar".into(), "before".into(), 0, 8),
            ("local".into(), "before".into(), 8, 8),
            ("local".into(), "__awaitee".into(), 24, 1),
        ],
        "the two awaitees share offset 24"
    );
    assert_stage_snapshot!("two_suspension_points", layout);
}

#[test]
fn a_buffer_held_across_the_await_is_in_the_future() {
    let layout = stage(Stage::TypeSizes, "buffer_held_across_await");
    assert!(layout.text.starts_with("type: `{async fn body of buffer_held_across_await()}`: 1026 bytes"));
    assert_eq!(
        variant_fields("buffer_held_across_await", "Suspend0"),
        [("local".into(), "buffer".into(), 1, 1024), ("local".into(), "__awaitee".into(), 1025, 1)]
    );
    assert_stage_snapshot!("buffer_held_across_await", layout);
}

#[test]
fn a_buffer_in_a_block_that_ends_before_the_await_is_not_in_the_future() {
    let layout = stage(Stage::TypeSizes, "buffer_in_block_before_await");
    assert!(layout.text.starts_with("type: `{async fn body of buffer_in_block_before_await()}`: 3 bytes"));
    assert_eq!(
        variant_fields("buffer_in_block_before_await", "Suspend0"),
        [("local".into(), "checksum".into(), 1, 1), ("local".into(), "__awaitee".into(), 2, 1)]
    );
    assert_stage_snapshot!("buffer_in_block_before_await", layout);
}

#[test]
fn a_borrowed_buffer_stays_in_the_future_after_it_is_dropped() {
    let layout = stage(Stage::TypeSizes, "buffer_borrowed_then_dropped_before_await");
    assert!(
        layout.text.starts_with("type: `{async fn body of buffer_borrowed_then_dropped_before_await()}`: 1027 bytes")
    );
    let fields = variant_fields("buffer_borrowed_then_dropped_before_await", "Suspend0");
    assert_eq!(fields[0], ("local".into(), "buffer".into(), 1, 1024), "{fields:?}");
    assert_stage_snapshot!("buffer_borrowed_then_dropped_before_await", layout);
}

#[test]
fn a_buffer_read_but_never_borrowed_is_not_in_the_future() {
    let layout = stage(Stage::TypeSizes, "buffer_read_without_borrow_before_await");
    assert!(layout.text.starts_with("type: `{async fn body of buffer_read_without_borrow_before_await()}`: 3 bytes"));
    assert!(!layout.text.contains("buffer`"), "no field named buffer");
    assert_stage_snapshot!("buffer_read_without_borrow_before_await", layout);
}

#[test]
fn two_big_awaits_in_sequence_share_the_same_bytes() {
    let layout = stage(Stage::TypeSizes, "two_big_awaits_in_sequence");
    assert!(layout.text.starts_with("type: `{async fn body of two_big_awaits_in_sequence()}`: 1028 bytes"));
    assert_eq!(
        variant_fields("two_big_awaits_in_sequence", "Suspend0"),
        [("local".into(), "__awaitee".into(), 2, 1026)],
        "at 2, not 1: byte 1 is `first`, promoted to the prefix because its storage is live during the first await"
    );
    assert_eq!(
        variant_fields("two_big_awaits_in_sequence", "Suspend1"),
        [("local".into(), "first".into(), 1, 1), ("local".into(), "__awaitee".into(), 2, 1026)],
        "the second awaitee reuses the first one's bytes"
    );
    assert_stage_snapshot!("two_big_awaits_in_sequence", layout);
}

/// One await, so one state holds locals of its own: nothing could overlap them, and rustc puts
/// them all in the prefix, the `u64` first at offset 0 and the tag after them at byte 10.
#[test]
fn with_one_await_every_saved_local_is_in_the_prefix_before_the_tag() {
    let layout = stage(Stage::TypeSizes, "a_byte_and_a_word_across_one_await");
    assert!(
        layout
            .text
            .starts_with("type: `{async fn body of a_byte_and_a_word_across_one_await()}`: 16 bytes, alignment: 8")
    );
    assert_eq!(
        variant_fields("a_byte_and_a_word_across_one_await", "Suspend0"),
        [
            ("local".into(), "big".into(), 0, 8),
            ("local".into(), "small".into(), 8, 1),
            ("local".into(), "__awaitee".into(), 9, 1),
        ]
    );
    assert!(layout.text.contains("the tag: 1 byte(s) at offset 10"), "the tag after the locals: {}", layout.text);
    assert_stage_snapshot!("a_byte_and_a_word_across_one_await", layout);
}

#[test]
fn an_argument_used_after_an_await_is_stored_twice() {
    let layout = stage(Stage::TypeSizes, "argument_counted_twice");
    assert!(layout.text.starts_with("type: `{async fn body of argument_counted_twice()}`: 2050 bytes"));
    assert_eq!(
        variant_fields("argument_counted_twice", "Suspend0"),
        [
            ("upvar".into(), "bytes".into(), 1, 1024),
            ("local".into(), "bytes".into(), 1025, 1024),
            ("local".into(), "__awaitee".into(), 2049, 1),
        ]
    );
    assert_stage_snapshot!("argument_counted_twice", layout);
}

// ---- Assembly ---------------------------------------------------------------------------------

#[test]
fn the_resume_function_of_two_suspension_points_jumps_through_five_entries_on_the_tag_at_offset_16() {
    let listing = asm("two_suspension_points::{{closure}}", AsmOptions { source: true, data: false });
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    assert!(instructions.contains(&("movzx", "eax, byte ptr [rsi + 16]")), "the tag, after the prefix: {listing}");
    let tables = listing.jump_tables();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].len(), 5, "Unresumed, Returned, Panicked, Suspend0, Suspend1: {tables:?}");
    // State 0 copies the argument (upvar, offset 0) into the body's local (offset 8).
    let copy =
        instructions.windows(2).any(|w| w == [("mov", "rax, qword ptr [rbx]"), ("mov", "qword ptr [rbx + 8], rax")]);
    assert!(copy, "{listing}");
    // Suspend0, Suspend1 and Returned go through `al` into the tag; both landing pads poison it.
    for state in [("mov", "al, 3"), ("mov", "al, 4"), ("mov", "al, 1"), ("mov", "byte ptr [rbx + 16], al")] {
        assert!(instructions.contains(&state), "{state:?}: {listing}");
    }
    assert_eq!(instructions.iter().filter(|i| **i == ("mov", "byte ptr [rbx + 16], 2")).count(), 2, "{listing}");
    let calls = listing.calls();
    assert!(calls.iter().any(|c| c.ends_with("panic_const_async_fn_resumed@GOTPCREL]")), "{calls:?}");
    assert!(calls.iter().any(|c| c.ends_with("panic_const_async_fn_resumed_panic@GOTPCREL]")), "{calls:?}");
    assert!(calls.contains(&"qword ptr [rcx + 16]"), "YieldOnce's wake_by_ref, inlined: {calls:?}");
    assert_asm_snapshot!("two_suspension_points_state_machine", listing);
}

#[test]
fn the_result_tag_is_stored_as_a_whole_word_because_the_tag_of_poll_of_two_words_is_8_bytes_wide() {
    let result = stage(Stage::TypeSizes, "std::task::Poll<(u64, u64)>");
    assert!(result.text.starts_with("type: `std::task::Poll<(u64, u64)>`: 24 bytes, alignment: 8 bytes\n"));
    assert!(result.text.contains("    discriminant: 8 bytes\n"), "widened, not a byte and padding: {}", result.text);
    let listing = asm("two_suspension_points::{{closure}}", AsmOptions { source: true, data: false });
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    assert!(instructions.contains(&("mov", "qword ptr [r14], rcx")), "the tag of the result, a word: {listing}");
}

#[test]
fn every_resume_moves_the_new_context_into_the_yields_place_and_the_body_moves_it_back() {
    // The transform's statement (the resume argument `_2` into the `yield`'s destination), then
    // the body's own `_task_context = (yield ())`, at each resumption block.
    let hello = stage(Stage::Mir, "hello_world::{closure#0}");
    assert!(hello.text.contains("bb13: {\n        _11 = move _2;\n        _2 = move _11;\n        goto -> bb4;"));
    assert!(hello.text.contains("debug _task_context => _2;"), "{}", hello.text);
    let two = stage(Stage::Mir, "two_suspension_points::{closure#0}");
    assert_contains_all(
        &two.text,
        &["_11 = move _2;\n        _2 = move _11;", "_21 = move _2;\n        _2 = move _21;"],
    );
}

#[test]
fn the_first_resume_of_argument_counted_twice_copies_the_kilobyte_from_the_future_into_the_future() {
    let listing = asm("argument_counted_twice::{{closure}}", AsmOptions { source: true, data: false });
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    let memcpy = instructions.windows(4).any(|w| {
        w == [
            ("lea", "rdi, [rbx + 1025]"),
            ("lea", "rsi, [rbx + 1]"),
            ("mov", "edx, 1024"),
            ("call", "qword ptr [rip + memcpy@GOTPCREL]"),
        ]
    });
    assert!(memcpy, "memcpy(future + 1025, future + 1, 1024): {listing}");
    assert_eq!(listing.jump_tables()[0].len(), 4);
    assert_asm_snapshot!("argument_counted_twice_state_machine", listing);
}

#[test]
fn boxing_argument_counted_twice_allocates_2050_bytes_and_copies_the_argument_in() {
    let listing = asm("boxed_argument_counted_twice", AsmOptions { source: true, data: true });
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    assert!(instructions.contains(&("mov", "edi, 2050")), "__rust_alloc(2050, 1): {listing}");
    assert!(instructions.contains(&("mov", "byte ptr [rax], 0")), "state 0, Unresumed");
    assert!(instructions.contains(&("mov", "edx, 1024")), "the argument copied in: {listing}");
    let vtable = listing.data_after(".L__unnamed_1");
    assert_eq!(
        vtable.last().copied(),
        Some("ch05_lowering::argument_counted_twice::{{closure}}"),
        "poll is the state machine: {vtable:?}"
    );
    assert_asm_snapshot!("boxed_argument_counted_twice", listing);
}

#[test]
fn only_state_machines_that_some_code_uses_get_machine_code() {
    let functions = listings::asm_functions(CHAPTER).unwrap_or_else(|error| panic!("{error}"));
    assert!(functions.iter().any(|f| f == "ch05_lowering::two_suspension_points::{{closure}}"), "{functions:?}");
    assert!(
        !functions.iter().any(|f| f.contains("buffer_held_across_await")),
        "nothing in the library polls it or names its poll: {functions:?}"
    );
}
