//! The book's tools on a crate that is not a chapter: `samples/tokio-service`, a workspace of its
//! own with tokio, given with `--manifest-path`. The future report on each of its handlers is
//! snapshot-checked as a reader sees it, the stages print its listings, and bad input gets one
//! clear message and a non-zero exit.
//!
//! The sample's first build (its dependencies in the stages' profile, then in the listings'
//! for `asm`) happens here, in `<target>/under-the-await/foreign/tokio-service-<digest>/`; the
//! results are kept for the next run like every listing's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

const SAMPLE: &str = "samples/tokio-service/Cargo.toml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// `cargo xtask ARGS` from the checkout's root, as the README runs it: the manifest's path as
/// given is what the report's command says.
fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(root()).output().expect("xtask runs")
}

fn stdout(output: &Output) -> &str {
    std::str::from_utf8(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> &str {
    std::str::from_utf8(&output.stderr).unwrap()
}

/// The report on `handler`, its picture written to a file of this test's own: the report
/// without the line that says where the picture is (a path of this machine), and the picture.
fn future(handler: &str) -> (String, String) {
    let svg = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("future-{handler}.svg"));
    let output = xtask(&["future", "--manifest-path", SAMPLE, handler, "--svg", svg.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    let (report, written) =
        printed.rsplit_once("\nThe picture of the layout: ").expect("the report says where the picture is");
    assert_eq!(written.trim_end(), svg.display().to_string());
    (report.to_owned(), std::fs::read_to_string(&svg).unwrap())
}

#[test]
fn a_big_buffer_held_across_an_await_is_the_futures_largest_field_with_its_line() {
    let (report, svg) = future("checksum_upload");
    assert!(report.contains("16384 bytes  local buffer     [u8; 16384]"), "{report}");
    assert!(svg.contains("Layout of {async fn body of checksum_upload()}: 16488 bytes"), "{svg}");
    insta::assert_snapshot!("future_checksum_upload", report);
}

#[test]
fn a_mutex_guard_held_across_an_await_makes_the_future_not_send_and_the_report_names_it() {
    let (report, svg) = future("count_visit");
    assert!(report.contains("Send: no: `std::sync::MutexGuard<'_, u64>` is not `Send`"), "{report}");
    assert!(report.contains("    local visits, src/lib.rs:42, across Suspend0 (the await on line 44)"), "{report}");
    // The argument was moved into the local `state` at the first poll: from then on its bytes
    // are not held, and dropping the future drops the local, not them.
    let suspend0 = &report[report.find("  3 Suspend0").unwrap()..report.find("  1 Returned").unwrap()];
    assert!(!suspend0.contains("holds upvar") && !suspend0.contains("        upvar"), "{suspend0}");
    assert!(
        suspend0.contains(
            "      moved-from: upvar state (8 bytes, the argument; its value was moved into local `state`, src/lib.rs:41, \
             at the first poll; not dropped here)\n      drops local __awaitee (tokio::time::Sleep), then local visits \
             (std::sync::MutexGuard<'_, u64>), then local state (std::sync::Arc<State>)\n"
        ),
        "{suspend0}"
    );
    assert!(
        report
            .contains("      holds upvar state  8 bytes  std::sync::Arc<State>  an argument\n      drops upvar state")
    );
    insta::assert_snapshot!("future_count_visit", report);
    insta::assert_snapshot!("future_count_visit_svg", svg);
}

#[test]
fn a_lookup_that_a_timeout_cancels_drops_its_timer_name_and_permit_at_its_second_await() {
    let (report, _) = future("lookup");
    assert!(
        report.contains("drops local __awaitee (tokio::time::Sleep), then local name (std::string::String), then local permit (tokio::sync::SemaphorePermit<'_>), then local state (std::sync::Arc<State>)"),
        "{report}"
    );
    insta::assert_snapshot!("future_lookup", report);
}

#[test]
fn every_stage_and_asm_take_the_crate_with_its_manifest_path() {
    for (stage, subject, expected) in [
        (
            "mir",
            "count_visit::{closure#0}",
            "fn count_visit::{closure#0}(_1: Pin<&mut {async fn body of count_visit()}>",
        ),
        ("hir", "count_visit", "async fn count_visit(state: Arc<State>)"),
        // The lowering moves the argument into a local of the body before the body runs: the
        // README's and the report's "moved into local `state` at the first poll".
        ("hir", "count_visit", "|mut _task_context: ResumeTy|\n    {\n        let state = state;\n"),
        ("type-sizes", "count_visit", "type: `{async fn body of count_visit()}`: 136 bytes, alignment: 8 bytes"),
        ("drop-glue", "lookup", "fn drop_in_place(_1: *mut {async fn body of lookup()}) -> () {"),
        ("state-transform", "after: lookup::{closure#0}", "/* coroutine_layout = CoroutineLayout {"),
        ("llvm-ir", "core::ptr::drop_in_place::<tokio_service::count_visit::{closure#0}>", "define"),
        ("asm", "tokio_service::State::new", "tokio_service::State::new:"),
    ] {
        let output = xtask(&[stage, "--manifest-path", SAMPLE, subject]);
        assert!(output.status.success(), "{stage}: {}", stderr(&output));
        assert!(stdout(&output).contains(expected), "{stage}: {}", stdout(&output));
    }
}

#[test]
fn a_name_the_crate_does_not_have_gets_the_closest_and_the_command_that_lists_them() {
    let output = xtask(&["type-sizes", "--manifest-path", SAMPLE, "count_visi"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message
            .starts_with("error: no type `count_visi` in tokio-service (did you mean {async fn body of count_visit()}"),
        "{message}"
    );
    assert!(
        message.contains(&format!("`cargo xtask type-sizes --manifest-path {SAMPLE} --list` lists all")),
        "{message}"
    );
    let output = xtask(&["asm", "--manifest-path", SAMPLE, "State::neww"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: no function `State::neww` in the assembly of tokio-service (did you mean "),
        "{message}"
    );
    assert!(message.contains("\n  tokio_service::State::new\n"), "{message}");
    // The command that lists the functions names the crate as the reader did.
    assert!(
        message.ends_with(&format!("; `cargo xtask asm --manifest-path {SAMPLE} --list` lists them again)\n")),
        "{message}"
    );
}

#[test]
fn an_async_fn_the_crate_does_not_have_or_a_fn_that_is_not_async_exits_2_naming_its_async_fns() {
    let async_fns = "its async fns the report takes are: checksum_upload, count_visit, lookup, lookup_with_deadline\n";
    let output = xtask(&["future", "--manifest-path", SAMPLE, "count_visits"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!("error: no async fn `count_visits` in tokio-service (did you mean count_visit?); {async_fns}")
    );
    let output = xtask(&["future", "--manifest-path", SAMPLE, "serve_once"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "error: `serve_once` in tokio-service is a fn but not an async fn: it returns `(u32, u64, Option<String>)`, \
             not a future; {async_fns}"
        )
    );
}

/// `--list` offers, on stdout, exactly the async fns the report takes: each one's report is
/// printed, on the sample and on a crate with a method and a fn in a module. The generic one it
/// does not take follows on stderr, with why.
#[test]
fn every_async_fn_that_list_offers_is_one_the_report_takes() {
    let output = xtask(&["future", "--manifest-path", SAMPLE, "--list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "checksum_upload\ncount_visit\nlookup\nlookup_with_deadline\n");
    assert_eq!(
        stderr(&output),
        "not reportable:\n  after_tick (generic: the report needs one instance; the crate's build has \
         {async fn body of after_tick<u64>()})\n"
    );
    let scratch = scratch_crate();
    for manifest in [SAMPLE, scratch.to_str().unwrap()] {
        let output = xtask(&["future", "--manifest-path", manifest, "--list"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let offered: Vec<&str> = stdout(&output).lines().collect();
        assert!(offered.len() >= 4, "{offered:?}");
        for name in offered {
            let output = xtask(&["future", "--manifest-path", manifest, name, "--svg", "/dev/null"]);
            assert!(output.status.success(), "{manifest} {name}: {}", stderr(&output));
            assert!(stdout(&output).starts_with(&format!("The future of `{name}` in ")), "{}", stdout(&output));
        }
    }
}

/// A generic async fn's future has a layout per instance: the report refuses it, naming the
/// instance the crate's build has and the command that prints that instance's layout.
#[test]
fn a_generic_async_fn_is_refused_with_its_instances_and_the_command_that_shows_one() {
    let output = xtask(&["future", "--manifest-path", SAMPLE, "after_tick"]);
    assert_eq!(output.status.code(), Some(2));
    let instance = "{async fn body of after_tick<u64>()}";
    assert_eq!(
        stderr(&output),
        format!(
            "error: `after_tick` in tokio-service is not reportable: generic: the report needs one instance; the \
             crate's build has {instance}, whose layout `cargo xtask type-sizes --manifest-path {SAMPLE} '{instance}'` \
             prints (and `drop-glue` its drop glue); its async fns the report takes are: checksum_upload, \
             count_visit, lookup, lookup_with_deadline\n"
        )
    );
    let output = xtask(&["type-sizes", "--manifest-path", SAMPLE, instance]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with(&format!("type: `{instance}`: ")), "{}", stdout(&output));
}

#[test]
fn a_manifest_that_is_missing_a_folder_or_a_workspaces_exits_2_saying_so() {
    let output = xtask(&["future", "--manifest-path", "samples/no-such-crate/Cargo.toml", "handler"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: no Cargo.toml at samples/no-such-crate/Cargo.toml: `--manifest-path` names the Cargo.toml of the crate to compile\n"
    );
    let output = xtask(&["mir", "--manifest-path", "samples/tokio-service", "--list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .ends_with("(samples/tokio-service is a folder: its manifest is samples/tokio-service/Cargo.toml)\n"),
        "{}",
        stderr(&output)
    );
    let output = xtask(&["future", "--manifest-path", "Cargo.toml", "handler"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: Cargo.toml is a workspace's manifest, not a package's: give the Cargo.toml of one of its packages: chapters/ch01-the-experiment/Cargo.toml, "),
        "{}",
        stderr(&output)
    );
    let output = xtask(&["future", "ch01", "--manifest-path", SAMPLE, "count_visit"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "error: `ch01`: with --manifest-path, name no chapter, only the async fn\n");
}

#[test]
fn a_crate_that_does_not_compile_exits_1_with_the_compilers_error() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("broken-crate");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"broken\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "pub async fn handler() -> u8 {\n    missing_value\n}\n").unwrap();
    let output = xtask(&["future", "--manifest-path", dir.join("Cargo.toml").to_str().unwrap(), "handler"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with("error: compiling broken for its listings failed:\n"), "{message}");
    assert!(
        message.contains("error[E0425]: cannot find value `missing_value` in this scope\n --> src/lib.rs:2:5"),
        "{message}"
    );
}

/// The README's example is the report as this test's snapshot has it, word for word.
#[test]
fn the_readme_shows_the_report_on_count_visit_as_its_snapshot_has_it() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/foreign__future_count_visit.snap");
    let snapshot = std::fs::read_to_string(snapshot).unwrap();
    let body = snapshot.splitn(3, "---\n").nth(2).unwrap();
    let shown =
        format!("$ cargo xtask future --manifest-path {SAMPLE} count_visit\n{body}\nThe picture of the layout: ");
    assert!(readme.contains(&shown), "README.md should show, in a console block:\n{shown}");
}

/// A scratch crate of std alone: a temporary guard over a `Vec` held across an await, a boxed
/// `dyn Any` argument, an async fn in a module, a method and a fn of the method's name; then
/// (added at the end, so that the lines above stay where the tests expect them) a method of
/// another type with the same name and size, a method of its own name, and an empty async fn.
fn scratch_crate() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scratch-service");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"scratch-service\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "use std::any::Any;\nuse std::future::ready;\nuse std::sync::{Arc, Mutex};\n\n\
         pub async fn temporary(m: Arc<Mutex<Vec<u8>>>) -> usize {\n    m.lock().unwrap().len() + ready(1).await\n}\n\n\
         pub async fn boxed_dyn(x: Box<dyn Any>) -> bool {\n    ready(()).await;\n    x.is::<u8>()\n}\n\n\
         pub mod routes {\n    pub async fn only_here(n: u64) -> u64 {\n        let kept = n + 1;\n        std::future::ready(()).await;\n        kept\n    }\n}\n\n\
         pub struct Svc;\n\nimpl Svc {\n    pub async fn method(&self) -> u8 {\n        ready(1).await\n    }\n}\n\n\
         pub async fn method() -> u8 {\n    ready(2).await\n}\n\n\
         pub struct Pool;\n\nimpl Pool {\n    pub async fn method(&self) -> u8 {\n        ready(3).await\n    }\n}\n\n\
         impl Svc {\n    pub async fn wait(&self, flag: bool) -> bool {\n        ready(()).await;\n        flag\n    }\n}\n\n\
         pub async fn nothing() {}\n",
    )
    .unwrap();
    dir.join("Cargo.toml")
}

/// The compiler's error and the layout spell one type differently (`MutexGuard<'_, Vec<u8>>`
/// and `MutexGuard<'{erased}, Vec<u8, Global>>`; `Box<(dyn Any + 'static)>` and `Box<dyn Any>`):
/// the report still names the field that holds it.
#[test]
fn the_send_answer_finds_a_temporary_guard_and_a_boxed_dyn_in_the_layout() {
    let manifest = scratch_crate();
    for (function, field) in [("temporary", "local .coroutine_field"), ("boxed_dyn", "local x")] {
        let output = xtask(&["future", "--manifest-path", manifest.to_str().unwrap(), function]);
        assert!(output.status.success(), "{}", stderr(&output));
        let report = stdout(&output);
        let send = &report[report.find("\nSend: ").expect("a Send answer")..];
        assert!(send.starts_with("\nSend: no: "), "{send}");
        assert!(!send.contains("No field of the future has one of these types"), "{send}");
        assert!(send.contains("The future holds it in:\n"), "{send}");
        assert!(send.contains(&format!("\n    {field}")), "{send}");
    }
}

/// An async fn in a module: its report has the lines of its states and the tag's offset (the
/// debug information matched by the fn's whole path), and it is found by its path too, as a
/// method is.
#[test]
fn an_async_fn_in_a_module_is_found_by_its_path_and_its_states_have_their_lines() {
    let manifest = scratch_crate();
    for name in ["only_here", "routes::only_here"] {
        let output = xtask(&["future", "--manifest-path", manifest.to_str().unwrap(), name]);
        assert!(output.status.success(), "{}", stderr(&output));
        let report = stdout(&output);
        assert!(report.contains("the tag: 1 byte(s) at offset 17 (the `__state` member"), "{report}");
        assert!(report.contains("\n  3 Suspend0, line 17: waiting at the await on line 17\n"), "{report}");
        assert!(!report.contains("tag or padding"), "{report}");
    }
    // A method, by the path its future's type has.
    let output = xtask(&["future", "--manifest-path", manifest.to_str().unwrap(), "Svc::method"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("The future of `<impl at src/lib.rs:"), "{}", stdout(&output));
}

/// A method's future: the print-out names it by its type (`Svc::wait`), the debug information,
/// which has the states' lines, by its impl (`{impl#2}::wait`); the report pairs the two and
/// gives each state its line. Of two methods of one name and size the debug information cannot
/// say which is which: their states' lines are unknown, and the report says so, and why.
#[test]
fn a_methods_states_have_their_lines_and_where_none_is_known_the_report_says_why() {
    let manifest = scratch_crate();
    let report = |name: &str| {
        let output = xtask(&["future", "--manifest-path", manifest.to_str().unwrap(), name, "--svg", "/dev/null"]);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output).to_owned()
    };
    let wait = report("Svc::wait");
    assert!(wait.contains("\n  0 Unresumed, line 43: created, not polled yet\n"), "{wait}");
    assert!(wait.contains("\n  3 Suspend0, line 44: waiting at the await on line 44\n"), "{wait}");
    assert!(wait.contains("the tag: 1 byte(s) at offset 10 (the `__state` member"), "{wait}");
    // The command it prints runs as it is in a shell: the method's name quoted.
    assert!(wait.contains(" '<impl at src/lib.rs:42:1: 42:9>::wait' · "), "{wait}");
    // A size of one byte, in the table of what a state holds.
    assert!(wait.contains("            upvar flag  1 byte   bool  an argument\n"), "{wait}");
    assert!(!wait.contains("line unknown"), "{wait}");

    let method = report("Svc::method");
    assert!(method.contains("\n  0 Unresumed, line unknown: created, not polled yet\n"), "{method}");
    assert!(method.contains("\n  3 Suspend0, line unknown: waiting at an await\n"), "{method}");
    assert!(
        method.contains("\n  line unknown: the debug information has the states' lines, but its description of this future could not be paired for certain"),
        "{method}"
    );

    let nothing = report("nothing");
    assert!(nothing.starts_with("The future of `nothing` in scratch-service: 1 byte, alignment 1\n"), "{nothing}");
    assert!(nothing.contains("\n1 byte in all, alignment 1; "), "{nothing}");
    assert!(nothing.contains("\nLargest fields:\n  none: the future holds nothing but its tag\n"), "{nothing}");
}

/// `cargo xtask future … | head -2`: the reader stops reading, the pipe closes, and the report
/// ends quietly (with `print!` it panicked, "failed printing to stdout: Broken pipe").
#[test]
fn a_report_piped_into_a_reader_that_stops_early_ends_without_a_panic() {
    for args in [
        &["future", "--manifest-path", SAMPLE, "count_visit", "--svg", "/dev/null"][..],
        &["future", "--manifest-path", SAMPLE, "--list"],
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command.args(args).current_dir(root());
        let (status, stderr) = common::into_a_closed_pipe(command, std::time::Duration::from_secs(120));
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

/// A crate that spawns a task on tokio: rustc's type sizes then include tokio's
/// `Stage<{async fn body of handler()}>`, whose variant `Consumed` has no field and is as big as
/// the 4-byte tag (`variant `Consumed`: 4 bytes`). Every command that reads the type sizes
/// (`future --list`, the report, `type-sizes`) takes such a crate; `samples/tokio-service` only
/// calls `block_on`, so this is `samples/tokio-task`, whose `spawn_handler` spawns `handler`.
#[test]
fn a_crate_that_spawns_a_tokio_task_gets_its_list_its_report_and_tokios_stage() {
    const SPAWNS: &str = "samples/tokio-task/Cargo.toml";
    let source = std::fs::read_to_string(root().join("samples/tokio-task/src/lib.rs")).unwrap();
    assert!(source.contains("runtime.spawn(handler(request))"), "{source}");
    let list = xtask(&["future", "--manifest-path", SPAWNS, "--list"]);
    assert!(list.status.success(), "{}", stderr(&list));
    assert_eq!(stdout(&list), "handler\n");
    let report = xtask(&["future", "--manifest-path", SPAWNS, "handler"]);
    assert!(report.status.success(), "{}", stderr(&report));
    let report = stdout(&report);
    assert!(report.starts_with("The future of `handler` in tokio-task: 40 bytes, alignment 8\n"), "{report}");
    assert!(
        report.contains(
            "local __awaitee  16 bytes  {async fn body of tokio::task::yield_now::yield_now()}  src/lib.rs:7"
        ),
        "{report}"
    );
    let stage = xtask(&[
        "type-sizes",
        "--manifest-path",
        SPAWNS,
        "tokio::runtime::task::core::Stage<{async fn body of handler()}>",
    ]);
    assert!(stage.status.success(), "{}", stderr(&stage));
    let stage = stdout(&stage);
    assert!(
        stage.contains("    discriminant: 4 bytes\n") && stage.contains("    variant `Consumed`: 4 bytes\n"),
        "{stage}"
    );
    assert!(stage.lines().any(|line| line.starts_with("0..4 ") && line.matches("tag").count() == 3), "{stage}");
}
