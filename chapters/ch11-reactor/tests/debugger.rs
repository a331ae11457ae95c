//! The chapter's sessions (the file every chapter's sessions are run from, whatever the tool):
//! the system calls of one loop, counted by valgrind. `tests/experiments/round_trips.rs` reads
//! messages that a peer thread writes while the task waits, under the chapter's `block_on`;
//! valgrind's `--trace-syscalls=yes` prints every system call, and this file counts the task's
//! thread's calls per message and keeps the trace of a run of two messages as the session
//! `syscalls_two_messages`. `INSTA_UPDATE=always cargo test -p ch11-reactor --test debugger`
//! writes it again.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use listings::session::Session;
use listings::{BuiltProgram, CodegenFlags, assert_session_snapshot};

const LIBRARY: &str = "chapters/ch11-reactor/src/lib.rs";
const ROUND_TRIPS: &str = "chapters/ch11-reactor/tests/experiments/round_trips.rs";

/// The system calls the page counts: the reactor's and the leaf's (std's `read` of a
/// `TcpStream` is `recvfrom`).
const COUNTED: [&str; 3] = ["sys_epoll_ctl", "sys_epoll_wait", "sys_recvfrom"];

fn build() -> BuiltProgram {
    listings::program_with_main_file(
        Path::new(LIBRARY),
        "ch11_reactor",
        Path::new(ROUND_TRIPS),
        &CodegenFlags::default(),
    )
    .unwrap_or_else(|error| panic!("{error}"))
}

/// One system call of the task's thread: its name with its arguments, and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    call: String,
    result: String,
}

/// valgrind's version line (`valgrind-3.19.0`).
fn valgrind_version() -> String {
    let output = Command::new("valgrind").arg("--version").output().unwrap_or_else(|e| {
        panic!("valgrind is needed for this chapter's sessions (`cargo xtask system-packages` names it): {e}")
    });
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The system calls of the program's first thread (the task's) for `messages` messages, as
/// valgrind traces them: a call that may block is printed twice (`--> [async] ...` and later
/// `... [async] --> RESULT`, with other threads' lines between), and is joined here.
fn calls_of_the_task(program: &Path, messages: usize) -> Vec<Call> {
    let output = Command::new("valgrind")
        .args(["--tool=none", "--trace-syscalls=yes", "--quiet"])
        .arg(program)
        .arg(messages.to_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run valgrind: {e}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), format!("{messages} messages read\n"));
    let trace = String::from_utf8_lossy(&output.stderr);
    let mut calls = Vec::new();
    let mut pending: Option<String> = None;
    for line in trace.lines() {
        // `SYSCALL[PID,TID](NR) REST`
        let Some(rest) = line.strip_prefix("SYSCALL[") else { continue };
        let (ids, rest) = rest.split_once("](").expect("SYSCALL[pid,tid](nr)");
        if ids.split_once(',').map(|(_, tid)| tid) != Some("1") {
            continue;
        }
        let rest = rest.split_once(") ").expect("(nr) then the call").1.trim_end();
        if let Some(result) = rest.strip_prefix("... [async] --> ") {
            // The result of the call the thread started last (valgrind's own calls at start-up
            // print results whose call line it left out).
            if let Some(call) = pending.take() {
                calls.push(Call { call, result: result.to_owned() });
            }
        } else if let Some((call, result)) = rest.rsplit_once("--> ")
            && !result.starts_with("[async]")
        {
            let call = call.trim_end().trim_end_matches("[sync]").trim_end();
            let result = result.trim_start_matches("[pre-success] ");
            calls.push(Call { call: call.to_owned(), result: result.to_owned() });
        } else {
            // A call that may block: its result comes on a later line of this thread.
            pending = Some(rest.trim_end_matches("--> [async] ...").trim_end().to_owned());
        }
    }
    calls
}

fn name(call: &Call) -> &str {
    call.call.split_whitespace().next().unwrap_or("")
}

/// How many times the task's thread made each of the [`COUNTED`] calls, and with which result.
fn counts(calls: &[Call]) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for call in calls.iter().filter(|call| COUNTED.contains(&name(call))) {
        *counts.entry((name(call).to_owned(), call.result.clone())).or_default() += 1;
    }
    counts
}

fn count(counts: &BTreeMap<(String, String), usize>, name: &str, result: &str) -> usize {
    counts.get(&(name.to_owned(), result.to_owned())).copied().unwrap_or(0)
}

