//! # Chapter 11: a real leaf — a socket, a reactor, a wake
//!
//! The book's leaves so far were made up: a future that answers `Pending` once. This chapter's
//! leaf reads a real non-blocking socket, and its waker is called by a reactor that waits in the
//! kernel's `epoll_wait`: where the waker is kept, who calls `wake`, and the path from readiness
//! back into `poll`.
//!
//! The library needs only `std` (and the C library std already links): every listing's Compiler
//! Explorer link carries this file, and the intermediate stages compile it alone. The three
//! calls into the kernel are declared here, by hand, from the man pages `epoll_create1(2)`,
//! `epoll_ctl(2)` and `epoll_wait(2)`.

use std::cell::Cell;
use std::ffi::c_int;
use std::future::Future;
use std::io::{self, Read as _};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

// ---- the kernel's interface --------------------------------------------------------------------

// ANCHOR: epoll_ffi
/// `struct epoll_event` of `<sys/epoll.h>`: on x86-64 the C header declares it packed, so it is
/// 12 bytes, `data` at offset 4.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct EpollEvent {
    /// What happened (from `epoll_wait`), or what to watch for (to `epoll_ctl`).
    pub events: u32,
    /// Whatever the caller gave `epoll_ctl`, handed back untouched by `epoll_wait`.
    pub data: u64,
}

pub const EPOLLIN: u32 = 0x001; // readable
pub const EPOLLET: u32 = 1 << 31; // edge-triggered: report a change, not a state
pub const EPOLLONESHOT: u32 = 1 << 30; // report once, then not until EPOLL_CTL_MOD
pub const EPOLL_CTL_ADD: c_int = 1;
pub const EPOLL_CTL_DEL: c_int = 2;
pub const EPOLL_CTL_MOD: c_int = 3;
const EPOLL_CLOEXEC: c_int = 0o2_000_000;

// The C library std already links defines these three; declaring them is all it takes.
unsafe extern "C" {
    fn epoll_create1(flags: c_int) -> c_int;
    fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut EpollEvent) -> c_int;
    fn epoll_wait(epfd: c_int, events: *mut EpollEvent, maxevents: c_int, timeout: c_int) -> c_int;
}
// ANCHOR_END: epoll_ffi

// ---- a socket that is not ready ----------------------------------------------------------------

// ANCHOR: registration
/// What the reactor and the leaf share for one socket. It lives on the heap, in an `Rc`, so that
/// its address, which the kernel keeps in `epoll_event.data`, stays the same however the
/// futures that read the socket move.
pub struct Registration {
    /// The waker of the last poll that found the socket not ready: the one the reactor wakes.
    pub waker: Cell<Option<Waker>>,
    /// Up when the reactor has seen the socket readable; down after a read answered `WouldBlock`.
    pub readable: Cell<bool>,
}
// ANCHOR_END: registration

// ANCHOR: read
/// The future of [`Source::read`]: a leaf, the first in the book that waits for something real.
pub struct Read<'a> {
    stream: &'a TcpStream,
    registration: &'a Registration,
    buf: &'a mut [u8],
}

impl Future for Read<'_> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            if !this.registration.readable.get() {
                // Not ready: leave this poll's waker where the reactor will find it.
                this.registration.waker.set(Some(cx.waker().clone()));
                return Poll::Pending;
            }
            match this.stream.read(this.buf) {
                // The socket is empty: only now is the readiness used up.
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => this.registration.readable.set(false),
                result => return Poll::Ready(result),
            }
        }
    }
}
// ANCHOR_END: read

// ---- the reactor -------------------------------------------------------------------------------

// ANCHOR: reactor
/// An epoll instance, and how often it was asked to wait.
pub struct Reactor {
    epoll: OwnedFd,
    turns: Cell<u64>,
    events: Cell<u64>,
}

/// How the kernel reports a registered socket: while it is readable, or when it becomes so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Level,
    Edge,
}

/// A socket registered with a [`Reactor`]: reading it gives futures that wait for the reactor.
pub struct Source<'r> {
    stream: TcpStream,
    registration: Rc<Registration>,
    reactor: &'r Reactor,
}
// ANCHOR_END: reactor

