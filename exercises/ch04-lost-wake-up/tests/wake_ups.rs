//! `block_on` against every kind of wake-up of chapter 4. Each run is given a few seconds; a
//! `block_on` still asleep after that has lost a wake-up.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use ch04_lost_wake_up::block_on;
use exercise_harness::{WokenByAThread, within};

const PATIENCE: Duration = Duration::from_secs(3);

/// Pending `times` times, waking its own task inside each of those polls.
struct WakesDuringPoll {
    times: u32,
}

impl Future for WakesDuringPoll {
    type Output = &'static str;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.times == 0 {
            return Poll::Ready("done");
        }
        self.times -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_future_ready_at_once_gives_its_output() {
    assert_eq!(
        within(PATIENCE, || block_on(async { 42 })),
        Some(42),
        "block_on(async {{ 42 }}) returns 42, without sleeping"
    );
}

#[test]
fn a_wake_during_poll_is_not_lost() {
    assert_eq!(
        within(PATIENCE, || block_on(WakesDuringPoll { times: 3 })),
        Some("done"),
        "the future woke its task inside poll, and block_on went to sleep anyway: the wake-up was lost. \
         What does the loop do to the flag after a poll that already raised it?"
    );
}

#[test]
fn a_wake_from_another_thread_ends_the_sleep() {
    let future = WokenByAThread::new(Duration::from_millis(30));
    assert_eq!(within(PATIENCE, || block_on(future)), Some(()), "block_on slept through a wake from another thread");
}

/// Wakes its task, then parks the thread itself: that park takes the token (chapter 4).
struct StealsTheToken {
    polls: u32,
}

impl Future for StealsTheToken {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        if self.polls > 1 {
            return Poll::Ready(self.polls);
        }
        cx.waker().wake_by_ref();
        thread::park();
        Poll::Pending
    }
}

#[test]
fn a_token_taken_by_the_future_does_not_lose_the_wake_up() {
    assert_eq!(
        within(PATIENCE, || block_on(StealsTheToken { polls: 0 })),
        Some(2),
        "the future's own park used up the token; the wake-up must still be found"
    );
}

/// Sends its thread and its waker out on the first poll, then waits to be woken.
struct Reachable {
    polls: Arc<AtomicUsize>,
    out: Option<mpsc::Sender<(thread::Thread, Waker)>>,
    woken: Arc<Mutex<bool>>,
}

impl Future for Reachable {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        if *self.woken.lock().unwrap() {
            return Poll::Ready(());
        }
        if let Some(out) = self.out.take() {
            out.send((thread::current(), cx.waker().clone())).unwrap();
        }
        Poll::Pending
    }
}

#[test]
fn an_unpark_that_is_no_wake_up_costs_no_poll() {
    let polls = Arc::new(AtomicUsize::new(0));
    let woken = Arc::new(Mutex::new(false));
    let (out, reached) = mpsc::channel();
    let future = Reachable { polls: Arc::clone(&polls), out: Some(out), woken: Arc::clone(&woken) };
    let running = thread::spawn(move || within(PATIENCE, || block_on(future)));
    let (thread, waker) = reached.recv().unwrap();
    for _ in 0..3 {
        thread::sleep(Duration::from_millis(10));
        thread.unpark(); // a stray unpark: somebody else's, or a spurious return of park
    }
    thread::sleep(Duration::from_millis(10));
    *woken.lock().unwrap() = true;
    waker.wake();
    assert_eq!(running.join().unwrap(), Some(()), "block_on never finished");
    assert_eq!(polls.load(Ordering::SeqCst), 2, "three stray unparks must not each cost a poll: only a wake-up does");
}
