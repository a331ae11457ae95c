//! What a debugger shows: gdb stopped inside the leaf of a small program, the backtrace of a
//! panic in the leaf at two optimisation levels, and what `-C panic=abort` leaves of the
//! `Panicked` state; then the tools that answer at run time, async-backtrace's task dump and
//! tokio's instrumentation (what tokio-console reads), with what each adds to a poll's machine
//! code, from the crates under `samples/` (their first build takes about half a minute). Each session is run again on every test run (gdb takes well under a second
//! on a program that `listings` keeps built) and snapshotted as `<chapter>__session__<name>.snap`;
//! `INSTA_UPDATE=always cargo test -p ch08-machine-code --test debugger` writes them again.

use std::path::Path;

use listings::session::{self, Session, gdb};
use listings::{BuiltProgram, CodegenFlags, assert_session_snapshot};

/// The chapter's library, linked into the programs under its own name.
const LIBRARY: &str = "chapters/ch08-machine-code/src/lib.rs";
/// A handler awaiting `three_awaits`, polled to the end by `main`: the program gdb stops.
const STUCK: &str = "chapters/ch08-machine-code/tests/experiments/stuck_in_a_leaf.rs";
/// The same handler, polled once with a waker that panics.
const PANIC: &str = "chapters/ch08-machine-code/tests/experiments/panic_in_a_leaf.rs";

/// A debug build: no optimisation, full debug information.
fn debug_build() -> CodegenFlags {
    CodegenFlags::with_opt_level("0").with_codegen("debuginfo=2")
}

fn build(main: &str, flags: &CodegenFlags) -> BuiltProgram {
    listings::program_with_main_file(Path::new(LIBRARY), "ch08_machine_code", Path::new(main), flags)
        .unwrap_or_else(|error| panic!("{error}"))
}

/// The commands that stop the program in the leaf with `three_awaits` at `Suspend1`. gdb's name
/// for `<YieldOnce as Future>::poll` is `{impl#0}::poll`: the debug information names an impl's
/// functions by the impl's index in its module (`info functions poll` lists it). `poll` is called
/// twice per await: the fourth call is the second poll of the second await, after
/// `three_awaits` has stored `Suspend1` on its way out of the first.
const STOP_AT_SUSPEND1: [&str; 3] = ["break ch08_machine_code::{impl#0}::poll", "ignore 1 3", "run"];

/// gdb on the debug build of the stuck program, running `commands` after [`STOP_AT_SUSPEND1`].
fn gdb_session(subject: &str, flags: &CodegenFlags, commands: &[&str]) -> Session {
    let program = build(STUCK, flags);
    let all: Vec<&str> = STOP_AT_SUSPEND1.iter().chain(commands).copied().collect();
    let output = gdb::session(&program.path, &all).unwrap_or_else(|error| panic!("{error}"));
    let how = format!(
        "rust-gdb -batch -nx, {}, on {STUCK} built with {}; addresses, thread ids and gdb's lines about \
         the thread library replaced or left out",
        gdb::describe(),
        flags.describe()
    );
    Session::new(subject, &how, &output).unwrap_or_else(|error| panic!("{error}"))
}

fn has_line(session: &Session, line: &str) -> bool {
    session.lines().any(|l| l == line)
}

/// The answer gdb gave to `command`: the lines after its echo, up to the next prompt.
fn answer<'a>(session: &'a Session, command: &str) -> Vec<&'a str> {
    let prompt = format!("(gdb) {command}");
    session.lines().skip_while(|l| *l != prompt).skip(1).take_while(|l| !l.starts_with("(gdb) ")).collect()
}

// ---- The async stack -----------------------------------------------------------------------------

#[test]
fn gdb_shows_the_async_stack_as_frames_and_as_futures_inside_futures() {
    let session = gdb_session(
        "gdb stopped in the leaf's poll, the caller at Suspend1",
        &debug_build(),
        &["backtrace", "frame 1", "info locals", "frame 3", "print *future.pointer"],
    );
    assert_session_snapshot!("debugger_async_stack", session);
    // The call stack: the leaf's poll, the two resume functions, main.
    let frames = answer(&session, "backtrace");
    let functions: Vec<&str> = frames
        .iter()
        .map(|frame| frame.split(" in ").nth(1).unwrap_or(frame).split(" (").next().unwrap().trim())
        .collect();
    assert_eq!(
        functions,
        [
            "#0  ch08_machine_code::{impl#0}::poll",
            "ch08_machine_code::three_awaits::{async_fn#0}",
            "program::handler::{async_fn#0}",
            "program::main"
        ],
        "{session:#?}"
    );
    // Frame 1 is three_awaits' resume function, stopped at its second await (line 56, the line
    // the type-sizes header gives Suspend1), its saved locals shown as locals.
    assert!(has_line(&session, "56\t    YieldOnce::default().await;"), "{}", session.text);
    let locals = answer(&session, "info locals");
    for local in ["__awaitee = ch08_machine_code::YieldOnce {yielded: true}", "kept = 1663341875487337577"] {
        assert!(locals.contains(&local), "{local}: {locals:?}");
    }
    assert_eq!(locals.iter().filter(|local| **local == "seed = 5").count(), 2, "{locals:?}");
    // The resume function's own local, which no variant of the future has (`ptype` below).
    assert!(locals.contains(&"_task_context = 0x…"), "{locals:?}");
    // The future in main: handler at Suspend0, holding three_awaits at Suspend1, holding the leaf.
    let future = answer(&session, "print *future.pointer").join("\n");
    assert_eq!(
        future,
        "$1 = program::handler::{async_fn_env#0}::Suspend0{request: [5, 6], __awaitee: \
         ch08_machine_code::three_awaits::{async_fn_env#0}::Suspend1{kept: 1663341875487337577, __awaitee: \
         ch08_machine_code::YieldOnce {yielded: true}, seed: 5}, seed: 5}"
    );
    // `kept` is what the program computes: seed × the constant of `three_awaits`.
    assert_eq!(5u64.wrapping_mul(0x9E37_79B9_7F4A_7C15), 1663341875487337577);
}

