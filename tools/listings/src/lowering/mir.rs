//! MIR as `--emit=mir` prints it: one body per item, `fn name(args) -> ret {` … `}` at column 0.

/// One MIR body: a function (a coroutine's resume function is `name::{closure#0}`), a
/// constant or a promoted constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// `hello_world::{closure#0}`, `<impl at chapters/…/src/lib.rs:70:1: 70:28>::poll`,
    /// `NOOP_WAKER_VTABLE`.
    pub name: String,
    pub text: String,
}

/// Splits the MIR file into bodies. Comments (`// WARNING: …` at the top, `// MIR for …`) are
/// dropped.
pub fn bodies(mir: &str) -> Vec<Body> {
    let mut bodies = Vec::new();
    let mut current: Option<Body> = None;
    for line in mir.lines() {
        match &mut current {
            None => {
                if let Some(name) = body_name(line) {
                    current = Some(Body { name, text: format!("{line}\n") });
                }
            }
            Some(body) => {
                body.text.push_str(line);
                body.text.push('\n');
                if line == "}" {
                    bodies.extend(current.take());
                }
            }
        }
    }
    bodies
}

/// `fn hello_world::{closure#0}(_1: …) -> … {` → `hello_world::{closure#0}`;
/// `const NOOP_WAKER_VTABLE: RawWakerVTable = {` → `NOOP_WAKER_VTABLE`.
fn body_name(line: &str) -> Option<String> {
    if let Some(rest) = line.strip_prefix("fn ") {
        return Some(rest.split('(').next()?.trim().to_owned());
    }
    let rest = line.strip_prefix("const ").or_else(|| line.strip_prefix("static "))?;
    Some(rest.split(": ").next()?.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIR: &str = "// WARNING: This output format is intended for human consumers only\n\
        fn noop(_1: *const ()) -> () {\n    bb0: {\n        return;\n    }\n}\n\n\
        const VTABLE: RawWakerVTable = {\n    let mut _0: RawWakerVTable;\n}\n\n\
        fn hello_world::{closure#0}(_1: Pin<&mut {async fn body of hello_world()}>, _2: &mut Context<'_>) -> Poll<()> {\n    bb0: {\n    }\n}\n";

    #[test]
    fn mir_splits_into_named_bodies() {
        let names: Vec<String> = bodies(MIR).into_iter().map(|b| b.name).collect();
        assert_eq!(names, ["noop", "VTABLE", "hello_world::{closure#0}"]);
    }

    #[test]
    fn a_body_runs_from_its_signature_to_the_closing_brace() {
        let noop = &bodies(MIR)[0];
        assert_eq!(noop.text, "fn noop(_1: *const ()) -> () {\n    bb0: {\n        return;\n    }\n}\n");
    }
}
