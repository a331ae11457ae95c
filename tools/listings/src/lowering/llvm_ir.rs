//! LLVM IR as `--emit=llvm-ir` writes it: every `define … @name(…) … {` … `}` of a `.ll` file,
//! one [`Function`] each, named and written with Rust's symbols demangled.
//!
//! The stage compiles with `-C symbol-mangling-version=v0`, so that a closure is named as MIR
//! names it (`hello_world::{closure#0}`, where the legacy scheme says `{{closure}}` for every
//! closure of a function); a symbol is written back demangled and quoted, `@"…"`, wherever it
//! appears: the definition, a call, a label LLVM named after an inlined function. rustc's own
//! comments that name the callee of a call (`; call core::…`, `; invoke …`) are left out: the call says it.
//!
//! rustc emits some constants without a name, and LLVM's `NameAnonGlobals` pass names them
//! (`llvm/lib/Transforms/Utils/NameAnonGlobals.cpp`): `anon.`, the MD5 of the names of every
//! function and global the module defines and exports, `.`, and a counter over the whole module.
//! Both parts move when the crate gains a function no listing shows, so a listing writes them
//! `@anon.0`, `@anon.1`, … in the order the function first names them, as the assembly listings
//! renumber their local labels: a listing changes only when its function does.
//!
//! Every line is read or refused: a line at column 0 of no shape a module has, a line of a
//! function that is neither a label, an instruction (two spaces in) nor a comment, a function the
//! file ends inside, are errors naming the line.

use std::sync::LazyLock;

use regex::Regex;

use crate::asm::symbols::demangle;
use crate::error::{Expected, Format, ParseError};

/// One function defined in the module, as the book shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Demangled, without hash or crate disambiguator:
    /// `ch01_the_experiment::hello_world::{closure#0}`, `core::ptr::drop_in_place::<u8>`; a
    /// symbol that is not Rust's as it is (`main`).
    pub name: String,
    /// LLVM's `; Function Attrs:` comment when it wrote one, then the definition to its `}`,
    /// symbols demangled.
    pub text: String,
}

impl From<Function> for super::Subject {
    fn from(function: Function) -> super::Subject {
        super::Subject::Text { name: function.name, text: function.text }
    }
}

/// Every function the module defines, in the file's order.
pub fn functions(ll: &str) -> Result<Vec<Function>, ParseError> {
    let mut functions = Vec::new();
    let mut lines = ll.lines().enumerate();
    // LLVM writes the attributes of the function that follows as a comment before it.
    let mut attributes: Option<&str> = None;
    while let Some((index, line)) = lines.next() {
        let error = |expected| ParseError::quoting(Format::LlvmIr, index + 1, line, expected);
        if !line.starts_with("define ") {
            if !is_module_line(line) {
                return Err(error(Expected::LlvmIrItem));
            }
            if line.starts_with("; Function Attrs:") {
                attributes = Some(line);
            } else if !line.starts_with(';') {
                attributes = None;
            }
            continue;
        }
        let name = defined_symbol(line).ok_or_else(|| error(Expected::LlvmIrDefine))?;
        let name = demangle(&name).unwrap_or(name);
        let mut text = String::new();
        if let Some(comment) = attributes.take() {
            text.push_str(comment);
            text.push('\n');
        }
        if !line.ends_with('{') {
            return Err(error(Expected::LlvmIrDefine));
        }
        text.push_str(&demangled(line));
        text.push('\n');
        loop {
            match lines.next() {
                Some((_, "}")) => break,
                Some((_, comment)) if comment.starts_with("; call ") || comment.starts_with("; invoke ") => {}
                Some((_, inner)) if is_function_line(inner) => {
                    text.push_str(&demangled(inner));
                    text.push('\n');
                }
                Some((index, other)) => {
                    return Err(ParseError::quoting(Format::LlvmIr, index + 1, other, Expected::LlvmIrLine));
                }
                None => return Err(ParseError::at_end(Format::LlvmIr, ll, Expected::BodyEnd { name })),
            }
        }
        text.push_str("}\n");
        let text = anon_constants_renumbered(&text);
        functions.push(Function { name, text });
    }
    Ok(functions)
}