// ---- What gdb reads: the tag, the variant, the bytes -----------------------------------------------

#[test]
fn gdb_reads_the_state_from_the_tag_at_24_and_names_the_variant_suspend1() {
    let session = gdb_session(
        "three_awaits' future at Suspend1, as gdb reads it",
        &debug_build(),
        &[
            "frame 3",
            "print &(*future.pointer).__awaitee",
            "print $1.__state",
            "x/40xb $1",
            "print (*future.pointer).__awaitee",
            "ptype $3",
            "ptype *future.pointer",
            "print (&future.pointer.__state as *const u8 as usize) - (future.pointer as usize)",
            // The experiment: write 5 into the tag byte at 24, print the same value again.
            "set var *(($1 as usize + 24) as *mut u8) = 5",
            "print (*future.pointer).__awaitee",
        ],
    );
    assert_session_snapshot!("debugger_suspend1", session);
    assert_eq!(answer(&session, "print $1.__state"), ["$2 = 4"], "Suspend1 is state 4 (the layout's header)");
    // The bytes: upvar seed at 0, the body's seed at 8, kept at 16, the tag 4 at 24, the leaf's
    // flag (true) at 32: the layout of `{{#type-sizes ch08-machine-code three_awaits}}`.
    let bytes: Vec<u8> = answer(&session, "x/40xb $1")
        .iter()
        .flat_map(|row| row.split('\t').skip(1).map(|b| u8::from_str_radix(b.trim_start_matches("0x"), 16).unwrap()))
        .collect();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    assert_eq!((word(0), word(8), word(16), bytes[24], bytes[32]), (5, 5, 1663341875487337577, 4, 1), "{bytes:?}");
    let layout = layout_of_three_awaits();
    // The layout's rows in Suspend1's column: kept at 16, the awaitee at 32, nothing at 8 (the
    // 5 there is the body's `seed`, left over from Suspend0), and the tag at 24.
    for (row, held) in [("0..8", "upvar seed"), ("8..16", ""), ("16..24", "local kept"), ("32..33", "local __awaitee")]
    {
        assert_eq!(suspend1_column(&layout, row), held, "{row}: {layout}");
    }
    assert_eq!(suspend1_column(&layout, "8..16").len(), 0);
    assert!(layout.contains("tag: 1 byte(s) at offset 24"), "{layout}");
    // Given a value, `ptype` lists the variants by their tag values, each with its fields.
    let ptype = answer(&session, "ptype $3");
    assert_eq!(ptype.len(), 8, "{ptype:?}");
    let tags: Vec<&str> = ptype[1..7].iter().map(|variant| variant.trim_start().split('{').next().unwrap()).collect();
    assert_eq!(tags, ["0", "1", "2", "3", "4", "5"], "{ptype:?}");
    assert_eq!(ptype[5], "  4{kept: u64, __awaitee: ch08_machine_code::YieldOnce, seed: u64},");
    assert!(!ptype.iter().any(|variant| variant.contains("_task_context")), "{ptype:?}");
    // Given an expression, gdb 13.1 reads memory at 0x48, which is where handler's own tag lies.
    assert_eq!(answer(&session, "ptype *future.pointer"), ["Cannot access memory at address 0x48"]);
    let offset = answer(&session, "print (&future.pointer.__state as *const u8 as usize) - (future.pointer as usize)");
    assert_eq!(offset, ["$4 = 72"]);
    // The tag decides: with 5 written at 24, the same bytes print as Suspend2 (its `middle`
    // read from bytes 40..48, which Suspend1 never wrote).
    let write = "(gdb) set var *(($1 as usize + 24) as *mut u8) = 5";
    let rewritten: Vec<&str> = session.lines().skip_while(|l| *l != write).skip(2).collect();
    let last = rewritten.first().copied().unwrap_or_default();
    assert!(
        last.starts_with(
            "$5 = ch08_machine_code::three_awaits::{async_fn_env#0}::Suspend2{kept: 1663341875487337577, middle: "
        ),
        "{rewritten:?}"
    );
}

/// The cell of `row` (`16..24`) in the Suspend1 column of the type-sizes table.
fn suspend1_column(layout: &str, row: &str) -> String {
    let header = layout.lines().find(|l| l.starts_with("bytes ")).expect("the table's header");
    let column = header.split('│').position(|cell| cell.trim() == "Suspend1").expect("a Suspend1 column");
    let line = layout.lines().find(|l| l.split('│').next().map(str::trim) == Some(row)).expect("the row");
    line.split('│').nth(column).unwrap_or("").trim().to_owned()
}

