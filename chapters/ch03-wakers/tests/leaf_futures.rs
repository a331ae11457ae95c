//! The leaf futures keep the waker of their most recent poll, and the executor sleeps until it
//! is woken: the chapter's answer to "why does poll need the waker?", as behaviour.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use ch03_wakers::{CountingWaker, WakeCounts, WakeItself, block_on, block_on_counting, oneshot, sleep};

fn counting() -> Arc<CountingWaker> {
    CountingWaker::new(Waker::noop().clone())
}

#[test]
fn only_the_waker_of_the_most_recent_poll_is_woken() {
    let (sender, receiver) = oneshot::<u32>();
    let mut receiver = pin!(receiver);
    let (first, second) = (counting(), counting());
    let (first_waker, second_waker) = (first.waker(), second.waker());

    assert_eq!(receiver.as_mut().poll(&mut Context::from_waker(&first_waker)), Poll::Pending);
    assert_eq!(first.counts().clones, 1, "the receiver keeps a clone of the first waker");
    assert_eq!(receiver.as_mut().poll(&mut Context::from_waker(&second_waker)), Poll::Pending);
    assert_eq!(first.counts().drops, 1, "the second poll replaced it, and the clone was dropped");
    assert_eq!(second.counts().clones, 1);

    sender.send(7);
    assert_eq!(first.counts().wakes + first.counts().wakes_by_ref, 0, "the first waker is never woken");
    assert_eq!(second.counts().wakes, 1, "the second is, by value: the receiver gave its clone away");
    assert_eq!(receiver.as_mut().poll(&mut Context::from_waker(&second_waker)), Poll::Ready(Some(7)));

    drop((first_waker, second_waker));
    assert_eq!(first.counts().alive(), 0);
    assert_eq!(second.counts().alive(), 0);
}

#[test]
fn polling_again_with_the_same_waker_registers_it_again_without_cloning_it() {
    let (sender, receiver) = oneshot::<()>();
    let mut receiver = pin!(receiver);
    let counting = counting();
    let waker = counting.waker();
    let mut cx = Context::from_waker(&waker);
    for _ in 0..3 {
        // Spurious polls: nothing was sent, the receiver is still pending and registers again.
        assert_eq!(receiver.as_mut().poll(&mut cx), Poll::Pending);
    }
    assert_eq!(counting.counts().clones, 1, "clone_from saw that the stored waker will_wake the same task");
    drop(sender);
    assert_eq!(receiver.as_mut().poll(&mut cx), Poll::Ready(None), "a sender dropped unused still wakes");
    assert_eq!(counting.counts().wakes, 1);
}

#[test]
fn a_clone_of_the_same_waker_is_will_wake_of_it_with_a_static_vtable() {
    let counting = counting();
    let waker = counting.waker();
    let clone = waker.clone();
    assert!(clone.will_wake(&waker));
    assert!(!counting.waker().will_wake(&ch03_wakers::noop_waker()), "another data pointer, another vtable");
}

#[test]
fn block_on_sleeps_until_the_timer_thread_wakes_it_then_polls_once_more() {
    let run = block_on_counting(sleep(Duration::from_millis(20)));
    assert_eq!(run.polls(), 2, "pending, then ready after the one wake-up");
    assert_eq!(
        run.counts,
        WakeCounts { created: 1, clones: 1, wakes: 1, wakes_by_ref: 0, drops: 1 },
        "the receiver's clone was woken (and so ended) on the timer thread; the executor dropped its own"
    );
    assert_eq!(run.after_each_poll[0].clones, 1, "the first poll stored a clone before the timer started");
}

#[test]
fn block_on_returns_the_value_another_thread_sends() {
    let (sender, receiver) = oneshot();
    let sending = std::thread::spawn(move || sender.send("from another thread"));
    assert_eq!(block_on(receiver), Some("from another thread"));
    sending.join().unwrap();
}

#[test]
fn two_wake_ups_before_the_next_poll_make_one_poll() {
    let run = block_on_counting(WakeItself::new(2));
    assert_eq!(run.counts.wakes_by_ref, 2);
    assert_eq!(run.polls(), 2, "the two wake-ups were coalesced into the second poll");
}

#[test]
fn a_future_polled_for_another_future_s_wake_up_is_still_pending_and_registers_again() {
    let (sender, receiver) = oneshot();
    let run = block_on_counting(futures::future::join(receiver, async move {
        WakeItself::new(1).await;
        sender.send(5);
    }));
    assert_eq!(run.output, (Some(5), ()));
    assert_eq!(run.polls(), 3);
    // Poll 2 was caused by WakeItself: the receiver was polled for nothing, found nothing and
    // registered the same waker again, which clone_from did without cloning.
    assert_eq!(run.after_each_poll[1].clones, 1);
    assert_eq!(run.counts, WakeCounts { created: 1, clones: 1, wakes: 1, wakes_by_ref: 1, drops: 1 });
}
