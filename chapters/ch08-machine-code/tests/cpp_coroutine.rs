//! The appendix: `three_awaits` as a C++20 coroutine compiled by the pinned g++. Its listings are
//! checked like the Rust ones; `cpp/frame_layout.cpp`, built with the same compiler and flags,
//! measures the frame at run time, and what it measures must agree with the listing and is set
//! beside the Rust future's layout in a generated table.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use listings::{AsmListing, GeneratedTable, Listing, Stage, assert_cpp_asm_snapshot, assert_table_snapshot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");
const SOURCE: &str = "cpp/three_awaits.cpp";

const RAMP: &str = "three_awaits(unsigned long)";
const ACTOR: &str = "three_awaits(three_awaits(unsigned long)::_Z12three_awaitsm.Frame*) [clone .actor]";
const DESTROY: &str = "three_awaits(three_awaits(unsigned long)::_Z12three_awaitsm.Frame*) [clone .destroy]";

fn cpp(function: &str) -> AsmListing {
    listings::cpp::asm(CHAPTER, SOURCE, function).unwrap_or_else(|error| panic!("{error}"))
}

fn has(listing: &Listing, instruction: (&str, &str)) -> bool {
    listing.instructions().any(|i| i == instruction)
}

/// What `frame_layout` prints, as `key: value`; built and run once per test process.
fn measured() -> HashMap<String, String> {
    static MEASURED: std::sync::OnceLock<HashMap<String, String>> = std::sync::OnceLock::new();
    MEASURED.get_or_init(measure).clone()
}

fn measure() -> HashMap<String, String> {
    let program =
        listings::cpp::gxx::executable(CHAPTER, "cpp/frame_layout.cpp").unwrap_or_else(|error| panic!("{error}"));
    let output = Command::new(&program).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_once(": "))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// An experiment beside the listings: the pinned g++ run on `source` (C++ text, given on standard
