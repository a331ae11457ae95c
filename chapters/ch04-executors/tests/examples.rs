//! The chapter's programs, run as the reader runs them, print what the page says they print.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn example(name: &str) -> PathBuf {
    listings::built_example(env!("CARGO_PKG_NAME"), name)
}

/// Runs an example and returns its standard output; it must succeed, quickly.
fn run(name: &str) -> String {
    let started = Instant::now();
    let output = Command::new(example(name)).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{name} took {:?}", started.elapsed());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn block_on_thread_polls_three_times_and_returns_42() {
    assert_eq!(
        run("block_on_thread"),
        "  the async block starts, and yields
poll 1: Pending
  resumed after the yield; now waiting for another thread
poll 2: Pending
  resumed with 42 from the other thread
poll 3: Ready(42)
block_on returned 42 after 3 polls
"
    );
}

#[test]
fn run_queue_counter_takes_turns_and_leaves_no_task_alive() {
    assert_eq!(
        run("run_queue_counter"),
        "task a, step 1: counter = 1
task b, step 1: counter = 2
task c, step 1: counter = 3
task a, step 2: counter = 4
task b, step 2: counter = 5
task c, step 2: counter = 6
task a, step 3: counter = 7
task b, step 3: counter = 8
task c, step 3: counter = 9
run returned: counter = 9, tasks still alive = 0
"
    );
}

#[test]
fn executors_compared_shows_the_same_order_and_count_on_all_four() {
    assert_eq!(
        run("executors_compared"),
        "ch04 block_on(join_all(..))          a1 b1 c1 a2 b2 c2 a3 b3 c3  -> counter 9
futures block_on(join_all(..))       a1 b1 c1 a2 b2 c2 a3 b3 c3  -> counter 9
ch04 Executor, 3 tasks               a1 b1 c1 a2 b2 c2 a3 b3 c3  -> counter 9
futures LocalPool, 3 tasks           a1 b1 c1 a2 b2 c2 a3 b3 c3  -> counter 9
futures LocalPool, 3 tasks sharing an Rc<Cell<u32>> (not Send): counter 9
"
    );
}