/// The body's `seed`, a copy of the argument, is the second `seed` of frame 1's locals: its
/// place is 8 bytes into the future. The debug information places both `seed`s of `Suspend0`
/// at 8, so gdb prints the body's copy twice there, never the argument's bytes at 0.
#[test]
fn the_bodys_seed_is_at_8_and_the_debug_information_puts_suspend0s_argument_there_too() {
    let session = gdb_session(
        "where gdb reads the two seeds",
        &debug_build(),
        &["frame 1", "info address seed", "frame 3", "print (*future.pointer).__awaitee", "ptype/o $1"],
    );
    assert_session_snapshot!("debugger_two_seeds", session);
    let address = answer(&session, "info address seed");
    assert_eq!(
        address,
        [
            "Symbol \"seed\" is a complex DWARF expression:",
            "     0: DW_OP_fbreg 168",
            "     3: DW_OP_deref",
            "     4: DW_OP_plus_uconst 8",
            "."
        ]
    );
    let offsets = answer(&session, "ptype/o $1");
    let variant = |tag: &str| -> Vec<&str> {
        let start =
            offsets.iter().position(|l| l.ends_with(&format!("|      48 */    {tag} {{"))).expect("the variant");
        offsets[start + 1..].iter().take_while(|l| !l.trim_start().starts_with("/* total")).copied().collect()
    };
    // Each variant is a member of 48 bytes at offset 0, named by the number of its tag value.
    let suspend0 = variant("3");
    assert_eq!(
        suspend0.iter().filter(|l| **l == "/*      8      |       8 */        seed: u64,").count(),
        2,
        "{offsets:?}"
    );
    let suspend1 = variant("4");
    assert!(suspend1.contains(&"/*      0      |       8 */        seed: u64,"), "{offsets:?}");
    assert!(suspend1.contains(&"/*     16      |       8 */        kept: u64,"), "{offsets:?}");
}

/// The type-sizes snapshot of `three_awaits`, which `tests/listings.rs` checks.
fn layout_of_three_awaits() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/ch08-machine-code__type-sizes__three_awaits.snap");
    listings::read_snapshot(&path).unwrap_or_else(|error| panic!("{error}")).body
}

/// rust-gdb is gdb with the toolchain's pretty-printers loaded; this future holds no type they
/// print differently, so plain gdb prints the same session, but for a warning that it did not
/// load them.
#[test]
fn plain_gdb_prints_the_same_future_and_warns_that_it_did_not_load_the_pretty_printers() {
    let program = build(STUCK, &debug_build());
    let commands: Vec<&str> = STOP_AT_SUSPEND1.iter().chain(&["frame 3", "print *future.pointer"]).copied().collect();
    let rust_gdb = session::normalise(&gdb::session(&program.path, &commands).unwrap());
    let workspace = listings::Workspace::this_checkout();
    let plain = std::process::Command::new(gdb::COMMAND)
        .current_dir(&workspace.root)
        .env("LC_ALL", "C")
        .args(["-batch", "-nx"])
        .args(gdb::command_words(&commands))
        .arg(&program.path)
        .output()
        .unwrap();
    let plain = session::normalise(&String::from_utf8_lossy(&[plain.stdout, plain.stderr].concat()));
    let warning = "warning: Missing auto-load script at offset 0 in section .debug_gdb_scripts";
    assert!(plain.contains(warning) && !rust_gdb.contains(warning), "{plain}\n{rust_gdb}");
    let future = |text: &str| text.lines().filter(|l| l.starts_with("$1 = ")).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(future(&plain), future(&rust_gdb));
    assert_eq!(future(&plain).len(), 1, "{plain}");
}

// ---- A panic in the leaf ------------------------------------------------------------------------

/// The panicking program's output with `RUST_BACKTRACE=1`, built with `flags`.
fn backtrace(subject: &str, flags: &CodegenFlags) -> Session {
    let program = build(PANIC, flags);
    let output = session::output_of(&program.path, &[("RUST_BACKTRACE", "1")]).unwrap_or_else(|e| panic!("{e}"));
    let how = format!("RUST_BACKTRACE=1 {PANIC} built with {}; thread ids replaced", flags.describe());
    Session::new(subject, &how, &output).unwrap_or_else(|error| panic!("{error}"))
}

/// The functions of a backtrace, in order: `   4: NAME`.
fn frames(session: &Session) -> Vec<&str> {
    session
        .lines()
        .filter_map(|line| {
            let (number, name) = line.trim_start().split_once(": ")?;
            number.bytes().all(|b| b.is_ascii_digit()).then_some(name)
        })
        .collect()
}

