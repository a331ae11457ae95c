//! A wrong solution of ch12-forward-losing-nothing, for the test command: `send` awaited in
//! the handler, where `select!` no longer watches the timer; and the message taken from `rx`
//! is lost when `out` is closed.

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
        tokio::select! {
            biased;
            () = &mut timer => return forwarded,
            message = rx.recv() => match message {
                // The handler is not a branch: nothing cancels it, and nothing watches the timer.
                Some(message) => match out.send(message).await {
                    Ok(()) => forwarded += 1,
                    Err(_) => return forwarded,
                },
                None => return forwarded,
            },
        }
    }
}
