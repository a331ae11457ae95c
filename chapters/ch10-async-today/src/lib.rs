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

// ---- async closures ----------------------------------------------------------------------------

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

// ---- futures too big for the stack -------------------------------------------------------------

/// A leaf future that is pending exactly once, and wakes its own task before it says so: where
/// a real program would wait for a socket (chapter 5's `YieldOnce`, under a name of this section).
#[derive(Debug, Default)]
pub struct BigWait {
    waited: bool,
}

impl Future for BigWait {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.waited {
            return std::task::Poll::Ready(());
        }
        self.waited = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

// ANCHOR: big_buffer
/// How many bytes [`big_buffer`] holds across its await: 32 KiB, twice the size from which
/// `clippy::large_futures` warns.
pub const BIG: usize = 32 * 1024;

/// Holds a 32 KiB buffer across an await, as a read into a buffer on the stack would.
pub async fn big_buffer() -> u8 {
    let mut buffer = [0u8; BIG];
    // Stands for the read that fills the buffer: hides its bytes from the optimiser.
    std::hint::black_box(&mut buffer);
    BigWait::default().await;
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

// ---- where Send comes from ---------------------------------------------------------------------

/// The parts that need a crate besides `std`.
#[cfg(feature = "crates")]
pub mod crates {
    // ---- #[async_trait] and trait_variant -------------------------------------------------------

    // ---- futures' streams -----------------------------------------------------------------------
}

// The book's chapter page: its Rust blocks are compiled and run as this crate's doc-tests, with
// this crate's edition (see ARCHITECTURE.md, "Testing the book's Rust").
#[cfg(doctest)]
#[doc = include_str!("../../../book/ch10-async-today.md")]
pub struct ChapterPage;
