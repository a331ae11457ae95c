//! The chapter's programs, run as the reader runs them, print what the page says they print.

use std::process::Command;

fn run_example(name: &str) -> String {
    let example = listings::built_example(env!("CARGO_PKG_NAME"), name);
    let output = Command::new(&example).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn each_cancellation_point_drops_what_its_state_holds_and_every_name_is_dropped_once() {
    assert_eq!(
        run_example("cancel_at_each_await"),
        "\
polls  state      dropped by the body        dropped by the drop glue
0      Unresumed  -                          argument
1      Suspend0   -                          first, argument
2      Suspend1   -                          second, first, argument
3      Suspend2   second                     first, argument
4      Returned   second, first, argument    -
"
    );
}

#[test]
fn a_timeout_half_way_through_a_line_loses_a_chunk_of_read_line_and_none_of_line_reader() {
    assert_eq!(
        run_example("lost_line"),
        r#"chunks ["hel", "lo\n", "wor", "ld\n"]; the first read gets a deadline of 2 polls, the others none
read_line(&mut feed):  cut short, then "lo\n", then "world\n"
reader.read_line():    cut short, then "hello\n", then "world\n"
"#
    );
}

#[test]
fn a_wake_that_arrives_after_the_receiver_was_dropped_harms_nothing() {
    assert_eq!(
        run_example("late_wake"),
        "\
receiver polled: Pending; wakers alive: 2 (the slot keeps a clone)
receiver dropped: wakers alive: 1 (its drop took the clone back)
send(7) after that: Err(7); wakes: 0
the sender took the waker and is waking it; the receiver is dropped now
send(7): Ok(()); wakes: 1, for a receiver that no longer exists
wakers alive at the end: 0
"
    );
}
