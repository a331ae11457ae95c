//! Why `Task::poll` drops its waker through the vtable: an experiment whose one change is
//! whether the waker's address goes into the `poll` call. Two functions build the same
//! `Arc` waker and call the same opaque `poll`; one passes a `Context` of that waker, the other
//! a `Context` of `Waker::noop()`. Compiled with the pinned rustc at `-C opt-level=3`.

use std::path::PathBuf;
use std::process::Command;

const SOURCE: &str = r#"use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

pub struct Task;
impl Wake for Task {
    fn wake(self: Arc<Self>) {}
}

#[inline(never)]
pub fn polled_with_it(task: &Arc<Task>, future: Pin<&mut dyn Future<Output = ()>>) -> bool {
    let waker = Waker::from(Arc::clone(task));
    let mut cx = Context::from_waker(&waker);
    future.poll(&mut cx).is_ready()
}

#[inline(never)]
pub fn polled_with_another(task: &Arc<Task>, future: Pin<&mut dyn Future<Output = ()>>) -> bool {
    let waker = Waker::from(Arc::clone(task));
    let mut cx = Context::from_waker(Waker::noop());
    let ready = future.poll(&mut cx).is_ready();
    drop(waker);
    ready
}
"#;

/// The Intel-syntax assembly of each function of `SOURCE`, as its instruction lines.
fn functions() -> (Vec<String>, Vec<String>) {
    let rustc = listings::Rustc::for_listings(&listings::Workspace::this_checkout())
        .unwrap_or_else(|error| panic!("{error}"))
        .path;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("waker_escape");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("escape.rs");
    std::fs::write(&file, SOURCE).unwrap();
    let asm = dir.join("escape.s");
    let output = Command::new(rustc)
        .args(["--edition=2024", "--crate-type=lib", "-C", "opt-level=3", "-C", "codegen-units=1"])
        .args(["-C", "llvm-args=-x86-asm-syntax=intel", "--out-dir"])
        .arg(&dir)
        .arg(format!("--emit=asm={}", asm.display()))
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(asm).unwrap();
    let body = |name: &str| -> Vec<String> {
        text.lines()
            .skip_while(|line| !(line.ends_with(':') && line.contains(name) && !line.starts_with('.')))
            .skip(1)
            .take_while(|line| !line.starts_with(".Lfunc_end"))
            .filter(|line| line.starts_with('\t') && !line.trim_start().starts_with('.'))
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    (body("polled_with_it"), body("polled_with_another"))
}

#[test]
fn a_waker_whose_address_went_into_poll_is_dropped_through_its_vtable_and_one_that_did_not_is_dropped_inline() {
    let (with_it, with_another) = functions();
    // The future's poll is slot 3 of its vtable in both; the waker's drop is slot 3 of the
    // waker's vtable, reloaded from the stack after the call, only in the first.
    let slot_3_calls =
        |body: &[String]| body.iter().filter(|i| i.starts_with("call qword ptr [") && i.ends_with("+ 24]")).count();
    assert_eq!(slot_3_calls(&with_it), 3, "poll, the drop, the drop on unwinding: {with_it:#?}");
    assert!(with_it.iter().any(|i| i == "mov rcx, qword ptr [rsp]" || i == "mov rax, qword ptr [rsp]"), "{with_it:#?}");
    assert_eq!(slot_3_calls(&with_another), 1, "poll only: {with_another:#?}");
    // The drop is `Arc`'s own: a locked decrement, inlined.
    assert!(with_another.iter().any(|i| i.starts_with("lock dec qword ptr")), "{with_another:#?}");
}
