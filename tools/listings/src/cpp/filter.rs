//! GCC's assembly, cut into functions and filtered by the rules of the Rust listings: no
//! directives, labels renumbered per listing, every symbol demangled.
//!
//! GCC's local labels differ from LLVM's: `.L<n>` for code and jump tables alike, `.LC<n>` for
//! constants, and bookkeeping labels (`.LCOLDB0`, `.LHOTB0`, `.LFB0`) outside or around functions.
//! A listing keeps the `.L<n>` labels that some instruction or jump-table entry refers to (with
//! `-fno-exceptions` there are no landing pads that only a table reaches) and the label of a
//! function's `.cold` part, which GCC places between the function's label and its `.size`.

use std::collections::HashMap;

use crate::asm::listing::label_constants;
use crate::asm::parse::{Directive, Operands, Statement};
use crate::asm::{Line, Listing};
use crate::error::Expected;

/// A function of the `.s`: its mangled symbol, demangled name and statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CppFunction {
    pub symbol: String,
    pub name: String,
    pub body: std::ops::Range<usize>,
}

/// Every function from its `.type …, @function` label to its `.size`, leaving out the `.cold`
/// parts, which are listed inside the function they were split from. A function whose `.size`
/// never comes is an error: the index of its label, and what was expected.
pub fn functions(statements: &[Statement]) -> Result<Vec<CppFunction>, (usize, Expected)> {
    let mut is_function: Vec<&str> = Vec::new();
    let mut starts: HashMap<&str, usize> = HashMap::new();
    let mut found = Vec::new();
    for (at, statement) in statements.iter().enumerate() {
        match statement {
            Statement::Directive(Directive::FunctionType(symbol)) => is_function.push(symbol),
            Statement::Label(label) if is_function.contains(&label.name.as_str()) => {
                starts.entry(label.name.as_str()).or_insert(at);
            }
            Statement::Directive(Directive::Size { symbol, of_code }) => match starts.remove(symbol.as_str()) {
                Some(start) if !symbol.ends_with(".cold") => {
                    found.push(CppFunction { symbol: symbol.clone(), name: demangle(symbol), body: start..at });
                }
                Some(_) => {}
                None if *of_code && !is_function.contains(&symbol.as_str()) => {
                    return Err((at, Expected::FunctionType { symbol: symbol.clone() }));
                }
                None => {}
            },
            _ => {}
        }
    }
    match starts.into_iter().min_by_key(|(_, start)| *start) {
        Some((symbol, start)) => Err((start, Expected::FunctionEnd { symbol: symbol.to_owned() })),
        None => Ok(found),
    }
}

/// `_Z12three_awaitsm` → `three_awaits(unsigned long)`; anything that is not a C++ symbol comes
/// back as it is.
pub fn demangle(symbol: &str) -> String {
    if !symbol.starts_with("_Z") {
        return symbol.to_owned();
    }
    cpp_demangle::Symbol::new(symbol)
        .ok()
        .and_then(|parsed| parsed.demangle().ok())
        .unwrap_or_else(|| symbol.to_owned())
}

/// The listing of `function`: its instructions, the data inside it (jump tables), the labels
/// something refers to, renumbered; symbols demangled.
pub fn listing(statements: &[Statement], function: &CppFunction) -> Listing {
    let body = &statements[function.body.start + 1..function.body.end];
    let referenced: Vec<&str> = body
        .iter()
        .flat_map(|statement| match statement {
            Statement::Instruction { operands, .. } | Statement::Data { value: operands, .. } => words(operands),
            _ => Vec::new(),
        })
        .collect();
    let mut lines = Vec::new();
    for statement in body {
        match statement {
            Statement::Label(label) if label.name.ends_with(".cold") || referenced.contains(&label.name.as_str()) => {
                lines.push(Label(label.name.clone()))
            }
            Statement::Instruction { mnemonic, operands } => {
                lines.push(Instruction(mnemonic.clone(), operands.clone()))
            }
            Statement::Data { directive, value } => lines.push(Data(directive.clone(), value.clone())),
            _ => {}
        }
    }
    let mut lines = rename(lines);
    label_constants(&mut lines);
    Listing { function: function.name.clone(), lines }
}

/// A line of a C++ listing before its labels are renumbered: the operands still parsed.
enum Raw {
    Label(String),
    Instruction(String, Operands),
    Data(String, Operands),
}
use Raw::{Data, Instruction, Label};

