//! The listings pipeline on a small hand-checked `.s` (fixtures/tiny.s): what a reader sees of a
//! function, and what they are told when they name something that is not there.

use listings::asm::{self, Program};
use listings::{AsmOptions, Chapter, CodegenFlags, Error, Workspace};

fn program() -> Program {
    Program::parse(include_str!("fixtures/tiny.s"), "rustc 1.95.0 (fixture)".into(), CodegenFlags::default())
}

fn tiny() -> Chapter {
    Chapter { slug: "tiny".into(), dir: "tools/listings/tests/fixtures".into() }
}

fn listing(function: &str, options: AsmOptions) -> Result<String, Error> {
    asm::listing(&program(), &tiny(), function, &options).map(|listing| listing.to_string())
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
    let comments: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with(';')).collect();
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
    assert_eq!(known.len(), 5);
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
fn a_name_shared_by_two_instances_is_refused_as_ambiguous_naming_each_instance() {
    let error = listing("<T as Into<U>>::into", AsmOptions::default()).unwrap_err();
    let Error::AmbiguousFunction { matches, .. } = &error else { panic!("{error:?}") };
    assert_eq!(matches, &["<T as core::convert::Into<U>>::into#1", "<T as core::convert::Into<U>>::into#2"]);
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

#[test]
fn the_snapshot_header_records_function_compiler_and_flags_but_no_path() {
    let listing = asm::listing(&program(), &tiny(), "tiny::noop", &AsmOptions::default()).unwrap();
    assert_eq!(
        listing.provenance,
        "tiny::noop · rustc 1.95.0 (fixture) · --target x86_64-unknown-linux-gnu -C opt-level=3 -C codegen-units=1 \
         -C debuginfo=line-tables-only -C target-cpu=x86-64 -C llvm-args=-x86-asm-syntax=intel (Intel syntax), paths remapped"
    );
}
