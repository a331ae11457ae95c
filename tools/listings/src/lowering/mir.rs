//! MIR as `--emit=mir` prints it: one body per item, `fn name(args) -> ret {` … `}` at column 0,
//! each body's basic blocks (`    bb3: {` … `    }`) read into [`BasicBlock`]s.
//!
//! Every line is read or refused: a body the output ends inside, a line at column 0 that is no
//! item, a line of a body or of a block of no shape MIR has, are errors naming the line.

use super::coroutine_layout::{CoroutineLayout, CoroutinePlace};
use crate::error::{Expected, Format, ParseError};

/// One MIR body: a function (a coroutine's resume function is `name::{closure#0}`), a
/// constant or a promoted constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// `hello_world::{closure#0}`, `<impl at chapters/…/src/lib.rs:70:1: 70:28>::poll`,
    /// `NOOP_WAKER_VTABLE`; the body rustc evaluates at compile time, printed under `// MIR FOR
    /// CTFE`, has ` (CTFE)` after its name.
    pub name: String,
    pub text: String,
    pub(super) blocks: Vec<BasicBlock>,
    /// For a coroutine's body after the coroutine transform, the layout the transform printed
    /// before it (`state_transform.rs`).
    pub(super) layout: Option<CoroutineLayout>,
}

/// One basic block of a MIR body: its statements, the terminator last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicBlock {
    /// `bb3`.
    pub name: String,
    /// A block that runs while unwinding (`bb4 (cleanup): {`).
    pub cleanup: bool,
    /// Statements, trimmed, the terminator last: `_0 = Poll::<()>::Pending;`, `return;`.
    pub statements: Vec<String>,
}

impl Body {
    /// The body's basic blocks, in the order MIR prints them (`bb0` first).
    pub fn blocks(&self) -> &[BasicBlock] {
        &self.blocks
    }

    /// The block named `name` (`bb0`).
    pub fn block(&self, name: &str) -> Option<&BasicBlock> {
        self.blocks.iter().find(|block| block.name == name)
    }

    /// The coroutine's layout, for a body after the coroutine transform.
    pub fn coroutine_layout(&self) -> Option<&CoroutineLayout> {
        self.layout.as_ref()
    }

    /// The types of its arguments (`_1: Arc<State>` → `Arc<State>`), and what it returns
    /// (`{async fn body of lookup()}` for an async fn), from the header of a `fn` body; `None`
    /// for a constant.
    pub fn signature(&self) -> Option<(Vec<String>, String)> {
        let header = self.text.lines().next()?.strip_prefix("fn ")?;
        let after_name = &header[header.find('(')? + 1..];
        let close = closing(after_name)?;
        let arguments = split_top_level(&after_name[..close])
            .into_iter()
            .filter(|argument| !argument.is_empty())
            .map(|argument| argument.split_once(": ").map(|(_, ty)| ty.to_owned()))
            .collect::<Option<Vec<String>>>()?;
        let returns = after_name[close + 1..].strip_prefix(" -> ")?;
        let returns = returns.strip_suffix(" {").unwrap_or(returns);
        Some((arguments, returns.to_owned()))
    }

    /// Its `debug NAME => PLACE;` lines that name a field of a coroutine: each variable the
    /// coroutine keeps, and where.
    pub fn coroutine_fields(&self) -> Vec<(String, CoroutinePlace)> {
        self.debug_variables().filter_map(|(name, place)| Some((name.to_owned(), place.parse().ok()?))).collect()
    }

    /// Its `debug NAME => PLACE;` lines: each variable of the source and the place MIR keeps it
    /// in (`seed`, `_3`), in the order of the body's scopes.
    pub fn debug_variables(&self) -> impl Iterator<Item = (&str, &str)> {
        self.text
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("debug ")?.strip_suffix(';')?.split_once(" => "))
    }

    /// A body made of its text: the first line its header, the last its `}`.
    pub fn parse(text: &str) -> Result<Body, ParseError> {
        let mut bodies = bodies(text)?;
        match bodies.len() {
            1 => Ok(bodies.remove(0)),
            _ => Err(ParseError::at(Format::Mir, text, 1, Expected::MirItem)),
        }
    }
}

impl BasicBlock {
    /// The block's last statement, which says where control goes next.
    pub fn terminator(&self) -> &str {
        self.statements.last().map_or("", String::as_str)
    }

