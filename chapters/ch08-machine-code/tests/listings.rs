//! What chapter 8 says about the machine code of whole async functions, checked on the pinned
//! compiler: each test asserts the claims the page makes of one listing (or of a table generated
//! from listings), then snapshots what the page shows.

use listings::{
    AsmListing, AsmOptions, CodeFigures, CodegenFlags, GeneratedTable, Listing, Stage, assert_asm_snapshot,
    assert_stage_snapshot, assert_table_snapshot,
};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The optimisation levels rustc accepts, in the order the page reads them.
const OPT_LEVELS: [&str; 6] = ["0", "1", "2", "3", "s", "z"];

const RESUME: &str = "three_awaits::{{closure}}";

fn flags(opt_level: &str) -> CodegenFlags {
    CodegenFlags::with_opt_level(opt_level)
}

fn asm_at(function: &str, opt_level: &str) -> AsmListing {
    let options = AsmOptions { source: true, data: false };
    listings::asm_with_flags(CHAPTER, function, &options, &flags(opt_level)).unwrap_or_else(|error| panic!("{error}"))
}

fn asm(function: &str) -> AsmListing {
    asm_at(function, "3")
}

fn count(listing: &Listing, instruction: (&str, &str)) -> usize {
    listing.instructions().filter(|i| *i == instruction).count()
}

fn has(listing: &Listing, instruction: (&str, &str)) -> bool {
    count(listing, instruction) > 0
}

/// The figures of one function at one level, after checking that the object file's bytes decode
/// to exactly the listing's instructions.
fn figures(function: &str, opt_level: &str) -> (AsmListing, CodeFigures) {
    let listing = asm_at(function, opt_level);
    let code = listings::machine_code(CHAPTER, function, &flags(opt_level)).unwrap_or_else(|error| panic!("{error}"));
    assert!(
        CodeFigures::agree(&listing, &code),
        "{function} at opt-level {opt_level}: the object's {} bytes decode to {} instructions, the listing has {}",
        code.bytes.len(),
        code.instruction_count(),
        listing.instructions().count()
    );
    let figures = CodeFigures::of(&listing, &code);
    (listing, figures)
}

fn provenance_of_table(what: &str, flags_note: &str) -> listings::Provenance {
    listings::Provenance {
        subject: what.to_owned(),
        compiler: asm(RESUME).provenance.compiler,
        origin: listings::Origin::Table {
            how: format!("{flags_note}; bytes from the object file of the same compilation"),
        },
        excerpt: None,
    }
}

// ---- One function at six optimisation levels ----------------------------------------------------

#[test]
fn the_resume_function_keeps_one_jump_table_of_six_states_at_every_opt_level() {
    for level in OPT_LEVELS {
        let listing = asm_at(RESUME, level);
        let tables = listing.jump_tables();
        assert_eq!(tables.len(), 1, "opt-level {level}: {listing}");
        assert_eq!(tables[0].len(), 6, "Unresumed, Returned, Panicked, Suspend0-2 at opt-level {level}");
        assert_asm_snapshot!(&format!("three_awaits_opt_level_{level}"), listing);
    }
}

#[test]
fn at_opt_level_0_every_step_of_the_desugaring_is_a_call_and_every_value_goes_through_the_stack() {
    let listing = asm_at(RESUME, "0");
    let calls = listing.calls();
    for callee in ["YieldOnce as core::default::Default>::default", "rotate_left@"] {
        assert!(calls.iter().any(|c| c.contains(callee)), "{callee}: {calls:?}");
    }
    // into_future too, called through `rax` after a load of its address from the GOT.
    assert!(has(
        &listing,
        ("mov", "rax, qword ptr [rip + <F as core::future::into_future::IntoFuture>::into_future@GOTPCREL]")
    ));
    // The poll of each await is a call to YieldOnce::poll through the GOT, loaded into rax.
    let poll_loads = listing
        .instructions()
        .filter(|(m, o)| {
            *m == "mov"
                && o.starts_with("rax, ")
                && o.contains("YieldOnce as core::future::future::Future>::poll@GOTPCREL")
        })
        .count();
    assert_eq!(poll_loads, 3, "{listing}");
    assert!(has(&listing, ("sub", "rsp, 168")), "a 168-byte stack frame: {listing}");
}

