//! A program whose leaf panics: the same handler as `stuck_in_a_leaf.rs`, polled once with a
//! waker whose `wake_by_ref` panics, so that the panic starts inside `YieldOnce::poll`, the leaf.
//! `tests/debugger.rs` builds it at opt-level 0 and 3 and runs it with `RUST_BACKTRACE=1`.

use std::pin::pin;
use std::task::{Context, RawWaker, RawWakerVTable, Waker};

use ch08_machine_code::three_awaits;

async fn handler(seed: u64) -> u64 {
    let request = [seed, seed + 1];
    let answer = three_awaits(seed).await;
    answer ^ request[1]
}

// ANCHOR: waker
/// A waker whose `wake` and `wake_by_ref` panic, as a bug in an executor might.
fn panicking_waker() -> Waker {
    fn clone(_: *const ()) -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn wake(_: *const ()) {
        panic!("the executor is gone");
    }
    fn drop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake, drop);
    // SAFETY: the vtable's functions ignore the data pointer, and none of them frees anything.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}
// ANCHOR_END: waker

fn main() {
    let waker = panicking_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(handler(5));
    let _ = future.as_mut().poll(&mut cx);
}