/// input) with the listings' flags except `without`, and the assembly it writes, one
/// instruction a line with its whitespace made single spaces.
fn gxx_variant(source: &str, without: &[&str]) -> Vec<String> {
    let pin = listings::cpp::gxx::pinned();
    let flags = listings::cpp::gxx::FLAGS.iter().filter(|flag| !without.contains(flag));
    let mut child = Command::new(&pin.command)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LC_ALL", "C")
        .args(flags)
        .args(["-S", "-x", "c++", "-", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(source.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

const THREE_AWAITS_CPP: &str = include_str!("../cpp/three_awaits.cpp");

fn number(measured: &HashMap<String, String>, key: &str) -> u64 {
    let value = measured.get(key).unwrap_or_else(|| panic!("{key} not measured: {measured:?}"));
    value.split([' ', ',']).next().unwrap().parse().unwrap_or_else(|_| panic!("{key}: {value}"))
}

#[test]
fn the_cpp_functions_are_the_ramp_the_actor_and_the_destroyer() {
    let functions = listings::cpp::functions(CHAPTER, SOURCE).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(functions, [ACTOR, DESTROY, RAMP]);
}

#[test]
fn the_ramp_allocates_the_frame_and_stores_the_resume_and_destroy_pointers_first() {
    let ramp = cpp(RAMP);
    assert_eq!(ramp.provenance.compiler, "g++ 12.2.0");
    assert!(ramp.provenance.to_string().contains(" · g++ 12.2.0 · -std=c++20 -O2 -masm=intel"), "{}", ramp.provenance);
    assert!(has(&ramp, ("mov", "edi, 72")) && has(&ramp, ("call", "operator new(unsigned long)@PLT")), "{ramp}");
    assert!(has(&ramp, ("lea", &format!("rcx, {ACTOR}[rip]"))) && has(&ramp, ("lea", &format!("rdx, {DESTROY}[rip]"))));
    assert!(has(&ramp, ("movups", "XMMWORD PTR [rax], xmm0")), "both pointers in one 16-byte store at 0: {ramp}");
    assert!(has(&ramp, ("mov", "QWORD PTR 32[rax], rbx")), "the copy of seed at 32");
    assert!(has(&ramp, ("mov", "WORD PTR 40[rax], dx")) && has(&ramp, ("mov", "edx, 2")), "resume index 2");
    assert!(has(&ramp, ("mov", "BYTE PTR 42[rax], 1")), "the frame was allocated, so it must be freed");
    assert!(has(&ramp, ("mov", "QWORD PTR 24[rax], rax")), "the frame's own address at 24");
    assert!(has(&ramp, ("mov", "QWORD PTR 16[rax], 0")), "the promise's value, 0: value-initialised, not seed");
    assert_cpp_asm_snapshot!("three_awaits_ramp", ramp);
}

#[test]
fn the_actor_dispatches_on_a_two_byte_resume_index_that_counts_in_twos() {
    let actor = cpp(ACTOR);
    assert!(has(&actor, ("movzx", "eax, WORD PTR 40[rdi]")), "{actor}");
    assert!(has(&actor, ("test", "al, 1")), "an odd index means: destroy");
    // GCC's jump table is an ordinary `.L` label, the one whose address the dispatch loads.
    let table_label = actor
        .instructions()
        .find_map(|(m, o)| (m == "lea").then(|| o.strip_prefix("rdx, ")?.strip_suffix("[rip]"))?)
        .expect("lea rdx, .LN[rip]");
    let table = actor.data_after(table_label);
    assert_eq!(table.len(), 11, "indices 0 to 10, the odd ones unreachable: {table:?}");
    let unreachable: Vec<&str> = table.iter().skip(1).step_by(2).copied().collect();
    assert!(unreachable.iter().all(|entry| *entry == unreachable[0]), "{unreachable:?}");
    for index in ["4", "6", "8", "10"] {
        let stored = actor.instructions().any(|(m, o)| m == "mov" && o.ends_with(&format!(", {index}")));
        assert!(stored, "index {index}: {actor}");
    }
    assert!(has(&actor, ("mov", "QWORD PTR 48[rdi], rax")), "kept at 48");
    assert!(has(&actor, ("mov", "QWORD PTR 56[rdi], rax")), "middle at 56");
    assert!(has(&actor, ("mov", "QWORD PTR [rdi], 0")), "at co_return the resume pointer becomes null: done()");
    assert!(has(&actor, ("cmp", "BYTE PTR 42[rdi], 0")) && has(&actor, ("jmp", "operator delete(void*)@PLT")));
    // Entry 10, the final suspend point, goes to the block that frees the frame (if the ramp
    // allocated it) and returns; an odd index (destroy) reaches it through the `bt` test, whose
    // mask has bits 1, 3, 5, 7, 9 and 11 set.
    let final_suspend = table[10].strip_suffix(&format!("-{table_label}")).expect("an entry is .LN-.LT");
    let block = actor.block(final_suspend).expect("entry 10's block");
    assert_eq!((block[0], block[2]), (("cmp", "BYTE PTR 42[rdi], 0"), ("ret", "")), "{actor}");
    assert!(has(&actor, ("mov", "edx, 2730")) && has(&actor, ("bt", "rdx, rax")), "{actor}");
    assert_eq!(2730, (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 11));
    let mut after_bt = actor.instructions().skip_while(|i| *i != ("bt", "rdx, rax")).skip(1);
    assert_eq!(after_bt.next().map(|(m, _)| m), Some("jnc"), "a clear bit goes to ud2, a set one on to the block");
    assert_cpp_asm_snapshot!("three_awaits_actor", actor);
}

#[test]
fn the_destroyer_sets_the_low_bit_of_the_index_and_jumps_into_the_actor() {
    let destroy = cpp(DESTROY);
    assert_eq!(
        destroy.instructions().collect::<Vec<_>>(),
        [("or", "WORD PTR 40[rdi], 1"), ("jmp", ACTOR)],
        "{destroy}"
    );
    assert_cpp_asm_snapshot!("three_awaits_destroy", destroy);
}

#[test]
fn the_frame_measured_at_run_time_is_the_frame_the_listing_shows() {
    let measured = measured();
    assert_eq!(number(&measured, "frame bytes"), 72, "the ramp's operator new(72)");
    assert_eq!(measured["resumptions until done"], "4", "three co_awaits and the co_return");
    assert_eq!(measured["resume pointer after co_return"], "null");
    assert_eq!(measured["destroy pointer at"], "8 (unchanged)");
    assert_eq!(measured["resume index at"], "40, values: 2 4 6 8 10");
    assert_eq!(number(&measured, "promise at"), 16);
    assert_eq!(number(&measured, "seed at"), 32);
    assert_eq!(number(&measured, "kept at"), 48);
    assert_eq!(number(&measured, "middle at"), 56);
    assert_eq!(measured["destroy frees the frame"], "yes");
    let expected = {
        let kept = 5u64.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        kept ^ kept.rotate_left(7)
    };
    assert_eq!(measured["value returned"], expected.to_string());
    assert_eq!(futures::executor::block_on(ch08_machine_code::three_awaits(5)), expected, "the same program");
}

#[test]
fn a_gxx_of_another_version_is_refused_with_one_message() {
    let pin = listings::cpp::gxx::pinned();
    assert_eq!(pin.describe(), "g++ 12.2.0");
    // The refusal itself is a unit test of listings::cpp::gxx; here, the pinned one is in use.
    let output = Command::new(&pin.command).arg("-dumpfullversion").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), pin.release);
}

#[test]
fn the_table_sets_the_rust_future_beside_the_cpp_frame() {
    let measured = measured();
    let rust = listings::stage(CHAPTER, Stage::TypeSizes, "three_awaits").unwrap_or_else(|error| panic!("{error}"));
    let rust_layout = rust.layout.as_ref().expect("a type-sizes listing carries its layout");
    let field = |variant: &str, kind: &str, name: &str| {
        rust_layout
            .variants
            .iter()
            .find(|v| v.name.as_deref() == Some(variant))
            .and_then(|v| v.fields.iter().find(|f| f.kind == kind && f.name == name))
            .map(|f| format!("{}..{}", f.offset, f.offset + f.size))
            .unwrap_or_else(|| panic!("{kind} {name} in {variant}"))
    };
    let tag = rust_layout.tag.expect("the future's tag, placed from the debug information").offset();
    let cpp_word = |key: &str| {
        let at = number(&measured, key);
        format!("{at}..{}", at + 8)
    };
    let index_at = number(&measured, "resume index at");
    let rows = vec![
        vec![
            "size".to_owned(),
            format!("{} bytes", rust_layout.size),
            format!("{} bytes", number(&measured, "frame bytes")),
        ],
        vec!["resume function pointer".to_owned(), "—".to_owned(), "0..8".to_owned()],
        vec!["destroy function pointer".to_owned(), "—".to_owned(), "8..16".to_owned()],
        vec![
            "promise".to_owned(),
            "—".to_owned(),
            format!("{}..{}", number(&measured, "promise at"), number(&measured, "promise at") + 8),
        ],
        vec![
            "state".to_owned(),
            format!("{tag}..{}: 0 to {}", tag + rust_layout.discriminant.unwrap_or(1), rust_layout.variants.len() - 1),
            format!("{index_at}..{}: {}", index_at + 2, measured["resume index at"].split("values: ").nth(1).unwrap()),
        ],
        vec![
            "`seed`".to_owned(),
            format!("{} (argument), {} (body)", field("Suspend0", "upvar", "seed"), field("Suspend0", "local", "seed")),
            cpp_word("seed at"),
        ],
        vec!["`kept`".to_owned(), field("Suspend1", "local", "kept"), cpp_word("kept at")],
        vec!["`middle`".to_owned(), field("Suspend2", "local", "middle"), cpp_word("middle at")],
    ];
    let table = GeneratedTable {
        provenance: listings::Provenance {
            subject: "three_awaits in Rust and in C++".to_owned(),
            compiler: rust.provenance.compiler.clone(),
            origin: listings::Origin::Table {
                how: format!(
                    "{}; the Rust layout from -Zprint-type-sizes, the C++ frame measured at run time by cpp/frame_layout.cpp",
                    listings::cpp::gxx::pinned().describe()
                ),
            },
            excerpt: None,
        },
        header: vec!["".to_owned(), "Rust future".to_owned(), "C++ coroutine frame (g++)".to_owned()],
        rows,
    };
    assert_eq!(table.cell(0, "Rust future"), Some("48 bytes"));
    assert!(
        rust_layout.variants.iter().flat_map(|v| &v.fields).all(|f| f.size == 8 || f.name == "__awaitee"),
        "no other field"
    );
    assert_eq!(table.cell(4, "Rust future"), Some("24..25: 0 to 5"));
    assert_eq!(table.cell(6, "Rust future"), Some("16..24"));
    assert_eq!(table.cell(6, "C++ coroutine frame (g++)"), Some("48..56"));
    assert_table_snapshot!("rust_future_and_cpp_frame", table);
}

#[test]
fn without_fno_exceptions_the_actor_still_has_no_landing_pad() {
    let with = gxx_variant(THREE_AWAITS_CPP, &[]);
    let without = gxx_variant(THREE_AWAITS_CPP, &["-fno-exceptions"]);
    for asm in [&with, &without] {
        assert!(
            !asm.iter().any(|line| line.contains("_Unwind_Resume") || line.contains("gcc_except_table")),
            "no landing pad, no exception table"
        );
        let calls: Vec<&String> = asm.iter().filter(|line| line.starts_with("call")).collect();
        assert_eq!(calls, ["call _Znwm@PLT"], "nothing is called but operator new, in the ramp");
    }
    let flag_stores = |asm: &[String]| asm.iter().filter(|line| line.starts_with("mov BYTE PTR 43[rdi],")).count();
    assert_eq!((flag_stores(&with), flag_stores(&without)), (0, 2), "with exceptions, a flag byte at 43");
}

#[test]
fn gxx_12_would_build_an_aggregate_promise_from_the_coroutines_argument() {
    let constructor = "        promise_type() = default;\n";
    assert!(THREE_AWAITS_CPP.contains(constructor));
    let aggregate = gxx_variant(&THREE_AWAITS_CPP.replace(constructor, ""), &[]);
    // The ramp has `seed` in rbx: without the constructor, g++ puts it in the promise's `value`.
    assert!(aggregate.iter().any(|line| line == "mov QWORD PTR 16[rax], rbx"), "{aggregate:#?}");
    assert!(!aggregate.iter().any(|line| line == "mov QWORD PTR 16[rax], 0"));
}

#[test]
fn the_page_gives_the_flags_of_the_cpp_listings() {
    let flags = listings::cpp::gxx::FLAGS.join(" ");
    let page = include_str!("../../../book/ch08-machine-code.md");
    assert!(page.contains(&format!("`{flags}`")), "the page's g++ flags are not `{flags}`");
    assert!(cpp(RAMP).provenance.to_string().contains(&flags), "the snapshot header's flags are the listing tool's");
}
