//! The quiz question `two-wakes-by-ref`: two `wake_by_ref`s on one `&Waker`. `tests/why.rs`
//! compiles this file as usual and with MIR GVN off (`-Z mir-enable-passes=-GVN`).

// ANCHOR: wake_twice
#[inline(never)]
pub fn wake_twice(waker: &std::task::Waker) {
    waker.wake_by_ref();
    waker.wake_by_ref();
}
// ANCHOR_END: wake_twice
