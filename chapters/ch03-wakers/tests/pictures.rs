//! The pictures of this chapter, drawn from the listings its page shows: the no-op waker with
//! its vtable as a named static, and `Waker::noop()`, a waker as data. `{{#picture …}}` shows
//! them.

use listings::{AsmListing, AsmOptions, Stage};
use pictures::assert_picture_snapshot;
use pictures::waker::{Value, WakerInMemory, WordsAt};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn waker(function: &str) -> (WakerInMemory, AsmListing) {
    let listing =
        listings::asm(CHAPTER, function, &AsmOptions { source: false, data: true }).unwrap_or_else(|e| panic!("{e}"));
    let layout = |name: &str| {
        listings::stage(CHAPTER, Stage::TypeSizes, name)
            .unwrap_or_else(|e| panic!("{e}"))
            .layout
            .unwrap_or_else(|| panic!("no layout of {name}"))
    };
    let waker = WakerInMemory::of(&listing, &layout("std::task::RawWaker"), &layout("std::task::RawWakerVTable"))
        .unwrap_or_else(|e| panic!("{e}"));
    (waker, listing)
}

#[test]
fn the_noop_waker_is_drawn_pointing_at_the_named_static_vtable() {
    let (waker, listing) = waker("noop_clone");
    assert_eq!(waker.vtable, "ch03_wakers::NOOP_VTABLE");
    assert!(waker.words[0].evidence.contains("@GOTPCREL"), "loaded through the GOT: {:?}", waker.words[0]);
    assert_eq!(waker.functions(), ["ch03_wakers::noop_clone", "ch03_wakers::noop"]);
    assert_picture_snapshot!("waker_noop_clone", waker.picture(CHAPTER, "noop_clone", &listing));
}

#[test]
fn waker_noop_is_drawn_as_a_constant_of_two_words_vtable_first_then_eight_zero_bytes() {
    let (waker, listing) = waker("std_noop");
    assert_eq!(waker.words_at, WordsAt::Constant(".L__unnamed_1".into()));
    let words: Vec<(&str, &Value, &str)> =
        waker.words.iter().map(|w| (w.field.as_str(), &w.value, w.evidence.as_str())).collect();
    assert_eq!(
        words,
        [("vtable", &Value::Address(".L__unnamed_2".into()), ".quad .L__unnamed_2"), ("data", &Value::Null, ".zero 8")]
    );
    assert_eq!(waker.slots.len(), 4);
    assert_picture_snapshot!("waker_std_noop", waker.picture(CHAPTER, "std_noop", &listing));
}
