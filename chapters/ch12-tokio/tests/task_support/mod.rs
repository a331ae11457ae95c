//! What the tests of the sections on the task, the waker, `spawn` and `abort` share: runtimes
//! with timers, and `block_on` bounded in time, so that no test can hang.

#![allow(dead_code)] // each test file uses part of it

use std::time::Duration;

/// Longer than any of these tests takes by far; a test that waits this long has failed.
pub const LIMIT: Duration = Duration::from_secs(5);

pub fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap()
}

/// A multi-thread runtime of two workers named `ch12-worker`.
pub fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ch12-worker")
        .enable_time()
        .build()
        .unwrap()
}

/// `runtime.block_on(future)`, failing the test if `future` has not finished within [`LIMIT`].
pub fn bounded<F: Future>(runtime: &tokio::runtime::Runtime, future: F) -> F::Output {
    runtime.block_on(async { tokio::time::timeout(LIMIT, future).await.expect("finished within the limit") })
}
