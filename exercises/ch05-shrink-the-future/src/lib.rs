//! Exercise of chapter 5: a future that should not keep its buffer. The task is in `README.md`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Pending once, after waking its own task (chapter 5's `YieldOnce`).
#[derive(Debug, Default)]
pub struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// XOR of every byte, through a borrow.
#[inline(never)]
pub fn xor_all(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |acc, byte| acc ^ byte)
}

/// 4 KiB of bytes made from `seed`.
pub fn buffer_of(seed: u8) -> [u8; 4096] {
    std::array::from_fn(|i| seed.wrapping_mul(i as u8).wrapping_add(i as u8 >> 3))
}

/// The checksum of the buffer made from `seed`, and its last byte, after one yield.
pub async fn checksum_and_last(seed: u8) -> (u8, u8) {
    // exercise: solution
    // The buffer's scope ends before the await: only the two bytes cross it.
    let (checksum, last) = {
        let buffer = buffer_of(seed);
        (xor_all(&buffer), buffer[4095])
    };
    YieldOnce::default().await;
    (checksum, last)
    // exercise: starter
    // let buffer = buffer_of(seed);
    // let checksum = xor_all(&buffer);
    // YieldOnce::default().await;
    // (checksum, buffer[4095])
    // exercise: end
}