#[test]
fn at_opt_level_3_without_debug_information_the_two_resume_functions_leave_the_backtrace() {
    let no_debug_info = |level: &str| CodegenFlags::with_opt_level(level).with_codegen("debuginfo=0");
    let unoptimised = backtrace("a panic in the leaf at opt-level 0", &no_debug_info("0"));
    let optimised = backtrace("a panic in the leaf at opt-level 3", &no_debug_info("3"));
    assert_session_snapshot!("backtrace_opt_level_0", unoptimised);
    assert_session_snapshot!("backtrace_opt_level_3", optimised);
    let every = frames(&unoptimised);
    assert_eq!(
        every[2..],
        [
            "program::panicking_waker::wake",
            "core::task::wake::Waker::wake_by_ref",
            "<ch08_machine_code::YieldOnce as core::future::future::Future>::poll",
            "ch08_machine_code::three_awaits::{{closure}}",
            "program::handler::{{closure}}",
            "program::main",
            "core::ops::function::FnOnce::call_once",
        ],
        "{}",
        unoptimised.text
    );
    let kept = frames(&optimised);
    let gone: Vec<&str> = every.iter().filter(|frame| !kept.contains(frame)).copied().collect();
    assert_eq!(
        gone,
        [
            "core::task::wake::Waker::wake_by_ref",
            "ch08_machine_code::three_awaits::{{closure}}",
            "program::handler::{{closure}}",
            "core::ops::function::FnOnce::call_once",
        ],
        "{}",
        optimised.text
    );
    assert_eq!(
        kept[2..],
        [
            "program::panicking_waker::wake",
            "<ch08_machine_code::YieldOnce as core::future::future::Future>::poll",
            "program::main"
        ]
    );
}

#[test]
fn with_line_tables_the_backtrace_shows_the_inlined_frames_again_under_their_short_names() {
    let session = backtrace("a panic in the leaf at opt-level 3, with line tables", &CodegenFlags::default());
    assert_session_snapshot!("backtrace_opt_level_3_line_tables", session);
    // As many frames as at opt-level 0 without debug information: the four inlined ones are back.
    let unoptimised =
        backtrace("a panic in the leaf at opt-level 0", &CodegenFlags::with_opt_level("0").with_codegen("debuginfo=0"));
    assert_eq!(frames(&session).len(), frames(&unoptimised).len());
    assert_eq!(
        frames(&session)[2..],
        [
            "program::panicking_waker::wake",
            "wake_by_ref",
            "poll",
            "{async_fn#0}",
            "{async_fn#0}",
            "main",
            "call_once<fn(), ()>"
        ],
        "{}",
        session.text
    );
    // Told apart by their lines only: three_awaits' first await (54), handler's await (12).
    for place in [
        "chapters/ch08-machine-code/src/lib.rs:54:",
        "chapters/ch08-machine-code/tests/experiments/panic_in_a_leaf.rs:12:",
    ] {
        let frame = format!("{{async_fn#0}}\n             at ./{place}");
        assert!(session.text.contains(&frame), "{place}: {}", session.text);
    }
}

// ---- What panic = "abort" leaves of `Panicked` ---------------------------------------------------

/// Under `-C panic=abort` the resume function never reaches state 2 (`tests/why.rs`,
/// `the_landing_pads_that_mark_the_future_panicked_go_with_unwinding`), but the future's type
/// still has the variant: gdb lists the same six, `2{seed: u64}` among them.
#[test]
fn under_panic_abort_the_future_keeps_its_panicked_variant() {
    let commands = ["frame 3", "print (*future.pointer).__awaitee", "ptype $1"];
    let abort = gdb_session(
        "three_awaits' future at Suspend1, built with -C panic=abort",
        &debug_build().with_codegen("panic=abort"),
        &commands,
    );
    assert_session_snapshot!("debugger_panic_abort", abort);
    let unwind = gdb_session("three_awaits' future at Suspend1", &debug_build(), &commands);
    let variants = answer(&abort, "ptype $1");
    assert_eq!(variants, answer(&unwind, "ptype $1"));
    assert_eq!(variants[3], "  2{seed: u64},", "{variants:?}");
}

// ---- At run time: async-backtrace ---------------------------------------------------------------

/// `samples/taskdump`, a crate outside the book whose handlers are marked
/// `#[async_backtrace::framed]`, named from the checkout's root as a reader's `cargo xtask`
/// command names it (the listings' headers carry this path).
const TASKDUMP: &str = "samples/taskdump/Cargo.toml";

fn taskdump() -> listings::Crate {
    // The manifest's path is read from the current folder, as on `cargo xtask`'s command line: the
    // checkout's root. No other test of this file reads a path from the current folder.
    static AT_THE_ROOT: std::sync::Once = std::sync::Once::new();
    AT_THE_ROOT.call_once(|| std::env::set_current_dir(listings::Workspace::this_checkout().root).unwrap());
    listings::Crate::named(None, Some(Path::new(TASKDUMP))).unwrap_or_else(|error| panic!("{error}"))
}

/// Between two polls, `taskdump_tree` prints each task as the tree of the framed `async fn`s it
/// waits in, each named with the line of its attribute; a future never polled is not a task yet,
/// and a task that returned `Ready` is gone.
#[test]
fn taskdump_tree_prints_the_framed_fns_a_pending_task_waits_in_and_nothing_once_it_is_ready() {
    let listings::Crate::Foreign(sample) = taskdump() else {
        unreachable!("a manifest names a crate outside the book")
    };
    let program = listings::foreign_example(&sample, "taskdump").unwrap_or_else(|error| panic!("{error}"));
    let output = session::output_of(&program, &[]).unwrap_or_else(|error| panic!("{error}"));
    let how = format!(
        "samples/taskdump/examples/taskdump.rs, async-backtrace 0.2.7, built with {}; nothing replaced",
        CodegenFlags::default().describe()
    );
    let session = Session::new("async_backtrace::taskdump_tree between polls", &how, &output)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_session_snapshot!("taskdump_tree", session);
    let lines: Vec<&str> = session.lines().collect();
    assert_eq!(
        lines,
        [
            "-- after the first poll of the first request:",
            "╼ taskdump::handler::{{closure}} at src/lib.rs:31:1",
            "  └╼ taskdump::lookup::{{closure}} at src/lib.rs:38:1",
            "-- after the second poll, which returned 1663341875487337578:",
            "",
        ],
        "{}",
        session.text
    );
    // The lines are those of the attributes, not of the awaits the task waits at.
    let source =
        std::fs::read_to_string(listings::Workspace::this_checkout().root.join("samples/taskdump/src/lib.rs")).unwrap();
    let source: Vec<&str> = source.lines().collect();
    assert_eq!((source[30], source[37]), ("#[async_backtrace::framed]", "#[async_backtrace::framed]"));
}

