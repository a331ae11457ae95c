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
