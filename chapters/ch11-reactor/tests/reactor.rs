//! The page's section "The reactor": what `register` gives the kernel (`EPOLLIN`, with
//! `EPOLLET` or without, and the registration's address as the event's data), what
//! `epoll_wait` hands back, and the turn that marks the registration readable and wakes the
//! waker it finds there through the vtable's `wake` slot; then the poll that follows reads.

mod common;

use std::ffi::c_int;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ch11_reactor::{
    EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLLET, EPOLLIN, EPOLLONESHOT, EpollEvent, Reactor, Registration,
    Trigger, loopback_pair,
};
use common::{Counter, STALL_MS, TIMEOUT_MS, asm, in_order, instructions, write_and_wait_until_there};
use listings::{AsmOptions, Part, assert_asm_snapshot, assert_part_snapshot};

unsafe extern "C" {
    fn epoll_wait(epfd: c_int, events: *mut EpollEvent, maxevents: c_int, timeout: c_int) -> c_int;
}

/// `epoll_wait` on the reactor's instance, by hand: what the kernel hands back.
fn wait_by_hand(reactor: &Reactor) -> Vec<EpollEvent> {
    wait_by_hand_for(reactor, TIMEOUT_MS)
}

/// The same, with a timeout of its own (0: do not wait).
fn wait_by_hand_for(reactor: &Reactor, timeout_ms: i32) -> Vec<EpollEvent> {
    let mut events = [EpollEvent { events: 0, data: 0 }; 4];
    // SAFETY: at most 4 events are written into the array of 4.
    let n = unsafe { epoll_wait(reactor.as_raw_fd(), events.as_mut_ptr(), 4, timeout_ms) };
    assert!(n >= 0, "{}", std::io::Error::last_os_error());
    events[..n as usize].to_vec()
}

/// The C header's answer, not ours: a tiny C program compiled with the system's `cc` against
/// `<sys/epoll.h>`, printing the struct's size, `data`'s offset and the constants.
fn what_the_c_header_says() -> Vec<u64> {
    const PROBE: &str = r#"
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
int main(void) {
    printf("%zu %zu %u %u %u %d %d %d\n", sizeof(struct epoll_event), offsetof(struct epoll_event, data),
           (unsigned)EPOLLIN, (unsigned)EPOLLET, (unsigned)EPOLLONESHOT, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD);
    return 0;
}
"#;
    use std::process::{Command, Stdio};
    let exe = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ch11-epoll-probe");
    let mut cc = Command::new("cc")
        .args(["-x", "c", "-", "-o"])
        .arg(&exe)
        .stdin(Stdio::piped())
        .spawn()
        .expect("a C compiler, `cc`");
    cc.stdin.take().unwrap().write_all(PROBE.as_bytes()).unwrap();
    assert!(cc.wait().unwrap().success(), "cc failed on the probe");
    let output = Command::new(&exe).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().split_whitespace().map(|n| n.parse().unwrap()).collect()
}

#[test]
fn epoll_event_is_12_bytes_with_the_data_at_offset_4() {
    let c = what_the_c_header_says();
    assert_eq!(c[..2], [12, 4], "the C header's struct epoll_event: 12 bytes, data at 4 (packed on x86-64)");
    // Ours matches it, or the kernel would read and write the wrong bytes.
    assert_eq!(size_of::<EpollEvent>() as u64, c[0]);
    assert_eq!(std::mem::offset_of!(EpollEvent, data) as u64, c[1]);
    assert_eq!(
        c[2..],
        [
            EPOLLIN as u64,
            EPOLLET as u64,
            EPOLLONESHOT as u64,
            EPOLL_CTL_ADD as u64,
            EPOLL_CTL_DEL as u64,
            EPOLL_CTL_MOD as u64
        ],
        "the constants are the header's"
    );
}

#[test]
fn epoll_wait_hands_back_epollin_and_the_address_of_the_registration() {
    for (trigger, events) in [(Trigger::Level, EPOLLIN), (Trigger::Edge, EPOLLIN)] {
        let reactor = Reactor::new().unwrap();
        let (mut client, server) = loopback_pair().unwrap();
        let source = reactor.register(server, trigger).unwrap();
        client.write_all(b"ping").unwrap();
        let got = wait_by_hand(&reactor);
        assert_eq!(got.len(), 1, "{trigger:?}: one socket reported");
        let (reported, data) = (got[0].events, got[0].data);
        // The flags asked for are not echoed: EPOLLET is how to report, not what happened.
        assert_eq!(reported, events, "{trigger:?}");
        assert_eq!(reported & EPOLLET, 0);
        assert_eq!(
            data,
            source.registration() as *const Registration as u64,
            "{trigger:?}: the registration's address"
        );
    }
}

