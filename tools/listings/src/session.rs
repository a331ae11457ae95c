//! Sessions: what a program of a chapter printed when the chapter's test ran it, or what gdb
//! printed when the test stopped it (`tests/debugger.rs`), kept as a snapshot like every other
//! listing and shown by `{{#session CHAPTER NAME}}`.
//!
//! A session is the output of a run, so it holds what differs between two runs and two machines:
//! addresses (gdb turns address-space randomisation off where it may, and a container may not let
//! it), process and thread ids, the path of the C library's thread helper. [`normalise`] replaces
//! or drops exactly those, so that a snapshot is the same bytes on any machine; anything else the
//! program or gdb prints is kept, and a line nobody expected fails the snapshot.
//!
//! gdb is pinned as g++ is: its release decides how it prints a Rust value, so another release
//! is refused with one message ([`gdb::check_release`]), which says how to get the pinned one.

use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use regex::Regex;

use crate::child::isolated;
use crate::{Error, Origin, Provenance, Rustc, Workspace};

/// The test file that runs a chapter's sessions, `tests/debugger.rs`: the snapshot's command.
pub const TEST_FILE: &str = "debugger";

/// One session, ready to snapshot with [`assert_session_snapshot!`](crate::assert_session_snapshot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// What the session is of, the compiler of the program, and how it was run
    /// ([`Origin::Session`]): the snapshot's header.
    pub provenance: Provenance,
    /// What was printed, normalised.
    pub text: String,
}

impl Session {
    /// A session of `subject` (`gdb stopped in YieldOnce::poll`), run as `how` says (the flags,
    /// the tool, what was normalised), whose output is `output` before [`normalise`]; the blank
    /// lines it starts with (a panic's message starts with one) are left out.
    pub fn new(subject: &str, how: &str, output: &str) -> Result<Session, Error> {
        let rustc = Rustc::for_listings(&Workspace::this_checkout())?;
        Ok(Session {
            provenance: Provenance {
                subject: subject.to_owned(),
                compiler: rustc.version_line,
                origin: Origin::Session { how: how.to_owned() },
                excerpt: None,
            },
            text: normalise(output).trim_start_matches('\n').to_owned(),
        })
    }

    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.lines()
    }
}

/// Checks a [`Session`] against its snapshot `tests/snapshots/<package>__session__<name>.snap`,
/// like [`assert_asm_snapshot!`](crate::assert_asm_snapshot); the header's command runs the
/// chapter's `tests/debugger.rs` again.
#[macro_export]
macro_rules! assert_session_snapshot {
    ($name:expr, $session:expr $(,)?) => {{
        let session: &$crate::session::Session = &$session;
        $crate::snapshot_settings(&session.provenance, None).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), $crate::ListingKind::Session, $name),
                session.text.clone(),
                session.provenance.command(env!("CARGO_PKG_NAME"), $name).as_str()
            );
        });
    }};
}

/// Lines that only say something about this machine: gdb's thread library helper and its path,
/// a container's refusal to turn off address-space randomisation, the end of a process.
const MACHINE_LINES: &[&str] = &[
    "[Thread debugging using libthread_db enabled]",
    "Using host libthread_db library ",
    "warning: Error disabling address space randomization",
    "[Inferior 1 (process ",
];

/// An address: five hex digits or more (a tag offset such as `0x48` stays).
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"0x[0-9a-f]{5,}").expect("a valid pattern"));
/// `thread 'main' (10671) panicked`: the thread's id, which the standard library prints.
static THREAD_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(thread '[^']*') \(\d+\)").expect("a valid pattern"));

/// The standard library's sources where rustup's `rust-src` component puts them. With the
/// component installed, rustc writes the local path in place of the remapped `/rustc/COMMIT/`
/// into what it compiles (std's generic code inlined into a program), so a backtrace's paths
/// would depend on whether the machine has the component.
static LOCAL_STD_SOURCES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/[^\s:]*/lib/rustlib/src/rust/library/").expect("a valid pattern"));

/// `/rustc/COMMIT/`, the prefix under which the toolchain's own build recorded std's sources:
/// the commit from `rustc -vV` (the pinned compiler, which every test has checked).
static REMAPPED_STD_SOURCES: LazyLock<String> = LazyLock::new(|| {
    let rustc = std::env::var_os("CARGO")
        .map(|cargo| Path::new(&cargo).with_file_name("rustc"))
        .filter(|rustc| rustc.exists())
        .unwrap_or_else(|| "rustc".into());
    let verbose =
        Command::new(rustc).arg("-vV").output().map(|output| String::from_utf8_lossy(&output.stdout).into_owned());
    let commit = verbose
        .ok()
        .and_then(|text| text.lines().find_map(|line| line.strip_prefix("commit-hash: ").map(str::to_owned)));
    format!("/rustc/{}/library/", commit.expect("`rustc -vV` names its commit"))
});

