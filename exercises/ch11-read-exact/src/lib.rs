//! Exercise of chapter 11: a leaf that reads exactly `buf.len()` bytes from a socket registered
//! with chapter 11's reactor. The task is in `README.md`.

use std::cell::Cell;
use std::future::Future;
use std::io::{self, Read as _};
use std::net::TcpStream;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Fills `buf` from `stream`, across as many polls as it takes.
pub struct ReadExact<'a> {
    stream: &'a TcpStream,
    /// Raised by the reactor's turn when `epoll_wait` reports the socket readable.
    readable: &'a Cell<bool>,
    /// Where the reactor looks for the waker to wake.
    waker: &'a Cell<Option<Waker>>,
    buf: &'a mut [u8],
    /// How much of `buf` is filled.
    filled: usize,
}

impl<'a> ReadExact<'a> {
    /// `readable` and `waker` are the two cells of chapter 11's `Registration` for `stream`.
    pub fn new(
        stream: &'a TcpStream,
        readable: &'a Cell<bool>,
        waker: &'a Cell<Option<Waker>>,
        buf: &'a mut [u8],
    ) -> ReadExact<'a> {
        ReadExact { stream, readable, waker, buf, filled: 0 }
    }
}

impl Future for ReadExact<'_> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.filled == this.buf.len() {
                return Poll::Ready(Ok(()));
            }
            if !this.readable.get() {
                this.waker.set(Some(cx.waker().clone()));
                return Poll::Pending;
            }
            match this.stream.read(&mut this.buf[this.filled..]) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into())),
                // exercise: solution
                // Bytes: the socket may have more, and the flag stays up until a read says
                // otherwise.
                Ok(n) => this.filled += n,
                // exercise: starter
                // // Bytes: that was this event's worth; wait for the next one.
                // Ok(n) => {
                //     this.filled += n;
                //     this.readable.set(false);
                // }
                // exercise: end
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => this.readable.set(false),
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
    }
}
