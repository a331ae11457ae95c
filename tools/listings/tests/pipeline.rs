//! The listings pipeline on a small hand-checked `.s` (fixtures/tiny.s): what a reader sees of a
//! function, and what they are told when they name something that is not there.

use listings::asm::{self, EMPTY_INLINE_ASM, Program};
use listings::{AsmOptions, Chapter, Error, Workspace};

fn program() -> Program {
    Program::parse(include_str!("fixtures/tiny.s")).unwrap_or_else(|e| panic!("{e}"))
}

fn tiny() -> Chapter {
    Chapter { slug: "tiny".into(), dir: "tools/listings/tests/fixtures".into() }
}

/// The listing as the book prints it; the fixture has no LLVM IR, so no type arguments.
fn listing(function: &str, options: AsmOptions) -> Result<String, Error> {
    let program = program();
    let selected = program.select(function, "tiny", &mut || Ok(Default::default()))?;
    let lines = asm::lines(&program, selected, &tiny(), &Workspace::this_checkout().root, &options);
    Ok(std::iter::once(format!("{}:", selected.name))
        .chain(lines.iter().map(ToString::to_string))
        .map(|l| l + "\n")
        .collect())
}

const STATE_MACHINE: &str = "\
tiny::state::{{closure}}:
        push    rbx
        mov     rbx, rdi
        movzx   eax, byte ptr [rdi]
        lea     rcx, [rip + .LJTI0_0]
        movsxd  rax, dword ptr [rcx + 4*rax]
        add     rax, rcx
        jmp     rax
.LBB0_1:
        ; #APP #NO_APP (empty inline asm: black_box)
        lea     rdi, [rip + .L__unnamed_1]
        call    qword ptr [rip + std::io::stdio::_print@GOTPCREL]
        mov     byte ptr [rbx], 1
        pop     rbx
        ret
.LBB0_2:
        lea     rdi, [rip + .L__unnamed_2]
        call    qword ptr [rip + core::panicking::panic_const::panic_const_async_fn_resumed@GOTPCREL]
.LBB0_3:
        mov     byte ptr [rbx], 3
        pop     rbx
        ret
.LBB0_4:
        mov     byte ptr [rbx], 2
        mov     rdi, rax
        call    _Unwind_Resume@PLT
.LJTI0_0:
        .long   .LBB0_3-.LJTI0_0
        .long   .LBB0_2-.LJTI0_0
        .long   .LBB0_2-.LJTI0_0
        .long   .LBB0_1-.LJTI0_0
";

#[test]
fn an_empty_inline_asm_block_stays_visible_as_one_comment_line() {
    let text = listing("tiny::state::{{closure}}", AsmOptions::default()).unwrap();
    assert_eq!(text.matches(EMPTY_INLINE_ASM).count(), 1, "{text}");
    assert!(text.contains(".LBB0_1:\n        ; #APP #NO_APP"), "where black_box sits: {text}");
}

#[test]
fn a_listing_keeps_code_block_labels_and_jump_tables_and_drops_directives_comments_and_debug_labels() {
    assert_eq!(listing("tiny::state::{{closure}}", AsmOptions::default()).unwrap(), STATE_MACHINE);
}

#[test]
fn labels_are_renumbered_in_order_of_definition_so_the_function_index_does_not_leak() {
    let text = listing("tiny::state::{{closure}}", AsmOptions::default()).unwrap();
    assert!(!text.contains(".LBB1_") && !text.contains(".LJTI1_"), "{text}");
    let defined: Vec<&str> = text.lines().filter(|l| l.starts_with(".LBB")).collect();
    assert_eq!(defined, [".LBB0_1:", ".LBB0_2:", ".LBB0_3:", ".LBB0_4:"]);
}

#[test]
fn a_landing_pad_is_kept_although_no_instruction_jumps_to_it() {
    let text = listing("tiny::state::{{closure}}", AsmOptions::default()).unwrap();
    assert!(text.contains(".LBB0_4:\n        mov     byte ptr [rbx], 2\n"), "{text}");
}

#[test]
fn symbols_are_demangled_without_hashes_or_crate_disambiguators() {
    let text = listing("tiny::state::{{closure}}", AsmOptions::default()).unwrap();
    assert!(text.contains("std::io::stdio::_print@GOTPCREL"), "{text}");
    assert!(!text.contains("_ZN") && !text.contains("_RNv") && !text.contains("17h"), "{text}");
}

