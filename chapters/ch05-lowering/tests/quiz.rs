//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or measured.

use course::facts::{field_offset, mir_of_snippet, stage_text, type_layout};
use listings::ListingKind;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The states the first `switchInt` of a resume function lists, `otherwise` aside.
fn states_switched_on(mir: &str) -> usize {
    let switch = mir.lines().find(|l| l.contains("switchInt(")).expect("the state machine switches on its state");
    switch.matches(": bb").count() - usize::from(switch.contains("otherwise: bb"))
}

/// Three awaits of the chapter's leaf, compiled as the chapter's MIR listings are.
const THREE_AWAITS: &str = r#"
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Default)]
pub struct YieldOnce { yielded: bool }

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded { return Poll::Ready(()); }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

pub async fn three_awaits() {
    YieldOnce::default().await;
    YieldOnce::default().await;
    YieldOnce::default().await;
}
"#;

#[test]
fn every_quiz_answer_is_the_compilers() {
    let mir = stage_text(CHAPTER, ListingKind::Stage(listings::Stage::Mir), "two_suspension_points_state_machine");
    let states = states_switched_on(&mir);
    let three_mir = mir_of_snippet(THREE_AWAITS);
    let resume = three_mir.split("fn three_awaits::{closure#0}(").nth(1).expect("the resume function's MIR");
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
            ("shared-awaitee-offset", {
                let (first, second) = (
                    field_offset(&layout, "Suspend0", "local", "__awaitee"),
                    field_offset(&layout, "Suspend1", "local", "__awaitee"),
                );
                assert_eq!(first, second, "the two awaitees overlap");
                second.into()
            }),
            ("borrowed-then-dropped-size", {
                // The why counts every byte: the tag, then the buffer, the checksum and the awaitee.
                let layout = type_layout(CHAPTER, "buffer_borrowed_then_dropped_before_await");
                let suspended: Vec<(&str, &str, u64, u64)> = layout
                    .variants
                    .iter()
                    .filter(|v| v.name.as_deref() == Some("Suspend0"))
                    .flat_map(|v| &v.fields)
                    .map(|f| (f.kind.as_str(), f.name.as_str(), f.offset, f.size))
                    .collect();
                assert_eq!(
                    suspended,
                    [("local", "buffer", 1, 1024), ("local", "checksum", 1025, 1), ("local", "__awaitee", 1026, 1)]
                );
                assert_eq!((layout.discriminant, layout.tag.map(|t| t.offset())), (Some(1), Some(0)));
                layout.size.into()
            }),
            ("option-of-future-size", size_of_val(&Some(ch05_lowering::hello_world())).into()),
            ("argument-counted-twice-size", type_layout(CHAPTER, "argument_counted_twice").size.into()),
            ("three-awaits-states", states_switched_on(resume).into()),
        ],
    );
}
