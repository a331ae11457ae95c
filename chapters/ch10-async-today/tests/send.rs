//! Where the compiler reports a future that is not `Send`, checked on the pinned compiler: the
//! `compile_fail` blocks of the page's sections "`async fn` in traits" and "Where `Send` comes
//! from" are compiled here as a user's crate would be (against this chapter's library), and each
//! test says on which line of the block the error lands and what it names. rustdoc's doc-tests
//! only check that those blocks fail, and with which error code; the line is what the page's
//! argument is about.
//!
//! And the other half: what the page says compiles, and runs on another thread, does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ch10_async_today::{spawn_thread, total, total_checked, total_with_rc};
use listings::{Rustc, ScratchDir, Workspace};

// ---- The library's futures, run ------------------------------------------------------------------

fn require_send<T: Send>(_: &T) {}

#[test]
fn send_an_async_fns_future_is_send_without_its_signature_saying_so() {
    let future = total(vec![1, 2, 3]);
    require_send(&future); // the signature says `-> u32`; the compiler looked at the body
    assert_eq!(spawn_thread(future).join().unwrap(), 6);
    assert_eq!(spawn_thread(total_checked(vec![1, 2, 3])).join().unwrap(), 6);
    // The one with an `Rc` compiles and runs, on the thread that made it.
    assert_eq!(ch10_async_today::block_on_thread(total_with_rc(vec![1, 2, 3])), 6);
}

// ---- The page's blocks, compiled as a user's crate -----------------------------------------------

mod page;
use page::block_containing;

/// The chapter's library, type-checked once per test run as the stages compile it (its file
/// alone, the feature `crates` off): what a user's crate in these tests is checked against.
fn library() -> &'static (ScratchDir, Rustc) {
    static LIBRARY: OnceLock<(ScratchDir, Rustc)> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let workspace = Workspace::this_checkout();
        let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
        let scratch = workspace.scratch_dir("ch10-send-library").unwrap_or_else(|e| panic!("{e}"));
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
        let output = Command::new(&rustc.path)
            .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "ch10_async_today", "--emit=metadata"])
            .arg("--out-dir")
            .arg(scratch.path())
            .arg(&source)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.path.display()));
        assert!(output.status.success(), "the library does not compile:\n{}", String::from_utf8_lossy(&output.stderr));
        (scratch, rustc)
    })
}

/// The first error rustc reports for `code`, compiled as a user's library crate against the
/// chapter's: its header (`error[E0277]: …`), the line of `code` it points at, and everything
/// rustc printed.
struct FirstError {
    header: String,
    line: String,
    text: String,
}

fn first_error(code: &str) -> FirstError {
    let (library, _) = library();
    first_error_of(code, Some(&library.path().join("libch10_async_today.rmeta")))
}

/// [`first_error`] of `code` compiled alone, or against the chapter's library at `library`.
fn first_error_of(code: &str, library: Option<&Path>) -> FirstError {
    let rustc = Rustc::for_listings(&Workspace::this_checkout()).unwrap_or_else(|e| panic!("{e}"));
    let scratch = Workspace::this_checkout().scratch_dir("ch10-send-user").unwrap_or_else(|e| panic!("{e}"));
    let file = scratch.path().join("user.rs");
    std::fs::write(&file, code).unwrap();
    let mut command = Command::new(&rustc.path);
    command.args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "user", "--emit=metadata"]);
    if let Some(library) = library {
        command.arg("--extern").arg(format!("ch10_async_today={}", library.display()));
    }
    let output = command
        .arg("--out-dir")
        .arg(scratch.path())
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.path.display()));
    assert!(!output.status.success(), "this compiles:\n{code}");
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut lines = text.lines();
    let header = lines.find(|l| l.starts_with("error")).expect("an error").to_owned();
    let at = lines.next().and_then(|l| l.trim().strip_prefix("--> ")).expect("where the error is");
    let line = line_of(&file, at, code);
    FirstError { header, line, text }
}