/// A line of a module outside any function: a comment, a blank line, a global, a declaration,
/// an attribute group, metadata, a named type or comdat, the module's header.
fn is_module_line(line: &str) -> bool {
    line.is_empty()
        || ["; ", ";\t", "source_filename = ", "target ", "@", "declare ", "attributes #", "!", "%", "$", "module asm "]
            .iter()
            .any(|start| line.starts_with(start))
        || line == ";"
}

/// A line inside a function: blank, a label (`bb4:`, `"…":`, `start:  ; preds = …`), an
/// instruction or its continuation (two spaces in or more), or a comment.
fn is_function_line(line: &str) -> bool {
    if line.is_empty() || line.starts_with("  ") || line.starts_with(';') {
        return true;
    }
    let label = line.split(" ; ").next().unwrap_or(line).trim_end();
    label.ends_with(':') && !label.starts_with(char::is_whitespace)
}

/// The symbol a `define` line defines: `@name(` or `@"name"(`, unquoted.
fn defined_symbol(line: &str) -> Option<String> {
    let at = line.find('@')?;
    let rest = &line[at + 1..];
    if let Some(quoted) = rest.strip_prefix('"') {
        return Some(quoted[..quoted.find('"')?].to_owned());
    }
    let end = rest.find('(')?;
    Some(rest[..end].to_owned()).filter(|name| !name.is_empty())
}

/// `line` with every Rust symbol in it demangled, quoted where it was not: `@_RNv…4noop` →
/// `@"ch01_the_experiment::noop"`, `%_RIN…E.exit` → `%"core::ptr::drop_in_place::<…>.exit"`.
fn demangled(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = next_symbol(rest) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let end = from.find(|c: char| !(c.is_ascii_alphanumeric() || "_.$".contains(c))).unwrap_or(from.len());
        let symbol = &from[..end];
        match demangle(symbol) {
            Some(name) if out.ends_with('"') => out.push_str(&name),
            Some(name) => {
                out.push('"');
                out.push_str(&name);
                out.push('"');
            }
            None => out.push_str(symbol),
        }
        rest = &from[end..];
    }
    out.push_str(rest);
    out
}

/// `@anon.d942ad6c24fc941a0ec8df14771b510f.3` → `@anon.0` if it is the first such constant the
/// function names, `@anon.1` for the second, and so on (the module's documentation says why).
fn anon_constants_renumbered(text: &str) -> String {
    static ANON: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"@anon\.[0-9a-f]{32}\.[0-9]+").unwrap());
    let mut seen: Vec<String> = Vec::new();
    ANON.replace_all(text, |found: &regex::Captures<'_>| {
        let name = &found[0];
        let number = seen.iter().position(|s| s == name).unwrap_or_else(|| {
            seen.push(name.to_owned());
            seen.len() - 1
        });
        format!("@anon.{number}")
    })
    .into_owned()
}

