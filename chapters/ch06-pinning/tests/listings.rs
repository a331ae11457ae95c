//! What chapter 6 says about the future that points into itself, checked on the pinned compiler:
//! each test asserts the claims the page makes of one listing (MIR, HIR, layout or assembly),
//! then snapshots the whole listing the page shows.

use std::ops::Range;

use listings::{AsmListing, AsmOptions, Listing, Stage, StageListing, assert_asm_snapshot, assert_stage_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn stage(stage: Stage, subject: &str) -> StageListing {
    listings::stage(CHAPTER, stage, subject).unwrap_or_else(|error| panic!("{error}"))
}

fn asm(function: &str, options: AsmOptions) -> AsmListing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

fn instructions(listing: &Listing) -> Vec<(&str, &str)> {
    listing.instructions().collect()
}

/// The cells of the layout table's row over `bytes`, one per column.
fn layout_row(layout: &StageListing, bytes: Range<u64>) -> Vec<String> {
    let future = layout.layout.as_ref().expect("a type's listing has its layout");
    future.row(bytes.clone()).unwrap_or_else(|| panic!("no row {bytes:?} in:\n{}", layout.text))
}

// ---- MIR: the pointer is made, and stored, in the first resume ----------------------------------

#[test]
fn mir_of_points_into_itself_stores_a_reference_to_the_futures_own_buffer_into_the_future() {
    let mir = stage(Stage::Mir, "points_into_itself::{closure#0}");
    let text = &mir.text;
    for piece in [
        // `buffer` and `view` are fields of the future, in the variant of state 3 …
        "debug buffer => (((*_21) as variant#3).0: [u8; 16]);",
        "debug view => (((*_21) as variant#3).1: &[u8; 16]);",
        // … the body's own `seen` is not: nothing needs it after the await.
        "debug seen => _3;",
        // State 0 builds the buffer in the future, borrows it, and stores the borrow in the future.
        "bb1: {\n        _3 = copy ((*_21).0: &std::cell::Cell<usize>);\n        \
         (((*_21) as variant#3).0: [u8; 16]) = [const 7_u8; 16];\n        \
         _4 = &(((*_21) as variant#3).0: [u8; 16]);\n        \
         (((*_21) as variant#3).1: &[u8; 16]) = copy _4;",
        // After the await, `view[15]` is read through the stored reference.
        "_23 = copy (((*_21) as variant#3).1: &[u8; 16]);\n        _19 = copy (*_23)[_17];",
        "switchInt(move _20) -> [0: bb1, 1: bb17, 2: bb16, 3: bb15, otherwise: bb10];",
        // The `.await` pins its awaitee, a field of the pinned future, with `new_unchecked`.
        "bb7: {\n        _12 = &mut (((*_21) as variant#3).2: YieldOnce);\n        \
         _11 = Pin::<&mut YieldOnce>::new_unchecked(copy _12)",
    ] {
        assert!(text.contains(piece), "`{piece}` missing from:\n{text}");
    }
    assert_stage_snapshot!("points_into_itself_state_machine", mir);
}

// ---- The layout: where the pointer and what it points at lie -------------------------------------

#[test]
fn the_layout_puts_the_buffer_at_0_the_reference_at_16_the_argument_at_24_and_the_tag_at_33() {
    let layout = stage(Stage::TypeSizes, "points_into_itself");
    assert!(layout.text.starts_with("type: `{async fn body of points_into_itself()}`: 40 bytes, alignment: 8 bytes\n"));
    // Columns: Unresumed, Suspend0, Returned, Panicked.
    assert_eq!(layout_row(&layout, 0..16), ["", "local buffer"]);
    assert_eq!(layout_row(&layout, 16..24), ["", "local view"]);
    assert_eq!(layout_row(&layout, 24..32), ["upvar seen"; 4]);
    assert_eq!(layout_row(&layout, 32..33), ["", "local __awaitee"]);
    assert_eq!(layout_row(&layout, 33..34), ["tag"; 4]);
    assert!(layout.text.contains("the tag: 1 byte(s) at offset 33"), "{}", layout.text);
    assert_stage_snapshot!("points_into_itself", layout);
}

/// The example reads the stored reference at the offset the table gives; if the table moves it,
/// this fails before the example prints nonsense.
#[test]
fn the_example_reads_the_reference_where_the_layout_puts_it() {
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/where_the_pointer_points.rs"))
        .expect("the example's source");
    let layout = stage(Stage::TypeSizes, "points_into_itself");
    assert_eq!(layout_row(&layout, 16..24)[1], "local view");
    assert!(example.contains("const VIEW_OFFSET: usize = 16;"), "the example's constant and the table disagree");
}

// ---- Machine code: the future stores its own address into itself ----------------------------------

#[test]
fn the_first_resume_stores_the_futures_own_address_at_offset_16_and_the_next_one_reads_through_it() {
    let listing = asm("points_into_itself::{{closure}}", AsmOptions { source: true, data: false });
    let code = instructions(&listing);
    assert!(code.contains(&("movzx", "eax, byte ptr [rdi + 33]")), "the tag at 33: {listing}");
    assert_eq!(listing.jump_tables()[0].len(), 4, "Unresumed, Returned, Panicked, Suspend0");
    // State 0: sixteen sevens at offset 0, then the future's address (rbx) into `view` at 16
    // and into `seen`.
    assert!(code.contains(&("mov", "rax, qword ptr [rbx + 24]")), "the upvar `seen`, at 24: {listing}");
    let pointer_stored = code.windows(4).any(|w| {
        w == [
            ("movups", "xmmword ptr [rbx], xmm0"),
            ("mov", "qword ptr [rbx + 16], rbx"),
            ("mov", "qword ptr [rax], rbx"),
            ("mov", "byte ptr [rbx + 32], 0"),
        ]
    });
    assert!(pointer_stored, "buffer, view, seen.set, the awaitee: {listing}");
    // State 3: `view[15]` loads the stored pointer and reads through it.
    let read_through =
        code.windows(2).any(|w| w == [("mov", "rax, qword ptr [rbx + 16]"), ("movzx", "edx, byte ptr [rax + 15]")]);
    assert!(read_through, "{listing}");
    assert!(code.contains(&("mov", "byte ptr [rbx + 33], 3")), "suspends in state 3");
    assert_asm_snapshot!("points_into_itself_state_machine", listing);
}

#[test]
fn in_the_machine_code_state_0_jumps_straight_to_the_pending_exit_and_never_reaches_returned() {
    // The MIR keeps an edge from `Unresumed` to `Returned`; once `YieldOnce::poll` is inlined,
    // LLVM knows the first poll answers `Pending` and the edge is gone.
    let listing = asm("points_into_itself::{{closure}}", AsmOptions { source: false, data: false });
    let state_0 = listing.block(".LBB0_1").expect("state 0, the table's first entry");
    assert_eq!(state_0.last(), Some(&("jmp", ".LBB0_3")), "{listing}");
    let exit = listing.block(".LBB0_3").expect("the block state 0 jumps to");
    assert!(exit.contains(&("mov", "byte ptr [rbx + 33], 3")), "suspends in state 3: {listing}");
    assert!(exit.contains(&("mov", "al, 1")), "answers `Pending`: {listing}");
    assert!(!exit.contains(&("mov", "byte ptr [rbx + 33], 1")), "never `Returned`: {listing}");
    assert!(!state_0.contains(&("mov", "byte ptr [rbx + 33], 1")), "{listing}");
}

#[test]
fn the_sixteen_sevens_come_from_a_constant_of_sixteen_bytes_of_7() {
    // The page's listing is made without `--data`; this one has the constant `movaps` loads.
    let listing = asm("points_into_itself::{{closure}}", AsmOptions { source: false, data: true });
    let code = instructions(&listing);
    assert!(code.contains(&("movaps", "xmm0, xmmword ptr [rip + .L__unnamed_1]")), "{listing}");
    assert_eq!(listing.data_after(".L__unnamed_1"), ["16,7"], "`.zero 16,7`: {listing}");
}

// ---- pin! and Box::pin ---------------------------------------------------------------------------

#[test]
fn pin_expands_to_a_hidden_local_and_pin_new_unchecked() {
    let hir = stage(Stage::Hir, "poll_on_the_stack");
    for piece in
        ["super let mut pinned = points_into_itself(seen);", "unsafe { ::core::pin::Pin::new_unchecked(&mut pinned) }"]
    {
        assert!(hir.text.contains(piece), "`{piece}` missing from:\n{}", hir.text);
    }
    assert_stage_snapshot!("poll_on_the_stack", hir);
}

#[test]
fn pinning_on_the_stack_is_forty_bytes_of_the_frame_and_the_pin_is_their_address() {
    let listing = asm("poll_on_the_stack", AsmOptions { source: false, data: true });
    let code = instructions(&listing);
    assert_eq!(code[0], ("sub", "rsp, 40"), "the future is the frame: {listing}");
    for expected in [
        ("mov", "qword ptr [rsp + 24], rdi"),  // the upvar `seen`, at 24 as in the table
        ("mov", "byte ptr [rsp + 33], 0"),     // the tag: Unresumed
        ("mov", "rdi, rsp"),                   // the Pin<&mut dyn Future> is the address …
        ("lea", "rsi, [rip + .L__unnamed_1]"), // … and the vtable
    ] {
        assert!(code.contains(&expected), "{expected:?}: {listing}");
    }
    assert_eq!(code.iter().filter(|(m, _)| *m == "mov" || *m == "lea").count(), 5, "nothing else: {listing}");
    let vtable = listing.data_after(".L__unnamed_1");
    assert_eq!(
        vtable.first().copied(),
        Some("core::ptr::drop_in_place<ch06_pinning::points_into_itself::{{closure}}>")
    );
    assert_eq!(vtable.last().copied(), Some("ch06_pinning::points_into_itself::{{closure}}"));
    assert_asm_snapshot!("poll_on_the_stack", listing);
}

#[test]
fn box_pin_allocates_forty_bytes_aligned_to_8_and_writes_only_the_argument_and_state_0() {
    let listing = asm("boxed_points_into_itself", AsmOptions { source: false, data: true });
    let code = instructions(&listing);
    for expected in
        [("mov", "edi, 40"), ("mov", "esi, 8"), ("mov", "qword ptr [rax + 24], rbx"), ("mov", "byte ptr [rax + 33], 0")]
    {
        assert!(code.contains(&expected), "{expected:?}: {listing}");
    }
    let stores_into_the_box: Vec<_> = code.iter().filter(|(_, operands)| operands.contains("ptr [rax")).collect();
    assert_eq!(stores_into_the_box.len(), 2, "no buffer and no pointer yet: {stores_into_the_box:?}");
    // A null allocation goes to `handle_alloc_error(Layout)`, alignment first, then size …
    assert!(code.windows(2).any(|w| w == [("test", "rax, rax"), ("je", ".LBB0_1")]), "{listing}");
    assert_eq!(
        listing.block(".LBB0_1"),
        Some(vec![
            ("mov", "edi, 8"),
            ("mov", "esi, 40"),
            ("call", "qword ptr [rip + alloc::alloc::handle_alloc_error@GOTPCREL]")
        ])
    );
    assert_asm_snapshot!("boxed_points_into_itself", listing);
}

#[test]
fn a_layout_holds_its_alignment_before_its_size_the_order_handle_alloc_error_gets_them_in() {
    let layout = std::alloc::Layout::from_size_align(40, 8).unwrap();
    // SAFETY: a `Layout` is two initialised `usize`-sized fields, 16 bytes, as `-Zprint-type-sizes`
    // prints it; reading them back as two `usize`s is how this test sees their order.
    let fields: [usize; 2] = unsafe { std::mem::transmute(layout) };
    assert_eq!(fields, [8, 40], "`.align` at 0, `.size` at 8");
}

// ---- The projection, compiled ------------------------------------------------------------------

#[test]
fn the_projection_of_count_polls_is_two_offsets_from_one_pointer() {
    let listing = asm("poll_counted_yield", AsmOptions::default());
    let code = instructions(&listing);
    for expected in [
        ("mov", "ebx, dword ptr [rdi]"),      // `polls`, at offset 0 …
        ("inc", "ebx"),                       // … plus one
        ("mov", "dword ptr [rdi], ebx"),      // … stored back
        ("movzx", "ebp, byte ptr [rdi + 4]"), // `inner`, the YieldOnce, at offset 4
        ("mov", "byte ptr [rdi + 4], 1"),     // yielded = true
        ("call", "qword ptr [rcx + 16]"),     // wake_by_ref
        ("movzx", "eax, bpl"),                // Poll's tag in eax …
        ("mov", "edx, ebx"),                  // … and the count in edx
    ] {
        assert!(code.contains(&expected), "{expected:?}: {listing}");
    }
    assert_asm_snapshot!("poll_counted_yield", listing);
}

// ---- Drop glue (chapter 7 cites this) -------------------------------------------------------------

#[test]
fn a_future_that_saves_nothing_to_drop_still_has_drop_glue_and_it_is_a_single_ret() {
    let listing = asm("drop_in_place<points_into_itself::{{closure}}>", AsmOptions::default());
    assert_eq!(instructions(&listing), [("ret", "")], "{listing}");
}