fn taskdump_asm(function: &str) -> listings::AsmListing {
    listings::asm_of(&taskdump(), function, &listings::AsmOptions::default(), &CodegenFlags::default())
        .unwrap_or_else(|error| panic!("{error}"))
}

/// The lone prefixes LLVM prints on lines of their own: `data16` (0x66) and `rex64` (0x48) pad
/// the general-dynamic TLS sequence (`66 48 8d 3d …` for the `lea`, `66 66 48 e8 …` for the
/// `call __tls_get_addr`) so that the linker can rewrite it in place. They are bytes of the next
/// instruction, not instructions.
const LONE_PREFIXES: [&str; 2] = ["data16", "rex64"];

/// A listing's instructions, a lone prefix line not counted as one.
fn instruction_count(listing: &listings::AsmListing) -> usize {
    listing
        .listing
        .instructions()
        .filter(|(mnemonic, operands)| !(operands.is_empty() && LONE_PREFIXES.contains(mnemonic)))
        .count()
}

/// The layout of `type_name` in the crate of `manifest`, as `cargo xtask type-sizes
/// --manifest-path MANIFEST TYPE` prints it.
fn layout_in(manifest: &str, type_name: &str) -> listings::TypeLayout {
    taskdump(); // the checkout's root as the current folder
    let krate = listings::Crate::named(None, Some(Path::new(manifest))).unwrap_or_else(|error| panic!("{error}"));
    listings::stage_of(&krate, listings::Stage::TypeSizes, type_name)
        .unwrap_or_else(|error| panic!("{error}"))
        .layout
        .unwrap_or_else(|| panic!("no layout of {type_name}"))
}

/// The offset of the field `name` (of any variant) in `layout`.
fn offset_of(layout: &listings::TypeLayout, name: &str) -> u64 {
    layout
        .fields()
        .find(|field| field.name == name)
        .unwrap_or_else(|| panic!("no field {name}: {}", layout.printed))
        .offset
}

