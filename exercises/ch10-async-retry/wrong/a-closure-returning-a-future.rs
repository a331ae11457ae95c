//! A wrong solution of ch10-async-retry, for the test command: the loop is right, but `op` is
//! bound the way it was before async closures, a closure that returns a future. Each call's
//! future must then own what it uses, and cannot borrow the closure's state: the checks' async
//! closures, which keep their state from call to call, do not compile against it.

use std::future::Future;

/// Calls `op` until it returns `Ok`, at most `attempts` times, and returns the first `Ok`, or
/// the last `Err` when every call failed.
///
/// # Panics
///
/// On its first poll (nothing runs before it), if `attempts` is 0: with no call there would be
/// no error to return.
pub async fn retry<T, E, F, Fut>(attempts: usize, mut op: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    assert!(attempts > 0, "retry needs at least one attempt: with none, it has no error to return");
    let mut left = attempts;
    loop {
        left -= 1;
        match op().await {
            Ok(value) => return Ok(value),
            Err(error) if left == 0 => return Err(error),
            Err(_) => {}
        }
    }
}
