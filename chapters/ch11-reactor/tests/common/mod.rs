//! What the chapter's test files share: a waker that counts, the bound on every wait, and the
//! listings' helpers.
#![allow(dead_code)] // each test file uses part of it

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};

use listings::{AsmListing, AsmOptions, Listing};

pub const CHAPTER: &str = "ch11-reactor";

/// The longest any wait of these tests may last, in milliseconds: a correct run never waits this
/// long (every byte is on loopback before or while the reactor waits), so the bound only decides
/// how soon a lost wake-up is reported.
pub const TIMEOUT_MS: i32 = 2_000;

/// How long a test that expects a lost wake-up waits for the wake before it calls it lost.
pub const STALL_MS: i32 = 20;

/// A waker that counts its wakes.
#[derive(Default)]
pub struct Counter {
    wakes: AtomicUsize,
}

impl Counter {
    pub fn new() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter::default());
        let waker = Waker::from(Arc::clone(&counter));
        (counter, waker)
    }

    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn asm(function: &str, options: AsmOptions) -> AsmListing {
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

/// Every instruction, mnemonic and operands in one string with single spaces.
pub fn instructions(listing: &Listing) -> Vec<String> {
    listing.instructions().map(|(mnemonic, operands)| format!("{mnemonic} {operands}")).collect()
}

/// Whether `all` has lines starting with each of `expected`, in this order (others between).
pub fn in_order(all: &[String], expected: &[&str]) -> bool {
    let mut rest = all.iter();
    expected.iter().all(|wanted| rest.any(|line| line.starts_with(wanted)))
}

/// Writes `bytes` on `peer`, then waits (bounded by [`TIMEOUT_MS`]) until `receiver` has them
/// all, without taking them: after this, the next `epoll_wait` finds them whatever the load on
/// the machine.
pub fn write_and_wait_until_there(peer: &std::net::TcpStream, receiver: &std::net::TcpStream, bytes: &[u8]) {
    use std::io::Write;
    use std::time::{Duration, Instant};
    (&*peer).write_all(bytes).unwrap();
    let deadline = Instant::now() + Duration::from_millis(TIMEOUT_MS as u64);
    let mut peek = vec![0_u8; bytes.len()];
    while receiver.peek(&mut peek).map_or(true, |n| n < bytes.len()) {
        assert!(Instant::now() < deadline, "the bytes never arrived");
        std::thread::yield_now();
    }
}
