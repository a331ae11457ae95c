//! A wrong solution of ch12-forward-losing-nothing, for the test command: `reserve` then `recv`,
//! each beside the timer, but written as patterns (`Ok(permit) = …`, `Some(message) = …`). A
//! value that does not match disables its branch, so when `rx` is closed or `out`'s receiver is
//! gone the loop loses nothing but waits for the deadline instead of returning.

use tokio::sync::mpsc;
use tokio::time::Instant;

/// Moves messages from `rx` to `out`, in order, until `deadline`, until `rx` is closed and
/// empty, or until `out`'s receiver is gone; returns how many it moved. A message is never
/// lost: when it returns, each one is in `out` or still in `rx`.
pub async fn forward_until(rx: &mut mpsc::Receiver<u32>, out: &mpsc::Sender<u32>, deadline: Instant) -> usize {
    let timer = tokio::time::sleep_until(deadline);
    tokio::pin!(timer);
    let mut forwarded = 0;
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut timer => return forwarded,
            Ok(permit) = out.reserve() => permit,
        };
        tokio::select! {
            biased;
            () = &mut timer => return forwarded,
            Some(message) = rx.recv() => {
                permit.send(message);
                forwarded += 1;
            }
        }
    }
}