#[test]
fn each_message_costs_the_task_one_epoll_wait_and_two_recvfroms_one_of_them_eagain() {
    let program = build();
    let one = counts(&calls_of_the_task(&program.path, 1));
    let many = counts(&calls_of_the_task(&program.path, 101));
    let per_message = |name: &str, result: &str| (count(&many, name, result) - count(&one, name, result)) / 100;
    let exact = |name: &str, result: &str| (count(&many, name, result) - count(&one, name, result)).is_multiple_of(100);
    for (name, result) in
        [("sys_epoll_wait", "Success(0x1)"), ("sys_recvfrom", "Success(0x4)"), ("sys_recvfrom", "Failure(0xb)")]
    {
        assert!(exact(name, result), "{name} → {result}: {one:?} {many:?}");
        assert_eq!(per_message(name, result), 1, "{name} → {result}, per message: {one:?} {many:?}");
    }
    // One registration whatever the count; no epoll_wait ever ran out (0) or was interrupted.
    assert_eq!(count(&many, "sys_epoll_ctl", "Success(0x0)"), 2, "EPOLL_CTL_ADD, and the DEL of the Source's drop");
    assert_eq!(many.keys().filter(|(name, _)| name == "sys_epoll_wait").count(), 1, "{many:?}");
    // 0xb is EAGAIN, which std reports as `WouldBlock`.
    assert_eq!(std::io::Error::from_raw_os_error(0xb).kind(), std::io::ErrorKind::WouldBlock);
}

#[test]
fn the_task_s_system_calls_for_two_messages() {
    let program = build();
    let calls = calls_of_the_task(&program.path, 2);
    // From the registration to the last read (the drop's EPOLL_CTL_DEL at the end is left out).
    let first = calls.iter().position(|call| name(call) == "sys_epoll_ctl").expect("the registration");
    // valgrind 3.19 names epoll_ctl's operation one off: the registration, `mov esi, 1`
    // (EPOLL_CTL_ADD) in `register`'s listing, is printed "EPOLL_CTL_DEL", and the drop's
    // EPOLL_CTL_DEL (2) "EPOLL_CTL_MOD". The session shows the operation's real name.
    assert!(calls[first].call.contains(", EPOLL_CTL_DEL, "), "{:?}", calls[first]);
    let last_ctl = calls.iter().rposition(|call| name(call) == "sys_epoll_ctl").unwrap();
    assert!(calls[last_ctl].call.contains(", EPOLL_CTL_MOD, ") && last_ctl > first, "{:?}", calls[last_ctl]);
    let mut calls = calls;
    calls[first].call = calls[first].call.replace(", EPOLL_CTL_DEL, ", ", EPOLL_CTL_ADD, ");
    let last = calls.iter().rposition(|call| name(call) == "sys_recvfrom").expect("a read");
    let shown: Vec<String> = calls[first..=last]
        .iter()
        .filter(|call| COUNTED.contains(&name(call)))
        .map(|call| format!("{} --> {}", call.call, call.result))
        .collect();
    let expected_shape = [
        "sys_epoll_ctl ( 3, EPOLL_CTL_ADD, 6,",
        "sys_recvfrom ( 6,",
        "sys_epoll_wait ( 3,",
        "sys_recvfrom ( 6,",
        "sys_recvfrom ( 6,",
        "sys_epoll_wait ( 3,",
        "sys_recvfrom ( 6,",
    ];
    assert_eq!(shown.len(), expected_shape.len(), "{shown:#?}");
    for (line, start) in shown.iter().zip(expected_shape) {
        assert!(line.starts_with(start), "{line} should start with {start}: {shown:#?}");
    }
    let results: Vec<&str> = shown.iter().map(|line| line.rsplit_once("--> ").unwrap().1).collect();
    assert_eq!(
        results,
        [
            "Success(0x0)",
            "Failure(0xb)",
            "Success(0x1)",
            "Success(0x4)",
            "Failure(0xb)",
            "Success(0x1)",
            "Success(0x4)"
        ]
    );
    let how = format!(
        "{} --tool=none --trace-syscalls=yes, on {ROUND_TRIPS} built with {}, argument 2 (two messages); \
         the task's thread only, its epoll_ctl, epoll_wait and recvfrom calls from the registration to the last read, \
         each on one line with its result; addresses replaced; epoll_ctl's operation by its real name (valgrind \
         prints EPOLL_CTL_ADD, 1, as EPOLL_CTL_DEL)",
        valgrind_version(),
        CodegenFlags::default().describe()
    );
    let session = Session::new("the task's system calls for two messages", &how, &(shown.join("\n") + "\n"))
        .unwrap_or_else(|error| panic!("{error}"));
    assert_session_snapshot!("syscalls_two_messages", session);
}