    /// The place a `drop(PLACE) -> …` terminator drops.
    pub fn dropped(&self) -> Option<&str> {
        let rest = self.terminator().strip_prefix("drop(")?;
        Some(&rest[..closing(rest)?])
    }

    /// Where the terminator goes when nothing unwinds: every target but an `unwind:` one, each
    /// with its value for a `switchInt` (`[0: bb1, 3: bb4, otherwise: bb9]` → 0, 3, none).
    pub fn targets(&self) -> Vec<(Option<u64>, &str)> {
        let Some((_, targets)) = self.terminator().rsplit_once(" -> ") else { return Vec::new() };
        let targets = targets.strip_suffix(';').unwrap_or(targets);
        let is_block = |word: &str| {
            word.strip_prefix("bb").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        match targets.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            None => targets.split(' ').filter(|w| is_block(w)).map(|w| (None, w)).take(1).collect(),
            Some(list) => split_top_level(list)
                .into_iter()
                .filter_map(|target| {
                    let (label, block) = target.split_once(": ")?;
                    (label != "unwind" && is_block(block)).then(|| (label.parse().ok(), block))
                })
                .collect(),
        }
    }

    /// The blocks the terminator may go to: every `bbN` after its `->`.
    pub fn successors(&self) -> Vec<&str> {
        let Some((_, targets)) = self.terminator().rsplit_once(" -> ") else { return Vec::new() };
        targets
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| {
                word.strip_prefix("bb").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect()
    }
}

/// Splits the MIR file into bodies. Comments (`// WARNING: …` at the top, `// MIR for …`) and
/// the bytes of allocations (`alloc3 (size: 5, align: 1) {` … `}`) are passed over.
pub fn bodies(mir: &str) -> Result<Vec<Body>, ParseError> {
    Ok(numbered_bodies(mir)?.into_iter().map(|(_, body)| body).collect())
}

/// [`bodies`], each with the line (1-based) of its header.
pub(super) fn numbered_bodies(mir: &str) -> Result<Vec<(usize, Body)>, ParseError> {
    let mut bodies = Vec::new();
    let mut lines = mir.lines().enumerate().peekable();
    let mut for_ctfe = false;
    while let Some((index, line)) = lines.next() {
        let error = |expected| ParseError::quoting(Format::Mir, index + 1, line, expected);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix("//") {
            for_ctfe |= comment.trim() == "MIR FOR CTFE";
            continue;
        }
        // `alloc7 (fn: counting_clone)`, `alloc13 (static: LEDGER_VTABLE)`: an address whose
        // bytes are printed elsewhere, or are none.
        if is_allocation(line) && !line.ends_with(" {") {
            continue;
        }
        if is_allocation(line) {
            // Its bytes, up to the `}` that closes it.
            loop {
                match lines.next() {
                    Some((_, "}")) => break,
                    Some((_, bytes)) if bytes.starts_with("    ") => {}
                    Some((index, other)) => {
                        return Err(ParseError::quoting(Format::Mir, index + 1, other, Expected::MirItem));
                    }
                    None => return Err(ParseError::at_end(Format::Mir, mir, Expected::BodyEnd { name: line.into() })),
                }
            }
            continue;
        }
        let Some(name) = body_name(line) else { return Err(error(Expected::MirItem)) };
        let name = match std::mem::take(&mut for_ctfe) {
            true => format!("{name} (CTFE)"),
            false => name,
        };
        let mut text = format!("{line}\n");
        // `const X: usize = const 2_usize;`: a body of one line.
        if line.ends_with(';') {
            bodies.push((index + 1, Body { name, text, blocks: Vec::new(), layout: None }));
            continue;
        }
        if line.starts_with("fn ") && !line.ends_with('{') {
            // A coroutine before the coroutine transform (`-Zdump-mir=StateTransform`): its
            // signature runs on over `yields TYPE` and ` {`.
            while let Some(&(_, next)) = lines.peek()
                && next.starts_with("yields ")
            {
                text.push_str(next);
                text.push('\n');
                lines.next();
            }
            match lines.next() {
                Some((_, " {")) => text.push_str(" {\n"),
                Some((index, other)) => {
                    return Err(ParseError::quoting(Format::Mir, index + 1, other, Expected::MirItem));
                }
                None => return Err(ParseError::at_end(Format::Mir, mir, Expected::BodyEnd { name })),
            }
        } else if !line.ends_with('{') {
            return Err(error(Expected::MirItem));
        }
        let header_line = index + 1;
        let mut body_lines: Vec<(usize, &str)> = Vec::new();
        loop {
            match lines.next() {
                Some((_, "}")) => break,
                Some((index, inner)) => body_lines.push((index, inner)),
                None => return Err(ParseError::at_end(Format::Mir, mir, Expected::BodyEnd { name })),
            }
        }
        let blocks = blocks(&body_lines)?;
        for (_, inner) in &body_lines {
            text.push_str(inner);
            text.push('\n');
        }
        text.push_str("}\n");
        bodies.push((header_line, Body { name, text, blocks, layout: None }));
    }
    Ok(bodies)
}

/// The index of the `)` that closes the `(` before `text`.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' | '<' | '[' | '{' => depth += 1,
            '>' if text[..at].ends_with('-') => {}
            ')' if depth == 0 => return Some(at),
            ')' | '>' | ']' | '}' => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    None
}

