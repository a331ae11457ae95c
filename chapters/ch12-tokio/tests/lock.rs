//! The page's section "A lock held across an `.await`", checked on the pinned toolchain and on
//! tokio as `Cargo.lock` pins it: the page's `compile_fail` block fails with the error that names
//! `std::sync::MutexGuard` and the `.await` (compiled here as a user's crate, std only); clippy's
//! `await_holding_lock` fires on the same function; the guard is a saved local of the future,
//! and leaves it when its block ends before the `.await`; and tokio's mutex: what its `lock()`
//! future holds, and that its guard crosses threads.

mod coop_source;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use ch12_tokio::coop::{add_one_std, add_one_std_scoped, add_one_tokio};
use coop_source::assert_cited;
use listings::{Crate, Rustc, Stage, StageListing, Workspace, assert_stage_snapshot};

/// The page, whose blocks these tests compile.
const PAGE: &str = include_str!("../../../book/ch12-tokio.md");

/// The Rust block of the page that contains `marker`, as rustdoc compiles it (hidden `# ` lines
/// included).
fn block_containing(marker: &str) -> String {
    let mut blocks = PAGE.split("```").skip(1).step_by(2);
    let block = blocks.find(|block| block.contains(marker)).unwrap_or_else(|| panic!("no block has `{marker}`"));
    let (fence, code) = block.split_once('\n').expect("a fenced block has a first line");
    assert!(fence.starts_with("rust"), "`{marker}` is in a `{fence}` block");
    let unhidden = |line: &str| match line {
        "#" => String::new(),
        _ => line.strip_prefix("# ").unwrap_or(line).to_owned(),
    };
    code.lines().map(unhidden).collect::<Vec<_>>().join("\n") + "\n"
}

