//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots and generated tables the page shows, or measured.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use course::facts::{asm, field_offset, stage_text, type_layout};
use listings::ListingKind;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The rows of a generated table: cells without their padding and backticks.
fn table_rows(name: &str) -> Vec<Vec<String>> {
    stage_text(CHAPTER, ListingKind::Table, name)
        .lines()
        .skip(2)
        .map(|row| {
            row.trim().trim_matches('|').split('|').map(|cell| cell.trim().trim_matches('`').to_owned()).collect()
        })
        .collect()
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    let levels_with_a_table = listings::OPT_LEVELS
        .iter()
        .filter(|level| !asm(CHAPTER, &format!("three_awaits_opt_level_{level}")).jump_tables().is_empty())
        .count();

    let awaitee = |name: &str| field_offset(&type_layout(CHAPTER, name), "Suspend0", "local", "__awaitee");
    let leaf_tag = type_layout(CHAPTER, "leaf").tag.expect("leaf's tag is placed").offset();
    let leaf_state = awaitee("outer") + awaitee("middle") + leaf_tag;
    let outer = asm(CHAPTER, "outer_opt_level_3");
    assert!(outer.instructions().any(|i| i == ("movzx", &format!("ecx, byte ptr [rbx + {leaf_state}]"))), "{outer}");

    let destroy = stage_text(CHAPTER, ListingKind::CppAsm, "three_awaits_destroy");
    let actor = stage_text(CHAPTER, ListingKind::CppAsm, "three_awaits_actor");
    let sets_the_low_bit = destroy.contains("or      WORD PTR 40[rdi], 1") && destroy.contains("jmp     three_awaits(");
    let in_twos = if sets_the_low_bit && destroy.contains("[clone .actor]") && actor.contains("test    al, 1") {
        "the low bit means \"destroy\": the destroyer sets it and jumps into the actor, which tests it first"
    } else {
        "the index is a byte offset into a table of two-byte entries"
    };

    let by_level = table_rows("three_awaits_by_opt_level");
    let smallest = by_level
        .iter()
        .min_by_key(|row| row[2].parse::<u32>().expect("bytes of code"))
        .map(|row| format!("`{}`", row[0]))
        .expect("six rows");
    // The explanation's other half: of the optimised levels, 3 is the largest.
    let largest_optimised =
        by_level.iter().filter(|row| row[0] != "0").max_by_key(|row| row[2].parse::<u32>().unwrap());
    assert_eq!(largest_optimised.map(|row| row[0].as_str()), Some("3"), "{by_level:?}");

    let run_in_view = asm(CHAPTER, "run_in_view");
    let in_a_register = run_in_view.instructions().any(|(m, o)| m == "mov" && o == "dil, 3")
        && run_in_view.instructions().any(|(m, o)| m == "movzx" && o == "eax, dil")
        && !run_in_view.instructions().any(|(_, o)| o.starts_with("byte ptr [rsp"));
    let state_lives = match (in_a_register, run_in_view.jump_tables().is_empty()) {
        (true, false) => "in a register",
        (false, false) => "in the future's tag byte, on the stack",
        (_, true) => "nowhere: the loop became straight-line code",
    };

    let mut joined = pin!(ch08_machine_code::join_two());
    let mut cx = Context::from_waker(Waker::noop());
    let join_polls = (1..=10usize).find(|_| joined.as_mut().poll(&mut cx).is_ready()).expect("join_two finishes");

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("jump-table-levels", levels_with_a_table.into()),
            ("leaf-state-offset", leaf_state.into()),
            ("cpp-index-in-twos", in_twos.into()),
            ("smallest-level", smallest.as_str().into()),
            ("run-in-view-state", state_lives.into()),
            ("join-polls", join_polls.into()),
        ],
    );
}
