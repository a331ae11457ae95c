//! The coroutine transform as `-Zdump-mir=StateTransform` writes it: for every body, one file
//! as the body enters the pass and one as it leaves it, each under a comment
//! `// MIR for `NAME` before StateTransform` (or `after`). rustc's
//! `compiler/rustc_middle/src/mir/pretty.rs` (`dump_file_basename`, `write_mir_fn_with_header`)
//! writes the comment, and after it, for a body that has a coroutine layout (which the pass
//! computes), `/* coroutine_layout = … */`: its saved locals' types (`field_tys`), which of them
//! each state holds (`variant_fields`) and which may not share bytes (`storage_conflicts`).
//!
//! The pass runs on every body and changes only coroutines': the subjects are the coroutines,
//! each twice, `before: hello_world::{closure#0}` (its `yield` terminators, its storage markers)
//! and `after: hello_world::{closure#0}` (the resume function, its layout first).

use super::coroutine_layout::CoroutineLayout;
use super::mir::{self, Body};
use crate::error::{Expected, Format, ParseError};

/// How rustc begins each dump file.
const HEADER: &str = "// MIR for `";
const LAYOUT: &str = "/* coroutine_layout = ";

/// Every coroutine's body before and after the transform, sorted by name, `before` first. A
/// dump that does not read as one is an error naming its line.
pub fn bodies(dumps: &str) -> Result<Vec<Body>, ParseError> {
    let mut dumped: Vec<Dump> = Vec::new();
    let lines: Vec<&str> = dumps.lines().collect();
    let starts: Vec<usize> = (0..lines.len()).filter(|&index| lines[index].starts_with(HEADER)).collect();
    if let Some(line) = lines.iter().position(|line| !line.is_empty()).filter(|first| !starts.contains(first)) {
        return Err(ParseError::at(Format::Mir, dumps, line + 1, Expected::StateTransformDump));
    }
    for (number, &start) in starts.iter().enumerate() {
        let end = starts.get(number + 1).copied().unwrap_or(lines.len());
        dumped.push(Dump::read(&lines[start..end], start)?);
    }
    // The pass changed a body that has a coroutine layout after it: the coroutines.
    let coroutines: Vec<String> =
        dumped.iter().filter(|dump| dump.layout.is_some()).map(|dump| dump.body.name.clone()).collect();
    let mut bodies: Vec<(String, bool, Body)> = dumped
        .into_iter()
        .filter(|dump| coroutines.contains(&dump.body.name))
        .map(|dump| {
            let phase = if dump.after { "after" } else { "before" };
            let name = dump.body.name.clone();
            let text = match dump.layout {
                // As rustc prints it: the layout, a blank line, the body.
                Some(layout) => format!("{layout}\n{}", dump.body.text),
                None => dump.body.text.clone(),
            };
            let body = Body { name: format!("{phase}: {name}"), text, ..dump.body };
            (name, dump.after, body)
        })
        .collect();
    bodies.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(bodies.into_iter().map(|(_, _, body)| body).collect())
}

/// One dump file, read.
struct Dump {
    after: bool,
    /// `/* coroutine_layout = … */`, its lines, where rustc wrote one.
    layout: Option<String>,
    body: Body,
}

