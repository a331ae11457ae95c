//! A program of its own for the page's section "One loop, counted": MESSAGES (the first
//! argument) messages of four bytes, each written by a peer thread while the task waits for it,
//! read by the chapter's leaf under its `block_on`. `tests/executor.rs` runs it under valgrind
//! with `--trace-syscalls=yes` and counts the system calls of the task's thread.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::mpsc::{Sender, channel};
use std::task::{Context, Poll};

use ch11_reactor::{Reactor, Trigger, block_on, loopback_pair};

/// Tells the peer each time the task answers `Pending`.
struct TellsThePeer<F> {
    task: F,
    peer: Sender<()>,
}

impl<F: Future + Unpin> Future for TellsThePeer<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let poll = Pin::new(&mut self.task).poll(cx);
        if poll.is_pending() {
            self.peer.send(()).unwrap();
        }
        poll
    }
}

fn main() {
    let messages: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).expect("usage: round_trips MESSAGES");
    let reactor = Reactor::new().unwrap();
    let (mut client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    // The peer: writes one message each time the task says it waits, until the task is done.
    let (peer, task_waits) = channel::<()>();
    let writer = std::thread::spawn(move || {
        for () in task_waits {
            client.write_all(b"ping").unwrap();
        }
    });
    let task = async {
        for _ in 0..messages {
            let mut buf = [0_u8; 4];
            assert_eq!(source.read(&mut buf).await.unwrap(), 4);
        }
    };
    let task = TellsThePeer { task: Box::pin(task), peer };
    // Ten seconds: only a lost wake-up would wait that long.
    block_on(&reactor, task, 10_000).expect("every message came");
    writer.join().unwrap();
    println!("{messages} messages read");
}
