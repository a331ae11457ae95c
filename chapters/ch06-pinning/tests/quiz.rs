//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or by asking the pinned rustc.

use course::Truth;
use course::facts::{asm, compiles, displacement, field_offset, stage_text, type_layout};
use listings::ListingKind;

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// A std-only library with the chapter's leaf, an `async fn`, and `lines` in a function over
/// `make`, the values' maker: the snippet a question's line is compiled in.
fn snippet(make: &str, lines: &str) -> String {
    format!(
        "use std::future::Future;\nuse std::pin::{{Pin, pin}};\nuse std::task::{{Context, Poll}};\n\
         #[derive(Default)]\npub struct YieldOnce {{ yielded: bool }}\n\
         impl Future for YieldOnce {{\n    type Output = ();\n    \
         fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {{\n        \
         if self.yielded {{ Poll::Ready(()) }} else {{ self.yielded = true; Poll::Pending }}\n    }}\n}}\n\
         pub async fn an_async_fn() {{ YieldOnce::default().await }}\n\
         pub fn lines() {{\n    let make = || {make};\n    {lines}\n}}\n"
    )
}

/// The three lines of the question, for values made by `make`: which of them compile. A line
/// that does not must fail for the reason the chapter gives, its error code in `refused`.
fn which_compile(make: &str, refused: [&str; 3]) -> [bool; 3] {
    let lines = [
        "let mut f = make(); let _ = Pin::new(&mut f);",
        "let mut a = pin!(make()); let mut b = pin!(make()); std::mem::swap(&mut *a, &mut *b);",
        "let mut a = pin!(make()); let _ = a.as_mut().get_mut();",
    ];
    std::array::from_fn(|at| match compiles(&snippet(make, lines[at])) {
        Ok(()) => true,
        Err(error) => {
            assert!(error.contains(refused[at]), "`{}` with {make}: {error}", lines[at]);
            false
        }
    })
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    // Where the pointer points: the buffer's offset in the layout, and the value the listing
    // stores at 16, the future's own address plus nothing.
    let layout = type_layout(CHAPTER, "points_into_itself");
    let target = field_offset(&layout, "Suspend0", "local", "buffer");
    let state_machine = asm(CHAPTER, "points_into_itself_state_machine");
    assert!(state_machine.instructions().any(|i| i == ("mov", "qword ptr [rbx + 16], rbx")), "{state_machine}");
    assert_eq!(field_offset(&layout, "Suspend0", "local", "view"), 16);

    let mir = stage_text(CHAPTER, ListingKind::Stage(listings::Stage::Mir), "points_into_itself_state_machine");
    let pinned_with = if mir.contains("Pin::<&mut YieldOnce>::new_unchecked(") {
        "`Pin::new_unchecked`"
    } else if mir.contains("Pin::<&mut YieldOnce>::new(") {
        "`Pin::new`"
    } else {
        "the `pin!` macro"
    };

    // E0277: `Unpin` is not implemented; E0596: no `DerefMut`, so no `&mut` through the pin.
    let refused = ["E0277", "E0596", "E0277"];
    let (leaf, async_fn) = (which_compile("YieldOnce::default()", refused), which_compile("an_async_fn()", refused));
    let what_compiles = match (leaf, async_fn) {
        ([true, true, true], [true, true, true]) => "all three for both",
        ([true, true, true], [false, false, false]) => "all three for `YieldOnce`, none for the `async fn`'s future",
        ([true, true, true], [true, false, false]) => {
            "`Pin::new` for both; `mem::swap` and `get_mut` for `YieldOnce` only"
        }
        ([false, false, false], [false, false, false]) => "none for either: a pinned value never gives out a `&mut`",
        other => panic!("no choice says {other:?}"),
    };

    let on_the_stack = asm(CHAPTER, "poll_on_the_stack");
    let pin_pointer = on_the_stack
        .instructions()
        .find_map(|(m, o)| (m == "mov").then(|| o.strip_prefix("rdi, "))?)
        .expect("poll_on_the_stack passes the pin's pointer in rdi");
    let pin_is = match pin_pointer {
        "rsp" => "`rsp`: the forty bytes of the frame are the future",
        other => panic!("the pin's pointer is {other}, which no choice says"),
    };

    let inner_offset = asm(CHAPTER, "poll_counted_yield")
        .instructions()
        .find(|(m, o)| *m == "movzx" && o.contains("byte ptr [rdi"))
        .and_then(|(_, o)| displacement(o))
        .expect("the inner YieldOnce's flag is read through rdi");

    let stores_into_the_box = asm(CHAPTER, "boxed_points_into_itself")
        .instructions()
        .filter(|(m, o)| *m == "mov" && o.starts_with(['b', 'w', 'd', 'q']) && o.contains("ptr [rax"))
        .count();

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("pointer-target", target.into()),
            ("awaitee-pinned-with", pinned_with.into()),
            ("what-compiles", what_compiles.into()),
            ("pin-on-the-stack", Truth::from(pin_is)),
            ("count-polls-inner-offset", inner_offset.into()),
            ("box-pin-stores", stores_into_the_box.into()),
        ],
    );
}
