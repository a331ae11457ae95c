//! The chapter's programs, run as the reader runs them, print what the page says they print.

use std::process::Command;

/// Runs the example `name` that `cargo test` built beside this test, and returns its output.
fn run_example(name: &str) -> String {
    let example = listings::built_example(env!("CARGO_PKG_NAME"), name);
    let output = Command::new(&example).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_waker_is_two_words_and_only_the_arc_behind_a_waker_allocates() {
    assert_eq!(
        run_example("waker_costs"),
        "\
waker                                    size allocs  clone  frees   strong count
hand-made, static vtable                   16      0      0      0   -
Waker::noop()                              16      0      0      0   -
futures::task::noop_waker()                16      0      0      0   -
Waker::from(Arc<impl Wake>)                16      1      0      1   2 -> 3
futures::task::waker(Arc<impl ArcWake>)    16      1      0      1   2 -> 3
futures::task::waker_ref(&Arc<impl ArcWake>): 0 allocations, strong count 1, 2 after a clone
"
    );
}

#[test]
fn the_timer_thread_wakes_the_executor_once_and_every_waker_ends() {
    assert_eq!(
        run_example("wake_from_thread"),
        "\
sleep(50 ms), run by block_on_counting:
polls: 2
clones after the first poll: 1
after the run: created 1, cloned 1, woken 1 + 0 by ref, dropped 1
wakers alive at the end: 0
"
    );
}

#[test]
fn two_wake_ups_make_one_poll_and_a_joined_future_is_polled_for_nothing_once() {
    assert_eq!(
        run_example("spurious_and_coalesced"),
        "\
a future that wakes itself twice, then is ready:
  poll 1: Pending  | created 1, cloned 0, woken 0 + 2 by ref, dropped 0
  poll 2: Ready    | created 1, cloned 0, woken 0 + 2 by ref, dropped 0
  after the run    | created 1, cloned 0, woken 0 + 2 by ref, dropped 1
join(receiver, async { WakeItself::new(1).await; sender.send(\"hello\") }):
  poll 1: Pending  | created 1, cloned 1, woken 0 + 1 by ref, dropped 0
  poll 2: Pending  | created 1, cloned 1, woken 1 + 1 by ref, dropped 0
  poll 3: Ready    | created 1, cloned 1, woken 1 + 1 by ref, dropped 0
  after the run    | created 1, cloned 1, woken 1 + 1 by ref, dropped 1
  output: (Some(\"hello\"), ())
"
    );
}
