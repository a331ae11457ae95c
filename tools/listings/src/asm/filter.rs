//! Step 4: from one function's statements to the lines a reader sees, the way Compiler
//! Explorer filters: no directives, no comments, no debug-info labels; every basic-block label
//! kept (a landing pad is reached only from the exception table, so "unreferenced" would drop
//! it); jump tables always and other constants on request; inline-asm markers kept as one
//! comment line; labels renumbered; symbols demangled.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use super::AsmOptions;
use super::listing::{Line, label_constants};
use super::parse::{Directive, InlineAsmMarker, Operands, Statement, SymbolKind};
use super::select::{Function, Program};
use super::symbols::demangle;
use crate::Chapter;

/// What an empty `#APP` / `#NO_APP` pair becomes: in the book's crates only
/// `std::hint::black_box` leaves one (an empty `asm!` that the optimiser may not look through).
pub const EMPTY_INLINE_ASM: &str = "#APP #NO_APP (empty inline asm: black_box)";
const INLINE_ASM_BEGINS: &str = "#APP (inline asm begins)";
const INLINE_ASM_ENDS: &str = "#NO_APP (inline asm ends)";

/// A line before renumbering and demangling: operands still typed.
enum Raw<'a> {
    Label(&'a str, SymbolKind),
    Instruction(&'a str, &'a Operands),
    Data(&'a str, &'a Operands),
    Source { file: String, line: u32, text: String },
    Comment(String),
}

/// The lines of `function`'s listing. `root` is the checkout, where the source files are read
/// from for `options.source`.
pub fn filter(
    program: &Program,
    function: &Function,
    chapter: &Chapter,
    root: &Path,
    options: &AsmOptions,
) -> Vec<Line> {
    // The function's own label is rendered as the listing's title.
    let body = &program.statements[function.body.start + 1..function.body.end];
    let constants = referenced_constants(program, body, options);
    let referenced: HashSet<&str> = body
        .iter()
        .chain(constants.iter().flat_map(|label| &program.statements[program.data[*label].clone()]))
        .flat_map(symbol_words)
        .map(|(word, _)| word)
        .collect();
    let mut lines = Vec::new();
    if let Some(target) = &function.alias_of {
        lines.push(Raw::Comment(format!("an alias: LLVM merged this function into {target}, whose code follows")));
    }
    let mut source = SourceLines::new(program, chapter, root);
    for statement in body {
        match statement {
            Statement::Label(label) if label.kind == SymbolKind::Block || referenced.contains(label.name.as_str()) => {
                lines.push(Raw::Label(&label.name, label.kind));
            }
            Statement::Instruction { mnemonic, operands } => {
                if options.source {
                    lines.extend(source.next_line());
                }
                lines.push(Raw::Instruction(mnemonic, operands));
            }
            Statement::Data { directive, value } => lines.push(Raw::Data(directive, value)),
            Statement::Directive(Directive::Loc { file, line }) => source.at(*file, *line),
            Statement::InlineAsm(InlineAsmMarker::Begin) => lines.push(Raw::Comment(INLINE_ASM_BEGINS.to_owned())),
            Statement::InlineAsm(InlineAsmMarker::End) => match lines.last_mut() {
                Some(Raw::Comment(begins)) if begins == INLINE_ASM_BEGINS => *begins = EMPTY_INLINE_ASM.to_owned(),
                _ => lines.push(Raw::Comment(INLINE_ASM_ENDS.to_owned())),
            },
            _ => {}
        }
    }
    for label in &constants {
        lines.push(Raw::Label(label, SymbolKind::of(label)));
        for statement in &program.statements[program.data[*label].clone()] {
            if let Statement::Data { directive, value } = statement {
                lines.push(Raw::Data(directive, value));
            }
        }
    }
    renumber_and_demangle(lines)
}

/// The constants a listing shows after the code, in the order the code first refers to them:
/// jump tables always (they are the control flow), other constants with `options.data`, and
/// what those constants refer to in turn (a panic location's file name, say).
fn referenced_constants<'a>(program: &'a Program, body: &'a [Statement], options: &AsmOptions) -> Vec<&'a str> {
    let mut queue: VecDeque<(&str, SymbolKind)> = body.iter().flat_map(symbol_words).collect();
    let mut found: Vec<&str> = Vec::new();
    while let Some((word, kind)) = queue.pop_front() {
        let Some((label, range)) = program.data.get_key_value(word) else { continue };
        if found.contains(&word) || !(kind == SymbolKind::JumpTable || options.data) {
            continue;
        }
        queue.extend(program.statements[range.clone()].iter().flat_map(symbol_words));
        found.push(label);
    }
    found
}

