//! The page's section "An executor that sleeps in epoll_wait": chapter 4's `block_on` with a
//! turn of the reactor where it parked (the machine code: one loop, the call to `turn` in the
//! place of `park`), and what one round trip costs it, counted: polls, `epoll_wait` calls and
//! events per message that comes while the task waits.

mod common;

use std::future::Future;
use std::net::TcpStream;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ch11_reactor::{Reactor, Source, Stalled, Trigger, block_on, loopback_pair};
use common::{TIMEOUT_MS, asm, in_order, instructions, write_and_wait_until_there};
use listings::{AsmOptions, Part, assert_asm_snapshot, assert_part_snapshot};

#[test]
fn block_on_is_chapter_4s_loop_with_a_turn_of_the_reactor_where_it_parked() {
    let listing = asm("ch11_reactor::block_on_dyn", AsmOptions { source: true, data: false });
    let all = instructions(&listing);
    // The flag: 16 bytes into the Arc's allocation, after the two counts. Chapter 4's loop
    // (its snapshot) swapped it at 24, after its ThreadWaker's thread handle.
    assert!(all.iter().any(|i| i == "add rbx, 16"), "{listing}");
    assert!(in_order(&all, &["xor eax, eax", "xchg byte ptr [rbx], al"]), "{listing}");
    let chapter_4 = include_str!("../../ch04-executors/tests/snapshots/ch04-executors__asm__block_on_dyn@loops.snap");
    assert!(chapter_4.contains("xchg    byte ptr [rbx + 24], al"), "{chapter_4}");
    // The turn is loaded once, before the loop, like chapter 4's park.
    assert!(
        all.iter().any(|i| i.starts_with("mov r14, qword ptr [rip + ch11_reactor::Reactor::turn@GOTPCREL]")),
        "{listing}"
    );
    assert!(!all.iter().any(|i| i.contains("park")), "no park left: {listing}");
    // Poll through the dyn future's vtable (its poll loaded into r13 before the loop), test the
    // tag, then exchange the flag with 0, poll again if it was up, else turn; a turn that
    // reported nothing ends the loop (Stalled) unless the flag is up by then.
    let the_loop = [
        "call r13",
        "test al, al",
        "je ",
        "xor eax, eax",
        "xchg byte ptr [rbx], al",
        "test al, al",
        "jne ",
        "mov rdi, r15",
        "mov esi, ebp",
        "call r14",
        "test rax, rax",
        "jne ",
        "movzx eax, byte ptr [rbx]",
        "test al, al",
        "jne ",
    ];
    assert!(in_order(&all, &the_loop), "{listing}");
    let text = listing.to_string();
    let lines: Vec<String> = text.lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    // From the load of the future's poll (slot 3 of its vtable, at 24) into r13, before the loop.
    assert!(all.iter().any(|i| i == "mov r13, qword ptr [r12 + 24]"), "{listing}");
    let first = lines.iter().position(|l| l == "mov r13, qword ptr [r12 + 24]").unwrap() + 1;
    let last = lines.iter().position(|l| l == "movzx eax, byte ptr [rbx]").unwrap() + 3;
    let loops = Part::of_asm(&listing, "loops", first..=last);
    assert_asm_snapshot!("block_on_dyn", listing);
    assert_part_snapshot!("block_on_dyn", loops);
}

/// Counts its polls; each time the task answers `Pending`, the peer writes the next message
/// (and waits until it is there): a message comes while the task waits, every time.
struct Counted<'a, F> {
    inner: F,
    peer: &'a TcpStream,
    receiver: &'a TcpStream,
    polls: u64,
}

impl<F: Future + Unpin> Future for Counted<'_, F> {
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

/// `messages` round trips: the task reads a message, the peer writes the next while it waits.
/// Returns the polls and the reactor's counts.
fn round_trips(trigger: Trigger, messages: u64) -> (u64, (u64, u64)) {
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, trigger).unwrap();
    let task = async |source: &Source<'_>| {
        for _ in 0..messages {
            let mut buf = [0_u8; 4];
            assert_eq!(source.read(&mut buf).await.unwrap(), 4);
        }
    };
    let mut counted = Counted { inner: Box::pin(task(&source)), peer: &client, receiver: source.stream(), polls: 0 };
    assert_eq!(block_on(&reactor, &mut counted, TIMEOUT_MS), Ok(()));
    (counted.polls, reactor.counts())
}

#[test]
fn each_message_that_comes_while_the_task_waits_costs_one_poll_one_epoll_wait_and_one_event() {
    for trigger in [Trigger::Level, Trigger::Edge] {
        for messages in [1, 10, 100] {
            let (polls, (turns, events)) = round_trips(trigger, messages);
            // The first poll finds nothing; every later one reads a message and goes on, in the
            // same poll, to the next read, which finds nothing yet.
            assert_eq!(polls, messages + 1, "{trigger:?}: one poll per message, and the first");
            assert_eq!(turns, messages, "{trigger:?}: one epoll_wait per message");
            assert_eq!(events, messages, "{trigger:?}: each returned one event");
        }
    }
}

#[test]
fn a_turn_that_reports_nothing_within_the_timeout_ends_block_on_with_stalled() {
    let reactor = Reactor::new().unwrap();
    let (_client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    let mut buf = [0_u8; 4];
    assert_eq!(block_on(&reactor, source.read(&mut buf), 1).map(|_| ()), Err(Stalled));
    assert_eq!(reactor.counts(), (1, 0));
}

#[test]
fn a_wake_from_another_thread_is_seen_when_the_turn_returns_not_lost() {
    const TURN_MS: i32 = 50;
    // The system call the test's thread is in, from Linux's /proc (x86-64: 232 is epoll_wait).
    const EPOLL_WAIT: &str = "232";
    let reactor = Reactor::new().unwrap();
    let (_client, server) = loopback_pair().unwrap();
    let _source = reactor.register(server, Trigger::Edge).unwrap();
    // Pending once; its first poll hands the waker to a thread that wakes it once this thread is
    // inside epoll_wait. No socket has anything to report, so only the flag can end the wait.
    let this_thread = std::fs::read_link("/proc/thread-self").unwrap(); // "<pid>/task/<tid>"
    let syscall_file = std::path::Path::new("/proc").join(this_thread).join("syscall");
    let mut waker_thread = None;
    let mut polled = false;
    let task = std::future::poll_fn(|cx| {
        if polled {
            return Poll::Ready(());
        }
        polled = true;
        let (waker, syscall_file) = (cx.waker().clone(), syscall_file.clone());
        waker_thread = Some(std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_millis(TIMEOUT_MS as u64);
            while std::fs::read_to_string(&syscall_file).unwrap().split_whitespace().next() != Some(EPOLL_WAIT) {
                assert!(Instant::now() < deadline, "the test's thread never waited in epoll_wait");
                std::thread::sleep(Duration::from_micros(100));
            }
            waker.wake(); // while the turn waits in the kernel
        }));
        Poll::Pending
    });
    let start = Instant::now();
    let result = block_on(&reactor, task, TURN_MS);
    let elapsed = start.elapsed();
    waker_thread.take().unwrap().join().unwrap();
    assert_eq!(result, Ok(()), "woken while the turn waited: not Stalled");
    let (turns, events) = reactor.counts();
    assert_eq!((turns, events), (1, 0), "one turn, which reported nothing, and the flag was up after it");
    // The wake came while epoll_wait waited and did not cut it short: the loop saw the flag only
    // when the turn's timeout ran out.
    assert!(elapsed >= Duration::from_millis(TURN_MS as u64), "the wake did not end the wait: {elapsed:?}");
}
