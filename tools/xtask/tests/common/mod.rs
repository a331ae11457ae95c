//! What more than one test file of `cargo xtask` needs.

use std::io::Read as _;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Runs `command` with its stdout a pipe whose reader has already gone (`| head -0`): its first
/// write meets a closed pipe. Its exit status and stderr; it is killed, and the test fails, if it
/// has not ended within `limit`.
pub fn into_a_closed_pipe(mut command: Command, limit: Duration) -> (ExitStatus, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut child = command.stdout(writer).stderr(Stdio::piped()).spawn().expect("xtask runs");
    // `command` holds the writer's other copy: only the child's stays open.
    drop(command);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("xtask is waited for") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    child.stderr.take().expect("piped").read_to_string(&mut stderr).expect("stderr is text");
    (status, stderr)
}