/// The symbol-like words a statement refers to (none for string data).
fn symbol_words(statement: &Statement) -> impl Iterator<Item = (&str, SymbolKind)> {
    let operands = match statement {
        Statement::Instruction { operands, .. } => Some(operands),
        Statement::Data { value, .. } => Some(value),
        _ => None,
    };
    operands.into_iter().flat_map(Operands::words)
}

/// Gives local labels numbers that depend only on this listing — block labels, jump tables,
/// debug temporaries and anonymous constants each counted in the order they are defined here,
/// then in the order they are referenced — so that adding a function elsewhere in the chapter
/// changes no snapshot. Every mangled symbol is demangled.
fn renumber_and_demangle(lines: Vec<Raw<'_>>) -> Vec<Line> {
    let mut renamer = Renamer::default();
    for line in &lines {
        if let Raw::Label(name, kind) = line {
            renamer.define(name, *kind);
        }
    }
    for line in &lines {
        if let Raw::Instruction(_, operands) | Raw::Data(_, operands) = line {
            operands.words().for_each(|(word, kind)| renamer.define(word, kind));
        }
    }
    let mut lines: Vec<Line> = lines
        .into_iter()
        .map(|line| match line {
            Raw::Label(name, kind) => Line::Label(renamer.apply(name, kind)),
            Raw::Instruction(mnemonic, operands) => Line::Instruction {
                mnemonic: mnemonic.to_owned(),
                operands: operands.render(|word, kind| Some(renamer.apply(word, kind))),
            },
            Raw::Data(directive, value) => Line::Data {
                directive: directive.to_owned(),
                value: value.render(|word, kind| Some(renamer.apply(word, kind))),
            },
            Raw::Source { file, line, text } => Line::Source { file, line, text },
            Raw::Comment(text) => Line::Comment(text),
        })
        .collect();
    label_constants(&mut lines);
    lines
}

#[derive(Default)]
struct Renamer {
    names: HashMap<String, String>,
    counts: HashMap<SymbolKind, usize>,
}

impl Renamer {
    fn define(&mut self, label: &str, kind: SymbolKind) {
        if !kind.is_local() || self.names.contains_key(label) {
            return;
        }
        let count = self.counts.entry(kind).or_insert(0);
        let name = match kind {
            SymbolKind::Block => format!(".LBB0_{}", *count + 1),
            SymbolKind::JumpTable => format!(".LJTI0_{count}"),
            SymbolKind::Temporary => format!(".Ltmp{count}"),
            _ => format!(".L__unnamed_{}", *count + 1),
        };
        *count += 1;
        self.names.insert(label.to_owned(), name);
    }

    fn apply(&self, word: &str, kind: SymbolKind) -> String {
        match kind {
            SymbolKind::Mangled => demangle(word).unwrap_or_else(|| word.to_owned()),
            _ => self.names.get(word).cloned().unwrap_or_else(|| word.to_owned()),
        }
    }
}

/// Tracks `.loc` and yields a `; file:line  text` line each time the code moves to another
/// line of the workspace's own sources (lines of the standard library are not shown).
struct SourceLines<'a> {
    program: &'a Program,
    chapter: &'a Chapter,
    root: &'a Path,
    current: Option<(u32, u32)>,
    shown: Option<(u32, u32)>,
    texts: HashMap<u32, Option<Vec<String>>>,
}

impl<'a> SourceLines<'a> {
    fn new(program: &'a Program, chapter: &'a Chapter, root: &'a Path) -> Self {
        SourceLines { program, chapter, root, current: None, shown: None, texts: HashMap::new() }
    }

    fn at(&mut self, file: u32, line: u32) {
        self.current = (line > 0).then_some((file, line));
    }

    fn next_line(&mut self) -> Option<Raw<'static>> {
        let (file, line) = self.current?;
        if self.shown == Some((file, line)) {
            return None;
        }
        let path = self.program.files.get(&file)?;
        let texts = self.texts.entry(file).or_insert_with(|| {
            // Paths inside the checkout are relative once remapped; absolute ones are std's.
            (!path.starts_with('/'))
                .then(|| std::fs::read_to_string(self.root.join(path)).ok())
                .flatten()
                .map(|text| text.lines().map(str::to_owned).collect())
        });
        let text = texts.as_ref()?.get(line as usize - 1)?.trim().to_owned();
        self.shown = Some((file, line));
        let chapter_prefix = format!("chapters/{}/", self.chapter.slug);
        let file = path.strip_prefix(&chapter_prefix).unwrap_or(path).to_owned();
        Some(Raw::Source { file, line, text })
    }
}
