//! # Chapter 3: wakers and their vtable
//!
//! What a [`Waker`] is made of and what using one costs, down to the instruction:
//!
//! - [`noop_waker`]: the seed's no-op waker, with its vtable in a `static`.
//! - [`clone_of`], [`wake_of`], [`wake_by_ref_of`], [`drop_of`], [`will_wake_of`]: one waker
//!   operation each, kept out of line so that the book can read their call sites.
//! - [`CountingWaker`]: a waker written by hand over an `Arc`, which counts how often each
//!   function of its vtable runs and passes every wake-up on to another waker.
//! - [`Ledger`]: the same counts with nothing to free, in an honest version and two broken ones,
//!   so that a test can show what a broken vtable does without any undefined behaviour.
//! - [`ThreadWaker`] (a [`std::task::Wake`] implementation), [`block_on`] and
//!   [`block_on_counting`]: an executor that parks its thread until a waker is woken.
//! - [`oneshot`] and [`sleep`]: leaf futures that keep the waker of their most recent poll and
//!   are woken by someone else, here another thread.
//!
//! The book compiles this crate and reads what the waker operations became in x86-64 assembly
//! (`tests/listings.rs` checks those listings against `tests/snapshots/`).
//!
//! ```
//! use ch03_wakers::{block_on_counting, sleep};
//! use std::time::Duration;
//! let run = block_on_counting(sleep(Duration::from_millis(1)));
//! assert_eq!(run.polls(), 2); // pending, then woken by the timer thread, then ready
//! assert_eq!(run.counts.alive(), 0); // every waker made was woken or dropped
//! ```

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::{Pin, pin};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Wake, Waker};
use std::thread::{self, JoinHandle, Thread};
use std::time::Duration;

// ANCHOR: noop_waker
unsafe fn noop_clone(_data: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &NOOP_VTABLE)
}

unsafe fn noop(_data: *const ()) {}

/// The seed's vtable, in a `static` rather than a `const`: one address for the whole program,
/// which is what [`Waker::will_wake`] compares.
pub static NOOP_VTABLE: RawWakerVTable = RawWakerVTable::new(noop_clone, noop, noop, noop);

/// A waker whose four functions do nothing, made by hand.
pub fn noop_waker() -> Waker {
    // SAFETY: no function of NOOP_VTABLE reads the (null) data pointer, so the contract of
    // `RawWakerVTable` (clone keeps the data alive, drop releases it) holds trivially.
    unsafe { Waker::new(ptr::null(), &NOOP_VTABLE) }
}
// ANCHOR_END: noop_waker

// ANCHOR: std_noop
/// `Waker::noop()`, out of line: the listing shows the waker it returns, two words of read-only
/// data, and its vtable.
#[inline(never)]
pub fn std_noop() -> &'static Waker {
    Waker::noop()
}

/// Cloning `Waker::noop()` where the compiler can see which waker it is.
pub fn clone_std_noop() -> Waker {
    Waker::noop().clone()
}

/// Waking `Waker::noop()` where the compiler can see which waker it is.
pub fn wake_std_noop() {
    Waker::noop().wake_by_ref()
}
// ANCHOR_END: std_noop

// ANCHOR: call_sites
/// `Waker::clone`, out of line: the listing shows the call through the vtable's first slot.
pub fn clone_of(waker: &Waker) -> Waker {
    waker.clone()
}

/// `Waker::wake`, which consumes the waker.
pub fn wake_of(waker: Waker) {
    waker.wake()
}

/// `Waker::wake_by_ref`, which does not.
pub fn wake_by_ref_of(waker: &Waker) {
    waker.wake_by_ref()
}

/// Dropping a `Waker`.
pub fn drop_of(waker: Waker) {
    drop(waker)
}

/// `Waker::will_wake`. It calls nothing, so without `inline(never)` rustc would make it
/// cross-crate inlinable and emit no code for it in this crate (rust-lang/rust#116505).
#[inline(never)]
pub fn will_wake_of(waker: &Waker, other: &Waker) -> bool {
    waker.will_wake(other)
}
// ANCHOR_END: call_sites