impl Dump {
    /// `lines` from its header comment; `offset` the header's index in the whole text.
    fn read(lines: &[&str], offset: usize) -> Result<Dump, ParseError> {
        let error = |at: usize, expected| ParseError::quoting(Format::Mir, offset + at + 1, lines[at], expected);
        let header = lines[0];
        let (name, phase) = header
            .strip_prefix(HEADER)
            .and_then(|rest| rest.rsplit_once("` "))
            .ok_or_else(|| error(0, Expected::StateTransformDump))?;
        let after = match phase {
            "before StateTransform" => false,
            "after StateTransform" => true,
            _ => return Err(error(0, Expected::StateTransformDump)),
        };
        let mut at = 1;
        let mut layout = None;
        let mut parsed = None;
        if lines.get(at).is_some_and(|line| line.starts_with(LAYOUT)) {
            let end = (at..lines.len())
                .find(|&index| lines[index].ends_with("*/"))
                .ok_or_else(|| error(at, Expected::StateTransformDump))?;
            let text = lines[at..=end].iter().map(|line| format!("{line}\n")).collect::<String>();
            parsed = Some(CoroutineLayout::parse(&text, offset + at + 1)?);
            layout = Some(text);
            at = end + 1;
        }
        let text: String = lines[at..].iter().map(|line| format!("{line}\n")).collect();
        let mut bodies = mir::numbered_bodies(&text).map_err(|mut error| {
            error.line += offset + at;
            error
        })?;
        let body = match bodies.len() {
            1 => bodies.remove(0).1,
            _ => return Err(error(0, Expected::StateTransformDump)),
        };
        // A constant inside another item is printed by its own name (a `thread_local!`'s
        // `__RUST_STD_INTERNAL_INIT`), its header by its path (`DROPPED::__RUST_STD_INTERNAL_INIT`).
        if body.name != name && !name.ends_with(&format!("::{}", body.name)) {
            return Err(error(0, Expected::StateTransformDump));
        }
        Ok(Dump { after, layout, body: Body { layout: parsed, ..body } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMPS: &str = "// MIR for `f::{closure#0}` before StateTransform\n\n\
        fn f::{closure#0}(_1: {async fn body of f()}, _2: ResumeTy) -> ()\nyields ()\n {\n    let mut _0: ();\n\n    bb0: {\n        _3 = yield(move _4) -> [resume: bb1, drop: bb1];\n    }\n\n    bb1: {\n        return;\n    }\n}\n\n\
        // MIR for `f::{closure#0}` after StateTransform\n\
        /* coroutine_layout = CoroutineLayout {\n    field_tys: {},\n} */\n\n\
        fn f::{closure#0}(_1: Pin<&mut {async fn body of f()}>, _2: &mut Context<'_>) -> Poll<()> {\n    bb0: {\n        return;\n    }\n}\n\n\
        // MIR for `f` after StateTransform\n\n\
        fn f() -> {async fn body of f()} {\n    bb0: {\n        return;\n    }\n}\n\n\
        // MIR for `f` before StateTransform\n\n\
        fn f() -> {async fn body of f()} {\n    bb0: {\n        return;\n    }\n}\n";

    #[test]
    fn each_coroutine_is_a_subject_before_and_after_and_other_bodies_are_not() {
        let names: Vec<String> = bodies(DUMPS).unwrap().into_iter().map(|body| body.name).collect();
        assert_eq!(names, ["before: f::{closure#0}", "after: f::{closure#0}"]);
    }

    #[test]
    fn the_body_after_the_transform_begins_with_its_layout_and_the_one_before_has_its_yield() {
        let [before, after] = &bodies(DUMPS).unwrap()[..] else { panic!() };
        assert!(
            before
                .text
                .starts_with("fn f::{closure#0}(_1: {async fn body of f()}, _2: ResumeTy) -> ()\nyields ()\n {\n")
        );
        assert_eq!(before.block("bb0").unwrap().terminator(), "_3 = yield(move _4) -> [resume: bb1, drop: bb1];");
        assert!(
            after
                .text
                .starts_with("/* coroutine_layout = CoroutineLayout {\n    field_tys: {},\n} */\n\nfn f::{closure#0}(")
        );
        assert_eq!(after.blocks().len(), 1);
    }

    #[test]
    fn a_constant_inside_an_item_is_dumped_under_its_path_and_printed_by_its_name() {
        let dump = "// MIR for `DROPPED::__INIT` after StateTransform\n\nconst __INIT: u8 = {\n    bb0: {\n        return;\n    }\n}\n";
        assert_eq!(bodies(dump).unwrap(), [], "read, and no coroutine");
    }

    #[test]
    fn a_dump_that_is_not_one_is_an_error_naming_its_line() {
        for (text, line) in [
            ("fn f() -> () {\n}\n", 1),
            ("// MIR for `f` before CopyProp\n\nfn f() -> () {\n}\n", 1),
            ("// MIR for `g` before StateTransform\n\nfn f() -> () {\n    bb0: {\n        return;\n    }\n}\n", 1),
            ("// MIR for `f::g` before StateTransform\n\nfn h() -> () {\n    bb0: {\n        return;\n    }\n}\n", 1),
            ("// MIR for `f` after StateTransform\n/* coroutine_layout = CoroutineLayout {\n", 2),
            ("// MIR for `f` after StateTransform\n\nfn f() -> () {\n    frobnicate;\n}\n", 4),
        ] {
            let error = bodies(text).unwrap_err();
            assert_eq!(error.line, line, "{text}: {error}");
        }
    }
}