#[test]
fn from_opt_level_1_yield_once_poll_is_inlined_except_at_z_where_it_is_called_three_times() {
    for level in ["1", "2", "3", "s"] {
        let listing = asm_at(RESUME, level);
        assert!(!listing.calls().iter().any(|c| c.contains("YieldOnce")), "opt-level {level}: {listing}");
        assert_eq!(count(&listing, ("call", "qword ptr [rcx + 16]")), 3, "three inlined wake_by_ref at {level}");
    }
    let for_size = asm_at(RESUME, "z");
    let polls =
        for_size.calls().iter().filter(|c| c.contains("YieldOnce as core::future::future::Future>::poll")).count();
    assert_eq!(polls, 3, "{for_size}");
    assert!(has(&for_size, ("push", "1")) && has(&for_size, ("pop", "rax")), "Pending as push 1 / pop rax");
}

#[test]
fn opt_level_3_duplicates_the_tails_that_1_2_and_s_share() {
    let rets = |level| count(&asm_at(RESUME, level), ("ret", ""));
    let unwinds = |level| count(&asm_at(RESUME, level), ("call", "_Unwind_Resume@PLT"));
    assert_eq!((rets("1"), rets("2"), rets("s"), rets("3")), (2, 2, 1, 4), "one ret per way out at 3");
    assert_eq!(
        (unwinds("1"), unwinds("2"), unwinds("s"), unwinds("3")),
        (1, 1, 1, 3),
        "one landing pad per await at 3"
    );
    assert_eq!((unwinds("0"), unwinds("z")), (1, 1), "one landing pad at every other level");
}

#[test]
fn opt_level_1_lays_the_states_out_in_source_order_and_2_moves_them() {
    // The jump table's targets, by state: the blocks' order in the listing is the layout.
    let targets = |level| -> Vec<String> {
        asm_at(RESUME, level).jump_tables()[0].iter().map(|entry| entry.split('-').next().unwrap().to_owned()).collect()
    };
    assert_eq!(targets("1"), [".LBB0_1", ".LBB0_10", ".LBB0_9", ".LBB0_2", ".LBB0_3", ".LBB0_4"]);
    assert_eq!(targets("2"), [".LBB0_1", ".LBB0_10", ".LBB0_9", ".LBB0_5", ".LBB0_2", ".LBB0_3"]);
    // State 0 falls through into the next state's code at level 1; at level 2 it ends in a jump
    // to the code that suspends at the first await (state 3).
    let level_1 = asm_at(RESUME, "1");
    let state_0 = level_1.block(".LBB0_1").expect("state 0");
    assert!(!state_0.last().expect("an instruction").0.starts_with('j'), "falls through: {level_1}");
    let level_2 = asm_at(RESUME, "2");
    let state_0 = level_2.block(".LBB0_1").expect("state 0");
    let (mnemonic, target) = *state_0.last().expect("an instruction");
    assert_eq!(mnemonic, "jmp", "{level_2}");
    let suspends = level_2.block(target).expect("the jump's target");
    assert!(suspends.contains(&("mov", "byte ptr [rbx + 24], 3")), "suspends in state 3: {level_2}");
}

/// What the code does with the awaitee's flag after each store of 0 to it (`YieldOnce::default()`):
/// the first instruction that touches the flag, following the code as it runs on (through
/// labels and unconditional jumps) until one does.
fn after_each_flag_store_of_0(listing: &Listing) -> Vec<(String, String)> {
    const FLAG: &str = "byte ptr [rbx + 32]";
    let lines = &listing.lines;
    let at_label = |label: &str| lines.iter().position(|line| line.label() == Some(label)).expect("a jump's label");
    let mut found = Vec::new();
    for (start, _) in lines.iter().enumerate().filter(|(_, l)| l.instruction() == Some(("mov", &format!("{FLAG}, 0"))))
    {
        let mut i = start + 1;
        let (mnemonic, operands) = loop {
            match lines[i].instruction() {
                Some(("jmp", label)) => i = at_label(label),
                Some((m, o)) if o.contains(FLAG) || m.starts_with('j') || m == "call" => break (m, o),
                _ => {}
            }
            i += 1;
        };
        found.push((mnemonic.to_owned(), operands.to_owned()));
    }
    found
}