/// rustc's output for `code`, compiled as a user's library crate against the chapter's, under
/// `RUSTC_BOOTSTRAP=1` if `bootstrap` (for a feature gate the page shows as unstable).
fn compile_against_library(code: &str, bootstrap: bool) -> std::process::Output {
    let (library, rustc) = library();
    let scratch = Workspace::this_checkout().scratch_dir("ch10-send-user").unwrap_or_else(|e| panic!("{e}"));
    let file = scratch.path().join("user.rs");
    std::fs::write(&file, code).unwrap();
    let mut command = Command::new(&rustc.path);
    if bootstrap {
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    command
        .args(["--edition", "2024", "--crate-type", "lib", "--crate-name", "user", "--emit=metadata"])
        .arg("--extern")
        .arg(format!("ch10_async_today={}", library.path().join("libch10_async_today.rmeta").display()))
        .arg("--out-dir")
        .arg(scratch.path())
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.path.display()))
}

/// The line of `code` at `file:line:column`.
fn line_of(file: &Path, at: &str, code: &str) -> String {
    let rest = at.strip_prefix(&*file.display().to_string()).unwrap_or_else(|| panic!("{at} is not in {file:?}"));
    let number: usize = rest.split(':').nth(1).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{at}"));
    code.lines().nth(number - 1).expect("a line of the code").trim().to_owned()
}

#[test]
fn traits_a_trait_with_an_async_fn_is_not_dyn_compatible() {
    let error = first_error(&block_containing("fn get_through_any_store"));
    assert_eq!(error.header, "error[E0038]: the trait `Store` is not dyn compatible");
    assert_eq!(error.line, "fn get_through_any_store(_store: &dyn Store) {}");
    assert!(error.text.contains("the trait is not dyn compatible because method `get` is `async`"), "{}", error.text);
    // And rustc's own way around it, for impls that are all known.
    let enum_help = "consider defining an enum where each variant holds one of these types,\n           \
                     implementing `Store` for this new enum and using it instead";
    assert!(error.text.contains("help: the following types implement `Store`:"), "{}", error.text);
    assert!(error.text.contains(enum_help), "{}", error.text);
}

#[test]
fn traits_a_generic_spawn_of_an_async_trait_methods_future_is_refused_at_the_call() {
    let error = first_error(&block_containing("fn get_in_background_anywhere"));
    assert_eq!(error.header, "error[E0277]: `impl Future<Output = u32>` cannot be sent between threads safely");
    assert_eq!(error.line, "spawn_thread(store.get(key))");
    let note = "note: `<S as Store>::get` is an `async fn` in trait, which does not automatically imply that its future is `Send`";
    assert!(error.text.contains(note), "{}", error.text);
    // With `S: Sync` in the bounds, rustc would add a help that does not apply (to spawn the
    // `&S` itself); the block asks nothing of `S` but `Store`, and gets none.
    assert!(!error.text.contains("consider removing this method call"), "{}", error.text);
}