// ANCHOR: wake_counts
/// How many wakers a counting waker made from scratch, and how many times each function of its
/// vtable ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WakeCounts {
    pub created: usize,
    pub clones: usize,
    pub wakes: usize,
    pub wakes_by_ref: usize,
    pub drops: usize,
}

impl WakeCounts {
    /// The wakers that exist now. Each one begins as an original or a clone and ends exactly
    /// once, by `wake` or by `drop`; `wake_by_ref` neither begins nor ends one.
    pub fn alive(&self) -> isize {
        (self.created + self.clones) as isize - (self.wakes + self.drops) as isize
    }
}

impl fmt::Display for WakeCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let WakeCounts { created, clones, wakes, wakes_by_ref, drops } = self;
        write!(f, "created {created}, cloned {clones}, woken {wakes} + {wakes_by_ref} by ref, dropped {drops}")
    }
}

/// The same counts, kept up to date from any thread.
///
/// `Relaxed` is enough: each counter is only ever incremented, and whoever reads them does so
/// after the thread that wrote them has handed its results over by some other synchronisation
/// (a `Mutex`, a join, the executor's wake-up flag).
#[derive(Debug, Default)]
pub struct WakeCounters {
    created: AtomicUsize,
    clones: AtomicUsize,
    wakes: AtomicUsize,
    wakes_by_ref: AtomicUsize,
    drops: AtomicUsize,
}

impl WakeCounters {
    pub const fn new() -> WakeCounters {
        WakeCounters {
            created: AtomicUsize::new(0),
            clones: AtomicUsize::new(0),
            wakes: AtomicUsize::new(0),
            wakes_by_ref: AtomicUsize::new(0),
            drops: AtomicUsize::new(0),
        }
    }

    pub fn counts(&self) -> WakeCounts {
        WakeCounts {
            created: self.created.load(Ordering::Relaxed),
            clones: self.clones.load(Ordering::Relaxed),
            wakes: self.wakes.load(Ordering::Relaxed),
            wakes_by_ref: self.wakes_by_ref.load(Ordering::Relaxed),
            drops: self.drops.load(Ordering::Relaxed),
        }
    }
}

fn bump(counter: &AtomicUsize) {
    counter.fetch_add(1, Ordering::Relaxed);
}
// ANCHOR_END: wake_counts

// ANCHOR: counting_waker
/// A waker made by hand over an `Arc<CountingWaker>`: it counts what its vtable does and passes
/// every wake-up on to `target`.
#[derive(Debug)]
pub struct CountingWaker {
    counters: WakeCounters,
    target: Waker,
}

impl CountingWaker {
    pub fn new(target: Waker) -> Arc<CountingWaker> {
        Arc::new(CountingWaker { counters: WakeCounters::new(), target })
    }

    /// A new waker (counted as created, not as a clone). It owns one strong count of the `Arc`.
    pub fn waker(self: &Arc<Self>) -> Waker {
        bump(&self.counters.created);
        let data = Arc::into_raw(Arc::clone(self)).cast::<()>();
        // SAFETY: `data` comes from `Arc::into_raw` and carries one strong count; every function
        // of COUNTING_VTABLE keeps to that: clone takes one more, wake and drop give it back,
        // wake_by_ref only borrows. All four are thread-safe (atomics and `Waker`).
        unsafe { Waker::new(data, &COUNTING_VTABLE) }
    }

    pub fn counts(&self) -> WakeCounts {
        self.counters.counts()
    }
}

static COUNTING_VTABLE: RawWakerVTable =
    RawWakerVTable::new(counting_clone, counting_wake, counting_wake_by_ref, counting_drop);

/// clone: the new waker needs a strong count of its own.
unsafe fn counting_clone(data: *const ()) -> RawWaker {
    let data = data.cast::<CountingWaker>();
    // SAFETY: `data` is a pointer from `Arc::into_raw` (see `waker`), and the waker being cloned
    // still owns its strong count, so the `CountingWaker` is alive.
    unsafe {
        bump(&(*data).counters.clones);
        Arc::increment_strong_count(data);
    }
    RawWaker::new(data.cast(), &COUNTING_VTABLE)
}