/// What `#[async_backtrace::framed]` adds to every poll of `lookup`: the thread-local
/// `ACTIVE_FRAME` found through `__tls_get_addr`, a call to `Frame::in_scope::activate` before the
/// body and one to the drop of its guard after it; and, when the body is done, the frame's drop.
/// The future becomes the fn's own around a `Framed` of the body: two tags, at 96 (the fn's) and
/// 89 (the body's, where the unmarked future has its tag at 17). The instruction counts leave out
/// the lone prefix lines of the TLS sequence.
#[test]
fn framed_wraps_every_poll_in_a_thread_local_lookup_and_two_calls() {
    let framed = taskdump_asm("lookup::{{closure}}");
    let unframed = taskdump_asm("lookup_unframed::{{closure}}");
    let restore = taskdump_asm(
        "core::ptr::drop_in_place<async_backtrace::defer::Defer<async_backtrace::frame::Frame::in_scope::activate::{{closure}},()>>",
    );
    listings::assert_asm_snapshot!("taskdump_lookup_framed", framed);
    listings::assert_asm_snapshot!("taskdump_lookup_unframed", unframed);
    listings::assert_asm_snapshot!("taskdump_restore_the_active_frame", restore);
    let calls = |listing: &listings::AsmListing| -> Vec<String> {
        let mut calls: Vec<String> = Vec::new();
        for call in listing.listing.calls() {
            if !calls.iter().any(|seen| seen == call) {
                calls.push(call.to_owned());
            }
        }
        calls
    };
    // Unmarked: the only call on a poll is the leaf's `wake_by_ref`, through the waker's vtable.
    let (framed_calls, unframed_calls) = (calls(&framed), calls(&unframed));
    let panics = |call: &&String| call.contains("core::panicking::") || call.contains("_Unwind_Resume");
    assert_eq!(unframed_calls.iter().filter(|c| !panics(c)).collect::<Vec<_>>(), ["qword ptr [rcx + 16]"]);
    let added: Vec<&String> = framed_calls.iter().filter(|c| !panics(c) && !unframed_calls.contains(c)).collect();
    assert_eq!(
        added,
        [
            "__tls_get_addr@PLT",
            "qword ptr [rip + async_backtrace::frame::Frame::in_scope::activate@GOTPCREL]",
            "core::ptr::drop_in_place<async_backtrace::defer::Defer<async_backtrace::frame::Frame::in_scope::activate::{{closure}},()>>",
            "qword ptr [rip + async_backtrace::frame::_::<impl core::ops::drop::Drop for async_backtrace::frame::Frame>::drop@GOTPCREL]",
        ],
        "{framed_calls:?}"
    );
    let tls = framed.listing.instructions().find(|(_, operands)| operands.contains("ACTIVE_FRAME"));
    assert!(tls.is_some_and(|(_, operands)| operands.ends_with("@TLSGD]")), "{}", framed.listing);
    // The tag: byte 17 of the unmarked future, byte 96 of the marked one (72 bytes of `Frame`,
    // at 8..80, come before the body's own).
    let reads_tag = |listing: &listings::AsmListing, at: &str| {
        let operands = format!("eax, byte ptr [rdi + {at}]");
        listing.listing.instructions().any(|instruction| instruction == ("movzx", operands.as_str()))
    };
    assert!(reads_tag(&unframed, "17") && reads_tag(&framed, "96"));
    // Two jump tables: the attribute makes `lookup` an `async fn` that awaits its body, an async
    // block wrapped in a `Framed`. The first table is on the fn's own tag (96), the second on the
    // block's (89), the state that plays the part of byte 17.
    assert!(framed.listing.instructions().any(|i| i == ("movzx", "ecx, byte ptr [rbx + 89]")), "{}", framed.listing);
    assert_eq!(framed.listing.jump_tables().len(), 2);
    assert_eq!(unframed.listing.jump_tables().len(), 1);
    // The layouts that put them there: the fn's future holds the argument at 0 and the `Framed`
    // at 8..96, its tag at 96; the `Framed`, its frame first (72 bytes) and the body's async block
    // at 72, whose copy of `key` is at 0, the leaf's flag at 8 and the tag at 9: 80, 88 and 89 in
    // the fn's future.
    let block = "{async block@src/lib.rs:38:1: 38:27}";
    let (outer, framed_block, body) = (
        layout_in(TASKDUMP, "lookup"),
        layout_in(TASKDUMP, &format!("async_backtrace::framed::Framed<{block}>")),
        layout_in(TASKDUMP, block),
    );
    let tag = |layout: &listings::TypeLayout| layout.tag.map(|place| place.offset());
    assert_eq!((offset_of(&outer, "key"), offset_of(&outer, "__awaitee"), tag(&outer)), (0, 8, Some(96)));
    assert_eq!((offset_of(&framed_block, "frame"), offset_of(&framed_block, "future")), (0, 72));
    assert_eq!(framed_block.fields().find(|f| f.name == "frame").unwrap().size, 72);
    assert_eq!((offset_of(&body, "key"), offset_of(&body, "__awaitee"), tag(&body)), (0, 8, Some(9)));
    assert_eq!(8 + 72 + tag(&body).unwrap(), 89);
    assert!(framed.listing.instructions().any(|i| i == ("mov", "byte ptr [rbx + 88], 1")), "the leaf's flag");
    // The guard's drop: the previous frame written back, then the root's mutex released with an
    // `xchg`, and `Mutex::wake` called only if a thread waits on it (state 2).
    let restore_instructions: Vec<(&str, &str)> = restore.listing.instructions().collect();
    assert!(restore_instructions.contains(&("mov", "qword ptr [rdx], rcx")), "{}", restore.listing);
    let xchgs: Vec<usize> = (0..restore_instructions.len()).filter(|&i| restore_instructions[i].0 == "xchg").collect();
    // Two releases. The first is the closure's (`drop(maybe_mutex_guard)`). The second is the
    // drop glue of `Defer`'s own field, the `Option` that `Drop::drop` has just emptied with
    // `take()`: the function first stores 3 (that `Option`'s `None`) into byte 24, and the second
    // release is behind a reread of that byte that must be 0 or 1 (`cmp al, 1; ja` past it).
    assert_eq!(xchgs.len(), 2, "{}", restore.listing);
    for &at in &xchgs {
        assert_eq!(restore_instructions[at - 1], ("xor", "eax, eax"));
        assert_eq!(restore_instructions[at + 1], ("cmp", "eax, 2"));
    }
    let position = |wanted: (&str, &str)| restore_instructions.iter().position(|&i| i == wanted).unwrap();
    let (taken, reread) =
        (position(("mov", "byte ptr [rdi + 24], 3")), position(("movzx", "eax, byte ptr [rbx + 24]")));
    assert!(taken < xchgs[0] && xchgs[0] < reread && reread < xchgs[1], "{}", restore.listing);
    assert_eq!(restore_instructions[reread + 1], ("cmp", "al, 1"));
    assert!(restore_instructions[reread + 2].0 == "ja", "{}", restore.listing);
    assert!(restore.listing.calls().iter().any(|call| call.contains("futex::Mutex>::wake")));
    // Before each release, the guard's poisoning (std's `MutexGuard::drop`, `poison::Flag::done`):
    // if the thread is panicking now and was not when it locked, a byte of the mutex is set to 1.
    for block in [".LBB0_8", ".LBB0_9"] {
        let block = restore.listing.block(block).unwrap_or_else(|| panic!("{}", restore.listing));
        assert!(block[0].1.ends_with("panic_count::is_zero_slow_path@GOTPCREL]"), "{block:?}");
        assert!(block[3].0 == "mov" && block[3].1.ends_with("+ 4], 1"), "{block:?}");
    }
    assert_eq!(
        restore.listing.instructions().filter(|(_, operands)| operands.contains("GLOBAL_PANIC_COUNT")).count(),
        2
    );
    // Four lines of the marked listing are lone prefixes of the TLS sequence, not instructions.
    let prefixes = framed.listing.instructions().filter(|(m, o)| o.is_empty() && LONE_PREFIXES.contains(m)).count();
    assert_eq!(prefixes, 4, "{}", framed.listing);
    assert_eq!((instruction_count(&unframed), instruction_count(&framed)), (35, 99), "instructions");
}