/// `a, B<c, d>, e` → `a`, `B<c, d>`, `e`: split at the commas outside brackets.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in text.char_indices() {
        match c {
            '(' | '<' | '[' | '{' => depth += 1,
            '>' if text[..at].ends_with('-') => {}
            ')' | '>' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// `alloc12 (size: 26, align: 1) {`, a static's `alloc6 (static: COUNTING_VTABLE, size: 32,
/// align: 8) {`, or one of one line: `alloc7 (fn: counting_clone)`, `alloc13 (static: LEDGER_VTABLE)`.
fn is_allocation(line: &str) -> bool {
    line.strip_prefix("alloc").and_then(|rest| rest.split_once(" (")).is_some_and(|(number, rest)| {
        !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
            && (rest.ends_with(") {") && rest.contains("size: ") || !rest.contains('{') && rest.ends_with(')'))
    })
}

/// The lines inside a body, read: declarations and scopes (indented, braces balanced), then
/// basic blocks, each a header, statements 8 spaces in, and `    }`.
fn blocks(lines: &[(usize, &str)]) -> Result<Vec<BasicBlock>, ParseError> {
    let mut blocks: Vec<BasicBlock> = Vec::new();
    let mut open: Option<BasicBlock> = None;
    let mut scopes = 0usize;
    for &(index, line) in lines {
        let error = |expected| ParseError::quoting(Format::Mir, index + 1, line, expected);
        if let Some(block) = open.as_mut() {
            if line == "    }" {
                blocks.extend(open.take());
            } else if let Some(statement) = line.strip_prefix("        ").filter(|s| !s.trim().is_empty()) {
                block.statements.push(statement.trim().to_owned());
            } else {
                return Err(error(Expected::BlockLine { block: block.name.clone() }));
            }
            continue;
        }
        let trimmed = line.trim_start();
        if line.is_empty() {
            continue;
        }
        if scopes == 0
            && let Some((name, cleanup)) = block_header(line)
        {
            open = Some(BasicBlock { name, cleanup, statements: Vec::new() });
            continue;
        }
        let indented = line.starts_with("    ") && !trimmed.is_empty();
        if !indented || !blocks.is_empty() {
            return Err(error(Expected::BodyLine));
        }
        // Declarations, and the scopes that nest them.
        if trimmed.starts_with("scope ") && trimmed.ends_with(" {") {
            scopes += 1;
        } else if trimmed == "}" && scopes > 0 {
            scopes -= 1;
        } else if !(trimmed.starts_with("debug ") || trimmed.starts_with("let ")) || !trimmed.ends_with(';') {
            return Err(error(Expected::BodyLine));
        }
    }
    match open {
        Some(block) => {
            let (index, line) = lines.last().copied().unwrap_or_default();
            Err(ParseError::quoting(Format::Mir, index + 1, line, Expected::BlockLine { block: block.name }))
        }
        None => Ok(blocks),
    }
}

/// `    bb4 (cleanup): {` → (`bb4`, true).
fn block_header(line: &str) -> Option<(String, bool)> {
    let header = line.strip_prefix("    bb")?.strip_suffix(": {")?;
    let (number, cleanup) = match header.split_once(' ') {
        Some((number, "(cleanup)")) => (number, true),
        Some(_) => return None,
        None => (header, false),
    };
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then(|| (format!("bb{number}"), cleanup))
}

/// `fn hello_world::{closure#0}(_1: …) -> … {` → `hello_world::{closure#0}`;
/// `const NOOP_WAKER_VTABLE: RawWakerVTable = {` → `NOOP_WAKER_VTABLE`; an anonymous constant
/// (a `thread_local!`'s) has no keyword: `DROPPED::{constant#0}: fn(…) -> … = {`.
fn body_name(line: &str) -> Option<String> {
    if let Some(rest) = line.strip_prefix("fn ") {
        return Some(rest.split('(').next()?.trim().to_owned()).filter(|name| !name.is_empty());
    }
    let rest = line.strip_prefix("const ").or_else(|| line.strip_prefix("static ")).unwrap_or(line);
    if !(rest.ends_with(" = {") || rest.contains(" = const ")) || rest.starts_with(char::is_whitespace) {
        return None;
    }
    // The name ends at the first `: ` outside brackets: `<impl at src/lib.rs:1:1: 2:3>::X` is one.
    let mut depth = 0i32;
    for (at, c) in rest.char_indices() {
        match c {
            '<' | '{' | '(' | '[' => depth += 1,
            '>' if rest[..at].ends_with('-') => {}
            '>' | '}' | ')' | ']' => depth -= 1,
            ':' if depth == 0 && rest[at + 1..].starts_with(' ') => {
                return Some(rest[..at].trim().to_owned()).filter(|name| !name.is_empty());
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIR: &str = "// WARNING: This output format is intended for human consumers only\n\
        fn noop(_1: *const ()) -> () {\n    bb0: {\n        return;\n    }\n}\n\n\
        const VTABLE: RawWakerVTable = {\n    let mut _0: RawWakerVTable;\n\n    bb0: {\n        _0 = const VALUE;\n        return;\n    }\n}\n\n\
        const f::{constant#0}: usize = const 2_usize;\n\n\
        DROPPED::{constant#0}: fn(Option<&mut u8>) -> *const u8 = {\n    let mut _0: fn(Option<&mut u8>) -> *const u8;\n\n    bb0: {\n        return;\n    }\n}\n\n\
        alloc1 (size: 5, align: 1) {\n    63 6f 75 6e 74                                  │ count\n}\n\n\
        alloc6 (static: VTABLE, size: 1, align: 1) {\n    00                                              │ .\n}\n\n\
        alloc7 (fn: noop)\n\n\
        alloc8 (static: VTABLE)\n\n\
        fn hello_world::{closure#0}(_1: Pin<&mut {async fn body of hello_world()}>, _2: &mut Context<'_>) -> Poll<()> {\n    debug _task_context => _2;\n    let mut _0: Poll<()>;\n    scope 1 {\n        debug x => _3;\n        scope 2 {\n            let _4: u8;\n        }\n    }\n\n    bb0: {\n        _5 = discriminant((*_6));\n        switchInt(move _5) -> [0: bb1, otherwise: bb2];\n    }\n\n    bb1 (cleanup): {\n        resume;\n    }\n\n    bb2: {\n        unreachable;\n    }\n}\n\n\
        // MIR FOR CTFE\n\
        fn noop(_1: *const ()) -> () {\n    bb0: {\n        return;\n    }\n}\n";

    #[test]
    fn mir_splits_into_named_bodies_and_a_one_line_constant_is_a_body_of_its_own() {
        let names: Vec<String> = bodies(MIR).unwrap().into_iter().map(|b| b.name).collect();
        assert_eq!(
            names,
            ["noop", "VTABLE", "f::{constant#0}", "DROPPED::{constant#0}", "hello_world::{closure#0}", "noop (CTFE)"]
        );
    }

    #[test]
    fn a_body_runs_from_its_signature_to_the_closing_brace() {
        let noop = &bodies(MIR).unwrap()[0];
        assert_eq!(noop.text, "fn noop(_1: *const ()) -> () {\n    bb0: {\n        return;\n    }\n}\n");
        assert_eq!(Body::parse(&noop.text).as_ref(), Ok(noop));
    }

    #[test]
    fn blocks_and_their_successors_are_read_from_the_body() {
        let resume = bodies(MIR).unwrap().remove(4);
        let names: Vec<&str> = resume.blocks().iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["bb0", "bb1", "bb2"]);
        let dispatch = resume.block("bb0").unwrap();
        assert_eq!(
            dispatch.statements,
            ["_5 = discriminant((*_6));", "switchInt(move _5) -> [0: bb1, otherwise: bb2];"]
        );
        assert_eq!(dispatch.successors(), ["bb1", "bb2"]);
        assert!(resume.block("bb1").unwrap().cleanup);
        assert_eq!(resume.block("bb9"), None);
    }

    #[test]
    fn an_async_fn_s_signature_gives_its_arguments_and_its_future() {
        let body = Body::parse("fn lookup(_1: HashMap<u8, (u8, u8)>, _2: fn(u8) -> u8) -> {async fn body of lookup()} {\n    bb0: {\n        return;\n    }\n}\n").unwrap();
        let (arguments, returns) = body.signature().unwrap();
        assert_eq!(arguments, ["HashMap<u8, (u8, u8)>", "fn(u8) -> u8"]);
        assert_eq!(returns, "{async fn body of lookup()}");
        assert_eq!(Body::parse("fn f() -> () {\n}\n").unwrap().signature(), Some((vec![], "()".to_owned())));
    }

    #[test]
    fn a_drop_names_its_place_and_goes_on_where_nothing_unwinds() {
        let block =
            |terminator: &str| BasicBlock { name: "bb0".into(), cleanup: false, statements: vec![terminator.into()] };
        let drop = block("drop((((*_1) as variant#4).2: Vec<(u8, u8)>)) -> [return: bb3, unwind: bb10];");
        assert_eq!(drop.dropped(), Some("(((*_1) as variant#4).2: Vec<(u8, u8)>)"));
        assert_eq!(drop.targets(), [(None, "bb3")]);
        assert_eq!(block("drop(_3) -> [return: bb1, unwind continue];").targets(), [(None, "bb1")]);
        assert_eq!(block("goto -> bb5;").targets(), [(None, "bb5")]);
        assert_eq!(
            block("switchInt(move _60) -> [0: bb17, 3: bb20, otherwise: bb23];").targets(),
            [(Some(0), "bb17"), (Some(3), "bb20"), (None, "bb23")]
        );
        assert_eq!(block("return;").targets(), []);
        assert_eq!(block("return;").dropped(), None);
    }

    #[test]
    fn a_coroutine_s_fields_are_named_by_its_debug_lines() {
        let body = Body::parse("fn drop_in_place(_1: *mut {async fn body of f()}) -> () {\n    debug _task_context => _2;\n    debug state => ((*_1).0: Arc<State>);\n    scope 1 {\n        debug visits => (((*_1) as variant#3).1: MutexGuard<'_, u64>);\n    }\n\n    bb0: {\n        return;\n    }\n}\n").unwrap();
        let fields = body.coroutine_fields();
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["state", "visits"]);
    }

    #[test]
    fn a_coroutine_before_its_transform_has_a_signature_of_three_lines() {
        let before = "fn f::{closure#0}(_1: {async fn body of f()}, _2: ResumeTy) -> ()\nyields ()\n {\n    let mut _0: ();\n\n    bb0: {\n        _3 = yield(move _4) -> [resume: bb1, drop: bb2];\n    }\n}\n";
        let body = Body::parse(before).unwrap();
        assert_eq!(body.name, "f::{closure#0}");
        assert_eq!(body.text, before);
        assert_eq!(body.block("bb0").unwrap().successors(), ["bb1", "bb2"]);
        let error = bodies("fn f() -> ()\nyields ()\n{\n}\n").unwrap_err();
        assert_eq!((error.line, error.expected), (3, Expected::MirItem));
    }

    #[test]
    fn mir_that_is_cut_short_or_of_no_known_shape_is_an_error_naming_the_line() {
        let cut = &MIR[..MIR.find("    bb2: {").unwrap()];
        let error = bodies(cut).unwrap_err();
        assert_eq!(error.expected, Expected::BodyEnd { name: "hello_world::{closure#0}".into() });
        for (text, line, expected) in [
            ("fn f() -> () {\n    bb0: {\n    return;\n    }\n}\n", 3, Expected::BlockLine { block: "bb0".into() }),
            ("fn f() -> () {\n    frobnicate;\n}\n", 2, Expected::BodyLine),
            ("this is no MIR\n", 1, Expected::MirItem),
            (
                "alloc1 (size: 1, align: 1) {\n    00\n",
                3,
                Expected::BodyEnd { name: "alloc1 (size: 1, align: 1) {".into() },
            ),
        ] {
            let error = bodies(text).unwrap_err();
            assert_eq!((error.line, error.expected), (line, expected), "{text}");
        }
    }
}
