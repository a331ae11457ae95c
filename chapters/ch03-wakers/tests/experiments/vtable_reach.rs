//! Chapter 3's aside on the global offset table: three `static` vtables that differ only in what
//! code outside this crate can reach. `tests/why.rs` compiles this file and reads each table's
//! `clone`, which loads the table's address.

use std::ptr;
use std::task::{RawWaker, RawWakerVTable, Waker};

unsafe fn noop(_data: *const ()) {}

// ANCHOR: vtable_reach
// 1. A `pub` table, like `NOOP_VTABLE`.
unsafe fn public_clone(_data: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &PUBLIC_VTABLE)
}
pub static PUBLIC_VTABLE: RawWakerVTable = RawWakerVTable::new(public_clone, noop, noop, noop);

// 2. A private table, named by a small `pub fn` that other crates may inline.
unsafe fn inlinable_clone(_data: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &INLINABLE_VTABLE)
}
static INLINABLE_VTABLE: RawWakerVTable = RawWakerVTable::new(inlinable_clone, noop, noop, noop);
pub fn inlinable_waker() -> Waker {
    // SAFETY: no function of the table reads the data pointer.
    unsafe { Waker::new(ptr::null(), &INLINABLE_VTABLE) }
}

// 3. The same, but the `pub fn` cannot be inlined: no code outside can name the table.
unsafe fn private_clone(_data: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &PRIVATE_VTABLE)
}
static PRIVATE_VTABLE: RawWakerVTable = RawWakerVTable::new(private_clone, noop, noop, noop);
#[inline(never)]
pub fn private_waker() -> Waker {
    // SAFETY: no function of the table reads the data pointer.
    unsafe { Waker::new(ptr::null(), &PRIVATE_VTABLE) }
}
// ANCHOR_END: vtable_reach
