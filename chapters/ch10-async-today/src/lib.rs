//! # Chapter 10: the async Rust people write today
//!
//! The language features that came after the book's free `async fn`s, each taken apart:
//! `async fn` in traits, async closures, recursion, streams, futures too big for the stack, and
//! where `Send` comes from.
//!
//! The library needs only `std`, except the module `crates` (behind the default feature of the
//! same name): every listing's Compiler Explorer link carries this file, and the intermediate
//! stages compile it alone, with the feature off.

// ---- the chapter's leaf ------------------------------------------------------------------------

// ANCHOR: yield_once
/// A leaf future that is pending exactly once, waking its own task first, then ready: one
/// suspension point wherever it is awaited, as a socket not yet readable would be (chapter 5's
/// `YieldOnce`, copied: a chapter's library needs nothing but `std`). Every section's code awaits
/// it; paths are written in full, so that the sections' code imports nothing for another.
#[derive(Debug, Default)]
pub struct YieldOnce {
    yielded: bool,
}

impl std::future::Future for YieldOnce {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.yielded {
            return std::task::Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}
// ANCHOR_END: yield_once

// ---- async fn in traits ------------------------------------------------------------------------
//
// Paths are written out in full (`std::future::Future`) instead of `use`d: several sections share
// this file, and two `use`s of one name would collide.

// ANCHOR: traits_store
/// A store of numbers by key, with an `async fn` in it, as a tokio user writes one.
// The lint `async_fn_in_trait` warns about an `async fn` in a public trait; what it warns about
// is the page's subject, so here it is allowed.
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn get(&self, key: u32) -> u32;
}

/// A store in memory: its `get` never waits.
#[derive(Debug, Default)]
pub struct Memory {
    pub base: u32,
}

impl Store for Memory {
    async fn get(&self, key: u32) -> u32 {
        self.base + key
    }
}
// ANCHOR_END: traits_store

// ANCHOR: traits_get_static
/// One call of `Store::get` and one poll of its future, with a waker that does nothing: what an
/// executor does with a future that is ready at once. `Memory`'s `get` is ready at its first poll.
pub fn get_static(store: &Memory, key: u32) -> u32 {
    let mut future = std::pin::pin!(Store::get(store, key));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(value) => value,
        std::task::Poll::Pending => unreachable!("a get that waits"),
    }
}
// ANCHOR_END: traits_get_static

// ANCHOR: traits_remote
/// A store that waits once before it answers, as one behind a socket would, and keeps its
/// request across the wait.
#[derive(Debug, Default)]
pub struct Remote {
    pub base: u32,
}

impl Store for Remote {
    async fn get(&self, key: u32) -> u32 {
        let request = [key; 8];
        crate::YieldOnce::default().await;
        self.base + request[7]
    }
}
// ANCHOR_END: traits_remote

// ANCHOR: traits_spawn_thread
/// `tokio::spawn`'s bounds with one thread per task: the future and its output move to another
/// thread, so both must be `Send`, and may outlive the caller, so both must be `'static`.
pub fn spawn_thread<F>(future: F) -> std::thread::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    std::thread::spawn(move || block_on_thread(future))
}
// ANCHOR_END: traits_spawn_thread

/// Polls `future` on this thread until it is ready, parking the thread between polls
/// (chapter 4's `block_on`).
pub fn block_on_thread<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}

// ANCHOR: traits_send_store
/// `Store` with the `Send` bound written in: the signature `async fn` stands for, plus `+ Send`.
pub trait SendStore {
    fn get(&self, key: u32) -> impl std::future::Future<Output = u32> + Send;
}

impl SendStore for Memory {
    // An impl may still write `async fn`: its future must be `Send`, and this one is.
    async fn get(&self, key: u32) -> u32 {
        self.base + key
    }
}

/// Starts `store.get(key)` on another thread: it compiles because the trait promises `Send`.
pub fn get_in_background<S: SendStore>(store: &'static S, key: u32) -> std::thread::JoinHandle<u32> {
    spawn_thread(store.get(key))
}
// ANCHOR_END: traits_send_store

// ---- async closures ----------------------------------------------------------------------------

// ANCHOR: async_logger
/// An async closure that owns a log. Each call's future pushes `entry` onto that log, waits
/// once, and answers how long the log has grown. A call through `AsyncFnMut` lends the log to its
/// future and keeps it for the next call; a call by value gives it to its future.
pub fn async_logger(mut log: Vec<u32>) -> impl AsyncFnMut(u32) -> usize {
    async move |entry| {
        log.push(entry);
        crate::YieldOnce::default().await;
        log.len()
    }
}
// ANCHOR_END: async_logger