/// `program` (the pinned `rustc` or its `clippy-driver`) on `code`, a library crate of its own.
fn compile(program: &Path, code: &str, name: &str) -> Output {
    let scratch = Workspace::this_checkout().scratch_dir(name).unwrap_or_else(|e| panic!("{e}"));
    let file = scratch.path().join("user.rs");
    std::fs::write(&file, code).unwrap();
    Command::new(program)
        .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "user", "--emit=metadata"])
        .arg("--out-dir")
        .arg(scratch.path())
        .arg("user.rs")
        .current_dir(scratch.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

fn pinned_rustc() -> Rustc {
    Rustc::for_listings(&Workspace::this_checkout()).unwrap_or_else(|e| panic!("{e}"))
}

const GUARD_BLOCK: &str = "fn spawn_like_tokio";

#[test]
fn lock_a_std_guard_held_across_an_await_makes_the_future_not_send_and_the_note_names_it() {
    let output = compile(&pinned_rustc().path, &block_containing(GUARD_BLOCK), "ch12-lock-user");
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    let header = text.lines().find(|l| l.starts_with("error")).unwrap();
    assert_eq!(header, "error: future cannot be sent between threads safely");
    for piece in [
        "the trait `Send` is not implemented for `std::sync::MutexGuard<'_, u32>`",
        "note: future is not `Send` as this value is used across an await",
        "has type `std::sync::MutexGuard<'_, u32>` which is not `Send`",
        "await occurs here, with `mut guard` maybe used later",
        "required by this bound in `spawn_like_tokio`",
    ] {
        assert!(text.contains(piece), "`{piece}` missing from:\n{text}");
    }
    // No error code, in the header or in rustc's machine-readable output: the page's block is a
    // plain `compile_fail`, which rustdoc cannot check for a code.
    let json = Command::new(pinned_rustc().path)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit=metadata",
            "--error-format=json",
            "-o",
            "/dev/null",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(block_containing(GUARD_BLOCK).as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let json = String::from_utf8_lossy(&json.stderr);
    let first = json.lines().next().unwrap();
    assert!(first.contains(r#""message":"future cannot be sent between threads safely","code":null"#), "{first}");
}

/// A library `dep` holding the page block's `add_one` and a `Rc` twin, and a crate `user` that
/// asks `Send` of both futures: where the `async fn` is defined changes rustc's wording.
const DEP: &str = "
pub async fn tick() {}
pub async fn add_one(counter: &std::sync::Mutex<u32>) {
    let mut guard = counter.lock().unwrap();
    tick().await;
    *guard += 1;
}
pub async fn rc_held() -> u8 {
    let shared = std::rc::Rc::new(7u8);
    tick().await;
    *shared
}
";

const USER: &str = "
fn spawn_like_tokio<F: Future + Send + 'static>(_: F) {}
static COUNTER: std::sync::Mutex<u32> = std::sync::Mutex::new(0);
pub fn user() {
    spawn_like_tokio(dep::add_one(&COUNTER));
    spawn_like_tokio(dep::rc_held());
}
";

#[test]
fn lock_the_codeless_wording_is_for_a_future_defined_in_the_crate_being_compiled_e0277_across_crates() {
    let rustc = pinned_rustc().path;
    let scratch = Workspace::this_checkout().scratch_dir("ch12-lock-cross-crate").unwrap_or_else(|e| panic!("{e}"));
    let dir = scratch.path();
    std::fs::write(dir.join("dep.rs"), DEP).unwrap();
    std::fs::write(dir.join("user.rs"), USER).unwrap();
    let run = |args: &[&str]| {
        Command::new(&rustc)
            .args(["--edition", "2024", "--crate-type", "lib", "--emit=metadata", "--out-dir", "."])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let dep = run(&["dep.rs"]);
    assert!(dep.status.success(), "{}", String::from_utf8_lossy(&dep.stderr));
    let user = run(&["--extern", "dep=libdep.rmeta", "user.rs"]);
    assert!(!user.status.success());
    let text = String::from_utf8_lossy(&user.stderr);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(
        headers[..2],
        [
            "error[E0277]: `std::sync::MutexGuard<'_, u32>` cannot be sent between threads safely",
            "error[E0277]: `Rc<u8>` cannot be sent between threads safely",
        ],
        "{text}"
    );
    assert!(!text.contains("future cannot be sent between threads safely"), "{text}");

    // The same `Rc` future with its body in the crate being compiled: the code-less wording.
    let local = compile(&rustc, &format!("{DEP}{}", USER.replace("dep::", "")), "ch12-lock-local-rc");
    let text = String::from_utf8_lossy(&local.stderr);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(
        headers[..2],
        ["error: future cannot be sent between threads safely", "error: future cannot be sent between threads safely"],
        "{text}"
    );
}

#[test]
fn lock_clippy_await_holding_lock_fires_on_the_guard_and_points_at_the_await() {
    let rustc = pinned_rustc();
    let clippy = rustc.path.with_file_name("clippy-driver");
    assert!(clippy.is_file(), "the pinned toolchain has no {}", clippy.display());
    // The block's function alone: clippy's lints run on code that type-checks.
    let block = block_containing(GUARD_BLOCK);
    let function = block.split(GUARD_BLOCK).next().unwrap();
    let output = compile(&clippy, function, "ch12-lock-clippy");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stderr);
    for piece in [
        "warning: this `MutexGuard` is held across an await point",
        "let mut guard = counter.lock().unwrap();",
        "note: these are all the await points this lock is held through",
        "`#[warn(clippy::await_holding_lock)]` on by default",
    ] {
        assert!(text.contains(piece), "`{piece}` missing from:\n{text}");
    }
    // And with the guard's block ended before the `.await`, silence.
    let scoped = function.replace(
        "let mut guard = counter.lock().unwrap();\n    tick().await;\n    *guard += 1;",
        "{\n        let mut guard = counter.lock().unwrap();\n        *guard += 1;\n    }\n    tick().await;",
    );
    assert_ne!(scoped, function, "the block's function is no longer the one this test rewrites");
    let output = compile(&clippy, &scoped, "ch12-lock-clippy-scoped");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("await_holding_lock"));
}

// ---- The futures, in memory ----------------------------------------------------------------------

/// The chapter compiled through cargo with tokio: the stages of `src/lib.rs` alone cannot see it.
fn chapter() -> Crate {
    Crate::chapter_with_dependencies(env!("CARGO_PKG_NAME")).unwrap_or_else(|error| panic!("{error}"))
}

fn type_sizes(subject: &str) -> StageListing {
    listings::stage_of(&chapter(), Stage::TypeSizes, subject).unwrap_or_else(|error| panic!("{error}"))
}

fn require_send<T: Send>(_: &T) {}

#[test]
fn lock_the_std_guard_is_16_bytes_of_the_futures_suspend0_and_scoped_it_is_gone() {
    let held = type_sizes("{async fn body of coop::add_one_std()}");
    assert!(
        held.text.starts_with("type: `{async fn body of coop::add_one_std()}`: 48 bytes, alignment: 8 bytes"),
        "{}",
        held.text
    );
    assert!(held.text.contains("        local `.guard`: 16 bytes\n"), "{}", held.text);
    let table = held.layout.as_ref().expect("a type's listing has its layout");
    assert_eq!(table.row(8..24).unwrap()[1], "local guard", "Suspend0's first local");
    assert_stage_snapshot!("lock_add_one_std", held);

    let scoped = type_sizes("{async fn body of coop::add_one_std_scoped()}");
    assert!(!scoped.text.contains("guard"), "{}", scoped.text);
    assert!(
        scoped.text.starts_with("type: `{async fn body of coop::add_one_std_scoped()}`: 32 bytes"),
        "{}",
        scoped.text
    );
    assert_stage_snapshot!("lock_add_one_std_scoped", scoped);

    // The why-experiment in types: the scoped future is `Send` (this line compiles), and runs.
    let counter = std::sync::Mutex::new(0);
    require_send(&add_one_std_scoped(&counter));
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(add_one_std_scoped(&counter));
    runtime.block_on(add_one_std(&counter)); // not `Send`, but `block_on` does not ask
    assert_eq!(*counter.lock().unwrap(), 2);
}

#[test]
fn lock_tokios_lock_future_is_120_bytes_around_a_64_byte_semaphore_acquire_with_its_waiter() {
    let lock = type_sizes("{async fn body of tokio::sync::Mutex<u32>::lock()}");
    assert!(
        lock.text.starts_with("type: `{async fn body of tokio::sync::Mutex<u32>::lock()}`: 120 bytes"),
        "{}",
        lock.text
    );
    assert_stage_snapshot!("lock_tokio_lock", lock);

    // The chain inside it: `lock()`'s `Suspend0` awaits the `acquire_fut` async block (104 bytes),
    // whose `Suspend0` awaits `Mutex::acquire()`'s body (88 bytes), whose `Suspend1` holds the
    // semaphore's 64-byte `Acquire` at 24: each level adds its own `self`, its tag and padding.
    let block = "{async block@tokio::sync::Mutex<u32>::lock::{closure#0}::{closure#0}}";
    assert!(lock.text.contains(&format!("        local `.__awaitee`: 104 bytes, type: {block}\n")), "{}", lock.text);
    let acquire_fut = type_sizes(block);
    let text = &acquire_fut.text;
    assert!(text.starts_with(&format!("type: `{block}`: 104 bytes")), "{text}");
    let acquire_body = "{async fn body of tokio::sync::Mutex<u32>::acquire()}";
    assert!(text.contains(&format!("local `.__awaitee`: 88 bytes, type: {acquire_body}\n")), "{text}");
    let body = type_sizes(acquire_body);
    let text = &body.text;
    assert!(text.starts_with(&format!("type: `{acquire_body}`: 88 bytes")), "{text}");
    let suspend1 = text.split("variant `Suspend1`").nth(1).expect("a Suspend1").split("variant").next().unwrap();
    assert!(
        suspend1.contains(
            "upvar `.self`: 8 bytes, offset: 0 bytes, alignment: 8 bytes\n        padding: 16 bytes\n        \
             local `.__awaitee`: 64 bytes, alignment: 8 bytes, type: tokio::sync::batch_semaphore::Acquire<'_>\n"
        ),
        "{text}"
    );
    assert_cited("src/sync/mutex.rs", 435, "let acquire_fut = async {");
    assert_cited("src/sync/mutex.rs", 655, "async fn acquire(&self) {");
    assert_cited("src/sync/mutex.rs", 658, "self.s.acquire(1).await");

    let acquire = type_sizes("tokio::sync::batch_semaphore::Acquire<'_>");
    let text = &acquire.text;
    assert!(text.starts_with("type: `tokio::sync::batch_semaphore::Acquire<'_>`: 64 bytes"), "{text}");
    assert!(text.contains("    field `.node`: 40 bytes\n"), "{text}");
    assert_stage_snapshot!("lock_acquire", acquire);

    let add_one = type_sizes("{async fn body of coop::add_one_tokio()}");
    assert!(
        add_one.text.starts_with("type: `{async fn body of coop::add_one_tokio()}`: 144 bytes"),
        "{}",
        add_one.text
    );
    assert!(add_one.text.contains("        local `.guard`: 8 bytes\n"), "{}", add_one.text);
    assert_stage_snapshot!("lock_add_one_tokio", add_one);

    // The waiter: its place in the semaphore's queue, the waker to call, and the links of an
    // intrusive list — the future itself is the list's node, which is why it must stay pinned.
    assert_cited("src/sync/mutex.rs", 434, "pub async fn lock(&self) -> MutexGuard<'_, T> {");
    assert_cited("src/sync/batch_semaphore.rs", 71, "pub(crate) struct Acquire<'a> {");
    assert_cited("src/sync/batch_semaphore.rs", 98, "waker: UnsafeCell<Option<Waker>>,");
    assert_cited("src/sync/batch_semaphore.rs", 112, "pointers: linked_list::Pointers<Waiter>,");
    assert_cited("src/sync/batch_semaphore.rs", 118, "_p: PhantomPinned,");
    assert_cited("src/sync/batch_semaphore.rs", 774, "unsafe { waiters.queue.remove(node) };");
}

#[test]
fn lock_tokios_guard_is_send_and_crosses_threads_at_its_await() {
    require_send(&add_one_tokio(&tokio::sync::Mutex::new(0)));
    fn guard_is_send<T: Send>() {}
    guard_is_send::<tokio::sync::MutexGuard<'static, u32>>();
    // The guard is a `&Mutex<u32>` (the struct's one field without tracing), `Send` because
    // tokio's `Mutex<T>` is `Sync` for `T: Send`.
    assert_cited("src/sync/mutex.rs", 156, "lock: &'a Mutex<T>,");
    assert_cited("src/sync/mutex.rs", 259, "unsafe impl<T> Sync for Mutex<T> where T: ?Sized + Send {}");

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_time().build().unwrap();
    let counter = Arc::new(tokio::sync::Mutex::new(0));
    runtime.block_on(async {
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let counter = Arc::clone(&counter);
                tokio::spawn(async move { add_one_tokio(&counter).await })
            })
            .collect();
        for task in tasks {
            tokio::time::timeout(std::time::Duration::from_secs(10), task).await.expect("bounded").unwrap();
        }
    });
    assert_eq!(*counter.blocking_lock(), 8);
}