#[test]
fn constants_are_shown_on_request_with_the_constants_they_refer_to() {
    let text = listing("tiny::state::{{closure}}", AsmOptions { source: false, data: true }).unwrap();
    let constants = text.split_once(".LBB0_1-.LJTI0_0\n").unwrap().1;
    assert_eq!(
        constants,
        "\
.L__unnamed_1:
        .ascii  \"hello # not a comment\\n\"
.L__unnamed_2:
        .quad   .L__unnamed_3
        .asciz  \"%\\000\\000\\000\\000\\000\\000\\000\\006\\000\\000\\000\\005\\000\\000\"
        .quad   tiny::noop
.L__unnamed_3:
        .asciz  \"tools/listings/tests/fixtures/tiny.rs\"
"
    );
}

#[test]
fn source_lines_of_the_workspace_are_interleaved_and_the_standard_librarys_are_not() {
    let text = listing("tiny::state::{{closure}}", AsmOptions { source: true, data: false }).unwrap();
    let listing: asm::Listing = text.parse().unwrap_or_else(|e| panic!("{e}"));
    let comments: Vec<String> =
        listing.lines.iter().filter(|l| matches!(l, asm::Line::Source { .. })).map(ToString::to_string).collect();
    assert_eq!(
        comments,
        [
            "        ; tools/listings/tests/fixtures/tiny.rs:6  pub async fn state() {",
            "        ; tools/listings/tests/fixtures/tiny.rs:7  println!(\"hello # not a comment\");",
        ]
    );
}

#[test]
fn a_function_can_be_named_as_a_reader_would_write_it() {
    for spelling in [
        "tiny::state::{{closure}}",
        "state::{{closure}}",
        "tiny[a1b2c3d4]::state::{closure#0}",
        "tiny::state::{{closure}}::h0123456789abcdef",
    ] {
        assert!(
            listing(spelling, AsmOptions::default()).unwrap().starts_with("tiny::state::{{closure}}:\n"),
            "{spelling}"
        );
    }
    for spelling in ["<tiny::Leaf as core::future::future::Future>::poll", "<Leaf as Future>::poll", "Leaf::poll"] {
        assert!(
            listing(spelling, AsmOptions::default())
                .unwrap()
                .starts_with("<tiny::Leaf as core::future::future::Future>::poll:\n"),
            "{spelling}"
        );
    }
}

#[test]
fn an_unknown_function_is_refused_with_the_closest_names_and_every_function() {
    let error = listing("tiny::stat::{{closure}}", AsmOptions::default()).unwrap_err();
    let Error::UnknownFunction { closest, known, .. } = &error else { panic!("{error:?}") };
    assert_eq!(closest.first().map(String::as_str), Some("state::{{closure}}"));
    assert_eq!(known.len(), 8);
    let message = error.to_string();
    assert!(
        message.starts_with(
            "no function `tiny::stat::{{closure}}` in the assembly of tiny (did you mean state::{{closure}}"
        ),
        "{message}"
    );
    assert!(message.contains("\n  tiny::noop\n"), "{message}");
}

#[test]
fn a_name_shared_by_two_instances_is_refused_as_ambiguous_saying_how_to_ask_for_each() {
    let error = listing("<T as Into<U>>::into", AsmOptions::default()).unwrap_err();
    let Error::Ambiguous { candidates, .. } = &error else { panic!("{error:?}") };
    assert_eq!(candidates, &["<T as core::convert::Into<U>>::into#1", "<T as core::convert::Into<U>>::into#2"]);
    assert_eq!(
        error.to_string(),
        "`<T as Into<U>>::into` names 2 functions in tiny; ask for one of them:\n  \
         <T as core::convert::Into<U>>::into#1\n  <T as core::convert::Into<U>>::into#2"
    );
}