// ANCHOR: call_twice
/// Calls `f` twice, each call's future awaited before the next call is made.
pub async fn call_twice(mut f: impl AsyncFnMut(u32) -> usize) -> usize {
    f(1).await;
    f(2).await
}

/// The async closure, called twice.
pub async fn log_twice() -> usize {
    call_twice(async_logger(Vec::new())).await
}
// ANCHOR_END: call_twice

// ANCHOR: shared_logger
/// The same log with a closure that returns an async block. The block cannot borrow from the
/// closure, so the log is shared: each call clones the `Rc` into the future it returns.
pub async fn log_twice_shared(log: std::rc::Rc<std::cell::RefCell<Vec<u32>>>) -> usize {
    call_twice(move |entry| {
        let log = std::rc::Rc::clone(&log);
        async move {
            log.borrow_mut().push(entry);
            crate::YieldOnce::default().await;
            log.borrow().len()
        }
    })
    .await
}
// ANCHOR_END: shared_logger

// ANCHOR: closure_kinds
/// Reads its captures only: an `AsyncFn`, whose call borrows the closure shared.
pub fn async_reader(names: Vec<String>) -> impl AsyncFn(usize) -> usize {
    async move |index| names[index].len()
}

/// Gives its capture away: an `AsyncFnOnce` only, whose call consumes the closure.
pub fn async_consumer(names: Vec<String>) -> impl AsyncFnOnce() -> Vec<String> {
    async move || names
}
// ANCHOR_END: closure_kinds

// ---- recursion ---------------------------------------------------------------------------------

// ANCHOR: recursion_depth
/// Counts its own depth: `recursion_depth(n)` is `n`, reached through `n` nested calls, each of
/// whose futures is boxed. Without the `Box::pin` the future would contain itself
/// (rustc refuses it with E0733: the page's `compile_fail` block).
pub async fn recursion_depth(n: u32) -> u32 {
    if n == 0 { 0 } else { Box::pin(recursion_depth(n - 1)).await + 1 }
}
// ANCHOR_END: recursion_depth

/// [`recursion_depth`]'s future as an executor holds a task: the trait object's vtable points at
/// the resume function, so the crate compiles it to machine code at every opt-level.
pub fn recursion_depth_task(n: u32) -> std::pin::Pin<Box<dyn Future<Output = u32>>> {
    Box::pin(recursion_depth(n))
}

// ---- streams -----------------------------------------------------------------------------------

/// Streams, with `std` alone: the trait's shape, a stream written by hand, the future that
/// `next()` returns, and the `while let` loop that awaits it. Everything here is std-only so that
/// the intermediate stages (HIR, MIR, type sizes), which compile this file alone, can list it;
/// `crates::streams` sets the same stream beside `futures`' own trait and `unfold`.
pub mod streams {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    // ANCHOR: stream_trait
    /// The shape of `futures::Stream` (`futures_core::stream::Stream`), written out: a `poll`
    /// whose answer is `Poll<Option<Item>>`. `Ready(Some(item))` is an item, `Ready(None)` the
    /// end, `Pending` "not yet, I will wake you".
    pub trait Stream {
        type Item;

        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>>;
    }
    // ANCHOR_END: stream_trait

    // ANCHOR: countdown
    /// A stream written by hand: `from`, `from - 1`, …, `1`, then the end. Before each item it
    /// is pending once (and wakes its task first), as a stream waiting on a socket would be.
    #[derive(Debug)]
    pub struct Countdown {
        next: u32,
        woken: bool,
    }

    impl Countdown {
        pub fn new(from: u32) -> Countdown {
            Countdown { next: from, woken: false }
        }
    }

