//! A small service on tokio: three handlers whose futures the book's tools take apart
//! (`cargo xtask future --manifest-path samples/tokio-service/Cargo.toml HANDLER`).
//!
//! - [`checksum_upload`] holds a 16 KiB buffer across an await: its future is that big.
//! - [`count_visit`] holds a `std::sync::MutexGuard` across an await: its future is not `Send`,
//!   so a multi-threaded runtime cannot spawn it.
//! - [`lookup`] is what [`lookup_with_deadline`] cancels with `tokio::time::timeout`: dropped at
//!   its await, it drops what it holds there (its semaphore permit, its timer).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

/// What the handlers share.
pub struct State {
    visits: Mutex<u64>,
    lookups: Semaphore,
}

impl State {
    pub fn new() -> Arc<State> {
        Arc::new(State { visits: Mutex::new(0), lookups: Semaphore::new(4) })
    }
}

/// The size of an upload's buffer.
pub const UPLOAD: usize = 16 * 1024;

/// Reads an upload into a buffer on the stack, waits for the disk, and sums the buffer.
pub async fn checksum_upload(seed: u8) -> u32 {
    let mut buffer = [0u8; UPLOAD];
    for (index, byte) in buffer.iter_mut().enumerate() {
        *byte = seed.wrapping_add(index as u8);
    }
    tokio::time::sleep(Duration::from_millis(1)).await;
    buffer.iter().map(|&byte| u32::from(byte)).sum()
}

/// Counts a visit, holding the lock while it waits: the guard lives across the await.
pub async fn count_visit(state: Arc<State>) -> u64 {
    let mut visits = state.visits.lock().unwrap();
    *visits += 1;
    tokio::time::sleep(Duration::from_millis(1)).await;
    *visits
}

/// Looks a key up slowly, one of at most four at a time.
pub async fn lookup(state: Arc<State>, key: u64) -> String {
    let permit = state.lookups.acquire().await.unwrap();
    let name = format!("key-{key}");
    tokio::time::sleep(Duration::from_secs(5)).await;
    drop(permit);
    name
}

/// [`lookup`], given up after `deadline`: `timeout` drops the lookup's future where it waits.
pub async fn lookup_with_deadline(state: Arc<State>, key: u64, deadline: Duration) -> Option<String> {
    tokio::time::timeout(deadline, lookup(state, key)).await.ok()
}

/// Hands `reply` back after a tick. It is generic, so its future has a type, and a layout, for
/// each type it is called with: the report takes none of them, and `--list` says why.
pub async fn after_tick<T>(reply: T) -> T {
    tokio::time::sleep(Duration::from_millis(1)).await;
    reply
}

/// Serves one request of each kind on a single-threaded runtime (`count_visit`'s future is not
/// `Send`, so it is awaited here rather than spawned).
pub fn serve_once() -> (u32, u64, Option<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    runtime.block_on(async {
        let state = State::new();
        let sum = checksum_upload(7).await;
        let visits = after_tick(count_visit(state.clone()).await).await;
        let found = lookup_with_deadline(state, 42, Duration::from_millis(10)).await;
        (sum, visits, found)
    })
}
