//! The sizes the page shows: each is the size rustc gives the future now, and each comparison the
//! page makes between rustc's futures and the least a hand-written machine needs holds. Sizes are
//! decided before LLVM, the same at every optimisation level and on every CPU: exact.

use std::path::PathBuf;

use ch09_cost_workloads::{Size, sizes};
use figures::{FILE_NAME, Figures};

fn shown() -> Figures {
    Figures::read(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FILE_NAME)).unwrap()
}

fn size(name: &str) -> Size {
    sizes().into_iter().find(|size| size.name == name).unwrap_or_else(|| panic!("no size `{name}`"))
}

#[test]
fn every_size_the_page_shows_is_the_size_of_the_future_now() {
    let shown = shown();
    for size in sizes() {
        assert_eq!(shown.value(&format!("size_{}", size.name)).unwrap().as_f64(), size.rustc as f64, "{}", size.name);
        assert_eq!(
            shown.value(&format!("size_{}_by_hand", size.name)).unwrap().as_f64(),
            size.by_hand as f64,
            "{}",
            size.name
        );
    }
}

#[test]
fn no_future_of_rustc_is_smaller_than_the_least_a_hand_written_machine_needs() {
    for size in sizes() {
        assert!(size.rustc >= size.by_hand, "{}: {} < {}", size.future, size.rustc, size.by_hand);
    }
}

#[test]
fn a_kilobyte_argument_and_a_borrowed_kilobyte_cost_a_kilobyte_and_a_byte_more_than_by_hand() {
    for name in ["argument_counted_twice", "buffer_borrowed_then_dropped_before_await"] {
        let size = size(name);
        assert_eq!(size.rustc - size.by_hand, 1025, "{name}");
    }
}

#[test]
fn where_only_the_tag_differs_the_enum_hides_it_in_the_awaitees_bool_and_the_coroutine_cannot() {
    // The awaited `YieldOnce` is one `bool`: 254 values it never takes, where an enum's layout
    // puts its tag. A coroutine's tag is a byte of its own (rustc_abi's coroutine layout always
    // uses a direct tag).
    assert_eq!(size_of::<Option<ch09_cost::YieldOnce>>(), 1);
    for name in ["buffer_held_across_await", "buffer_in_block_before_await", "buffer_read_without_borrow_before_await"]
    {
        let size = size(name);
        assert_eq!(size.rustc - size.by_hand, 1, "{name}");
        assert_eq!(size.why, "the tag", "{name}");
    }
}

#[test]
fn two_futures_cost_exactly_what_a_hand_written_machine_needs() {
    // hello_world awaits a `DummyFuture`, a `u8` with no value to spare; the two big awaits
    // await coroutines, which expose no niche since rust-lang/rust#129313.
    for name in ["hello_world", "two_big_awaits_in_sequence"] {
        let size = size(name);
        assert_eq!(size.rustc, size.by_hand, "{name}");
    }
}

#[test]
fn two_suspension_points_is_forty_bytes_against_twenty_four() {
    let size = size("two_suspension_points");
    assert_eq!((size.rustc, size.by_hand), (40, 24));
    // The second `u64`, then 8 bytes of layout: rustc lays out the prefix (the upvar, the
    // promoted `before`, the tag at 16) as a struct rounded up to 24 and puts each variant's
    // fields after it, so the awaitee goes to 24 (chapter 5's layout tests hold the offsets).
    // The enum keeps a tag byte too, at 0, with the awaitee at 1: in bytes that `before`'s
    // alignment leaves free (tests/listings.rs holds its layout).
    assert_eq!(size.rustc - size.by_hand, size_of::<u64>() + 8);
    assert_eq!(size_of::<ch09_cost::TwoSuspensionPointsByHand>(), 24, "the enum of this chapter is the minimum");
}

/// A one-byte future that uses every value of its byte: no niche for an enum's tag.
#[allow(dead_code, reason = "only its size matters")]
struct NoNiche(u8);

#[test]
fn taking_the_awaitees_niche_away_costs_the_one_await_enums_a_byte_and_the_two_await_enum_nothing() {
    // This chapter's `YieldOnce`: one `bool`, as chapter 5's, which the sizes table awaits.
    use ch09_cost::YieldOnce;
    use ch09_cost_workloads::{OneAwait, TwoAwaits};
    // One change: the awaited future's type, `YieldOnce` (a `bool`) against `NoNiche` (a `u8`).
    assert_eq!(size_of::<YieldOnce>(), size_of::<NoNiche>());
    // Where only the tag differs from rustc's future, the enum's tag was in the niche: without
    // it the enum grows by the byte rustc's future has.
    assert_eq!(size_of::<OneAwait<(), [u8; 1024], YieldOnce>>(), 1025);
    assert_eq!(size_of::<OneAwait<(), [u8; 1024], NoNiche>>(), 1026);
    assert_eq!(size_of::<OneAwait<(), u8, YieldOnce>>() + 1, size_of::<OneAwait<(), u8, NoNiche>>());
    // `two_suspension_points`'s enum keeps its tag in padding: no niche, no byte more.
    assert_eq!(
        size_of::<TwoAwaits<u64, u64, YieldOnce, (u64, u64), YieldOnce>>(),
        size_of::<TwoAwaits<u64, u64, NoNiche, (u64, u64), NoNiche>>()
    );
}
