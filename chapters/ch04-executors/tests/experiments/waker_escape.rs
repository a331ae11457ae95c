//! Why `Task::poll` drops its waker through the vtable: `tests/why.rs` compares two functions
//! that build the same `Arc` waker and call the same opaque `poll`, and differ in where the
//! waker goes: the first passes a `Context` of that waker, the second a `Context` of
//! `Waker::noop()` (and drops the waker after the call, as the first does).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

pub struct Task;
impl Wake for Task {
    fn wake(self: Arc<Self>) {}
}

// ANCHOR: functions
#[inline(never)]
pub fn polled_with_it(task: &Arc<Task>, future: Pin<&mut dyn Future<Output = ()>>) -> bool {
    let waker = Waker::from(Arc::clone(task));
    let mut cx = Context::from_waker(&waker);
    future.poll(&mut cx).is_ready()
}

#[inline(never)]
pub fn polled_with_another(task: &Arc<Task>, future: Pin<&mut dyn Future<Output = ()>>) -> bool {
    let waker = Waker::from(Arc::clone(task));
    let mut cx = Context::from_waker(Waker::noop());
    let ready = future.poll(&mut cx).is_ready();
    drop(waker);
    ready
}
// ANCHOR_END: functions