/// wake: consumes the waker, so it gives its strong count back.
unsafe fn counting_wake(data: *const ()) {
    // SAFETY: the waker owned one strong count and is consumed: the `Arc` takes that count back
    // and releases it when it goes out of scope, after the wake-up.
    let counting = unsafe { Arc::from_raw(data.cast::<CountingWaker>()) };
    bump(&counting.counters.wakes);
    counting.target.wake_by_ref();
}

/// wake_by_ref: the waker lives on, and so does its strong count.
unsafe fn counting_wake_by_ref(data: *const ()) {
    // SAFETY: the waker (which owns a strong count) is borrowed for the whole call.
    let counting = unsafe { &*data.cast::<CountingWaker>() };
    bump(&counting.counters.wakes_by_ref);
    counting.target.wake_by_ref();
}

/// drop: gives the strong count back; the last one frees the `CountingWaker`.
unsafe fn counting_drop(data: *const ()) {
    // SAFETY: as in `counting_wake`: this waker's strong count, taken back once.
    let counting = unsafe { Arc::from_raw(data.cast::<CountingWaker>()) };
    bump(&counting.counters.drops);
}
// ANCHOR_END: counting_waker

// ANCHOR: ledger
/// A counting waker that owns nothing: its data is a `&'static Ledger`, so no vtable function
/// of it can free anything, and a broken one can only make the counts disagree.
///
/// For this waker, counting *is* its resource management: `clones` plays the part of the
/// strong count a clone must take, `wakes` and `drops` the part of the counts given back.
#[derive(Debug)]
pub struct Ledger {
    counters: WakeCounters,
    vtable: &'static RawWakerVTable,
}

impl Ledger {
    /// A ledger whose vtable keeps the contract.
    pub const fn new() -> Ledger {
        Ledger { counters: WakeCounters::new(), vtable: &LEDGER_VTABLE }
    }

    pub fn waker(&'static self) -> Waker {
        bump(&self.counters.created);
        // SAFETY: the data is a `&'static Ledger`: valid for ever, and shared only through
        // atomics, so every function of every ledger vtable may use it from any thread.
        unsafe { Waker::new(ptr::from_ref(self).cast(), self.vtable) }
    }

    pub fn counts(&self) -> WakeCounts {
        self.counters.counts()
    }
}

impl Default for Ledger {
    fn default() -> Ledger {
        Ledger::new()
    }
}

static LEDGER_VTABLE: RawWakerVTable = RawWakerVTable::new(ledger_clone, ledger_wake, ledger_wake_by_ref, ledger_drop);

/// # Safety
/// `data` is the pointer of a ledger waker, that is a `&'static Ledger`.
unsafe fn ledger<'a>(data: *const ()) -> &'a Ledger {
    // SAFETY: see above.
    unsafe { &*data.cast::<Ledger>() }
}

unsafe fn ledger_clone(data: *const ()) -> RawWaker {
    // SAFETY (here and below): the vtable functions of a ledger get the pointer `Ledger::waker` made.
    let ledger = unsafe { ledger(data) };
    bump(&ledger.counters.clones);
    RawWaker::new(data, ledger.vtable)
}

unsafe fn ledger_wake(data: *const ()) {
    bump(&unsafe { ledger(data) }.counters.wakes);
}

unsafe fn ledger_wake_by_ref(data: *const ()) {
    bump(&unsafe { ledger(data) }.counters.wakes_by_ref);
}

unsafe fn ledger_drop(data: *const ()) {
    bump(&unsafe { ledger(data) }.counters.drops);
}
// ANCHOR_END: ledger

// ANCHOR: broken_ledgers
impl Ledger {
    /// A ledger whose `clone` forgets to count, that is to take the count a clone must own.
    pub const fn clone_forgets_to_retain() -> Ledger {
        Ledger { counters: WakeCounters::new(), vtable: &CLONE_FORGETS_TO_RETAIN }
    }

