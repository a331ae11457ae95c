//! Exercise of chapter 10: `retry`, over an async closure whose calls keep its state and whose
//! futures may borrow it. The task is in `README.md`.

/// Calls `op` until it returns `Ok`, at most `attempts` times, and returns the first `Ok`, or
/// the last `Err` when every call failed.
///
/// # Panics
///
/// On its first poll (nothing runs before it), if `attempts` is 0: with no call there would be
/// no error to return.
pub async fn retry<T, E>(attempts: usize, mut op: impl AsyncFnMut() -> Result<T, E>) -> Result<T, E> {
    // exercise: solution
    assert!(attempts > 0, "retry needs at least one attempt: with none, it has no error to return");
    let mut left = attempts;
    loop {
        left -= 1;
        // `op()` borrows `op` mutably for as long as the call's future lives: each attempt is
        // awaited to its end, and its borrow ends with it, before the next call.
        match op().await {
            Ok(value) => return Ok(value),
            Err(error) if left == 0 => return Err(error),
            Err(_) => {}
        }
    }
    // exercise: starter
    // let _ = (attempts, &mut op);
    // todo!("call op until it succeeds, at most `attempts` times: the first Ok, or the last Err")
    // exercise: end
}