    impl Stream for Countdown {
        type Item = u32;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
            if self.next == 0 {
                return Poll::Ready(None); // the end
            }
            if !self.woken {
                self.woken = true;
                cx.waker().wake_by_ref();
                return Poll::Pending; // not yet
            }
            self.woken = false;
            let item = self.next;
            self.next -= 1;
            Poll::Ready(Some(item)) // an item
        }
    }
    // ANCHOR_END: countdown

    // ANCHOR: next
    /// What `futures::StreamExt::next` returns, with the same one field: a future that polls
    /// the stream it borrows once per poll of its own, and is done at the first `Ready`.
    #[derive(Debug)]
    pub struct Next<'a, S: ?Sized> {
        stream: &'a mut S,
    }

    impl<S: Stream + Unpin + ?Sized> Future for Next<'_, S> {
        type Output = Option<S::Item>;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
            Pin::new(&mut *self.stream).poll_next(cx)
        }
    }

    /// `stream.next()`, as `futures::StreamExt` spells it.
    pub trait StreamExt: Stream {
        fn next(&mut self) -> Next<'_, Self>
        where
            Self: Unpin,
        {
            Next { stream: self }
        }
    }

    impl<S: Stream + ?Sized> StreamExt for S {}
    // ANCHOR_END: next

    // ANCHOR: countdown_step
    /// One step of the countdown as `futures::stream::unfold` wants it: from the state, a
    /// future of the next item and the next state, or of `None` at the end.
    pub async fn countdown_step(next: u32) -> Option<(u32, u32)> {
        if next == 0 {
            return None;
        }
        crate::YieldOnce::default().await;
        Some((next, next - 1))
    }
    // ANCHOR_END: countdown_step
}

// ANCHOR: sum_countdown
/// The loop people write for `for await`, which stable Rust does not have. (Outside the module so
/// that the HIR listing, which lists the crate's top-level items, can show it alone.)
pub async fn sum_countdown(mut countdown: streams::Countdown) -> u32 {
    use streams::StreamExt as _;
    let mut sum = 0;
    while let Some(item) = countdown.next().await {
        sum += item;
    }
    sum
}
// ANCHOR_END: sum_countdown

// ---- futures too big for the stack -------------------------------------------------------------

// ANCHOR: big_buffer
/// How many bytes [`big_buffer`] holds across its await: 32 KiB, twice the size from which
/// `clippy::large_futures` warns.
pub const BIG: usize = 32 * 1024;

/// Holds a 32 KiB buffer across an await, as a read into a buffer on the stack would.
pub async fn big_buffer() -> u8 {
    let mut buffer = [0u8; BIG];
    // Stands for the read that fills the buffer: hides its bytes from the optimiser.
    std::hint::black_box(&mut buffer);
    crate::YieldOnce::default().await;
    buffer[BIG - 1]
}
// ANCHOR_END: big_buffer

// ANCHOR: big_awaiter
/// Awaits [`big_buffer`]: its future holds `big_buffer`'s whole future while it waits.
#[expect(clippy::large_futures, reason = "the page's subject: clippy flags this await")]
pub async fn big_awaiter() -> u8 {
    big_buffer().await
}
// ANCHOR_END: big_awaiter

// ANCHOR: big_awaiter_boxed
/// The cure: the awaited future on the heap, and only a pointer to it in this one.
pub async fn big_awaiter_boxed() -> u8 {
    Box::pin(big_buffer()).await
}
// ANCHOR_END: big_awaiter_boxed

/// The two awaiters as an executor holds tasks: the vtables point at their resume functions,
/// so the crate compiles them to machine code at every opt-level.
pub fn big_tasks() -> [std::pin::Pin<Box<dyn Future<Output = u8>>>; 2] {
    [Box::pin(big_awaiter()), Box::pin(big_awaiter_boxed())]
}

/// What the example `big_future_on_a_small_stack` runs on a thread with a small stack: a
/// `block_on`, and one task for each awaiter. They are here, and not in the example, so that the
/// listings can show their frames (`cargo xtask asm ch10 small_stack::run_inline --opt-level 0`).
pub mod small_stack {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    // ANCHOR: small_stack_block_on
    /// Polls `future` until it is ready, as every executor's `block_on` does: it takes the future
    /// by value and pins it in its own stack frame (chapter 4 built one with a real waker).
    pub fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    // One function per task, each with a frame of its own.
    pub fn run_inline() -> u8 {
        block_on(crate::big_awaiter())
    }

    pub fn run_boxed() -> u8 {
        block_on(crate::big_awaiter_boxed())
    }
    // ANCHOR_END: small_stack_block_on
}

// ---- where Send comes from ---------------------------------------------------------------------

// ANCHOR: send_total
/// Adds up `keys`, waiting once before each. Its signature says nothing about `Send`.
pub async fn total(keys: Vec<u32>) -> u32 {
    let mut sum = 0;
    for key in keys {
        crate::YieldOnce::default().await;
        sum += key;
    }
    sum
}

