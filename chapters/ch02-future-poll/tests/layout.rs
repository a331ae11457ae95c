//! The sizes and offsets the page's reading of the listings relies on, on rustc 1.95.0 for
//! x86-64. `repr(Rust)` layouts are not guaranteed: these pin down this build's.

use std::mem::{offset_of, size_of};
use std::task::{Poll, Waker};

use ch02_future_poll::{ArrayAfter, RefAfter, WordAfter};

#[test]
fn poll_sizes_one_two_sixteen_eight_and_forty_bytes() {
    assert_eq!(size_of::<Poll<()>>(), 1, "the tag alone");
    assert_eq!(size_of::<Poll<u8>>(), 2, "tag and byte");
    assert_eq!(size_of::<Poll<u64>>(), 16, "a tag widened to a word (`discriminant: 8 bytes`), then the word");
    assert_eq!(size_of::<Poll<[u64; 4]>>(), 40, "a word of tag, then four words");
}

#[test]
fn poll_of_a_reference_or_a_box_is_one_pointer_because_null_means_pending() {
    assert_eq!(size_of::<Poll<&u64>>(), size_of::<&u64>());
    assert_eq!(size_of::<Poll<Box<u64>>>(), size_of::<Box<u64>>());
    // No tag at all: Pending is the one value a reference never has.
    // SAFETY: Poll<&u64> is one pointer-sized word, all of it initialised.
    let pending: usize = unsafe { std::mem::transmute(Poll::<&u64>::Pending) };
    assert_eq!(pending, 0);
}

/// The first byte of a value: where the tag of these `Poll`s sits.
fn first_byte<T>(value: T) -> u8 {
    // SAFETY: every `Poll` below starts with its tag, an initialised byte; `value` is forgotten
    // by `ManuallyDrop`, and only the byte is read.
    let value = std::mem::ManuallyDrop::new(value);
    unsafe { *std::ptr::from_ref(&*value).cast::<u8>() }
}

/// The first word of a value: the whole tag of a `Poll` whose tag rustc widened to a word.
fn first_word<T>(value: T) -> u64 {
    assert!(align_of::<T>() >= 8, "only for values aligned to a word");
    // SAFETY: the `Poll`s this is called with start with a tag widened to 8 bytes (the
    // `-Zprint-type-sizes` listings say `discriminant: 8 bytes`), so the first word is all
    // initialised tag; the value is word-aligned, and only that word is read.
    let value = std::mem::ManuallyDrop::new(value);
    unsafe { *std::ptr::from_ref(&*value).cast::<u64>() }
}

#[test]
fn where_there_is_a_tag_it_is_0_for_ready_and_1_for_pending() {
    assert_eq!((first_byte(Poll::Ready(())), first_byte(Poll::<()>::Pending)), (0, 1));
    assert_eq!((first_byte(Poll::Ready(7u8)), first_byte(Poll::<u8>::Pending)), (0, 1));
    assert_eq!((first_byte(Poll::Ready(7u64)), first_byte(Poll::<u64>::Pending)), (0, 1));
    assert_eq!((first_byte(Poll::Ready([7u64; 4])), first_byte(Poll::<[u64; 4]>::Pending)), (0, 1));
    // Where the tag is a whole word, the whole word is 0 or 1, not just its first byte.
    assert_eq!((first_word(Poll::Ready(7u64)), first_word(Poll::<u64>::Pending)), (0, 1));
    assert_eq!((first_word(Poll::Ready([7u64; 4])), first_word(Poll::<[u64; 4]>::Pending)), (0, 1));
}

#[test]
fn word_after_keeps_its_word_at_offset_0_and_polls_left_at_offset_8() {
    // Declared the other way round: rustc reorders the fields of a repr(Rust) struct, and
    // the listing of WordAfter::poll reads [rdi] for the word and [rdi + 8] for the count.
    assert_eq!(offset_of!(WordAfter, word), 0);
    assert_eq!(offset_of!(WordAfter, polls_left), 8);
    assert_eq!(offset_of!(RefAfter<'static>, target), 0);
    assert_eq!(offset_of!(RefAfter<'static>, polls_left), 8);
    assert_eq!(offset_of!(ArrayAfter, words), 0);
    assert_eq!(offset_of!(ArrayAfter, polls_left), 32);
}

#[test]
fn a_waker_is_stored_vtable_first_in_this_build() {
    let waker = Waker::noop();
    // SAFETY: a `Waker` is 16 bytes holding two pointers, no padding, so reading it as two
    // `usize`s reads initialised bytes; we only compare the values.
    let words: [usize; 2] = unsafe { std::mem::transmute_copy(waker) };
    assert_eq!(size_of::<Waker>(), 16);
    assert_eq!(words[0], std::ptr::from_ref(waker.vtable()) as usize, "the vtable pointer first");
    assert_eq!(words[1], waker.data() as usize, "then the data pointer");
}

mod vtable_order {
    use std::task::{RawWaker, RawWakerVTable};

    // Four functions with different bodies, so that no two of them can share an address.
    unsafe fn clone(data: *const ()) -> RawWaker {
        RawWaker::new(data, &VTABLE)
    }
    unsafe fn wake(data: *const ()) {
        std::hint::black_box(data);
    }
    unsafe fn wake_by_ref(_data: *const ()) {
        std::hint::black_box(16);
    }
    unsafe fn drop(_data: *const ()) {
        std::hint::black_box(24);
    }

    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop);

    #[test]
    fn the_waker_vtable_holds_clone_wake_wake_by_ref_drop_at_offsets_0_8_16_24_in_this_build() {
        assert_eq!(size_of::<RawWakerVTable>(), 32);
        // SAFETY: a `RawWakerVTable` is four function pointers, 32 bytes without padding, so
        // reading it as four `usize`s reads initialised bytes; we only compare the values.
        let words: [usize; 4] = unsafe { std::mem::transmute_copy(&VTABLE) };
        let expected = [clone as *const (), wake as *const (), wake_by_ref as *const (), drop as *const ()]
            .map(|function| function as usize);
        assert_eq!(words, expected, "RawWakerVTable is repr(Rust): this is this build's order");
    }
}
