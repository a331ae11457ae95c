//! # Chapter 10: the async Rust people write today
//!
//! The language features that came after the book's free `async fn`s, each taken apart:
//! `async fn` in traits, async closures, recursion, streams, futures too big for the stack, and
//! where `Send` comes from.
//!
//! The library needs only `std`, except the module `crates` (behind the default feature of the
//! same name): every listing's Compiler Explorer link carries this file, and the intermediate
//! stages compile it alone, with the feature off.

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
        PendingOnce::default().await;
        self.base + request[7]
    }
}
// ANCHOR_END: traits_remote

// ANCHOR: traits_pending_once
/// A leaf future that is pending once, and wakes its task before it says so (chapter 5's
/// `YieldOnce` under another name: a chapter's library needs nothing but `std`).
#[derive(Debug, Default)]
pub struct PendingOnce {
    pended: bool,
}

impl std::future::Future for PendingOnce {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.pended {
            return std::task::Poll::Ready(());
        }
        self.pended = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}
// ANCHOR_END: traits_pending_once

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
pub fn get_in_background<S: SendStore + Sync>(store: &'static S, key: u32) -> std::thread::JoinHandle<u32> {
    spawn_thread(store.get(key))
}
// ANCHOR_END: traits_send_store

// ---- async closures ----------------------------------------------------------------------------

// ---- recursion ---------------------------------------------------------------------------------

// ---- streams -----------------------------------------------------------------------------------

// ---- futures too big for the stack -------------------------------------------------------------

// ---- where Send comes from ---------------------------------------------------------------------

// ANCHOR: send_total
/// Adds up `keys`, waiting once before each. Its signature says nothing about `Send`.
pub async fn total(keys: Vec<u32>) -> u32 {
    let mut sum = 0;
    for key in keys {
        PendingOnce::default().await;
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
        PendingOnce::default().await;
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
            PendingOnce::default().await;
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
    /// `Pin<Box<dyn Future<Output = …> + Send + '_>>`, and each body into `Box::pin(async move { … })`.
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
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch10-async-today.md")]
pub struct ChapterPage;