/// What a run printed, with what differs between runs and machines taken out: every address
/// becomes `0x…`, a thread's id `(…)`, std's local sources their remapped path, and the
/// [`MACHINE_LINES`] go.
pub fn normalise(output: &str) -> String {
    let mut text = String::new();
    for line in output.lines().filter(|line| !MACHINE_LINES.iter().any(|machine| line.starts_with(machine))) {
        let line = LOCAL_STD_SOURCES.replace_all(line, REMAPPED_STD_SOURCES.as_str());
        let line = ADDRESS.replace_all(&line, "0x…");
        let line = THREAD_ID.replace_all(&line, "$1 (…)");
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// What `program` prints on stdout and stderr, in order, run from the workspace root with a
/// cleared environment and `env` (`RUST_BACKTRACE=1`); its exit status is not an error.
pub fn output_of(program: &Path, env: &[(&str, &str)]) -> Result<String, Error> {
    let workspace = Workspace::this_checkout();
    let mut command = isolated(program, &workspace);
    command.envs(env.iter().copied());
    merged_output(&mut command, &program.display().to_string())
}

/// stdout and stderr through one pipe, so that their lines keep the order they were written in.
fn merged_output(command: &mut Command, program: &str) -> Result<String, Error> {
    let spawn = |e: std::io::Error| Error::Spawn { program: program.to_owned(), reason: e.to_string() };
    let (mut reader, writer) = std::io::pipe().map_err(spawn)?;
    command.stdin(std::process::Stdio::null()).stdout(writer.try_clone().map_err(spawn)?).stderr(writer);
    let mut child = spawn_when_not_busy(command).map_err(spawn)?;
    // The command holds the pipe's writing ends: drop them, or the read below never ends.
    drop(std::mem::replace(command, Command::new(program)));
    let mut output = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut output).map_err(spawn)?;
    child.wait().map_err(spawn)?;
    Ok(String::from_utf8_lossy(&output).into_owned())
}

/// `command` spawned, waiting while its program is busy (`ETXTBSY`). A kept program is written
/// by this process (`standalone.rs`), and a test thread that forks meanwhile hands its child a
/// copy of the file's writing end until that child execs: so long, the kernel refuses to run the
/// file. It seldom lasts longer than a fork; two seconds are a generous bound.
fn spawn_when_not_busy(command: &mut Command) -> std::io::Result<std::process::Child> {
    const ETXTBSY: i32 = 26;
    let mut waited = std::time::Duration::ZERO;
    loop {
        match command.spawn() {
            Err(error) if error.raw_os_error() == Some(ETXTBSY) && waited < std::time::Duration::from_secs(2) => {
                let pause = std::time::Duration::from_millis(10);
                std::thread::sleep(pause);
                waited += pause;
            }
            spawned => return spawned,
        }
    }
}

/// The pinned gdb, and a batch session of it.
pub mod gdb {
    use super::*;

    /// The gdb the sessions are pinned to: Debian 12's (`gdb --version` ends with `13.1`).
    pub const RELEASE: &str = "13.1";
    /// The command the CI scripts look for, and the Debian package that provides it.
    pub const COMMAND: &str = "gdb";
    pub const DEBIAN_PACKAGE: &str = "gdb";

    /// What needs gdb: said wherever it is missing or another release is found, and by `cargo
    /// xtask system-tools` (which `ci/student-setup` runs).
    pub const NEEDED_FOR: &str = "chapter 8's section on debuggers runs it, through the toolchain's rust-gdb, on a small program: \
         ci/test needs it, no exercise does";

    /// How to get it: Debian 12's package is the pinned release; other systems have others.
    pub fn how_to_install() -> String {
        format!(
            "on Debian 12, `sudo apt-get install {DEBIAN_PACKAGE}` (gdb {RELEASE}); Ubuntu's, Fedora's and \
             Homebrew's gdb are other releases, which the sessions refuse: use the book's container \
             (Dockerfile, .devcontainer/), which has it"
        )
    }

    /// How the snapshots name it.
    pub fn describe() -> String {
        format!("gdb {RELEASE}")
    }

    /// The release in the first line of `gdb --version` (`GNU gdb (Debian 13.1-3) 13.1`).
    pub fn release_of(version: &str) -> &str {
        version.lines().next().and_then(|line| line.split_whitespace().last()).unwrap_or_default()
    }

    /// Refuses a gdb whose `--version` does not name the pinned release.
    pub fn check_release(version: &str) -> Result<(), Error> {
        match release_of(version) {
            found if found == RELEASE => Ok(()),
            found => Err(Error::GdbMismatch {
                pinned: RELEASE.to_owned(),
                found: found.to_owned(),
                install: how_to_install(),
            }),
        }
    }

    /// The toolchain's `rust-gdb`, beside the pinned rustc (or, when that is a bare `rustc` found
    /// on `PATH`, the `rust-gdb` on `PATH`): gdb with the toolchain's pretty-printers loaded.
    pub fn rust_gdb(rustc: &Rustc) -> std::path::PathBuf {
        let beside = rustc.path.with_file_name("rust-gdb");
        if beside.is_file() { beside } else { std::path::PathBuf::from("rust-gdb") }
    }

    /// gdb's words for one command line, as [`session`] passes them to `-ex`: an `echo` of the
    /// prompt and the command (a reader sees a transcript), then the command.
    pub fn command_words(commands: &[&str]) -> Vec<String> {
        commands
            .iter()
            .flat_map(|command| {
                let echoed = command.replace('\\', "\\\\");
                ["-ex".to_owned(), format!("echo (gdb) {echoed}\\n"), "-ex".to_owned(), (*command).to_owned()]
            })
            .collect()
    }

    /// `rust-gdb -batch -nx` on `program`, run from the workspace root (so that the remapped
    /// source paths, `./chapters/…`, are found) with a cleared environment, running `commands`
    /// one after the other: the transcript, prompts and commands included, not yet normalised.
    pub fn session(program: &Path, commands: &[&str]) -> Result<String, Error> {
        let workspace = Workspace::this_checkout();
        let missing = |e: std::io::Error| Error::Spawn {
            program: COMMAND.to_owned(),
            reason: format!("{e}. {} ({NEEDED_FOR}); to install it: {}", describe(), how_to_install()),
        };
        let version = isolated(COMMAND, &workspace).arg("--version").output().map_err(missing)?;
        check_release(&String::from_utf8_lossy(&version.stdout))?;
        let rustc = Rustc::for_listings(&workspace)?;
        let mut command = isolated(rust_gdb(&rustc), &workspace);
        // gdb's messages in English whatever the machine's locale.
        command.env("LC_ALL", "C").args(["-batch", "-nx"]).args(command_words(commands)).arg(program);
        merged_output(&mut command, "rust-gdb")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_ids_and_the_machine_s_lines_go_and_everything_else_stays() {
        let raw = "\
(gdb) run
[Thread debugging using libthread_db enabled]
Using host libthread_db library \"/lib/x86_64-linux-gnu/libthread_db.so.1\".
warning: Error disabling address space randomization: Operation not permitted

Breakpoint 1, ch08_machine_code::{impl#0}::poll (self=..., cx=0x7fffffffe3b0) at ./chapters/ch08-machine-code/src/lib.rs:40
#1  0x00005555555693fd in ch08_machine_code::three_awaits::{async_fn#0} () at ./chapters/ch08-machine-code/src/lib.rs:56
Cannot access memory at address 0x48
0x7fffffffe3f0:\t0x05\t0x00
thread 'main' (10671) panicked at ./chapters/x.rs:15:36:
[Inferior 1 (process 2484) exited normally]
";
        assert_eq!(
            normalise(raw),
            "\
(gdb) run

Breakpoint 1, ch08_machine_code::{impl#0}::poll (self=..., cx=0x…) at ./chapters/ch08-machine-code/src/lib.rs:40
#1  0x… in ch08_machine_code::three_awaits::{async_fn#0} () at ./chapters/ch08-machine-code/src/lib.rs:56
Cannot access memory at address 0x48
0x…:\t0x05\t0x00
thread 'main' (…) panicked at ./chapters/x.rs:15:36:
"
        );
    }

    #[test]
    fn std_sources_of_the_rust_src_component_read_as_the_toolchain_recorded_them() {
        let local = "   at /home/me/.rustup/toolchains/1.95.0-x86_64-unknown-linux-gnu/lib/rustlib/src/rust/library/core/src/ops/function.rs:250:5";
        let remapped = normalise(local);
        assert!(remapped.starts_with("   at /rustc/"), "{remapped}");
        assert!(remapped.ends_with("/library/core/src/ops/function.rs:250:5\n"), "{remapped}");
        assert_eq!(normalise(&remapped), remapped, "a remapped path stays as it is");
    }

    #[test]
    fn each_command_is_echoed_with_the_prompt_before_it_runs() {
        assert_eq!(
            gdb::command_words(&["print a\\b", "run"]),
            ["-ex", "echo (gdb) print a\\\\b\\n", "-ex", "print a\\b", "-ex", "echo (gdb) run\\n", "-ex", "run"]
        );
    }

    #[test]
    fn only_the_pinned_gdb_is_taken_and_another_is_refused_saying_how_to_get_it() {
        assert_eq!(gdb::check_release("GNU gdb (Debian 13.1-3) 13.1\nCopyright (C) 2023\n"), Ok(()));
        let refused = gdb::check_release("GNU gdb (Ubuntu 15.0.50.20240403-0ubuntu1) 15.0.50.20240403-git\n");
        let message = refused.unwrap_err().to_string();
        assert!(message.contains("gdb 13.1") && message.contains("apt-get install gdb"), "{message}");
    }
}
