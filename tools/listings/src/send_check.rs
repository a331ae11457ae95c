//! Whether an `async fn`'s future is `Send`, as the compiler answers it.
//!
//! A crate of one function beside the reader's, `assert_send(crate::f(todo!(), …))`, is compiled
//! against it, and rustc's diagnostics (cargo's `--message-format=json`, each rustc's own JSON)
//! are read: no error is `Send`; error E0277's help names the type that is not `Send` (or not
//! `Sync`, behind a reference), and its notes the types the compiler found it within, from the
//! inside out, up to the `async fn` body.
//!
//! rustc says which local holds it across which await ("has type `X` which is not `Send`" …
//! "await occurs here, with `x` maybe used later") only when the coroutine is in the crate it
//! compiles: it reads the coroutine's type-check results, which another crate's metadata does not
//! carry (`note_obligation_cause_for_async_await`). From another crate it names the type and
//! the types around it; which saved local has that type is the coroutine layout's answer
//! (`future.rs`).

use std::path::PathBuf;

use kept::{Computation, Entry, Key, Output};

use crate::child::fingerprint;
use crate::compile::{cargo, foreign_rustflags, inputs_of_last_build};
use crate::flags::TARGET;
use crate::lowering::{foreign_stages_dir, stage_build_args};
use crate::{Error, ForeignCrate, Rustc, Workspace};

/// The compiler's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendAnswer {
    Send,
    NotSend(NotSend),
    /// The check did not compile for another reason (a private function, a generic one): the
    /// compiler's first error.
    Undecided {
        reason: String,
    },
}

/// Why a future is not `Send`, in the compiler's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSend {
    /// The type that lacks the trait: `std::sync::MutexGuard<'_, u64>`.
    pub culprit: String,
    /// `Send`, or `Sync` for a type the future holds a shared reference to.
    pub missing: String,
    /// The types the compiler found the culprit within, from the inside out: `Holder`,
    /// `&Cell<u8>`. Empty when the future holds the culprit itself.
    pub within: Vec<String>,
    /// How many `async fn` bodies the chain crosses: 1 when the future holds it itself, more
    /// when it is inside a future it awaits.
    pub bodies: usize,
}