// ---- At run time: tokio's instrumentation, which tokio-console reads ---------------------------------

/// `samples/tokio-task`, and the same source built as tokio-console needs tokio: its `tracing`
/// feature, and `--cfg tokio_unstable` (the crate's `[package.metadata.under-the-await]`).
const TOKIO_TASK: &str = "samples/tokio-task/Cargo.toml";
const TOKIO_TASK_TRACED: &str = "samples/tokio-task-traced/Cargo.toml";

fn tokio_asm(manifest: &str, function: &str) -> listings::AsmListing {
    taskdump(); // the checkout's root as the current folder
    let krate = listings::Crate::named(None, Some(Path::new(manifest))).unwrap_or_else(|error| panic!("{error}"));
    listings::asm_of(&krate, function, &listings::AsmOptions::default(), &CodegenFlags::default())
        .unwrap_or_else(|error| panic!("{error}"))
}

/// The calls of a listing that neither panic nor unwind, each once, in the order of the listing;
/// left out too, the drops whose type names the crate's own handler (the two crates' names differ).
fn calls_once(listing: &listings::AsmListing) -> Vec<String> {
    let mut calls: Vec<String> = Vec::new();
    for call in listing.listing.calls() {
        let panics =
            ["panic", "_Unwind_Resume", "catch_unwind", "Box<dyn core::any::Any"].iter().any(|p| call.contains(p));
        let names_the_handler = call.contains("handler::{{closure}}");
        if !panics && !names_the_handler && !calls.iter().any(|seen| seen == call) {
            calls.push(call.to_owned());
        }
    }
    calls
}

/// The two crates are one source: what differs in their machine code is tokio's build.
#[test]
fn the_traced_sample_is_the_plain_one_built_with_tokios_instrumentation() {
    let root = listings::Workspace::this_checkout().root;
    let source = |crate_dir: &str| std::fs::read_to_string(root.join(crate_dir).join("src/lib.rs")).unwrap();
    assert_eq!(source("samples/tokio-task"), source("samples/tokio-task-traced"));
    let manifest = std::fs::read_to_string(root.join(TOKIO_TASK_TRACED)).unwrap();
    assert!(manifest.contains("features = [\"rt\", \"tracing\"]") && manifest.contains("cfg = [\"tokio_unstable\"]"));
}

