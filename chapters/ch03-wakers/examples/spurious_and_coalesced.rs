//! Spurious and coalesced wake-ups, on one thread so that the order is fixed:
//! `cargo run -p ch03-wakers --example spurious_and_coalesced`.

use ch03_wakers::{Run, WakeItself, block_on_counting, oneshot};

fn print_run<T>(title: &str, run: &Run<T>) {
    println!("{title}");
    for (number, counts) in run.after_each_poll.iter().enumerate() {
        let result = if number + 1 == run.polls() { "Ready" } else { "Pending" };
        println!("  {:<16} | {counts}", format!("poll {}: {result}", number + 1));
    }
    println!("  {:<16} | {}", "after the run", run.counts);
}

fn main() {
    // Coalesced: two wake-ups before the executor gets round to polling again give one poll.
    let run = block_on_counting(WakeItself::new(2));
    print_run("a future that wakes itself twice, then is ready:", &run);

    // Spurious: the task is woken for one of the two joined futures, and the other one is polled
    // too. It finds nothing, registers the same waker again, and stays pending.
    let (sender, receiver) = oneshot();
    let run = block_on_counting(futures::future::join(receiver, async move {
        WakeItself::new(1).await;
        sender.send("hello");
    }));
    print_run("join(receiver, async { WakeItself::new(1).await; sender.send(\"hello\") }):", &run);
    println!("  output: {:?}", run.output);
}