/// Where the next Rust symbol starts: `_R` or `_ZN` at the start of an identifier (after `@`,
/// `%`, a quote, or at the start of a label).
fn next_symbol(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&at| {
        let starts = text[at..].starts_with("_R") || text[at..].starts_with("_ZN");
        starts && (at == 0 || matches!(bytes[at - 1], b'@' | b'%' | b'"'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LL: &str = "; ModuleID = 'c.1234-cgu.0'\nsource_filename = \"c.1234-cgu.0\"\n\
        target triple = \"x86_64-unknown-linux-gnu\"\n\n\
        @vtable.0 = private unnamed_addr constant <{ ptr }> <{ ptr @_RNvCs5oO3t0TWDwJ_19ch01_the_experiment4noop }>, align 8\n\n\
        ; ch01_the_experiment::hello_world::{closure#0}\n\
        ; Function Attrs: inlinehint nonlazybind uwtable\n\
        define internal noundef zeroext i1 @_RNCNvCs5oO3t0TWDwJ_19ch01_the_experiment11hello_world0B3_(ptr %_1) unnamed_addr #2 {\n\
        start:\n  %0 = load i8, ptr %_1, align 1, !range !6, !noundef !3\n  switch i8 %0, label %bb2 [\n    i8 0, label %bb2\n  ]\n\n\
        bb2:                                              ; preds = %start\n\
        ; call ch01_the_experiment::noop\n\
        \x20 tail call void @_RNvCs5oO3t0TWDwJ_19ch01_the_experiment4noop(ptr %_1)\n\
        \x20 br label %_RNvCs5oO3t0TWDwJ_19ch01_the_experiment4noop.exit\n\n\
        _RNvCs5oO3t0TWDwJ_19ch01_the_experiment4noop.exit: ; preds = %bb2\n  ret i1 true\n}\n\n\
        declare void @llvm.assume(i1 noundef) #3\n\n\
        define i32 @main() {\nstart:\n  ret i32 0\n}\n\n\
        attributes #2 = { inlinehint nonlazybind uwtable }\n!3 = !{}\n";

    #[test]
    fn every_define_is_a_function_named_as_a_reader_writes_it() {
        let names: Vec<String> = functions(LL).unwrap().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["ch01_the_experiment::hello_world::{closure#0}", "main"]);
    }

    #[test]
    fn symbols_are_demangled_in_calls_and_labels_and_rustc_s_call_comments_go() {
        let closure = &functions(LL).unwrap()[0];
        assert!(closure.text.starts_with(
            "; Function Attrs: inlinehint nonlazybind uwtable\n\
             define internal noundef zeroext i1 @\"ch01_the_experiment::hello_world::{closure#0}\"(ptr %_1) unnamed_addr #2 {\n"
        ), "{}", closure.text);
        assert!(
            closure.text.contains("  tail call void @\"ch01_the_experiment::noop\"(ptr %_1)\n"),
            "{}",
            closure.text
        );
        assert!(closure.text.contains("\n\"ch01_the_experiment::noop.exit\": ; preds = %bb2\n"), "{}", closure.text);
        assert!(closure.text.contains("br label %\"ch01_the_experiment::noop.exit\"\n"), "{}", closure.text);
        assert!(!closure.text.contains("; call"), "{}", closure.text);
        assert!(closure.text.ends_with("  ret i1 true\n}\n"));
        assert_eq!(functions(LL).unwrap()[1].text, "define i32 @main() {\nstart:\n  ret i32 0\n}\n");
    }

    #[test]
    fn anonymous_constants_lose_the_module_s_hash_and_are_numbered_in_the_order_the_function_names_them() {
        let ll = "define void @f() {\nstart:\n\
            \x20 %0 = load ptr, ptr @anon.d942ad6c24fc941a0ec8df14771b510f.3, align 8\n\
            \x20 %1 = load ptr, ptr @anon.d942ad6c24fc941a0ec8df14771b510f.1, align 8\n\
            \x20 %2 = load ptr, ptr getelementptr inbounds (i8, ptr @anon.d942ad6c24fc941a0ec8df14771b510f.3, i64 8), align 8\n\
            \x20 ret void\n}\n";
        assert_eq!(
            functions(ll).unwrap()[0].text,
            "define void @f() {\nstart:\n\
            \x20 %0 = load ptr, ptr @anon.0, align 8\n\
            \x20 %1 = load ptr, ptr @anon.1, align 8\n\
            \x20 %2 = load ptr, ptr getelementptr inbounds (i8, ptr @anon.0, i64 8), align 8\n\
            \x20 ret void\n}\n"
        );
    }

    #[test]
    fn ir_cut_short_or_of_no_known_shape_is_an_error_naming_the_line() {
        let cut = &LL[..LL.find("  ret i1 true").unwrap()];
        let error = functions(cut).unwrap_err();
        assert_eq!(error.expected, Expected::BodyEnd { name: "ch01_the_experiment::hello_world::{closure#0}".into() });
        for (text, line, expected) in [
            ("this is no IR\n", 1, Expected::LlvmIrItem),
            ("define void @f() {\nstart:\nret void\n}\n", 3, Expected::LlvmIrLine),
            ("define void f() {\n}\n", 1, Expected::LlvmIrDefine),
        ] {
            let error = functions(text).unwrap_err();
            assert_eq!((error.line, error.expected), (line, expected), "{text}");
        }
    }
}
