//! A wrong solution of ch10-async-retry, for the test command: `attempts` read as the number of
//! retries after a first call, so a retry whose every call fails calls once too often.

/// Calls `op` until it returns `Ok`, at most `attempts` times, and returns the first `Ok`, or
/// the last `Err` when every call failed.
///
/// # Panics
///
/// On its first poll (nothing runs before it), if `attempts` is 0: with no call there would be
/// no error to return.
pub async fn retry<T, E>(attempts: usize, mut op: impl AsyncFnMut() -> Result<T, E>) -> Result<T, E> {
    assert!(attempts > 0, "retry needs at least one attempt: with none, it has no error to return");
    let mut last = op().await;
    for _ in 0..attempts {
        match last {
            Ok(value) => return Ok(value),
            Err(_) => last = op().await,
        }
    }
    last
}
