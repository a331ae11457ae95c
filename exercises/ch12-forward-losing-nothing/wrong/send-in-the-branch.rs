//! A wrong solution of ch12-forward-losing-nothing, for the test command: the starter, whose
//! branch takes a message from `rx` and then waits in `send`, and loses the message when the
//! timer's branch wins.

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
            // One message, received and then sent, in one branch.
            sent = async {
                let message = rx.recv().await?;
                out.send(message).await.ok()
            } => match sent {
                Some(()) => forwarded += 1,
                None => return forwarded,
            },
        }
    }
}