#[test]
fn register_asks_for_epollin_with_ctl_add_and_the_rc_s_value_as_data() {
    let listing = asm("ch11_reactor::Reactor::register", AsmOptions { source: true, data: false });
    let all = instructions(&listing);
    // One allocation of 40 bytes: the Rc's two counts, then the Registration: no waker (a null
    // vtable at 16) and `readable` up (at 32).
    assert!(
        in_order(&all, &["mov edi, 40", "mov esi, 8", "call qword ptr [rip + __rustc::__rust_alloc@"]),
        "{listing}"
    );
    assert!(
        in_order(
            &all,
            &[
                "mov qword ptr [rax], 1",
                "mov qword ptr [rax + 8], 1",
                "add rax, 16",
                "mov qword ptr [r12 + 16], 0",
                "mov byte ptr [r12 + 32], 1",
            ]
        ),
        "{listing}"
    );
    // The events without a branch: Level is 0 and Edge 1 (in bpl); the low bit of its
    // complement, shifted to bit 31, plus 0x8000_0001, wraps to EPOLLIN (1) for Level and
    // leaves EPOLLET | EPOLLIN (0x8000_0001) for Edge.
    assert!(in_order(&all, &["not bpl", "movzx ecx, bpl", "shl ecx, 31", "add ecx, -2147483647"]), "{listing}");
    for (trigger, complement) in [(0_u8, 0xff_u8), (1, 0xfe)] {
        assert_eq!(!trigger, complement);
        let events = ((complement as u32) << 31).wrapping_add(0x8000_0001);
        assert_eq!(events, if trigger == 0 { EPOLLIN } else { EPOLLIN | EPOLLET });
    }
    // The event: its events at [rsp + 20], its data, the Rc's value (the allocation + 16), at
    // [rsp + 24]; op 1 is EPOLL_CTL_ADD.
    assert!(
        in_order(
            &all,
            &[
                "mov dword ptr [rsp + 20], ecx",
                "mov qword ptr [rsp + 24], rax",
                "lea rcx, [rsp + 20]",
                "mov esi, 1",
                "call qword ptr [rip + epoll_ctl@GOTPCREL]",
            ]
        ),
        "{listing}"
    );
    let first = line_of(&listing, 0, "mov edi, 40");
    let event =
        Part::of_asm(&listing, "event", first..=line_of(&listing, first, "call qword ptr [rip + epoll_ctl@GOTPCREL]"));
    assert_asm_snapshot!("register", listing);
    assert_part_snapshot!("register", event);
}

// ---- The turn ----------------------------------------------------------------------------------------

#[test]
fn a_turn_wakes_the_stored_waker_once_and_empties_the_slot_and_the_next_poll_reads() {
    for trigger in [Trigger::Level, Trigger::Edge] {
        let reactor = Reactor::new().unwrap();
        let (mut client, server) = loopback_pair().unwrap();
        let source = reactor.register(server, trigger).unwrap();
        let (counter, waker) = Counter::new();
        let mut cx = Context::from_waker(&waker);
        let mut buf = [0_u8; 16];
        let mut read = pin!(source.read(&mut buf));
        assert!(read.as_mut().poll(&mut cx).is_pending());

        client.write_all(b"ping").unwrap();
        assert_eq!(reactor.turn(TIMEOUT_MS), 1, "{trigger:?}: epoll_wait returned one event");
        assert_eq!(counter.wakes(), 1, "{trigger:?}: the stored waker was woken, once");
        assert_eq!(Arc::strong_count(&counter), 2, "{trigger:?}: woken by value: the clone is gone");
        assert!(source.registration().readable.get(), "{trigger:?}: the turn marked it readable");
        assert!(source.registration().waker.take().is_none(), "{trigger:?}: the slot is empty");

        // The path back into poll: the executor polls again, the leaf reads.
        assert!(matches!(read.as_mut().poll(&mut cx), Poll::Ready(Ok(4))), "{trigger:?}");
        assert_eq!(&buf[..4], b"ping");
        assert_eq!(reactor.counts(), (1, 1), "{trigger:?}: one epoll_wait, one event");
    }
}

#[test]
fn a_turn_with_nothing_ready_returns_zero_after_its_timeout() {
    let reactor = Reactor::new().unwrap();
    let (_client, server) = loopback_pair().unwrap();
    let _source = reactor.register(server, Trigger::Edge).unwrap();
    let start = Instant::now();
    assert_eq!(reactor.turn(STALL_MS), 0, "nothing was ready");
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(STALL_MS as u64), "the kernel waited out the timeout: {waited:?}");
}

#[test]
fn a_dropped_source_is_out_of_the_epoll_set_and_its_data_never_comes_back() {
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    // A second descriptor of the same socket, kept open across the drop. Closing a descriptor
    // takes the socket out of the epoll set only when it was the last one (epoll(7), "Will
    // closing a file descriptor cause it to be removed from all epoll interest lists?"): without
    // the duplicate, the close alone would pass this test, EPOLL_CTL_DEL or not.
    let duplicate = server.try_clone().unwrap();
    let source = reactor.register(server, Trigger::Level).unwrap();
    drop(source); // EPOLL_CTL_DEL, then the registration is freed and one descriptor closed
    write_and_wait_until_there(&client, &duplicate, b"ping");
    // By hand, not with `turn`, which would follow the address in `data` to freed memory.
    let reported = wait_by_hand_for(&reactor, 0);
    assert!(reported.is_empty(), "the socket is readable, but out of the set: {reported:?}");
}