#[test]
fn from_opt_level_2_each_store_of_0_to_the_flag_is_overwritten_by_1_before_anything_reads_it() {
    let read = ("cmp".to_owned(), "byte ptr [rbx + 32], 0".to_owned());
    let overwritten = ("mov".to_owned(), "byte ptr [rbx + 32], 1".to_owned());
    assert_eq!(
        after_each_flag_store_of_0(&asm_at(RESUME, "1")),
        [read.clone(), read.clone(), read],
        "level 1 reads it"
    );
    for level in ["2", "3", "s"] {
        let listing = asm_at(RESUME, level);
        let after = after_each_flag_store_of_0(&listing);
        assert_eq!(after, [overwritten.clone(), overwritten.clone(), overwritten.clone()], "at {level}: {listing}");
    }
    // The store of 1 has a block of its own at level 2: a resumed future whose flag is still 0
    // branches there too.
    let level_2 = asm_at(RESUME, "2");
    assert_eq!(level_2.block(".LBB0_6").unwrap()[0], ("mov", "byte ptr [rbx + 32], 1"));
    assert!(has(&level_2, ("je", ".LBB0_6")), "{level_2}");
}

#[test]
fn the_opt_level_table_counts_instructions_bytes_calls_and_jump_tables_from_the_listings_and_the_object() {
    let mut rows = Vec::new();
    let mut by_level = Vec::new();
    for level in OPT_LEVELS {
        let (listing, figures) = figures(RESUME, level);
        let polls_called =
            listing.calls().iter().filter(|c| c.contains("YieldOnce as core::future::future::Future>::poll")).count()
                + listing
                    .instructions()
                    .filter(|(m, o)| {
                        *m == "mov" && o.contains("YieldOnce as core::future::future::Future>::poll@GOTPCREL")
                    })
                    .count();
        rows.push(vec![
            format!("`{level}`"),
            figures.instructions.to_string(),
            figures.bytes.to_string(),
            figures.calls.to_string(),
            figures.jump_table_cell(),
            match polls_called {
                0 => "inlined".to_owned(),
                n => format!("called ×{n}"),
            },
        ]);
        by_level.push((level, figures));
    }
    let figures_at = |level: &str| by_level.iter().find(|(l, _)| *l == level).unwrap().1;
    // What the page says of the table.
    let biggest = by_level.iter().max_by_key(|(_, f)| f.bytes).unwrap().0;
    assert_eq!(biggest, "0", "opt-level 0 is the largest: {by_level:?}");
    assert!(figures_at("0").bytes > 2 * figures_at("3").bytes, "{by_level:?}");
    let smallest = by_level.iter().min_by_key(|(_, f)| f.bytes).unwrap().0;
    assert!(["s", "z"].contains(&smallest), "a size level is the smallest: {by_level:?}");
    let (two, three) = (figures_at("2"), figures_at("3"));
    assert_eq!((three.instructions - two.instructions, three.bytes - two.bytes), (8, 33), "3's duplicated tails");
    assert_eq!(figures_at("2").instructions - figures_at("1").instructions, 2);
    assert_eq!(smallest, "z");
    assert_eq!(figures_at("z").calls, figures_at("s").calls, "three calls of poll for three of wake_by_ref");
    let table = GeneratedTable {
        provenance: provenance_of_table(
            "ch08_machine_code::three_awaits::{{closure}} at each opt-level",
            "--target x86_64-unknown-linux-gnu -C opt-level=<row> -C codegen-units=1 -C target-cpu=x86-64",
        ),
        header: ["opt-level", "instructions", "bytes of code", "calls", "jump table", "`YieldOnce::poll`"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    };
    assert_table_snapshot!("three_awaits_by_opt_level", table);
}

// ---- A local kept across two awaits: the listing's offsets are the layout's --------------------

/// The groups of a listing with source lines: each Rust line and the instructions under it.
fn source_groups(listing: &Listing) -> Vec<(String, Vec<(String, String)>)> {
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in &listing.lines {
        match line {
            listings::asm::Line::Source { text, .. } => groups.push((text.clone(), Vec::new())),
            listings::asm::Line::Instruction { mnemonic, operands } => {
                if let Some((_, instructions)) = groups.last_mut() {
                    instructions.push((mnemonic.clone(), operands.clone()));
                }
            }
            _ => {}
        }
    }
    groups
}

/// Every `N` of a `qword ptr [rbx + N]` operand in the groups of the Rust lines that start with
/// `source_prefix`: where the code reads or writes an 8-byte field of the future (the resume
/// function keeps the future's address in `rbx`).
fn future_offsets_used_by(listing: &Listing, source_prefix: &str) -> Vec<u64> {
    let operand = regex_lite_offset;
    let mut offsets: Vec<u64> = source_groups(listing)
        .into_iter()
        .filter(|(text, _)| text.starts_with(source_prefix))
        .flat_map(|(_, instructions)| instructions)
        .filter_map(|(_, operands)| operand(&operands))
        .collect();
    offsets.sort();
    offsets.dedup();
    offsets
}

/// `qword ptr [rbx + 16]` anywhere in an operand string → 16.
fn regex_lite_offset(operands: &str) -> Option<u64> {
    let (_, rest) = operands.split_once("qword ptr [rbx + ")?;
    rest.split_once(']')?.0.parse().ok()
}

/// `(name, offset)` of the fields of one variant in a future's layout, from the type-size stage.
fn layout_offsets(future: &str, variant: &str) -> Vec<(String, u64)> {
    let layout = type_layout(future);
    let variant = layout
        .variants
        .iter()
        .find(|v| v.name.as_deref() == Some(variant))
        .unwrap_or_else(|| panic!("no variant {variant} in {future}"));
    variant.fields.iter().map(|f| (f.name.clone(), f.offset)).collect()
}

fn type_layout(future: &str) -> listings::lowering::type_sizes::TypeLayout {
    let listing = listings::stage(CHAPTER, Stage::TypeSizes, future).unwrap_or_else(|error| panic!("{error}"));
    listing.layout.unwrap_or_else(|| panic!("no layout of {future}"))
}

/// The offset of one field (`kind` is `upvar` or `local`) of a variant of `three_awaits`' future.
fn field_offset(variant: &str, kind: &str, name: &str) -> u64 {
    let layout = type_layout("three_awaits");
    let variant = layout.variants.iter().find(|v| v.name.as_deref() == Some(variant)).expect("the variant");
    variant.fields.iter().find(|f| f.kind == kind && f.name == name).unwrap_or_else(|| panic!("{kind} {name}")).offset
}

fn offset_of(future: &str, variant: &str, field: &str) -> u64 {
    layout_offsets(future, variant)
        .into_iter()
        .find(|(name, _)| name == field)
        .unwrap_or_else(|| panic!("no field {field} in {variant} of {future}"))
        .1
}

#[test]
fn three_awaits_keeps_kept_and_middle_in_the_future_and_the_layout_table_says_where() {
    let layout = listings::stage(CHAPTER, Stage::TypeSizes, "three_awaits").unwrap_or_else(|error| panic!("{error}"));
    assert!(layout.text.starts_with("type: `{async fn body of three_awaits()}`: 48 bytes, alignment: 8 bytes"));
    assert!(layout.text.contains("the tag: 1 byte(s) at offset 24"), "{}", layout.text);
    assert_eq!(offset_of("three_awaits", "Suspend1", "kept"), 16);
    assert_eq!(offset_of("three_awaits", "Suspend2", "kept"), 16, "the same place in both states");
    assert_eq!(offset_of("three_awaits", "Suspend2", "middle"), 40);
    assert!(!layout_offsets("three_awaits", "Suspend0").iter().any(|(name, _)| name == "kept"), "not yet computed");
    assert_stage_snapshot!("three_awaits", layout);
}

#[test]
fn the_offsets_of_kept_and_middle_in_the_listings_memory_operands_are_the_layouts() {
    let kept = offset_of("three_awaits", "Suspend2", "kept");
    let middle = offset_of("three_awaits", "Suspend2", "middle");
    let tag = type_layout("three_awaits").tag.expect("the tag's place").offset();
    // Every optimised level, since each listing is a different reading of the same layout.
    for level in ["1", "2", "3", "s", "z"] {
        let listing = asm_at(RESUME, level);
        assert_eq!(future_offsets_used_by(&listing, "let kept"), [kept], "the store of kept at {level}: {listing}");
        assert_eq!(
            future_offsets_used_by(&listing, "let middle"),
            [kept, middle],
            "reads kept, stores middle at {level}"
        );
        assert_eq!(future_offsets_used_by(&listing, "kept ^ middle"), [kept, middle], "reads both at {level}");
        assert!(has(&listing, ("movzx", &format!("eax, byte ptr [rdi + {tag}]"))), "the tag at {level}");
    }
}

// ---- Where the state machine dissolves into its caller, and what keeps it ---------------------

const CALLERS: [&str; 6] = [
    "four_polls_in_view",
    "run_in_view",
    "run_behind_dyn",
    "run_behind_black_box",
    "run_across_a_function_boundary",
    "run_behind_dyn_and_black_box",
];

/// How a caller reaches `three_awaits`' resume function: inlined (no call), called by name, or
/// called through a register loaded from the `dyn Future` vtable's `poll` entry (offset 24) or
/// from the GOT entry of another function.
fn how_the_resume_function_is_reached(listing: &Listing) -> String {
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    let mut ways: Vec<String> = Vec::new();
    for (at, (mnemonic, target)) in instructions.iter().enumerate() {
        if *mnemonic != "call" {
            continue;
        }
        let loaded_from = instructions[..at]
            .iter()
            .rev()
            .find_map(|(m, o)| (*m == "mov").then(|| o.strip_prefix(&format!("{target}, ")))?);
        let way = if target.contains("three_awaits::{{closure}}") {
            "called by name".to_owned()
        } else if let Some(source) = loaded_from {
            if source.ends_with(" + 24]") {
                "called through the vtable".to_owned()
            } else if let Some(function) =
                source.strip_prefix("qword ptr [rip + ").and_then(|s| s.strip_suffix("@GOTPCREL]"))
            {
                format!("inside `{}`, called", function.rsplit("::").next().unwrap_or(function))
            } else {
                continue;
            }
        } else {
            continue;
        };
        ways.push(way);
    }
    match ways.as_slice() {
        [] => "inlined".to_owned(),
        [first, rest @ ..] if rest.iter().all(|w| w == first) => match ways.len() {
            1 => first.clone(),
            n => format!("{first} ×{n}"),
        },
        _ => ways.join(", "),
    }
}

#[test]
fn a_caller_that_loops_in_full_view_keeps_the_dispatch_but_not_the_future() {
    let listing = asm("run_in_view");
    assert_eq!(listing.jump_tables().len(), 1, "the states are still dispatched on: {listing}");
    assert!(listing.calls().iter().all(|c| c.contains("panic_const")), "nothing is called but the two panics");
    assert!(!listing.instructions().any(|(_, o)| o.contains("ptr [rsp")), "no memory: the future lives in registers");
    // The state is a register: `dil` gets 3, 4, 5 and 1, and indexes the table.
    for state in ["dil, 3", "dil, 4", "dil, 5", "dil, 1"] {
        assert!(has(&listing, ("mov", state)), "{state}: {listing}");
    }
    assert!(has(&listing, ("movzx", "eax, dil")), "{listing}");
    assert_asm_snapshot!("run_in_view", listing);
}

#[test]
fn four_polls_in_view_fold_the_first_poll_into_three_stores_and_call_the_resume_function_for_the_rest() {
    let listing = asm("four_polls_in_view");
    assert!(listing.jump_tables().is_empty(), "{listing}");
    assert_eq!(listing.calls(), ["ch08_machine_code::three_awaits::{{closure}}"; 3], "{listing}");
    // The future is at rsp + 40 (its address is `self` of every call); the offsets below are the
    // layout's, counted from there.
    const FUTURE: u64 = 40;
    assert!(has(&listing, ("lea", &format!("r14, [rsp + {FUTURE}]"))) && has(&listing, ("mov", "rdi, r14")));
    let into_future = |operands: &str| {
        let (_, rest) = operands.split_once("ptr [rsp + ")?;
        rest.split_once(']')?.0.parse::<u64>().ok()?.checked_sub(FUTURE)
    };
    let stores: Vec<(u64, &str)> = listing
        .instructions()
        .take_while(|(m, _)| *m != "call")
        .filter(|(m, _)| *m == "mov")
        .filter_map(|(_, o)| Some((into_future(o)?, o.rsplit_once(", ")?.1)))
        .collect();
    let seed = field_offset("Unresumed", "upvar", "seed");
    let body_seed = field_offset("Suspend0", "local", "seed");
    let awaitee = field_offset("Suspend0", "local", "__awaitee");
    let tag = type_layout("three_awaits").tag.expect("the tag's place").offset();
    // The captured seed as the future is made, then what is left of the first poll: the body's
    // copy of seed, the awaitee's `yielded`, and state 3, Suspend0.
    assert_eq!(stores, [(seed, "rsi"), (body_seed, "rsi"), (awaitee, "1"), (tag, "3")], "{listing}");
    assert_asm_snapshot!("four_polls_in_view", listing);
}

#[test]
fn black_box_keeps_the_future_in_memory_with_its_state_byte_and_the_inlined_dispatch() {
    let listing = asm("run_behind_black_box");
    assert_eq!(listing.jump_tables().len(), 1);
    assert!(has(&listing, ("movzx", "eax, byte ptr [r8 + 24]")), "the state byte read from memory: {listing}");
    for state in [3, 4, 5, 1] {
        assert!(has(&listing, ("mov", &format!("byte ptr [r8 + 24], {state}"))), "state {state} stored: {listing}");
    }
    assert!(!listing.calls().iter().any(|c| c.contains("{{closure}}")), "still inlined");
    assert_asm_snapshot!("run_behind_black_box", listing);
}

#[test]
fn a_function_boundary_keeps_the_resume_function_and_the_caller_calls_it_in_a_loop() {
    let boundary = asm("poll_never_inlined");
    assert_eq!(boundary.instructions().collect::<Vec<_>>(), [("jmp", "ch08_machine_code::three_awaits::{{closure}}")]);
    let caller = asm("run_across_a_function_boundary");
    assert!(caller.jump_tables().is_empty());
    assert_eq!(count(&caller, ("call", "r15")), 1, "one call in the loop: {caller}");
    assert!(has(&caller, ("mov", "r15, qword ptr [rip + ch08_machine_code::poll_never_inlined@GOTPCREL]")));
    // The future on the caller's stack, at the address passed as `self`; its state 0 at the tag.
    let future_at = caller
        .instructions()
        .find_map(|(m, o)| {
            (m == "lea").then(|| o.strip_prefix("rbx, [rsp + ")?.strip_suffix(']')?.parse::<u64>().ok())?
        })
        .expect("lea rbx, [rsp + N]");
    let tag = type_layout("three_awaits").tag.unwrap().offset();
    assert!(has(&caller, ("mov", &format!("byte ptr [rsp + {}], 0", future_at + tag))), "state 0: {caller}");
    assert_asm_snapshot!("poll_never_inlined", boundary);
    assert_asm_snapshot!("run_across_a_function_boundary", caller);
}

#[test]
fn a_dyn_future_whose_vtable_llvm_can_see_is_devirtualised_and_its_resume_function_inlined() {
    let listing = asm("run_behind_dyn");
    assert_eq!(listing.jump_tables().len(), 1, "the dispatch is inlined: {listing}");
    assert!(!listing.calls().iter().any(|c| c.contains("{{closure}}") || !c.contains('@') && !c.contains("::")));
    assert!(has(&listing, ("mov", "edi, 48")), "__rust_alloc(48, 8): the box is still allocated");
    assert!(has(&listing, ("mov", "byte ptr [rax + 24], 0")), "state 0 written into the box");
    assert!(has(&listing, ("mov", "r9b, 3")) && has(&listing, ("movzx", "r9d, r9b")), "then the state is a register");
    assert_asm_snapshot!("run_behind_dyn", listing);
}

#[test]
fn a_dyn_future_behind_black_box_is_polled_through_its_vtable() {
    let listing = asm("run_behind_dyn_and_black_box");
    assert!(listing.jump_tables().is_empty());
    assert!(has(&listing, ("mov", "r13, qword ptr [r14 + 24]")), "poll, the vtable's fourth entry: {listing}");
    assert_eq!(count(&listing, ("call", "r13")), 1, "{listing}");
    assert!(has(&listing, ("mov", "edi, 48")), "__rust_alloc(48, 8): the future's size");
    assert!(has(&listing, ("mov", "byte ptr [rax + 24], 0")), "state 0 at offset 24 of the box");
    assert_asm_snapshot!("run_behind_dyn_and_black_box", listing);
}

#[test]
fn the_callers_table_says_which_callers_keep_the_state_machine() {
    let mut rows = Vec::new();
    for caller in CALLERS {
        let (listing, figures) = figures(caller, "3");
        rows.push(vec![
            format!("`{caller}`"),
            figures.instructions.to_string(),
            figures.bytes.to_string(),
            figures.jump_table_cell(),
            how_the_resume_function_is_reached(&listing),
        ]);
    }
    let table = GeneratedTable {
        provenance: provenance_of_table(
            "six callers of three_awaits",
            "--target x86_64-unknown-linux-gnu -C opt-level=3 -C codegen-units=1 -C target-cpu=x86-64",
        ),
        header: ["caller", "instructions", "bytes of code", "jump table", "the resume function"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    };
    assert_eq!(table.cell(0, "jump table"), Some("no"));
    assert_eq!(table.cell(1, "jump table"), Some("yes, 6 entries"));
    assert_eq!(table.cell(2, "jump table"), Some("yes, 6 entries"), "dyn alone keeps nothing from LLVM");
    assert_eq!(table.cell(5, "jump table"), Some("no"));
    assert_eq!(table.cell(5, "the resume function"), Some("called through the vtable"));
    assert_table_snapshot!("callers_of_three_awaits", table);
}

// ---- Nested futures ----------------------------------------------------------------------------

/// Where the tags of the nest lie inside `outer`'s future: its own, `middle`'s inside `outer`'s
/// awaitee, `leaf`'s inside `middle`'s awaitee, each computed from the layouts alone.
fn nested_tag_offsets() -> [u64; 3] {
    let outer_tag = type_layout("outer").tag.unwrap().offset();
    let middle_at = offset_of("outer", "Suspend0", "__awaitee");
    let middle_tag = middle_at + type_layout("middle").tag.unwrap().offset();
    let leaf_at = middle_at + offset_of("middle", "Suspend0", "__awaitee");
    let leaf_tag = leaf_at + type_layout("leaf").tag.unwrap().offset();
    [outer_tag, middle_tag, leaf_tag]
}

#[test]
fn the_nested_futures_live_one_inside_the_other() {
    for (future, size) in [("outer", "16 bytes"), ("middle", "8 bytes"), ("leaf", "2 bytes")] {
        let layout = listings::stage(CHAPTER, Stage::TypeSizes, future).unwrap_or_else(|error| panic!("{error}"));
        assert!(
            layout.text.starts_with(&format!("type: `{{async fn body of {future}()}}`: {size}")),
            "{}",
            layout.text
        );
        assert_stage_snapshot!(future, layout);
    }
    assert_eq!(offset_of("outer", "Suspend0", "__awaitee"), 4, "middle's future at 4..12 of outer's");
    assert_eq!(offset_of("middle", "Suspend0", "__awaitee"), 4, "leaf's future at 4..6 of middle's");
    assert_eq!(nested_tag_offsets(), [12, 10, 8]);
}

#[test]
fn at_opt_level_3_both_inner_resume_functions_are_inlined_each_dispatching_on_its_own_state_byte() {
    let listing = asm("outer::{{closure}}");
    let [outer_tag, middle_tag, leaf_tag] = nested_tag_offsets();
    let tables = listing.jump_tables();
    assert_eq!(tables.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 4], "three state machines, one await each");
    assert!(has(&listing, ("movzx", &format!("eax, byte ptr [rdi + {outer_tag}]"))), "{listing}");
    assert!(has(&listing, ("movzx", &format!("ecx, byte ptr [rbx + {middle_tag}]"))), "{listing}");
    assert!(has(&listing, ("movzx", &format!("ecx, byte ptr [rbx + {leaf_tag}]"))), "{listing}");
    assert!(!listing.calls().iter().any(|c| c.contains("{{closure}}")), "no resume function is called");
    // Unwinding out of the leaf's poll poisons all three: leaf, middle, outer.
    let poisons: Vec<&str> =
        listing.instructions().filter(|(m, o)| *m == "mov" && o.ends_with("], 2")).map(|(_, o)| o).collect();
    assert!(
        poisons.windows(3).any(|w| w == ["byte ptr [r15], 2", "byte ptr [r14], 2", "byte ptr [rbx + 12], 2"]),
        "{poisons:?}"
    );
    assert!(
        has(&listing, ("lea", &format!("r15, [rbx + {leaf_tag}]")))
            && has(&listing, ("lea", &format!("r14, [rbx + {middle_tag}]")))
    );
    // `leaf`'s future is made whole, unresumed: its tag and the byte after it, in one word.
    assert!(has(&listing, ("mov", &format!("word ptr [rbx + {leaf_tag}], 0"))), "{listing}");
    // Its first poll (state 0 of its table) makes the YieldOnce at the next byte, and the block
    // after it sets `yielded` over it at once.
    // The tables come in the listing's order, outer's, middle's, leaf's; the page names the labels.
    assert_eq!(tables[2][0], ".LBB0_4-.LJTI0_2", "leaf's state 0");
    let awaitee = format!("byte ptr [rbx + {}]", leaf_tag + 1);
    assert_eq!(listing.block(".LBB0_4"), Some(vec![("mov", format!("{awaitee}, 0").as_str())]), "{listing}");
    assert_eq!(listing.block(".LBB0_5").unwrap()[0], ("mov", format!("{awaitee}, 1").as_str()), "{listing}");
    assert_asm_snapshot!("outer_opt_level_3", listing);
}

#[test]
fn at_opt_level_z_middle_is_inlined_and_leaf_is_called() {
    let listing = asm_at("outer::{{closure}}", "z");
    let resume_calls: Vec<&str> = listing.calls().into_iter().filter(|c| c.contains("{{closure}}")).collect();
    assert_eq!(resume_calls, ["ch08_machine_code::leaf::{{closure}}"], "{listing}");
    assert_eq!(listing.jump_tables().len(), 2, "outer's and middle's dispatch, not leaf's");
    let [_, _, leaf_tag] = nested_tag_offsets();
    assert!(
        has(&listing, ("lea", &format!("rdi, [rbx + {leaf_tag}]"))),
        "leaf's future, passed as its self: {listing}"
    );
    assert_asm_snapshot!("outer_opt_level_z", listing);
}

// ---- futures::join! --------------------------------------------------------------------------

#[test]
fn join_polls_each_future_that_is_not_done_and_keeps_a_maybe_done_tag_for_each() {
    let listing = asm("join_two::{{closure}}");
    let tables = listing.jump_tables();
    assert_eq!(tables.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4], "join_two's own states, then leaf's");
    // leaf's MaybeDone: its tag byte at the start of the future (0 Future, 1 Done, 2 Gone).
    assert!(has(&listing, ("movzx", "eax, byte ptr [r12]")), "{listing}");
    assert!(has(&listing, ("cmp", "eax, 1")) && has(&listing, ("cmp", "eax, 2")), "Done, Gone");
    // leaf's own coroutine follows, its state byte first, inlined.
    assert!(has(&listing, ("movzx", "ecx, byte ptr [r12 + 1]")), "{listing}");
    // leaf is Done with 7: tag 1 and the output 7 in one store, 0x7_0000_0001.
    assert!(has(&listing, ("movabs", "rax, 30064771073")), "{listing}");
    assert_eq!(30064771073u64, (7 << 32) | 1);
    // three_awaits' MaybeDone: a tag in a whole word at r15, then the coroutine, whose resume
    // function is called, not inlined.
    assert!(has(&listing, ("mov", "rax, qword ptr [r15]")), "{listing}");
    assert!(has(&listing, ("lea", "rdi, [r15 + 8]")), "{listing}");
    assert_eq!(count(&listing, ("call", "ch08_machine_code::three_awaits::{{closure}}")), 1);
    assert!(has(&listing, ("mov", "qword ptr [r15], 1")), "three_awaits is Done");
    // The poll_fn closure holds a Pin<&mut MaybeDone> to each: the future points into itself.
    assert!(has(&listing, ("mov", "qword ptr [rbx + 64], rbx")) && has(&listing, ("mov", "qword ptr [rbx + 72], r15")));
    assert!(has(&listing, ("mov", "r12, qword ptr [rbx + 64]")) && has(&listing, ("mov", "r15, qword ptr [rbx + 72]")));
    // Polled after a value was taken: MaybeDone's panic, with its 34-byte message.
    assert!(has(&listing, ("mov", "esi, 34")), "{listing}");
    assert_eq!("MaybeDone polled after value taken".len(), 34);
    assert_asm_snapshot!("join_two", listing);
}