impl Reactor {
    pub fn new() -> io::Result<Reactor> {
        // SAFETY: a call with no pointers; a non-negative result is a new descriptor we own.
        let fd = unsafe { epoll_create1(EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened, and nothing else owns it.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Reactor { epoll, turns: Cell::new(0), events: Cell::new(0) })
    }

    /// How many times [`Reactor::turn`] called `epoll_wait`, and how many events those returned.
    pub fn counts(&self) -> (u64, u64) {
        (self.turns.get(), self.events.get())
    }

    /// `epoll_ctl` on this reactor's epoll instance, for the experiments that change a
    /// registration by hand (`EPOLL_CTL_MOD` after an `EPOLLONESHOT`).
    pub fn ctl(&self, op: c_int, fd: &impl AsRawFd, events: u32, data: u64) -> io::Result<()> {
        let mut event = EpollEvent { events, data };
        // SAFETY: `event` lives across the call; the kernel copies it.
        if unsafe { epoll_ctl(self.epoll.as_raw_fd(), op, fd.as_raw_fd(), &mut event) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    // ANCHOR: register
    /// Makes `stream` non-blocking and asks the kernel to report it readable, with the address of
    /// its [`Registration`] as the event's data.
    pub fn register(&self, stream: TcpStream, trigger: Trigger) -> io::Result<Source<'_>> {
        stream.set_nonblocking(true)?;
        // Readable until a read says otherwise: the first poll tries the socket at once.
        let registration = Rc::new(Registration { waker: Cell::new(None), readable: Cell::new(true) });
        let events = match trigger {
            Trigger::Level => EPOLLIN,
            Trigger::Edge => EPOLLIN | EPOLLET,
        };
        let data = Rc::as_ptr(&registration) as u64;
        let mut event = EpollEvent { events, data };
        // SAFETY: `event` lives across the call; the kernel copies it.
        if unsafe { epoll_ctl(self.epoll.as_raw_fd(), EPOLL_CTL_ADD, stream.as_raw_fd(), &mut event) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Source { stream, registration, reactor: self })
    }
    // ANCHOR_END: register

    // ANCHOR: turn
    /// Waits in `epoll_wait` for at most `timeout_ms` (-1: for ever), marks every socket it reports
    /// readable and wakes the task waiting on it. Returns how many sockets were reported.
    pub fn turn(&self, timeout_ms: i32) -> usize {
        const MAX_EVENTS: usize = 16;
        let mut events = [EpollEvent { events: 0, data: 0 }; MAX_EVENTS];
        self.turns.set(self.turns.get() + 1);
        let ready = loop {
            // SAFETY: the kernel writes at most MAX_EVENTS events into `events`.
            let n = unsafe { epoll_wait(self.epoll.as_raw_fd(), events.as_mut_ptr(), MAX_EVENTS as c_int, timeout_ms) };
            if n >= 0 {
                break &events[..n as usize];
            }
            let error = io::Error::last_os_error();
            assert_eq!(error.kind(), io::ErrorKind::Interrupted, "epoll_wait: {error}");
        };
        self.events.set(self.events.get() + ready.len() as u64);
        // First take every waker out, then wake them: a wake may run any code, even code that
        // drops a `Source`, and so frees a registration a later event still points to.
        let mut wakers = [const { None::<Waker> }; MAX_EVENTS];
        for (event, waker) in ready.iter().zip(&mut wakers) {
            // SAFETY: `data` is the address `register` gave the kernel. The registration lives
            // until its `Source` is dropped, which removes it from the epoll set first, so an
            // event that `epoll_wait` just returned points to a live one.
            let registration = unsafe { &*(event.data as *const Registration) };
            registration.readable.set(true);
            *waker = registration.waker.take();
        }
        for waker in &mut wakers[..ready.len()] {
            if let Some(waker) = waker.take() {
                waker.wake(); // through the vtable's `wake` slot: its executor decides what a wake is
            }
        }
        ready.len()
    }
    // ANCHOR_END: turn
}

impl AsRawFd for Reactor {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.epoll.as_raw_fd()
    }
}

// ANCHOR: source
impl<'r> Source<'r> {
    /// A future that reads what the socket has into `buf`, waiting for the reactor if it has
    /// nothing yet.
    pub fn read<'a>(&'a self, buf: &'a mut [u8]) -> Read<'a> {
        Read { stream: &self.stream, registration: &self.registration, buf }
    }
}

impl Drop for Source<'_> {
    fn drop(&mut self) {
        // Out of the epoll set before the registration is freed: no later event points to it.
        // Closing the socket would not be enough if another descriptor of it were open.
        let _ = self.reactor.ctl(EPOLL_CTL_DEL, &self.stream, 0, 0);
    }
}
// ANCHOR_END: source

impl<'r> Source<'r> {
    /// What this socket shares with the reactor.
    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    /// The socket itself.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// The reactor this socket is registered with.
    pub fn reactor(&self) -> &'r Reactor {
        self.reactor
    }
}

/// A connected pair of loopback TCP sockets (`127.0.0.1`, a port the kernel picks): the two ends
/// of a connection that never leaves the machine.
pub fn loopback_pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (server, _) = listener.accept()?;
    Ok((client, server))
}

// ---- edge- and level-triggered -----------------------------------------------------------------

// ---- an executor that sleeps in epoll_wait -----------------------------------------------------

// ANCHOR: block_on
/// The waker of [`block_on`]: only a flag. The wake comes from the reactor's turn, on the very
/// thread that waits, so there is no thread to unpark.
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

/// The future was pending, and no event came for `timeout_ms`: a wake-up that never comes.
#[derive(Debug, PartialEq, Eq)]
pub struct Stalled;

/// Chapter 4's `block_on`, with `epoll_wait` where it had `thread::park`: runs `future` to
/// completion, turning `reactor` while it is pending. Gives up after a turn of `timeout_ms`
/// that reported nothing and left the task unwoken.
pub fn block_on<F: Future>(reactor: &Reactor, future: F, timeout_ms: i32) -> Result<F::Output, Stalled> {
    let mut future = pin!(future);
    let woken = Arc::new(Woken(AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&woken));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Ok(output);
        }
        // Where chapter 4 parked: sleep in the kernel until a turn has woken this task. A wake
        // from another thread does not end the wait; the flag is looked at when the turn returns.
        while !woken.0.swap(false, Ordering::Acquire) {
            if reactor.turn(timeout_ms) == 0 && !woken.0.load(Ordering::Acquire) {
                return Err(Stalled);
            }
        }
    }
}
// ANCHOR_END: block_on

/// [`block_on`] of one concrete type, a `dyn Future` behind a pinned reference, so that the loop
/// gets code of its own in this crate: the listing the chapter reads.
pub fn block_on_dyn(
    reactor: &Reactor,
    future: Pin<&mut dyn Future<Output = ()>>,
    timeout_ms: i32,
) -> Result<(), Stalled> {
    block_on(reactor, future, timeout_ms)
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch11-reactor.md")]
pub struct ChapterPage;