#[test]
fn instances_are_told_apart_by_their_type_arguments_where_the_debug_information_gives_them() {
    let program = program();
    let arguments = || -> Result<listings::asm::TypeArguments, Error> {
        Ok(std::sync::Arc::new(std::collections::HashMap::from([
            (
                "_ZN50_$LT$T$u20$as$u20$core..convert..Into$LT$U$GT$$GT$4into17h3333333333333333E".to_owned(),
                "u64, u64".to_owned(),
            ),
            (
                "_ZN50_$LT$T$u20$as$u20$core..convert..Into$LT$U$GT$$GT$4into17h4444444444444444E".to_owned(),
                "(), ()".to_owned(),
            ),
        ])))
    };
    let error = program.select("<T as Into<U>>::into", "tiny", &mut { arguments }).unwrap_err();
    let Error::Ambiguous { candidates, .. } = &error else { panic!("{error:?}") };
    assert_eq!(
        candidates,
        &["<T as core::convert::Into<U>>::into::<u64, u64>", "<T as core::convert::Into<U>>::into::<(), ()>"]
    );
    for (spelling, symbol_end) in
        [("<T as Into<U>>::into::<u64, u64>", "3333E"), ("<T as core::convert::Into<U>>::into::<(), ()>", "4444E")]
    {
        let selected = program.select(spelling, "tiny", &mut { arguments }).unwrap_or_else(|e| panic!("{e}"));
        assert!(selected.symbol.ends_with(symbol_end), "{spelling}: {}", selected.symbol);
    }
}

#[test]
fn an_exact_v0_closure_spelling_selects_exactly_one_closure() {
    for (spelling, code) in [
        ("tiny::first_of::{closure#0}::{closure#0}", "lea     eax, [rdi + 1]"),
        ("first_of::{closure#0}::{closure#1}", "lea     eax, [rdi + 2]"),
        ("tiny[5a5e1f0d2b6c1e3a]::first_of::{closure#0}::{closure#1}", "lea     eax, [rdi + 2]"),
    ] {
        let text = listing(spelling, AsmOptions::default()).unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert!(text.contains(code), "{spelling}: {text}");
    }
    // A closure that does not exist is not another one of the same depth.
    for spelling in ["first_of::{closure#0}::{closure#4}", "first_of::{closure#4}::{closure#0}"] {
        let error = listing(spelling, AsmOptions::default()).unwrap_err();
        assert!(matches!(error, Error::UnknownFunction { .. }), "{spelling}: {error:?}");
    }
    // The legacy spelling cannot tell the siblings apart, and says so.
    assert!(matches!(
        listing("first_of::{{closure}}::{{closure}}", AsmOptions::default()),
        Err(Error::Ambiguous { .. })
    ));
}

#[test]
fn an_alias_is_selectable_and_its_listing_says_whose_code_it_is() {
    let text = listing("tiny::alias", AsmOptions::default()).unwrap();
    assert_eq!(
        text,
        "tiny::alias:\n        ; an alias: LLVM merged this function into tiny::noop, whose code follows\n        ret\n"
    );
    let program = program();
    let alias = program.functions().iter().find(|f| f.name == "tiny::alias").unwrap();
    assert_eq!(alias.alias_of.as_deref(), Some("tiny::noop"));
}

#[test]
fn an_async_fns_name_suggests_its_body_first() {
    let error = listing("state", AsmOptions::default()).unwrap_err();
    let Error::UnknownFunction { closest, .. } = &error else { panic!("{error:?}") };
    assert_eq!(closest.first().map(String::as_str), Some("state::{{closure}}"), "{error}");
}

#[test]
fn an_instance_number_picks_one_of_several_same_named_instances_in_file_order() {
    let first = listing("<T as Into<U>>::into#1", AsmOptions::default()).unwrap();
    let second = listing("<T as Into<U>>::into#2", AsmOptions::default()).unwrap();
    assert!(first.contains("mov     rax, rdi"), "{first}");
    assert_eq!(second, "<T as core::convert::Into<U>>::into:\n        ret\n");
    assert!(listing("<T as Into<U>>::into#3", AsmOptions::default()).is_err());
}

#[test]
fn chapters_are_found_by_slug_crate_name_or_number_and_an_unknown_one_is_refused() {
    let workspace = Workspace::this_checkout();
    for name in ["ch01-the-experiment", "ch01_the_experiment", "ch01"] {
        assert_eq!(workspace.chapter(name).unwrap().slug, "ch01-the-experiment", "{name}");
    }
    let error = workspace.chapter("ch01-the-experimnet").unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("unknown chapter `ch01-the-experimnet` (did you mean ch01-the-experiment?)"),
        "{message}"
    );
    assert!(message.contains("the chapters are: ch01-the-experiment"), "{message}");
}
