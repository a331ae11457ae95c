//! The page's section "A socket that is not ready": the leaf's `poll` on a real loopback socket.
//! An empty socket answers `WouldBlock`, and the leaf answers `Pending` after leaving a clone of
//! the waker in the registration, at offset 0, where the reactor finds it; the machine code
//! stores it there.

mod common;

use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ch11_reactor::{Reactor, Trigger, loopback_pair};
use common::{CHAPTER, Counter, asm, in_order, instructions, write_and_wait_until_there};
use listings::{AsmOptions, Stage, assert_asm_snapshot, assert_stage_snapshot};

#[test]
fn an_empty_socket_makes_the_leaf_answer_pending_with_a_clone_of_the_waker_in_the_registration() {
    let reactor = Reactor::new().unwrap();
    let (_client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    let (counter, waker) = Counter::new();
    let mut buf = [0_u8; 16];
    let mut read = pin!(source.read(&mut buf));

    assert!(read.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    let registration = source.registration();
    assert!(!registration.readable.get(), "the read answered WouldBlock: the readiness is used up");
    let stored = registration.waker.take().expect("a waker in the registration");
    assert!(stored.will_wake(&waker), "a clone of the poll's own waker");
    assert_eq!(Arc::strong_count(&counter), 3, "the counter, the poll's waker and the stored clone");
    registration.waker.set(Some(stored));
    assert_eq!(counter.wakes(), 0, "nobody has woken it yet");
}

#[test]
fn a_second_pending_poll_replaces_the_stored_waker_and_drops_the_first() {
    let reactor = Reactor::new().unwrap();
    let (_client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    let (first, first_waker) = Counter::new();
    let (second, second_waker) = Counter::new();
    let mut buf = [0_u8; 16];
    let mut read = pin!(source.read(&mut buf));
    assert!(read.as_mut().poll(&mut Context::from_waker(&first_waker)).is_pending());
    assert!(read.as_mut().poll(&mut Context::from_waker(&second_waker)).is_pending());
    assert_eq!(Arc::strong_count(&first), 2, "the first clone was dropped when the second took its place");
    assert_eq!(Arc::strong_count(&second), 3, "the second poll's waker is the one kept");
}

#[test]
fn data_already_in_the_socket_makes_the_first_poll_ready_without_the_reactor() {
    let reactor = Reactor::new().unwrap();
    let (client, server) = loopback_pair().unwrap();
    let source = reactor.register(server, Trigger::Edge).unwrap();
    write_and_wait_until_there(&client, source.stream(), b"ping");
    let (counter, waker) = Counter::new();
    let mut buf = [0_u8; 16];
    let mut read = pin!(source.read(&mut buf));
    assert!(matches!(read.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Ready(Ok(4))));
    assert!(source.registration().waker.take().is_none(), "a ready read stores no waker");
    assert_eq!(Arc::strong_count(&counter), 2);
    assert_eq!(reactor.counts(), (0, 0), "and never asked the kernel to wait");
}

// ---- The layout: where the waker is kept ---------------------------------------------------------

#[test]
fn the_registration_is_24_bytes_with_the_waker_at_0_and_the_readiness_at_16() {
    let layout = listings::stage(CHAPTER, Stage::TypeSizes, "Registration").unwrap_or_else(|error| panic!("{error}"));
    let text = &layout.text;
    assert!(text.starts_with("type: `Registration`: 24 bytes, alignment: 8 bytes\n"), "{text}");
    assert!(text.contains("field `.waker`: 16 bytes\n"), "{text}");
    assert!(text.contains("field `.readable`: 1 bytes\n"), "{text}");
    assert!(text.find(".waker").unwrap() < text.find(".readable").unwrap(), "the waker first, at 0: {text}");
    assert_eq!(std::mem::offset_of!(ch11_reactor::Registration, waker), 0);
    assert_eq!(std::mem::offset_of!(ch11_reactor::Registration, readable), 16);
    assert_stage_snapshot!("Registration", layout);
}

#[test]
fn the_leaf_is_32_bytes_the_stream_the_registration_and_the_buffer() {
    let layout = listings::stage(CHAPTER, Stage::TypeSizes, "Read<'_>").unwrap_or_else(|error| panic!("{error}"));
    let text = &layout.text;
    assert!(text.starts_with("type: `Read<'_>`: 32 bytes, alignment: 8 bytes\n"), "{text}");
    assert!(text.contains("field `.registration`: 8 bytes"), "{text}");
    assert!(text.contains("field `.buf`: 16 bytes"), "{text}");
    assert_stage_snapshot!("read", layout);
}

// ---- The machine code of the leaf's poll ---------------------------------------------------------

#[test]
fn the_leafs_poll_clones_the_waker_through_slot_0_and_stores_it_at_offset_0_of_the_registration() {
    let listing =
        asm("<ch11_reactor::Read as core::future::future::Future>::poll", AsmOptions { source: true, data: false });
    let all = instructions(&listing);
    // The registration's address is the leaf's second word; readiness is its byte at 16.
    assert!(all.iter().any(|i| i.starts_with("mov r12, qword ptr [rdi + 8]")), "{listing}");
    assert!(all.iter().any(|i| i == "cmp byte ptr [r12 + 16], 1"), "{listing}");
    // WouldBlock is `ErrorKind` 13; the readiness goes down.
    assert!(
        in_order(
            &all,
            &[
                "call <std::io::error::Error>::kind",
                "cmp al, 13",
                "jne ",
                "mov rax, qword ptr [r15 + 8]",
                "mov byte ptr [rax + 16], 0"
            ]
        ),
        "{listing}"
    );
    // Pending: clone the context's waker through its vtable's slot 0, keep the old one's words,
    // write the clone's two words at offsets 0 and 8, then drop the old one through slot 24 if
    // there was one (a null vtable is `None`). Tag 2 is `Pending` of `Poll<io::Result<usize>>`.
    let pending = [
        "mov rax, qword ptr [r14]",
        "mov rcx, qword ptr [rax]",
        "mov rdi, qword ptr [rax + 8]",
        "call qword ptr [rcx]",
        "mov rcx, qword ptr [r12]",
        "mov rdi, qword ptr [r12 + 8]",
        "mov qword ptr [r12], rax",
        "mov qword ptr [r12 + 8], rdx",
        "mov ebx, 2",
        "test rcx, rcx",
        "je ",
        "call qword ptr [rcx + 24]",
    ];
    assert!(in_order(&all, &pending), "{listing}");
    // What 13 and 2 mean, computed in this std rather than assumed: 13 is the discriminant of
    // `ErrorKind::WouldBlock`, the byte `kind` returns in al, and 2 is the tag (the first word)
    // of `Pending` in `Poll<io::Result<usize>>`, after `Ok`'s 0 and `Err`'s 1.
    assert_eq!(io::ErrorKind::WouldBlock as u8, 13);
    assert_eq!(size_of::<Poll<io::Result<usize>>>(), 16, "two words: the tag in rax, the value in rdx");
    let tag = |poll: &Poll<io::Result<usize>>| -> u8 {
        // SAFETY: the first byte is the low byte of the tag, which every variant writes.
        unsafe { *(poll as *const Poll<io::Result<usize>>).cast::<u8>() }
    };
    assert_eq!(tag(&Poll::Ready(Ok(7))), 0);
    assert_eq!(tag(&Poll::Ready(Err(io::ErrorKind::Other.into()))), 1);
    assert_eq!(tag(&Poll::Pending), 2, "`mov ebx, 2` is Pending");
    assert_asm_snapshot!("read_poll", listing);
}