    /// A ledger whose `wake` is its `wake_by_ref`: it wakes, but never gives its count back.
    pub const fn wake_forgets_to_release() -> Ledger {
        Ledger { counters: WakeCounters::new(), vtable: &WAKE_FORGETS_TO_RELEASE }
    }
}

unsafe fn clone_without_retain(data: *const ()) -> RawWaker {
    // SAFETY: as in `ledger_clone`, of which this is a copy without the `bump`.
    RawWaker::new(data, unsafe { ledger(data) }.vtable)
}

static CLONE_FORGETS_TO_RETAIN: RawWakerVTable =
    RawWakerVTable::new(clone_without_retain, ledger_wake, ledger_wake_by_ref, ledger_drop);

static WAKE_FORGETS_TO_RELEASE: RawWakerVTable =
    RawWakerVTable::new(ledger_clone, ledger_wake_by_ref, ledger_wake_by_ref, ledger_drop);
// ANCHOR_END: broken_ledgers

// ANCHOR: thread_waker
/// The waker of [`block_on`]: a flag, then the blocked thread's unpark token.
#[derive(Debug)]
pub struct ThreadWaker {
    thread: Thread,
    woken: AtomicBool,
}

impl ThreadWaker {
    /// A waker for the calling thread.
    pub fn current() -> Arc<ThreadWaker> {
        Arc::new(ThreadWaker { thread: thread::current(), woken: AtomicBool::new(false) })
    }

    /// Sleeps until this waker has been woken since the last call; returns at once if it
    /// already has. However many wake-ups came in between, one call consumes them all.
    pub fn wait(&self) {
        // `park` may return without any `unpark` (its documentation says so), or because of an
        // `unpark` meant for someone else: the flag, not the return, says we were woken.
        while !self.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release: what the waking thread wrote before waking is visible to the next poll.
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// `Waker::from(Arc<ThreadWaker>)`, in a non-generic function: this is what makes rustc emit
/// std's four vtable functions for `ThreadWaker` (and the vtable) in this crate.
#[inline(never)]
pub fn thread_waker(thread_waker: Arc<ThreadWaker>) -> Waker {
    Waker::from(thread_waker)
}
// ANCHOR_END: thread_waker

// ANCHOR: block_on
/// Runs `future` to completion on the current thread, sleeping while it is pending.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let sleeper = ThreadWaker::current();
    let waker = thread_waker(Arc::clone(&sleeper));
    poll_until_ready(future, &waker, &sleeper, || {})
}

/// Polls `future` with `waker` until it is ready; after each `Pending`, sleeps until `sleeper`
/// is woken. Calls `after_poll` after every poll.
fn poll_until_ready<F: Future>(
    future: F,
    waker: &Waker,
    sleeper: &ThreadWaker,
    mut after_poll: impl FnMut(),
) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(waker);
    loop {
        let poll = future.as_mut().poll(&mut cx);
        after_poll();
        match poll {
            Poll::Ready(output) => return output,
            Poll::Pending => sleeper.wait(),
        }
    }
}
// ANCHOR_END: block_on

// ANCHOR: block_on_counting
/// What [`block_on_counting`] saw.
#[derive(Debug)]
pub struct Run<T> {
    pub output: T,
    /// The counts right after each poll, in order.
    pub after_each_poll: Vec<WakeCounts>,
    /// The counts at the end, once the future and the executor's own waker are dropped.
    pub counts: WakeCounts,
}

impl<T> Run<T> {
    pub fn polls(&self) -> usize {
        self.after_each_poll.len()
    }
}