/// The same, counting the keys in an `Rc` that lives across the awaits. It compiles: nothing
/// here asks for `Send`.
pub async fn total_with_rc(keys: Vec<u32>) -> u32 {
    let seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut sum = 0;
    for key in keys {
        crate::YieldOnce::default().await;
        sum += key;
        seen.set(seen.get() + 1);
    }
    sum
}
// ANCHOR_END: send_total

// ANCHOR: send_total_checked
/// `total` with its promise written down: the signature says `Send`, and the compiler checks
/// the body against it here, not at some caller.
// Clippy's `manual_async_fn` would make this an `async fn` again, and drop the promise with it.
#[allow(clippy::manual_async_fn)]
pub fn total_checked(keys: Vec<u32>) -> impl std::future::Future<Output = u32> + Send {
    async move {
        let mut sum = 0;
        for key in keys {
            crate::YieldOnce::default().await;
            sum += key;
        }
        sum
    }
}
// ANCHOR_END: send_total_checked

/// The parts that need a crate besides `std`.
#[cfg(feature = "crates")]
pub mod crates {
    // ---- #[async_trait] and trait_variant -------------------------------------------------------

    // ANCHOR: traits_variant
    /// `trait_variant::make` writes `SharedStore`, this trait with `+ Send` on each method's
    /// future and `Send` as a supertrait, and implements `LocalStore` for every `SharedStore`.
    #[trait_variant::make(SharedStore: Send)]
    pub trait LocalStore {
        async fn get(&self, key: u32) -> u32;
    }

    impl SharedStore for crate::Memory {
        async fn get(&self, key: u32) -> u32 {
            self.base + key
        }
    }
    // ANCHOR_END: traits_variant

    // ANCHOR: traits_async_trait
    /// `#[async_trait]` turns each `async fn` into a method returning
    /// `Pin<Box<dyn Future<Output = …> + Send + 'async_trait>>`, and each body into `Box::pin(async move { … })`.
    #[async_trait::async_trait]
    pub trait BoxedStore {
        async fn get(&self, key: u32) -> u32;
    }

    #[async_trait::async_trait]
    impl BoxedStore for crate::Memory {
        async fn get(&self, key: u32) -> u32 {
            self.base + key
        }
    }

    /// A call through `dyn`, which `Store` cannot have.
    pub async fn get_through_dyn(store: &dyn BoxedStore, key: u32) -> u32 {
        store.get(key).await
    }
    // ANCHOR_END: traits_async_trait

    // ANCHOR: traits_get_boxed
    /// `get_static`'s twin: one call of `BoxedStore::get` on a `Memory`, and one poll.
    pub fn get_boxed(store: &crate::Memory, key: u32) -> u32 {
        let mut future = BoxedStore::get(store, key);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => unreachable!("a get that waits"),
        }
    }
    // ANCHOR_END: traits_get_boxed

    // ANCHOR: traits_get_dyn
    /// The same through `dyn BoxedStore`: `get_boxed` but for the parameter's type.
    pub fn get_dyn(store: &dyn BoxedStore, key: u32) -> u32 {
        let mut future = BoxedStore::get(store, key);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => unreachable!("a get that waits"),
        }
    }
    // ANCHOR_END: traits_get_dyn

    // ---- futures' streams -----------------------------------------------------------------------

    /// The same countdown with `futures`: its `Stream` trait, implemented for the hand-written
    /// stream, and a stream built by `futures::stream::unfold` from `countdown_step`.
    pub mod streams {
        use std::pin::Pin;
        use std::task::{Context, Poll};

        use crate::streams::{Countdown, countdown_step};

        // ANCHOR: futures_stream
        /// `futures::Stream` has the shape of this crate's `Stream`: the impl only forwards.
        impl futures::Stream for Countdown {
            type Item = u32;

            fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
                crate::streams::Stream::poll_next(self, cx)
            }
        }
        // ANCHOR_END: futures_stream

        // ANCHOR: countdown_unfold
        /// The countdown again, built from a state (`from`) and a function from a state to a
        /// future of the next item and state.
        pub fn countdown_unfold(from: u32) -> impl futures::Stream<Item = u32> {
            futures::stream::unfold(from, countdown_step)
        }
        // ANCHOR_END: countdown_unfold

        /// The unfold countdown as a boxed `dyn Stream`, so that its `poll_next` is compiled
        /// (into the vtable) and has machine code to list.
        pub fn boxed_countdown_unfold(from: u32) -> Pin<Box<dyn futures::Stream<Item = u32>>> {
            Box::pin(countdown_unfold(from))
        }
    }
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch10-async-today.md")]
pub struct ChapterPage;
