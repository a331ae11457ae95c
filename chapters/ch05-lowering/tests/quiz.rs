//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use course::facts::{stage_text, type_layout};
use listings::ListingKind;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

#[test]
fn every_quiz_answer_is_the_compilers() {
    let mir = stage_text(CHAPTER, ListingKind::Mir, "two_suspension_points_state_machine");
    let switch = mir.lines().find(|l| l.contains("switchInt(")).expect("the state machine switches on its state");
    let states = switch.matches(": bb").count() - usize::from(switch.contains("otherwise: bb"));
    let stored: Vec<u64> = mir
        .lines()
        .filter_map(|l| {
            l.trim().strip_prefix("discriminant((*_")?.split_once(")) = ")?.1.strip_suffix(';')?.parse().ok()
        })
        .collect();
    let suspended: Vec<u64> = stored.iter().copied().filter(|state| *state >= 3).collect();
    let layout = type_layout(CHAPTER, "two_suspension_points");
    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("mir-states", states.into()),
            ("second-await-state", (*suspended.iter().max().expect("a suspended state is stored")).into()),
            ("two-suspension-points-size", layout.size.into()),
            ("tag-offset", layout.tag.expect("the tag's offset is known").offset().into()),
            (
                "borrowed-then-dropped-size",
                type_layout(CHAPTER, "buffer_borrowed_then_dropped_before_await").size.into(),
            ),
            ("option-of-future-size", size_of_val(&Some(ch05_lowering::hello_world())).into()),
        ],
    );
}
