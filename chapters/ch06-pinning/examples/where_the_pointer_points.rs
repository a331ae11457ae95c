//! Where the pointer inside `points_into_itself`'s future points, watched at run time:
//! `cargo run -p ch06-pinning --example where_the_pointer_points`.
//!
//! Addresses change from run to run, so everything is printed relative to the future's own
//! address. Nothing here dereferences a pointer the future made: the future reports the address
//! it stored through `seen`, and the stored pointer itself is only read as a value.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

use ch06_pinning::points_into_itself;

/// Where `view` lies in the future while it is suspended: the layout table of the chapter
/// (`tests/listings.rs` checks that the table still says 16).
const VIEW_OFFSET: usize = 16;

/// `address` as an offset from `base` (`box + 0`) if it lies in the `size` bytes there.
fn inside(address: usize, base: usize, size: usize, base_name: &str) -> Option<String> {
    address.checked_sub(base).filter(|offset| *offset < size).map(|offset| format!("{base_name} + {offset}"))
}

/// The pointer stored at `VIEW_OFFSET` in the future at `future`, read as a value.
///
/// # Safety
/// `future` is a `points_into_itself` future suspended at its `.await`, where the layout puts
/// `view`, an initialised reference, at `VIEW_OFFSET`.
unsafe fn stored_view(future: *const u8) -> usize {
    // SAFETY: see above; the read copies the pointer's bits and does not follow it.
    unsafe { future.add(VIEW_OFFSET).cast::<*const u8>().read_unaligned().addr() }
}

fn main() {
    let mut cx = Context::from_waker(Waker::noop());

    let seen = Cell::new(0);
    let future = points_into_itself(&seen);
    let size = size_of_val(&future);
    println!("points_into_itself(&seen): a future of {size} bytes; seen = {} (the body has not run)", seen.get());

    // Moving before the first poll: nothing points into the future yet.
    let mut boxed = Box::pin(future);
    let poll = boxed.as_mut().poll(&mut cx);
    let base = std::ptr::from_ref(&*boxed).cast::<u8>();
    let in_box = |address| inside(address, base.addr(), size, "box").unwrap_or_else(|| "outside the box".into());
    println!("moved into Box::pin, then polled: {poll:?}");
    println!("  seen, where view points:  {}", in_box(seen.get()));
    // SAFETY: `boxed` is suspended at its `.await` (the poll above returned Pending).
    println!("  the 8 bytes at box + {VIEW_OFFSET}:  {}", in_box(unsafe { stored_view(base) }));
    println!("polled again: {:?}", boxed.as_mut().poll(&mut cx));

    // Moving after the first poll, which `Pin` exists to forbid. `Pin::new_unchecked` lets it
    // happen, because its promise is the caller's to keep; this caller breaks it on purpose, and
    // never polls the moved future, so nothing follows the stale pointer.
    let seen = Cell::new(0);
    let mut future = points_into_itself(&seen);
    // SAFETY: none. `future` is moved below while it points into itself, which breaks the
    // contract of `new_unchecked`; it is never polled again, so no code reads through `view`.
    let poll = unsafe { Pin::new_unchecked(&mut future) }.poll(&mut cx);
    let old = std::ptr::from_ref(&future).cast::<u8>().addr();
    let on_stack = |address| inside(address, old, size, "stack").unwrap_or_else(|| "elsewhere".into());
    println!("pinned in place with Pin::new_unchecked, then polled: {poll:?}");
    println!("  seen, where view points:  {}", on_stack(seen.get()));
    let moved = Box::new(future);
    let new = std::ptr::from_ref(&*moved).cast::<u8>();
    // SAFETY: the move copied the suspended future's bytes, `view` included.
    let stored = unsafe { stored_view(new) };
    let in_box = inside(stored, new.addr(), size, "box").unwrap_or_else(|| "outside the box".into());
    println!("then moved into a Box, breaking the promise:");
    println!("  the 8 bytes at box + {VIEW_OFFSET}:  {} ({in_box})", on_stack(stored));
}