#[test]
fn without_ctl_del_a_duplicate_descriptor_keeps_the_registration_and_its_data_alive() {
    // The cause removed: a socket added by hand and closed without EPOLL_CTL_DEL, while a
    // duplicate of it stays open. The kernel still reports it, with the data it was given.
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let duplicate = server.try_clone().unwrap();
    reactor.ctl(EPOLL_CTL_ADD, &server, EPOLLIN, 0xdead).unwrap();
    drop(server); // closed, not deleted
    write_and_wait_until_there(&client, &duplicate, b"ping");
    let reported = wait_by_hand_for(&reactor, 0);
    assert_eq!(reported.len(), 1, "still in the set: {reported:?}");
    assert_eq!({ reported[0].data }, 0xdead, "with the data of a registration that, in `turn`, would be freed");
}

/// The 1-based line of `listing`'s text that contains `text`, searching from line `after` on.
fn line_of(listing: &listings::AsmListing, after: usize, text: &str) -> usize {
    listing
        .to_string()
        .lines()
        .enumerate()
        .skip(after)
        .find(|(_, line)| line.split_whitespace().collect::<Vec<_>>().join(" ").contains(text))
        .map(|(index, _)| index + 1)
        .unwrap_or_else(|| panic!("no line with {text:?} after line {after}:\n{listing}"))
}

#[test]
fn the_turn_calls_epoll_wait_for_16_events_reads_data_at_4_and_wakes_through_slot_8() {
    let listing = asm("ch11_reactor::Reactor::turn", AsmOptions { source: true, data: false });
    let all = instructions(&listing);
    // epoll_wait(epfd, events, 16, timeout): the count of turns goes up first; the timeout came
    // in esi, waits in ebx and goes into ecx.
    assert!(all.iter().any(|i| i == "mov ebx, esi"), "{listing}");
    assert!(
        in_order(
            &all,
            &[
                "inc qword ptr [rdi]",
                "mov edi, dword ptr [rdi + 16]",
                "mov edx, 16",
                "mov ecx, ebx",
                "call qword ptr [rip + epoll_wait@GOTPCREL]"
            ]
        ),
        "{listing}"
    );
    // The events are at rsp + 288; the first one's data at rsp + 292, its offset 4; the next
    // one's 12 bytes further.
    assert!(in_order(&all, &["lea rsi, [rsp + 288]", "call qword ptr [rip + epoll_wait@GOTPCREL]"]), "{listing}");
    assert!(in_order(&all, &["lea r12, [rsp + 292]", "add r12, 12", "mov rax, qword ptr [r12]"]), "{listing}");
    // Each event's data: a registration's address. Readable up (byte 16), the waker's two words
    // (offset 0) moved out, the slot left `None` (a null vtable).
    let marking = ["mov byte ptr [rax + 16], 1", "movups xmm0, xmmword ptr [rax]", "mov qword ptr [rax], 0"];
    assert!(in_order(&all, &marking), "{listing}");
    // The one call through slot 24 drops what the array's entry held before the store, and only
    // if its vtable pointer is not null: every entry starts as `None`, so it is never taken.
    let drop_old = [
        "mov rax, qword ptr [rsp + r14 + 32]",
        "test rax, rax",
        "je ",
        "mov rdi, qword ptr [rsp + r14 + 40]",
        "call qword ptr [rax + 24]",
    ];
    assert!(in_order(&all, &drop_old), "{listing}");
    // Then the second loop: take each waker and call its vtable's slot 1, `wake`, at 8.
    let waking = [
        "mov rax, qword ptr [r15]",
        "mov rdi, qword ptr [r15 + 8]",
        "mov qword ptr [r15], 0",
        "test rax, rax",
        "je ",
        "call qword ptr [rax + 8]",
    ];
    assert!(in_order(&all, &waking), "{listing}");
    assert_eq!(all.iter().filter(|i| i.starts_with("call qword ptr [rax + 8]")).count(), 1, "one call of wake");

    let wait = Part::of_asm(
        &listing,
        "wait",
        line_of(&listing, 0, "inc qword ptr [rdi]")
            ..=line_of(&listing, 0, "call qword ptr [rip + epoll_wait@GOTPCREL]"),
    );
    // From the first loop's start: r12 set to the first event's data, rsp + 292.
    let first = line_of(&listing, 0, "lea r12, [rsp + 292]");
    let wake = Part::of_asm(&listing, "wake", first..=line_of(&listing, first, "call qword ptr [rax + 8]") + 1);
    assert_asm_snapshot!("turn", listing);
    assert_part_snapshot!("turn", wait);
    assert_part_snapshot!("turn", wake);
}
