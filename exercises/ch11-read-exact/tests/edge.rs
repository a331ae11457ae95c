//! `ReadExact` on chapter 11's reactor, level- and edge-triggered. Every wait of the reactor is
//! bounded: a lost wake-up ends `block_on` with `Stalled` after a short wait, and each check runs
//! under a few seconds' patience besides.

use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::pin::pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use ch11_reactor::{Reactor, Source, Stalled, Trigger, block_on, loopback_pair};
use ch11_read_exact::ReadExact;
use exercise_harness::{WakeLog, poll_once, within};

const PATIENCE: Duration = Duration::from_secs(5);
/// How long a turn of the reactor waits before `block_on` calls the wake-up lost.
const STALL_MS: i32 = 50;

fn read_exact<'a>(source: &'a Source<'_>, buf: &'a mut [u8]) -> ReadExact<'a> {
    let registration = source.registration();
    ReadExact::new(source.stream(), &registration.readable, &registration.waker, buf)
}

/// Writes `bytes` on `peer` and waits (bounded) until `receiver` has them all.
fn write_and_wait(peer: &TcpStream, receiver: &TcpStream, bytes: &[u8]) {
    (&*peer).write_all(bytes).unwrap();
    let deadline = Instant::now() + PATIENCE;
    let mut peek = vec![0_u8; bytes.len()];
    while receiver.peek(&mut peek).map_or(true, |n| n < bytes.len()) {
        assert!(Instant::now() < deadline, "the bytes never arrived on loopback");
        std::thread::yield_now();
    }
}

/// Two `ReadExact`s of 4 in a row, after 8 bytes arrived at once and the reactor reported them
/// (so that, edge-triggered, the kernel has nothing more to report).
fn two_reads_of_four(trigger: Trigger) -> Result<[u8; 8], Stalled> {
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, trigger).unwrap();
    write_and_wait(&client, source.stream(), b"12345678");
    assert_eq!(reactor.turn(STALL_MS), 1, "the 8 bytes are reported");
    let task = async {
        let mut buf = [0_u8; 8];
        let (first, second) = buf.split_at_mut(4);
        read_exact(&source, first).await.unwrap();
        read_exact(&source, second).await.unwrap();
        buf
    };
    block_on(&reactor, task, STALL_MS)
}

#[test]
fn two_reads_of_four_level_triggered() {
    let result = within(PATIENCE, || two_reads_of_four(Trigger::Level));
    assert_eq!(result, Some(Ok(*b"12345678")), "level-triggered: both halves, in order");
}

#[test]
fn two_reads_of_four_edge_triggered() {
    let result = within(PATIENCE, || two_reads_of_four(Trigger::Edge));
    assert_eq!(
        result,
        Some(Ok(*b"12345678")),
        "edge-triggered, the second ReadExact waited for an event that never came (Stalled), though four bytes \
         were still in the socket: the kernel reports new bytes once. When may a leaf decide to wait?"
    );
}

#[test]
fn bytes_that_come_in_pieces_while_the_task_waits_are_all_read() {
    for trigger in [Trigger::Level, Trigger::Edge] {
        let result = within(PATIENCE, move || {
            let reactor = Reactor::new().unwrap();
            let (client, server) = loopback_pair().unwrap();
            let source = reactor.register(server, trigger).unwrap();
            let mut buf = [0_u8; 6];
            let mut future = pin!(read_exact(&source, &mut buf));
            let log = WakeLog::new();
            for piece in [&b"ab"[..], b"cd", b"ef"] {
                let poll = poll_once(future.as_mut(), &log.waker());
                assert!(poll.is_pending(), "{trigger:?}: not filled yet, so Pending");
                write_and_wait(&client, source.stream(), piece);
                reactor.turn(STALL_MS);
            }
            let poll = poll_once(future.as_mut(), &log.waker());
            assert!(matches!(poll, Poll::Ready(Ok(()))), "{trigger:?}: filled after the third piece");
            buf
        });
        assert_eq!(result, Some(*b"abcdef"), "{trigger:?}");
    }
}

#[test]
fn a_pending_poll_leaves_its_waker_for_the_reactor_and_the_reactor_wakes_it() {
    let result = within(PATIENCE, || {
        let reactor = Reactor::new().unwrap();
        let (client, server) = loopback_pair().unwrap();
        let source = reactor.register(server, Trigger::Edge).unwrap();
        let mut buf = [0_u8; 4];
        let mut future = pin!(read_exact(&source, &mut buf));
        let log = WakeLog::new();
        assert!(poll_once(future.as_mut(), &log.waker()).is_pending(), "an empty socket: Pending");
        assert_eq!(log.wakers_alive(), 1, "a pending poll leaves a clone of its waker in the registration");
        write_and_wait(&client, source.stream(), b"ping");
        assert_eq!(reactor.turn(STALL_MS), 1);
        assert_eq!(log.wakes(), 1, "the reactor's turn woke that waker");
        assert!(matches!(poll_once(future.as_mut(), &log.waker()), Poll::Ready(Ok(()))));
    });
    assert_eq!(result, Some(()));
}

#[test]
fn an_end_of_stream_before_the_buffer_is_full_is_unexpected_eof() {
    let result = within(PATIENCE, || {
        let reactor = Reactor::new().unwrap();
        let (client, server) = loopback_pair().unwrap();
        let source = reactor.register(server, Trigger::Edge).unwrap();
        write_and_wait(&client, source.stream(), b"ab");
        drop(client);
        let mut buf = [0_u8; 4];
        block_on(&reactor, read_exact(&source, &mut buf), 1_000).map(|result| result.map_err(|e| e.kind()))
    });
    assert_eq!(
        result,
        Some(Ok(Err(ErrorKind::UnexpectedEof))),
        "two bytes, then the peer closed: a read of 0 before the buffer is full"
    );
}