/// A task's poll (`raw::poll`, the function of the task's vtable) built with tokio's
/// instrumentation enters the task's span before the future's poll and exits it after, each a
/// call to the span's dispatcher behind one test of whether the span exists (the tag of the span's
/// `Dispatch`, at 72 of the task, as the layouts show), with the future's poll between the enter
/// and the first exit and the second exit where the landing pads run; `spawn` creates the span
/// with one call more.
#[test]
fn tokios_instrumentation_enters_and_exits_the_tasks_span_around_every_poll() {
    let plain = tokio_asm(TOKIO_TASK, "tokio::runtime::task::raw::poll");
    let traced = tokio_asm(TOKIO_TASK_TRACED, "tokio::runtime::task::raw::poll");
    listings::assert_asm_snapshot!("tokio_task_poll", plain);
    listings::assert_asm_snapshot!("tokio_task_poll_traced", traced);
    let (plain_calls, traced_calls) = (calls_once(&plain), calls_once(&traced));
    let added: Vec<&String> = traced_calls.iter().filter(|call| !plain_calls.contains(call)).collect();
    assert_eq!(
        added,
        [
            "qword ptr [rip + tracing_core::dispatcher::Dispatch::enter@GOTPCREL]",
            "qword ptr [rip + tracing_core::dispatcher::Dispatch::exit@GOTPCREL]",
        ],
        "{traced_calls:#?}"
    );
    assert!(plain_calls.iter().all(|call| traced_calls.contains(call)), "{plain_calls:#?}");
    // The part the page shows: from the task id's guard to the span's enter. Before the call,
    // `cmp dword ptr [rbx + 72], 2` and `je`: a span that no subscriber wanted is `None` (its
    // niche, 2), and then neither enter nor exit is called.
    let text = traced.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |from: usize, wanted: &str| from + lines[from..].iter().position(|l| l.contains(wanted)).unwrap();
    let guard = line_of(0, "TaskIdGuard::enter");
    let enter = line_of(guard, "Dispatch::enter");
    let part = listings::Part::of_asm(&traced, "enter", guard + 1..=enter + 1);
    listings::assert_part_snapshot!("tokio_task_poll_traced", part);
    let shown: Vec<String> = part.text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let skip = shown.iter().position(|l| l == "cmp dword ptr [rbx + 72], 2").expect("the test of the span");
    assert!(shown[skip + 1].starts_with("je "), "{shown:#?}");
    let instructions: Vec<(&str, &str)> = traced.listing.instructions().collect();
    let exits: Vec<usize> = (0..instructions.len()).filter(|&i| instructions[i].1.contains("Dispatch::exit")).collect();
    assert_eq!(exits.len(), 2, "one exit after the poll, one on the unwinding path");
    // The future's poll lies between the enter and the first exit: the jump on the handler's tag,
    // byte 144 of the task (see the layouts below).
    let enter_at = instructions.iter().position(|i| i.1.contains("Dispatch::enter")).unwrap();
    let poll_at = instructions.iter().position(|&i| i == ("movzx", "eax, byte ptr [rbx + 144]")).unwrap();
    assert!(enter_at < poll_at && poll_at < exits[0], "{}", traced.listing);
    // The second exit is in the block that the landing pads run into: blocks that start by
    // keeping the exception, which arrives in `rax` (`mov r12, rax`), and jump to it or fall
    // into it.
    let labels: Vec<&str> = traced.listing.lines.iter().filter_map(|line| line.label()).collect();
    let exit_block = labels
        .iter()
        .copied()
        .find(|label| {
            traced.listing.block(label).unwrap().iter().any(|i| i.1.contains("Dispatch::exit")) && {
                let first = traced.listing.block(label).unwrap();
                first.first() == Some(&("cmp", "dword ptr [r15], 2"))
            }
        })
        .expect("the block of the second exit");
    let pads: Vec<&str> = labels
        .windows(2)
        .filter(|pair| {
            let block = traced.listing.block(pair[0]).unwrap();
            block.first() == Some(&("mov", "r12, rax"))
                && (block.last() == Some(&("jmp", exit_block)) || (block.len() == 1 && pair[1] == exit_block))
        })
        .map(|pair| pair[0])
        .collect();
    assert!(pads.len() >= 2, "{pads:?}: {}", traced.listing);
    let count = instruction_count;
    assert_eq!((count(&plain), count(&traced)), (207, 244), "instructions");
    // What lies at 72, 96 and 144 of the task: the `Cell` puts its `Core` at 40, the `Core` its
    // `Stage` at 24 more, the `Stage`'s `Running` its future at 8 more: 72, where the
    // `Instrumented` puts its span first and the handler's future at 40. The span is an
    // `Option<Inner>` first; `Inner` is a `Dispatch` (a `Kind`, its 8-byte tag first, two
    // variants), then the span's id at 24: 96. The handler's tag is at 32 of its future: 144.
    let traced_layout = |name: &str| layout_in(TOKIO_TASK_TRACED, name);
    let handler = "{async fn body of handler()}";
    let instrumented = format!("tracing::instrument::Instrumented<{handler}>");
    let scheduler = "std::sync::Arc<tokio::runtime::scheduler::current_thread::Handle>";
    let cell = traced_layout(&format!("tokio::runtime::task::core::Cell<{instrumented}, {scheduler}>"));
    let core = traced_layout(&format!("tokio::runtime::task::core::Core<{instrumented}, {scheduler}>"));
    let stage = traced_layout(&format!("tokio::runtime::task::core::Stage<{instrumented}>"));
    let running = stage.variants.iter().find(|v| v.name.as_deref() == Some("Running")).unwrap();
    let future_at = offset_of(&cell, "core") + offset_of(&core, "stage") + running.fields[0].offset;
    let (instrumented, span, inner) =
        (traced_layout(&instrumented), traced_layout("tracing::span::Span"), traced_layout("tracing::span::Inner"));
    let dispatch = traced_layout("tracing_core::dispatcher::Dispatch");
    let kind = traced_layout(
        "tracing_core::dispatcher::Kind<std::sync::Arc<dyn tracing_core::subscriber::Subscriber + std::marker::Send + \
         std::marker::Sync>>",
    );
    let span_at = future_at + offset_of(&instrumented, "span") + offset_of(&span, "inner");
    let kinds_tag_at = span_at + offset_of(&inner, "subscriber") + offset_of(&dispatch, "subscriber");
    assert_eq!((future_at, kinds_tag_at), (72, 72));
    assert_eq!((kind.discriminant, kind.tag.map(|place| place.offset()), kind.variants.len()), (Some(8), Some(0), 2));
    assert_eq!(span_at + offset_of(&inner, "id"), 96);
    let handler = traced_layout(handler);
    let handler_tag = handler.tag.map(|place| place.offset()).unwrap();
    assert_eq!(future_at + offset_of(&instrumented, "inner") + handler_tag, 144);
    // Spawning: the same code with one call more, tokio's `get_span`, which creates the span.
    let spawn = tokio_asm(TOKIO_TASK, "spawn_handler");
    let spawn_traced = tokio_asm(TOKIO_TASK_TRACED, "spawn_handler");
    let (spawn_calls, spawn_traced_calls) = (calls_once(&spawn), calls_once(&spawn_traced));
    let added: Vec<&String> = spawn_traced_calls.iter().filter(|call| !spawn_calls.contains(call)).collect();
    assert_eq!(added, ["qword ptr [rip + tokio::util::trace::task::get_span@GOTPCREL]"], "{spawn_traced_calls:#?}");
    // `spawn` itself is inlined into `spawn_handler`: no call names it.
    assert!(!spawn_calls.iter().any(|call| call.contains("handle::Handle::spawn")), "{spawn_calls:#?}");
    assert_eq!((count(&spawn), count(&spawn_traced)), (284, 330), "instructions");
}
