//! One handler spawned on tokio: what chapter 8 lists of tokio's spawn and of a task's poll,
//! built plain here and with tokio's instrumentation in `samples/tokio-task-traced`, whose
//! `src/lib.rs` is this file.

/// A request's handler: it lets the other tasks run once, then answers.
pub async fn handler(request: u64) -> u64 {
    tokio::task::yield_now().await;
    request + 1
}

/// Spawns a handler on the runtime `runtime` is a handle to.
pub fn spawn_handler(runtime: &tokio::runtime::Handle, request: u64) -> tokio::task::JoinHandle<u64> {
    runtime.spawn(handler(request))
}
