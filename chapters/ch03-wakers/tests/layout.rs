//! What a `Waker` is in memory on this compiler, and what `will_wake` compares.

use std::mem;
use std::ptr;
use std::task::{Context, RawWaker, RawWakerVTable, Waker};

use ch03_wakers::{CountingWaker, noop_waker};

#[test]
fn a_waker_is_two_words_and_an_option_of_one_costs_nothing_more() {
    assert_eq!(size_of::<Waker>(), 16);
    assert_eq!(size_of::<RawWaker>(), 16);
    assert_eq!(size_of::<Option<Waker>>(), 16, "the vtable reference is never null: a niche for None");
    assert_eq!(size_of::<RawWakerVTable>(), 32);
    assert_eq!(size_of::<Context>(), 32);
}

#[test]
fn in_memory_the_vtable_pointer_comes_first_and_the_data_pointer_second() {
    // `RawWaker` declares `data` first, but it is `repr(Rust)`: the order is the compiler's.
    let counting = CountingWaker::new(Waker::noop().clone());
    let waker = counting.waker();
    // SAFETY: a `Waker` is 16 bytes of two pointers; copying its bytes out creates no waker.
    let words: [*const (); 2] = unsafe { mem::transmute_copy(&waker) };
    assert_eq!(words[0], ptr::from_ref(waker.vtable()).cast::<()>());
    assert_eq!(words[1], waker.data());
    assert_ne!(words[0], words[1]);
}

#[test]
fn will_wake_compares_the_data_pointer_and_the_vtable_address_not_the_functions() {
    // Two vtables with the same four functions, at two addresses.
    static FIRST: RawWakerVTable = RawWakerVTable::new(clone_first, noop, noop, noop);
    static SECOND: RawWakerVTable = RawWakerVTable::new(clone_first, noop, noop, noop);
    unsafe fn clone_first(_: *const ()) -> RawWaker {
        RawWaker::new(ptr::null(), &FIRST)
    }
    unsafe fn noop(_: *const ()) {}

    // SAFETY: no function reads the data pointer; clone returns a valid no-op waker.
    let (first, second) = unsafe { (Waker::new(ptr::null(), &FIRST), Waker::new(ptr::null(), &SECOND)) };
    assert!(FIRST == SECOND, "RawWakerVTable's PartialEq compares the four function pointers");
    assert!(!first.will_wake(&second), "will_wake compares addresses");
    assert!(second.clone().will_wake(&first), "SECOND's clone returns FIRST: same address again");
    assert!(noop_waker().will_wake(&noop_waker()), "one static vtable, one address");
}