#[test]
fn traits_return_type_notation_is_unstable_on_the_pinned_compiler() {
    let error = first_error(&block_containing("Store<get(..): Send>"));
    assert_eq!(error.header, "error[E0658]: return type notation is experimental");
    let issue = "= note: see issue #109417 <https://github.com/rust-lang/rust/issues/109417> for more information";
    assert!(error.text.contains(issue), "{}", error.text);
    // What it would do: with the feature on (a nightly compiler, or the pinned one under
    // `RUSTC_BOOTSTRAP=1`), the same function compiles, `Send` asked for by the caller alone.
    let gated = format!("#![feature(return_type_notation)]\n{}", block_containing("Store<get(..): Send>"));
    let output = compile_against_library(&gated, true);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn send_an_rc_held_across_an_await_is_reported_at_the_caller_in_another_crate() {
    let code = block_containing("fn sum_in_background");
    let error = first_error(&code);
    assert_eq!(error.header, "error[E0277]: `Rc<Cell<i32>>` cannot be sent between threads safely");
    assert_eq!(error.line, "spawn_thread(total_with_rc(vec![1, 2, 3]))");
    // From another crate, rustc names the whole body of `total_with_rc`, not the await.
    let note = "note: required because it's used within this `async` fn body";
    assert!(error.text.contains(note), "{}", error.text);
    assert!(!error.text.contains("await occurs here"), "{}", error.text);
    // The note's span: from the `{` that opens the body to the `}` that closes it.
    let library = include_str!("../src/lib.rs").lines().collect::<Vec<_>>();
    let mut after = error.text.lines().skip_while(|line| !line.starts_with(note)).skip(1);
    let at = after.next().and_then(|line| line.trim().strip_prefix("--> ")).expect("where the note points");
    let (line, column) = match at.rsplitn(3, ':').collect::<Vec<_>>()[..] {
        [column, line, file] if file.ends_with("src/lib.rs") => {
            (line.parse::<usize>().unwrap(), column.parse::<usize>().unwrap())
        }
        _ => panic!("the note points at {at}"),
    };
    let first = library[line - 1];
    assert!(first.starts_with("pub async fn total_with_rc("), "{first}");
    assert_eq!(&first[column - 1..], "{", "{first}");
    let shown: Vec<&str> = after.take_while(|line| !line.starts_with("note:")).collect();
    let end = shown.iter().position(|line| line.trim_end().ends_with("|_^")).expect("a span over several lines");
    let last: usize = shown[end - 1].split('|').next().unwrap().trim().parse().expect("the span's last line");
    assert_eq!(library[last - 1], "}", "the span ends at line {last}");
    let closing = library[line..].iter().position(|l| *l == "}").map(|i| line + i + 1);
    assert_eq!(closing, Some(last), "the span ends where the body does");
}

#[test]
fn send_with_send_in_the_signature_the_error_is_at_the_function_and_names_the_await() {
    let code = block_containing("fn total_with_rc_checked");
    let error = first_error(&code);
    // No error code: this diagnostic of rustc's has none.
    assert_eq!(error.header, "error: future cannot be sent between threads safely");
    assert_eq!(error.line, "pub fn total_with_rc_checked(keys: Vec<u32>) -> impl Future<Output = u32> + Send {");
    assert!(error.text.contains("future created by async block is not `Send`"), "{}", error.text);
    assert!(error.text.contains("await occurs here, with `seen` maybe used later"), "{}", error.text);
}

#[test]
fn traits_the_lint_on_async_fn_in_public_traits_names_the_missing_send_bound() {
    let code = "#![deny(async_fn_in_trait)]\npub trait Store {\n    async fn get(&self, key: u32) -> u32;\n}\n";
    let error = course::facts::compiles(code).expect_err("the lint, denied, refuses the trait");
    assert!(
        error.ends_with(
            "error: use of `async fn` in public traits is discouraged as auto trait bounds cannot be specified"
        ),
        "{error}"
    );
}

#[test]
fn send_with_send_in_the_trait_the_error_is_at_the_impl_and_names_the_anonymous_type() {
    let error = first_error(&block_containing("impl SendStore for Counted"));
    assert_eq!(error.header, "error: future cannot be sent between threads safely");
    assert_eq!(error.line, "async fn get(&self, key: u32) -> u32 {");
    assert!(error.text.contains("await occurs here, with `seen` maybe used later"), "{}", error.text);
    assert!(error.text.contains("note: required by a bound in `SendStore::get::{anon_assoc#0}`"), "{}", error.text);
}

#[test]
fn send_in_the_librarys_own_crate_the_error_at_the_caller_names_the_await() {
    // The library's file with the same caller appended, compiled as one crate (the feature
    // `crates` off, as the stages compile it).
    let library = include_str!("../src/lib.rs");
    let caller = "\npub fn sum_in_background() -> std::thread::JoinHandle<u32> {\n    \
                  spawn_thread(total_with_rc(vec![1, 2, 3]))\n}\n";
    let error = first_error_of(&format!("{library}{caller}"), None);
    assert_eq!(error.header, "error: future cannot be sent between threads safely");
    assert_eq!(error.line, "spawn_thread(total_with_rc(vec![1, 2, 3]))");
    assert!(error.text.contains("future returned by `total_with_rc` is not `Send`"), "{}", error.text);
    assert!(error.text.contains("await occurs here, with `seen` maybe used later"), "{}", error.text);
}
