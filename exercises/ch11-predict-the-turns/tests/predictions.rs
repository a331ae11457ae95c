//! Each prediction against chapter 11's code, run on a loopback socket: the reactor counts its
//! `epoll_wait` calls, a wrapper counts the polls and plays the peer.

use std::future::Future;
use std::io::Write;
use std::net::TcpStream;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ch11_predict_the_turns::{Counts, PREDICTIONS};
use ch11_reactor::{Reactor, Source, Trigger, block_on, loopback_pair};
use exercise_harness::within;

const PATIENCE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
enum Peer {
    AllBefore,
    EachWhileWaiting,
    AllWhileWaiting,
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

/// Counts the polls of `task`, and writes as `peer` says each time it answers `Pending`.
struct Played<'a, F> {
    task: F,
    peer: Peer,
    client: &'a TcpStream,
    server: &'a TcpStream,
    pendings: u32,
    polls: u64,
}

impl<F: Future + Unpin> Future for Played<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        let poll = Pin::new(&mut self.task).poll(cx);
        if poll.is_pending() {
            self.pendings += 1;
            match (self.peer, self.pendings) {
                (Peer::EachWhileWaiting, _) => write_and_wait(self.client, self.server, b"ping"),
                (Peer::AllWhileWaiting, 1) => write_and_wait(self.client, self.server, b"pingpingping"),
                _ => {}
            }
        }
        poll
    }
}

fn run(peer: Peer) -> Counts {
    within(PATIENCE, move || {
        let reactor = Reactor::new().unwrap();
        let (client, server) = loopback_pair().unwrap();
        let source = reactor.register(server, Trigger::Edge).unwrap();
        if let Peer::AllBefore = peer {
            write_and_wait(&client, source.stream(), b"pingpingping");
        }
        let task = async |source: &Source<'_>| {
            for _ in 0..3 {
                let mut buf = [0_u8; 4];
                assert_eq!(source.read(&mut buf).await.unwrap(), 4);
            }
        };
        let mut played = Played {
            task: Box::pin(task(&source)),
            peer,
            client: &client,
            server: source.stream(),
            pendings: 0,
            polls: 0,
        };
        block_on(&reactor, &mut played, 2_000).expect("all twelve bytes came");
        Counts { polls: played.polls, epoll_waits: reactor.counts().0 }
    })
    .expect("the run finished")
}

#[test]
fn all_before() {
    assert_eq!(
        PREDICTIONS.all_before,
        run(Peer::AllBefore),
        "twelve bytes in the socket before the first poll. Is the readiness flag up or down when the task is first polled, \
         and does any read answer `WouldBlock` before the task is done? (left: your prediction, right: what the code did)"
    );
}

#[test]
fn each_while_waiting() {
    assert_eq!(
        PREDICTIONS.each_while_waiting,
        run(Peer::EachWhileWaiting),
        "four bytes each time the task waits. Which read of each poll answers `WouldBlock`, and what did the read before it \
         return? (left: your prediction, right: what the code did)"
    );
}

#[test]
fn all_while_waiting() {
    assert_eq!(
        PREDICTIONS.all_while_waiting,
        run(Peer::AllWhileWaiting),
        "twelve bytes the first time it waits. After the one wake, does any read of the poll that follows \
         answer `WouldBlock`, and is there a read after the third? (left: your prediction, right: what the code did)"
    );
}
