//! A wrong solution of ch10-async-retry, for the test command: it stops at the first success,
//! but when every call fails it returns the first call's error, kept aside in case nothing
//! succeeds, and drops the later ones.

/// Calls `op` until it returns `Ok`, at most `attempts` times, and returns the first `Ok`, or
/// the last `Err` when every call failed.
///
/// # Panics
///
/// On its first poll (nothing runs before it), if `attempts` is 0: with no call there would be
/// no error to return.
pub async fn retry<T, E>(attempts: usize, mut op: impl AsyncFnMut() -> Result<T, E>) -> Result<T, E> {
    assert!(attempts > 0, "retry needs at least one attempt: with none, it has no error to return");
    let first = op().await;
    if first.is_ok() {
        return first;
    }
    for _ in 1..attempts {
        if let Ok(value) = op().await {
            return Ok(value);
        }
    }
    first
}
