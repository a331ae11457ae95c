//! The page's section "Edge- and level-triggered": the same unread bytes, reported at every
//! `epoll_wait` when level-triggered and once when edge-triggered; what that asks of a future
//! after `WouldBlock`; and two futures that break the contract, each a lost wake-up that
//! `block_on` detects (a turn that waited `STALL_MS` for nothing) instead of hanging.

mod common;

use std::future::Future;
use std::io::{self, Read as _, Write};
use std::net::TcpStream;
use std::pin::Pin;
use std::task::{Context, Poll};

use ch11_reactor::{
    EPOLL_CTL_MOD, EPOLLIN, EPOLLONESHOT, Reactor, Registration, Source, Stalled, Trigger, block_on, loopback_pair,
};
use common::{STALL_MS, TIMEOUT_MS, write_and_wait_until_there};

/// What `epoll_wait` returns for 8 unread bytes: the first turn waits for them, the next three
/// do not wait at all (timeout 0).
fn reports_of_unread_bytes(trigger: Trigger) -> Vec<usize> {
    let reactor = Reactor::new().unwrap();
    let (mut client, server) = loopback_pair().unwrap();
    let _source = reactor.register(server, trigger).unwrap();
    client.write_all(b"12345678").unwrap();
    let first = reactor.turn(TIMEOUT_MS);
    [first].into_iter().chain((0..3).map(|_| reactor.turn(0))).collect()
}

#[test]
fn level_triggered_reports_unread_bytes_at_every_wait_edge_triggered_once() {
    assert_eq!(reports_of_unread_bytes(Trigger::Level), [1, 1, 1, 1], "a state: readable, every time it is asked");
    assert_eq!(reports_of_unread_bytes(Trigger::Edge), [1, 0, 0, 0], "a change: became readable, once");
}

#[test]
fn edge_triggered_reports_again_when_more_bytes_arrive() {
    let reactor = Reactor::new().unwrap();
    let (mut client, server) = loopback_pair().unwrap();
    let _source = reactor.register(server, Trigger::Edge).unwrap();
    client.write_all(b"1234").unwrap();
    assert_eq!((reactor.turn(TIMEOUT_MS), reactor.turn(0)), (1, 0));
    client.write_all(b"5678").unwrap();
    assert_eq!(reactor.turn(TIMEOUT_MS), 1, "new bytes, a new edge, though the first four are still unread");
}

#[test]
fn oneshot_reports_once_until_the_registration_is_armed_again_with_ctl_mod() {
    let reactor = Reactor::new().unwrap();
    let (mut client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Level).unwrap();
    let data = source.registration() as *const Registration as u64;
    reactor.ctl(EPOLL_CTL_MOD, source.stream(), EPOLLIN | EPOLLONESHOT, data).unwrap();
    client.write_all(b"1234").unwrap();
    assert_eq!(reactor.turn(TIMEOUT_MS), 1);
    // The new bytes are in the socket before the turn looks: a 0 is the disarmed registration,
    // not bytes still on their way.
    write_and_wait_until_there(&client, source.stream(), b"5678");
    assert_eq!(reactor.turn(0), 0, "disarmed: not even new bytes are reported");
    reactor.ctl(EPOLL_CTL_MOD, source.stream(), EPOLLIN | EPOLLONESHOT, data).unwrap();
    assert_eq!(reactor.turn(TIMEOUT_MS), 1, "armed again: reported again");
}

// ---- The peer writes while the task waits -------------------------------------------------------

/// Runs `inner`; the first time it answers `Pending`, the peer writes `bytes` (once): the bytes
/// come while the task waits, as they would from the other end of a real connection.
struct PeerWritesWhilePending<'a, F> {
    inner: F,
    peer: &'a TcpStream,
    receiver: &'a TcpStream,
    bytes: Option<&'a [u8]>,
}

impl<F: Future + Unpin> Future for PeerWritesWhilePending<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let poll = Pin::new(&mut self.inner).poll(cx);
        if poll.is_pending()
            && let Some(bytes) = self.bytes.take()
        {
            write_and_wait_until_there(self.peer, self.receiver, bytes);
        }
        poll
    }
}

/// Reads `buf.len()` bytes in two reads of half each, with the peer writing all of them at
/// once while the task waits, through `read` (the leaf, or a broken copy of it).
fn two_halves<'s, R>(source: &'s Source<'_>, peer: &'s TcpStream, read: R) -> Result<[u8; 8], Stalled>
where
    R: for<'a> Fn(&'a Source<'_>, &'a mut [u8]) -> Pin<Box<dyn Future<Output = io::Result<usize>> + 'a>>,
{
    let task = async {
        let mut buf = [0_u8; 8];
        let (first, second) = buf.split_at_mut(4);
        assert_eq!(read(source, first).await.unwrap(), 4);
        assert_eq!(read(source, second).await.unwrap(), 4);
        buf
    };
    let task =
        PeerWritesWhilePending { inner: Box::pin(task), peer, receiver: source.stream(), bytes: Some(b"12345678") };
    block_on(source.reactor(), task, STALL_MS)
}

fn the_leaf<'a>(source: &'a Source<'_>, buf: &'a mut [u8]) -> Pin<Box<dyn Future<Output = io::Result<usize>> + 'a>> {
    Box::pin(source.read(buf))
}

// ANCHOR: one_read_per_event
/// The leaf with one change: it takes an event as "one read's worth" and puts the readiness
/// down after every read, not only after `WouldBlock`.
struct OneReadPerEvent<'a> {
    stream: &'a TcpStream,
    registration: &'a Registration,
    buf: &'a mut [u8],
}