fn words(operands: &Operands) -> Vec<&str> {
    operands.words().map(|(word, _)| word).collect()
}

/// Which numbering a GCC local label belongs to.
fn label_kind(token: &str) -> Option<&'static str> {
    let rest = token.strip_prefix(".L")?;
    if rest.chars().all(|c| c.is_ascii_digit()) && !rest.is_empty() {
        Some("L")
    } else if rest.strip_prefix('C').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) {
        Some("LC")
    } else {
        None
    }
}

/// `.L<n>` labels numbered from 1 and `.LC<n>` from 0, each in the order they are defined in the
/// listing, then referenced; every other symbol demangled.
fn rename(lines: Vec<Raw>) -> Vec<Line> {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut define = |token: &str, names: &mut HashMap<String, String>| {
        let Some(kind) = label_kind(token) else { return };
        if names.contains_key(token) {
            return;
        }
        let count = counts.entry(kind).or_insert(0);
        let name = if kind == "L" { format!(".L{}", *count + 1) } else { format!(".LC{count}") };
        *count += 1;
        names.insert(token.to_owned(), name);
    };
    for line in &lines {
        if let Label(label) = line {
            define(label, &mut names);
        }
    }
    for line in &lines {
        if let Instruction(_, operands) | Data(_, operands) = line {
            words(operands).iter().for_each(|t| define(t, &mut names))
        }
    }
    let apply = |token: &str, _| Some(names.get(token).cloned().unwrap_or_else(|| demangle(token)));
    lines
        .into_iter()
        .map(|line| match line {
            Label(label) => Line::Label(names.get(&label).cloned().unwrap_or_else(|| demangle(&label))),
            Instruction(mnemonic, operands) => Line::Instruction { mnemonic, operands: operands.render(apply) },
            Data(directive, value) => Line::Data { directive, value: value.render(apply) },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::parse::parse;

    const GCC: &str = "\
\t.text
.LHOTB0:
\t.type\t_Z1fPZ1fvE5Frame.actor, @function
_Z1fPZ1fvE5Frame.actor:
\tmovzx\teax, WORD PTR 40[rdi]
\tlea\trdx, .L5[rip]
\tjmp\trax
\t.section\t.rodata
.L5:
\t.long\t.L10-.L5
\t.long\t.L3-.L5
\t.text
.L10:
\tmov\tWORD PTR 40[rdi], 2
\tret
.L16:
\tret
\t.section\t.text.unlikely
\t.type\t_Z1fPZ1fvE5Frame.actor.cold, @function
_Z1fPZ1fvE5Frame.actor.cold:
.L3:
\tud2
\t.text
\t.size\t_Z1fPZ1fvE5Frame.actor, .-_Z1fPZ1fvE5Frame.actor
\t.size\t_Z1fPZ1fvE5Frame.actor.cold, .-_Z1fPZ1fvE5Frame.actor.cold
\t.type\t_Z1fv, @function
_Z1fv:
\tcall\t_Znwm@PLT
\tret
\t.size\t_Z1fv, .-_Z1fv
";

    #[test]
    fn functions_run_from_their_label_to_their_size_and_cold_parts_stay_inside() {
        let statements = parse(GCC).unwrap();
        let names: Vec<String> = functions(&statements).unwrap().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["f(f()::Frame*) [clone .actor]", "f()"]);
    }

    #[test]
    fn referenced_labels_are_kept_and_renumbered_and_symbols_demangled() {
        let statements = parse(GCC).unwrap();
        let actor = &functions(&statements).unwrap()[0];
        let listing = listing(&statements, actor);
        assert_eq!(
            listing.to_string(),
            "\
f(f()::Frame*) [clone .actor]:
        movzx   eax, WORD PTR 40[rdi]
        lea     rdx, .L1[rip]
        jmp     rax
.L1:
        .long   .L2-.L1
        .long   .L3-.L1
.L2:
        mov     WORD PTR 40[rdi], 2
        ret
        ret
f(f()::Frame*) [clone .actor] [clone .cold]:
.L3:
        ud2
"
        );
        let ramp = listing_of(&statements, 1);
        assert!(ramp.contains("call    operator new(unsigned long)@PLT"), "{ramp}");
    }

    fn listing_of(statements: &[Statement], index: usize) -> String {
        listing(statements, &functions(statements).unwrap()[index]).to_string()
    }
}
