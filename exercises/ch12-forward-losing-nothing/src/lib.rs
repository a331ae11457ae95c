//! Exercise of chapter 12: `forward_until`, a `select!` loop over two channels and one pinned
//! deadline, whose every cancelled branch is cancel safe. The task is in `README.md`.

use tokio::sync::mpsc;
use tokio::time::Instant;

/// Moves messages from `rx` to `out`, in order, until `deadline`, until `rx` is closed and
/// empty, or until `out`'s receiver is gone; returns how many it moved. A message is never
/// lost: when it returns, each one is in `out` or still in `rx`.
pub async fn forward_until(rx: &mut mpsc::Receiver<u32>, out: &mpsc::Sender<u32>, deadline: Instant) -> usize {
    // exercise: solution
    // One timer for the whole loop, pinned once; each `select!` polls it through `&mut`.
    let timer = tokio::time::sleep_until(deadline);
    tokio::pin!(timer);
    let mut forwarded = 0;
    loop {
        // First a place in `out`: a cancelled `reserve` loses its place in the queue of senders
        // waiting for room, but no message, since it holds none.
        let permit = tokio::select! {
            biased;
            () = &mut timer => return forwarded,
            permit = out.reserve() => match permit {
                Ok(permit) => permit,
                Err(_) => return forwarded,
            },
        };
        // Then the message: `recv` is cancel safe. If the timer wins, the permit is dropped and
        // its place given back; no message has left `rx`.
        tokio::select! {
            biased;
            () = &mut timer => return forwarded,
            message = rx.recv() => match message {
                Some(message) => {
                    permit.send(message);
                    forwarded += 1;
                }
                None => return forwarded,
            },
        }
    }
    // exercise: starter
    // let timer = tokio::time::sleep_until(deadline);
    // tokio::pin!(timer);
    // let mut forwarded = 0;
    // loop {
    //     tokio::select! {
    //         biased;
    //         () = &mut timer => return forwarded,
    //         // One message, received and then sent, in one branch.
    //         sent = async {
    //             let message = rx.recv().await?;
    //             out.send(message).await.ok()
    //         } => match sent {
    //             Some(()) => forwarded += 1,
    //             None => return forwarded,
    //         },
    //     }
    // }
    // exercise: end
}
