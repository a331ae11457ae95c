//! The chapter's quiz against the compiler: each answer of `quiz.toml` is computed again from
//! the snapshots the page shows, or by running the chapter's code.

mod common;

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use ch11_reactor::{Reactor, Trigger, block_on, loopback_pair};
use common::{TIMEOUT_MS, write_and_wait_until_there};
use course::facts::{asm, displacement, waker_slot};

const CHAPTER: &str = env!("CARGO_PKG_NAME");

/// The displacement of the first (`last` false) or last `lea REGISTER, [rsp + N]` in `listing`.
fn lea_rsp(listing: &listings::Listing, register: &str, last: bool) -> u64 {
    let prefix = format!("{register}, [rsp + ");
    let mut all = listing.instructions().filter(|(m, o)| *m == "lea" && o.starts_with(&prefix)).map(|(_, o)| o);
    if last { all.last() } else { all.next() }
        .and_then(|o| displacement(o.split_once(", ").unwrap().1))
        .unwrap_or_else(|| panic!("no lea {register}, [rsp + …]: {listing}"))
}

/// Polls `inner`, counting; when it is pending, the peer writes the next message.
struct PeerWrites<'a, F> {
    inner: F,
    peer: &'a std::net::TcpStream,
    receiver: &'a std::net::TcpStream,
    polls: u64,
}

impl<F: Future + Unpin> Future for PeerWrites<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        let poll = Pin::new(&mut self.inner).poll(cx);
        if poll.is_pending() {
            write_and_wait_until_there(self.peer, self.receiver, b"ping");
        }
        poll
    }
}

#[test]
fn every_quiz_answer_is_the_compilers() {
    // The turn's second loop, `.LBB0_7`, calls through one slot of the waker's vtable.
    let turn = asm(CHAPTER, "turn");
    let waking = turn.block(".LBB0_7").unwrap_or_else(|| panic!("no .LBB0_7: {turn}"));
    let slots: Vec<&str> = waking.iter().filter(|(m, _)| *m == "call").filter_map(|(_, o)| waker_slot(o)).collect();
    assert_eq!(slots.len(), 1, "{waking:?}");
    let turn_calls = format!("`{}`", slots[0]);

    // The events' array (epoll_wait's second argument, the first `lea rsi`), and the pointer the
    // loop over the events starts from (the last `lea r12`; the first is the array again, for
    // the call that follows an interrupted one).
    let data_offset = lea_rsp(&turn, "r12", true) - lea_rsp(&turn, "rsi", false);

    // Four turns over 8 unread bytes, edge-triggered.
    let reactor = Reactor::new().unwrap();
    let (mut client, server) = loopback_pair().unwrap();
    let _source = reactor.register(server, Trigger::Edge).unwrap();
    client.write_all(b"12345678").unwrap();
    let first = reactor.turn(TIMEOUT_MS);
    let edge_reports = first + (0..3).map(|_| reactor.turn(0)).sum::<usize>();

    // 100 messages, each written while the task waits.
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    let task = async {
        for _ in 0..100 {
            let mut buf = [0_u8; 4];
            assert_eq!(source.read(&mut buf).await.unwrap(), 4);
        }
    };
    let mut counted = PeerWrites { inner: Box::pin(task), peer: &client, receiver: source.stream(), polls: 0 };
    assert_eq!(block_on(&reactor, &mut counted, TIMEOUT_MS), Ok(()));

    course::quiz::assert_answers(
        CHAPTER,
        &[
            ("turn-calls", turn_calls.as_str().into()),
            ("data-offset", data_offset.into()),
            ("edge-reports", edge_reports.into()),
            ("polls-per-message", counted.polls.into()),
        ],
    );
}