/// Compiles the check of `function` (its path in the crate, `count_visit`), which takes
/// `arguments` arguments, against `foreign`, in the folder its stages are built in; kept for the
/// next run while the crate's sources, manifests and lockfile are unchanged.
pub fn check(
    workspace: &Workspace,
    rustc: &Rustc,
    foreign: &ForeignCrate,
    function: &str,
    arguments: usize,
) -> Result<SendAnswer, Error> {
    let name = format!("send-check-{}", function.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let dir = foreign.target_dir(workspace).join("send-check").join(&name);
    let write = |path: PathBuf, text: &str| {
        kept::write_atomically(&path, text.as_bytes())
            .map_err(|e| Error::Write { path: path.display().to_string(), reason: e.to_string() })
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::Write { path: dir.display().to_string(), reason: e.to_string() })?;
    let source = check_source(&foreign.crate_name, function, arguments);
    write(dir.join("lib.rs"), &source)?;
    write(dir.join("Cargo.toml"), &check_manifest(&name, foreign))?;
    // The reader's versions of its dependencies: its lockfile, which cargo completes with this
    // crate (a path package, so without asking a registry).
    if let Ok(lock) = std::fs::read_to_string(foreign.workspace_root.join("Cargo.lock")) {
        write(dir.join("Cargo.lock"), &lock)?;
    }
    let mut command = cargo(workspace, rustc);
    command.args(["build", "--lib", "--message-format=json", "--manifest-path"]).arg(dir.join("Cargo.toml"));
    command.args(stage_build_args(workspace, foreign));
    command.env("CARGO_ENCODED_RUSTFLAGS", foreign_rustflags(workspace, foreign));

    let key = Key::new("send-check").with(fingerprint(&command, rustc)).with(&source);
    let kept = workspace.kept();
    if let Some(messages) = kept.get(&key).as_ref().and_then(|entry| entry.text("messages").map(str::to_owned)) {
        return answer(&messages, &name.replace('-', "_"));
    }
    let computation = Computation::start();
    let output = command
        .output()
        .map_err(|e| Error::Spawn { program: format!("{:?}", command.get_program()), reason: e.to_string() })?;
    let messages = String::from_utf8_lossy(&output.stdout).into_owned();
    let answered = answer(&messages, &name.replace('-', "_"));
    // A crate that does not build at all (cargo's own error, no message of the check's) is the
    // reader's crate failing, said with cargo's words.
    if !output.status.success() && matches!(answered, Ok(SendAnswer::Send)) {
        return Err(Error::Build {
            chapter: foreign.package.clone(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    let profile_dir = foreign_stages_dir(workspace, foreign).join(TARGET).join("debug");
    let mut read = inputs_of_last_build(&profile_dir, &foreign.crate_name);
    if answered.is_ok() && !read.is_empty() {
        read.extend(foreign.manifests());
        let _ = kept.keep(&key, &Entry::new(vec![Output::new("messages", messages.into_bytes())]), &read, computation);
    }
    answered
}

/// The check: one call, its arguments `todo!()` (whose type is any), whose result must be `Send`.
fn check_source(crate_name: &str, function: &str, arguments: usize) -> String {
    let arguments = vec!["todo!()"; arguments].join(", ");
    format!(
        "// Written by the book's `cargo xtask future`: is the future of `{function}` Send?\n\
         #![allow(unreachable_code, unused, clippy::diverging_sub_expression)]\n\
         fn assert_send<T: Send>(_: T) {{}}\n\
         pub fn check() {{\n    assert_send({crate_name}::{function}({arguments}));\n}}\n"
    )
}

/// A package that depends on the reader's, a workspace of its own.
fn check_manifest(name: &str, foreign: &ForeignCrate) -> String {
    let dir = toml::Value::String(foreign.dir.display().to_string());
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\npath = \"lib.rs\"\n\n[dependencies]\n\"{}\" = {{ path = {dir} }}\n\n[workspace]\n",
        foreign.package
    )
}

/// The compiler's answer, from cargo's JSON messages for the check crate `check_target` (its
/// library's name): `Send` if it has no error.
pub fn answer(messages: &str, check_target: &str) -> Result<SendAnswer, Error> {
    let mut errors = Vec::new();
    for line in messages.lines().filter(|line| line.starts_with('{')) {
        let message: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::Read { path: "cargo's JSON messages".into(), reason: e.to_string() })?;
        let of_check = message.pointer("/target/name").and_then(|n| n.as_str()) == Some(check_target);
        if message["reason"] == "compiler-message"
            && of_check
            && message.pointer("/message/level") == Some(&"error".into())
        {
            errors.push(message["message"].clone());
        }
    }
    let Some(first) = errors.first() else { return Ok(SendAnswer::Send) };
    Ok(errors
        .iter()
        .find_map(not_send)
        .map(SendAnswer::NotSend)
        .unwrap_or_else(|| SendAnswer::Undecided { reason: first["message"].as_str().unwrap_or_default().to_owned() }))
}

/// E0277's help and notes, read: `the trait `Send` is not implemented for `X``, then `required
/// because it appears within the type `Y``, `required for `&X` to implement `Send``, `required
/// because it's used within this `async` fn body`.
fn not_send(diagnostic: &serde_json::Value) -> Option<NotSend> {
    let children = diagnostic["children"].as_array()?;
    let text = |child: &serde_json::Value| child["message"].as_str().unwrap_or_default().to_owned();
    let help = children.iter().map(text).find(|message| message.contains("is not implemented for `"))?;
    let (missing, culprit) = help.split_once("the trait `")?.1.split_once("` is not implemented for `")?;
    let culprit = culprit.strip_suffix('`')?;
    let mut within = Vec::new();
    let mut bodies = 0;
    for note in children.iter().map(text) {
        if let Some(ty) = note.strip_prefix("required because it appears within the type `") {
            within.push(ty.strip_suffix('`')?.to_owned());
        } else if let Some(ty) = note.strip_prefix("required for `").and_then(|n| n.split_once("` to implement `")) {
            within.push(ty.0.to_owned());
        } else if note.starts_with("required because it's used within this `async` fn body") {
            bodies += 1;
        }
    }
    Some(NotSend { culprit: culprit.to_owned(), missing: missing.to_owned(), within, bodies })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(target: &str, level: &str, text: &str, children: &[(&str, &str)]) -> String {
        let children: Vec<serde_json::Value> = children
            .iter()
            .map(
                |(level, message)| serde_json::json!({"level": level, "message": message, "spans": [], "children": []}),
            )
            .collect();
        serde_json::json!({
            "reason": "compiler-message",
            "target": {"name": target},
            "message": {"level": level, "message": text, "children": children}
        })
        .to_string()
    }

    #[test]
    fn no_error_of_the_check_is_send_and_other_crates_warnings_do_not_count() {
        let warning = message("tokio_service", "warning", "unused variable", &[]);
        let artifact = r#"{"reason":"compiler-artifact","target":{"name":"send_check_f"}}"#;
        assert_eq!(answer(&format!("{warning}\n{artifact}\n"), "send_check_f").unwrap(), SendAnswer::Send);
    }

    #[test]
    fn the_type_that_is_not_send_and_the_types_around_it_are_the_compilers() {
        let error = message(
            "send_check_f",
            "error",
            "`Rc<u8>` cannot be sent between threads safely",
            &[
                ("help", "within `impl Future<Output = u8>`, the trait `Send` is not implemented for `Rc<u8>`"),
                ("note", "required because it appears within the type `Holder`"),
                ("note", "required because it's used within this `async` fn body"),
                ("note", "required by a bound in `assert_send`"),
            ],
        );
        let SendAnswer::NotSend(not_send) = answer(&error, "send_check_f").unwrap() else { panic!() };
        assert_eq!(
            not_send,
            NotSend { culprit: "Rc<u8>".into(), missing: "Send".into(), within: vec!["Holder".into()], bodies: 1 }
        );
    }

    #[test]
    fn a_reference_to_a_type_that_is_not_sync_is_within_the_chain() {
        let error = message(
            "send_check_f",
            "error",
            "`Cell<u8>` cannot be shared between threads safely",
            &[
                ("help", "the trait `Sync` is not implemented for `Cell<u8>`"),
                ("note", "required for `&Cell<u8>` to implement `Send`"),
                ("note", "required because it's used within this `async` fn body"),
            ],
        );
        let SendAnswer::NotSend(not_send) = answer(&error, "send_check_f").unwrap() else { panic!() };
        assert_eq!((not_send.missing.as_str(), not_send.within.as_slice()), ("Sync", &["&Cell<u8>".to_owned()][..]));
    }

    #[test]
    fn another_error_leaves_it_undecided_in_the_compilers_words() {
        let error = message("send_check_f", "error", "function `f` is private", &[]);
        assert_eq!(
            answer(&error, "send_check_f").unwrap(),
            SendAnswer::Undecided { reason: "function `f` is private".into() }
        );
    }

    #[test]
    fn the_check_calls_the_function_with_as_many_arguments_as_it_takes() {
        let source = check_source("tokio_service", "routes::lookup", 2);
        assert!(source.contains("assert_send(tokio_service::routes::lookup(todo!(), todo!()));"), "{source}");
    }
}