impl Future for OneReadPerEvent<'_> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            if !this.registration.readable.get() {
                this.registration.waker.set(Some(cx.waker().clone()));
                return Poll::Pending;
            }
            let result = this.stream.read(this.buf);
            this.registration.readable.set(false); // the change: every read uses the event up
            match result {
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                result => return Poll::Ready(result),
            }
        }
    }
}
// ANCHOR_END: one_read_per_event

fn one_read_per_event<'a>(
    source: &'a Source<'_>,
    buf: &'a mut [u8],
) -> Pin<Box<dyn Future<Output = io::Result<usize>> + 'a>> {
    Box::pin(OneReadPerEvent { stream: source.stream(), registration: source.registration(), buf })
}

#[test]
fn the_leaf_reads_both_halves_in_either_mode() {
    for trigger in [Trigger::Level, Trigger::Edge] {
        let reactor = Reactor::new().unwrap();
        let (client, server) = loopback_pair().unwrap();
        let source = reactor.register(server, trigger).unwrap();
        assert_eq!(two_halves(&source, &client, the_leaf), Ok(*b"12345678"), "{trigger:?}");
        assert_eq!(reactor.counts(), (1, 1), "{trigger:?}: one wait, one event; the second half needed none");
    }
}

#[test]
fn putting_readiness_down_before_wouldblock_loses_the_wake_up_edge_triggered_only() {
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Level).unwrap();
    assert_eq!(two_halves(&source, &client, one_read_per_event), Ok(*b"12345678"), "level: asked again, told again");
    assert_eq!(reactor.counts(), (2, 2), "level: a second wait, answered at once by the unread half");

    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    assert_eq!(two_halves(&source, &client, one_read_per_event), Err(Stalled), "edge: no new bytes, no new edge");
    assert_eq!(reactor.counts(), (2, 1), "edge: the second wait ran out with four bytes unread");
    let mut rest = [0_u8; 8];
    assert_eq!(source.stream().read(&mut rest).unwrap(), 4, "the second half was there all along");
}

// ANCHOR: forgets_the_waker
/// The leaf with one line less: it answers `Pending` without leaving its waker.
struct ForgetsTheWaker<'a> {
    stream: &'a TcpStream,
    registration: &'a Registration,
    buf: &'a mut [u8],
}

impl Future for ForgetsTheWaker<'_> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            if !this.registration.readable.get() {
                return Poll::Pending; // the change: no waker left for the reactor
            }
            match this.stream.read(this.buf) {
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => this.registration.readable.set(false),
                result => return Poll::Ready(result),
            }
        }
    }
}
// ANCHOR_END: forgets_the_waker

#[test]
fn pending_without_a_stored_waker_is_a_lost_wake_up_though_the_kernel_reported_the_bytes() {
    // Edge-triggered: the one report wakes nobody, and the next wait runs out.
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    let mut buf = [0_u8; 8];
    let leaf = ForgetsTheWaker { stream: source.stream(), registration: source.registration(), buf: &mut buf };
    let task =
        PeerWritesWhilePending { inner: leaf, peer: &client, receiver: source.stream(), bytes: Some(b"12345678") };
    assert_eq!(block_on(&reactor, task, STALL_MS).map(|read| read.unwrap()), Err(Stalled));
    assert_eq!(reactor.counts(), (2, 1), "reported once, woke nobody, then nothing");
    assert!(source.registration().readable.get(), "the turn did mark the socket readable");

    // Level-triggered: reported at every turn, and still nobody is woken: `block_on` turns and
    // turns without sleeping, each turn answered at once, until something else wakes the task;
    // here a thread of the test, after SPIN_MS.
    const SPIN_MS: u64 = 10;
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Level).unwrap();
    let mut buf = [0_u8; 8];
    let mut leaf = ForgetsTheWaker { stream: source.stream(), registration: source.registration(), buf: &mut buf };
    let (mut polls, mut waker_thread) = (0, None);
    let task = std::future::poll_fn(|cx| {
        polls += 1;
        let poll = Pin::new(&mut leaf).poll(cx);
        if polls == 1 {
            assert!(poll.is_pending(), "an empty socket, a WouldBlock, a Pending without a waker");
            write_and_wait_until_there(&client, source.stream(), b"12345678");
            let waker = cx.waker().clone();
            waker_thread = Some(std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(SPIN_MS));
                waker.wake();
            }));
        }
        poll
    });
    let start = std::time::Instant::now();
    assert_eq!(block_on(&reactor, task, STALL_MS).map(|read| read.unwrap()), Ok(8), "read once the thread woke it");
    let elapsed = start.elapsed();
    waker_thread.take().unwrap().join().unwrap();
    let (turns, events) = reactor.counts();
    assert_eq!(polls, 2, "polled again only after the thread's wake: no turn woke it");
    assert_eq!(events, turns, "every turn reported the socket");
    // A loop that slept would have made one turn in these SPIN_MS, or two; this one made many,
    // each an epoll_wait that returned at once with the same report.
    assert!(turns >= 5, "{turns} turns in {elapsed:?}: a spin, not a sleep");
    assert!(elapsed < std::time::Duration::from_millis(TIMEOUT_MS as u64), "bounded: {elapsed:?}");
    assert!(source.registration().waker.take().is_none(), "no waker was ever there to wake");
}