/// [`block_on`] with a [`CountingWaker`] between the future and the thread waker.
pub fn block_on_counting<F: Future>(future: F) -> Run<F::Output> {
    let sleeper = ThreadWaker::current();
    let counting = CountingWaker::new(thread_waker(Arc::clone(&sleeper)));
    let waker = counting.waker();
    let mut after_each_poll = Vec::new();
    let output = poll_until_ready(future, &waker, &sleeper, || after_each_poll.push(counting.counts()));
    drop(waker);
    Run { output, after_each_poll, counts: counting.counts() }
}
// ANCHOR_END: block_on_counting

// ANCHOR: oneshot
/// The sending half of a [`oneshot`] channel.
#[derive(Debug)]
pub struct Sender<T> {
    shared: Arc<Mutex<Slot<T>>>,
}

/// The receiving half: a future of the value, or of `None` if the sender is dropped unused.
#[derive(Debug)]
pub struct Receiver<T> {
    shared: Arc<Mutex<Slot<T>>>,
}

/// What the two halves share: the value, and the waker of the receiver's most recent poll.
#[derive(Debug)]
struct Slot<T> {
    value: Option<T>,
    sender_gone: bool,
    waker: Option<Waker>,
}

/// A channel for one value.
pub fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Mutex::new(Slot { value: None, sender_gone: false, waker: None }));
    (Sender { shared: Arc::clone(&shared) }, Receiver { shared })
}

impl<T> Sender<T> {
    /// Stores the value; dropping `self` right after wakes the receiver.
    pub fn send(self, value: T) {
        self.shared.lock().unwrap().value = Some(value);
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.shared.lock().unwrap();
            slot.sender_gone = true;
            slot.waker.take()
        };
        // Woken after the lock is released: the receiver may be polled at once, on another thread.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = self.shared.lock().unwrap();
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Some(value));
        }
        if slot.sender_gone {
            return Poll::Ready(None);
        }
        // Pending: keep this poll's waker, replacing the previous one, under the same lock the
        // sender takes, so that no send can slip between the check above and this line.
        // `clone_from` does not clone if the stored waker `will_wake` the same task.
        match &mut slot.waker {
            Some(stored) => stored.clone_from(cx.waker()),
            None => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
// ANCHOR_END: oneshot

// ANCHOR: sleep
/// A future that is ready once `duration` has passed on a timer thread of its own.
#[derive(Debug)]
pub struct Sleep {
    alarm: Receiver<()>,
    timer: Timer,
}

#[derive(Debug)]
enum Timer {
    NotStarted(Sender<()>, Duration),
    Running(JoinHandle<()>),
    Done,
}

pub fn sleep(duration: Duration) -> Sleep {
    let (sender, alarm) = oneshot();
    Sleep { alarm, timer: Timer::NotStarted(sender, duration) }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self; // every field is Unpin
        // Polling the receiver first stores this poll's waker where the timer thread will find it.
        let rang = Pin::new(&mut this.alarm).poll(cx).is_ready();
        match mem::replace(&mut this.timer, Timer::Done) {
            Timer::NotStarted(sender, duration) => {
                let timer = thread::spawn(move || {
                    thread::sleep(duration);
                    sender.send(()); // the sender is dropped here, which wakes the stored waker
                });
                this.timer = Timer::Running(timer);
            }
            // The timer has rung; let its thread finish so that nothing outlives the future.
            Timer::Running(timer) if rang => timer.join().expect("the timer thread panicked"),
            unchanged => this.timer = unchanged,
        }
        if rang { Poll::Ready(()) } else { Poll::Pending }
    }
}
// ANCHOR_END: sleep

/// A future that is pending once and, during that first poll, wakes its own task `wakes` times:
/// the source of the spurious and coalesced wake-ups in the example `spurious_and_coalesced`.
///
/// ```
/// assert_eq!(ch03_wakers::block_on(ch03_wakers::WakeItself::new(2)), ());
/// ```
#[derive(Debug)]
pub struct WakeItself {
    wakes: usize,
    polled: bool,
}

impl WakeItself {
    pub fn new(wakes: usize) -> Self {
        WakeItself { wakes, polled: false }
    }
}

impl Future for WakeItself {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        for _ in 0..self.wakes {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch03-wakers.md")]
pub struct ChapterPage;
