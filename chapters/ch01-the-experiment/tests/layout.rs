//! Layout facts chapter 1 states about rustc 1.95, measured rather than assumed.

use std::mem::offset_of;

/// The fields of `RawWaker`, in its declared order, in a struct of our own.
#[allow(dead_code)]
struct DataThenVtable {
    data: *const (),
    vtable: &'static [usize; 4],
}

#[test]
fn a_struct_puts_its_reference_before_its_raw_pointer() {
    // Both fields are 8 bytes with alignment 8; only the reference has a niche (it is never
    // null), and rustc 1.95 places it first although it is declared second.
    assert_eq!(offset_of!(DataThenVtable, vtable), 0);
    assert_eq!(offset_of!(DataThenVtable, data), 8);
    // `Option` uses that niche: no room is added for `None`.
    assert_eq!(size_of::<Option<DataThenVtable>>(), size_of::<DataThenVtable>());
}

#[test]
fn a_waker_is_stored_vtable_first_like_the_look_alike_struct() {
    let waker = ch01_the_experiment::noop_waker();
    // SAFETY: a Waker is two pointers; copying its bytes out makes no new waker.
    let words: [usize; 2] = unsafe { std::mem::transmute_copy(&waker) };
    assert_eq!(words[0], waker.vtable() as *const _ as usize);
    assert_eq!(words[1], waker.data() as usize);
}

/// A byte with a niche declared after a word.
#[allow(dead_code)]
struct WordThenFlag {
    word: u64,
    flag: bool,
}

/// Two one-byte fields after a two-byte one, the niche declared first.
#[allow(dead_code)]
struct HalfFlagByte {
    half: u16,
    flag: bool,
    byte: u8,
}

#[test]
fn the_niche_goes_first_only_among_fields_of_the_same_alignment_and_otherwise_to_the_end() {
    // rustc sorts a `repr(Rust)` struct's fields by alignment, largest first, before it looks at
    // niches (`univariant_biased` in `compiler/rustc_abi/src/layout.rs`): a `bool` never goes
    // before a `u64`.
    assert_eq!((offset_of!(WordThenFlag, word), offset_of!(WordThenFlag, flag)), (0, 8));
    // With the niche neither first nor last (the `bool` at 2), rustc tries the other bias and
    // keeps it when the niche ends up further from the start: the `bool` goes last, at 3.
    assert_eq!(
        (offset_of!(HalfFlagByte, half), offset_of!(HalfFlagByte, byte), offset_of!(HalfFlagByte, flag)),
        (0, 2, 3)
    );
}

/// A `u16` declared before an array of four bytes.
#[allow(dead_code)]
struct HalfThenFourBytes {
    half: u16,
    bytes: [u8; 4],
}

#[test]
fn the_sort_counts_a_fields_size_as_well_as_its_alignment() {
    // `[u8; 4]` has alignment 1 and `u16` alignment 2, yet the array goes first: the sort key is
    // an effective alignment that also counts the size (`effective_field_align`).
    assert_eq!((offset_of!(HalfThenFourBytes, bytes), offset_of!(HalfThenFourBytes, half)), (0, 4));
}
