//! Step 4: from one function's statements to the lines a reader sees, the way Compiler
//! Explorer filters: no directives, no comments, no debug-info labels; every basic-block label
//! kept (a landing pad is reached only from the exception table, so "unreferenced" would drop
//! it); jump tables always and other constants on request; labels renumbered; symbols demangled.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use super::AsmOptions;
use super::listing::{Line, Listing};
use super::parse::{Directive, Statement};
use super::select::{Function, Program};
use super::symbols::{demangle, map_tokens, tokens};
use crate::Chapter;

const STRING_DIRECTIVES: &[&str] = &[".ascii", ".asciz", ".string"];

pub fn filter(
    program: &Program,
    function: &Function,
    chapter: &Chapter,
    workspace_root: &Path,
    options: &AsmOptions,
) -> Listing {
    // The function's own label is rendered as the listing's title.
    let body = &program.statements[function.body.start + 1..function.body.end];
    let constants = referenced_constants(program, body, options);
    let mut lines = Vec::new();
    let mut source = SourceLines::new(program, chapter, workspace_root);
    let referenced: HashSet<String> = body
        .iter()
        .chain(constants.iter().flat_map(|label| program.data[label].clone().map(|at| &program.statements[at])))
        .flat_map(symbol_tokens)
        .collect();
    for statement in body {
        match statement {
            Statement::Label(label) if label.starts_with(".LBB") || referenced.contains(label) => {
                lines.push(Line::Label(label.clone()));
            }
            Statement::Instruction { mnemonic, operands } => {
                if options.source {
                    lines.extend(source.next_line());
                }
                lines.push(Line::Instruction { mnemonic: mnemonic.clone(), operands: operands.clone() });
            }
            Statement::Data { directive, value } => {
                lines.push(Line::Data { directive: directive.clone(), value: value.clone() })
            }
            Statement::Directive(Directive::Loc { file, line }) => source.at(*file, *line),
            _ => {}
        }
    }
    for label in &constants {
        lines.push(Line::Label(label.clone()));
        for statement in &program.statements[program.data[label].clone()] {
            if let Statement::Data { directive, value } = statement {
                lines.push(Line::Data { directive: directive.clone(), value: value.clone() });
            }
        }
    }
    let lines = rename(lines);
    let provenance =
        format!("{} · {} · {}{}", function.name, program.rustc_version, program.flags.describe(), options.describe());
    Listing { function: function.name.clone(), lines, provenance }
}

/// The constants a listing shows after the code, in the order the code first refers to them:
/// jump tables always (they are the control flow), other constants with `options.data`, and
/// what those constants refer to in turn (a panic location's file name, say).
fn referenced_constants(program: &Program, body: &[Statement], options: &AsmOptions) -> Vec<String> {
    let mut queue: VecDeque<String> = body.iter().flat_map(symbol_tokens).collect();
    let mut found = Vec::new();
    while let Some(token) = queue.pop_front() {
        let Some(range) = program.data.get(&token) else { continue };
        if found.contains(&token) || !(token.starts_with(".LJTI") || options.data) {
            continue;
        }
        queue.extend(program.statements[range.clone()].iter().flat_map(symbol_tokens));
        found.push(token);
    }
    found
}

/// The symbol-like tokens a statement refers to (none for string data).
fn symbol_tokens(statement: &Statement) -> Vec<String> {
    match statement {
        Statement::Instruction { operands, .. } => tokens(operands),
        Statement::Data { directive, value } if !STRING_DIRECTIVES.contains(&directive.as_str()) => tokens(value),
        _ => Vec::new(),
    }
}

/// Gives local labels numbers that depend only on this listing — block labels, jump tables and
/// anonymous constants each counted in the order they are defined here, then in the order they
/// are referenced — so that adding a function elsewhere in the chapter changes no snapshot.
/// Every other symbol is demangled.
fn rename(lines: Vec<Line>) -> Vec<Line> {
    let mut renamer = Renamer::default();
    for line in &lines {
        if let Line::Label(label) = line {
            renamer.define(label);
        }
    }
    for line in &lines {
        match line {
            Line::Instruction { operands: text, .. } => tokens(text).iter().for_each(|t| renamer.define(t)),
            Line::Data { directive, value } if !STRING_DIRECTIVES.contains(&directive.as_str()) => {
                tokens(value).iter().for_each(|t| renamer.define(t))
            }
            _ => {}
        }
    }
    lines
        .into_iter()
        .map(|line| match line {
            Line::Label(label) => Line::Label(renamer.apply(&label)),
            Line::Instruction { mnemonic, operands } => {
                Line::Instruction { mnemonic, operands: map_tokens(&operands, |t| Some(renamer.apply(t))) }
            }
            Line::Data { directive, value } if !STRING_DIRECTIVES.contains(&directive.as_str()) => {
                let value = map_tokens(&value, |t| Some(renamer.apply(t)));
                Line::Data { directive, value }
            }
            other => other,
        })
        .collect()
}

#[derive(Default)]
struct Renamer {
    names: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
}

impl Renamer {
    fn define(&mut self, label: &str) {
        let Some(kind) = local_label_kind(label) else { return };
        if self.names.contains_key(label) {
            return;
        }
        let count = self.counts.entry(kind).or_insert(0);
        let name = match kind {
            "LBB" => format!(".LBB0_{}", *count + 1),
            "LJTI" => format!(".LJTI0_{count}"),
            "Ltmp" => format!(".Ltmp{count}"),
            _ => format!(".L__unnamed_{}", *count + 1),
        };
        *count += 1;
        self.names.insert(label.to_owned(), name);
    }

    fn apply(&self, token: &str) -> String {
        self.names.get(token).cloned().or_else(|| demangle(token)).unwrap_or_else(|| token.to_owned())
    }
}

/// Which numbering a local label belongs to; `None` for anything that is not a local label.
fn local_label_kind(label: &str) -> Option<&'static str> {
    let local = label.strip_prefix(".L")?;
    Some(if local.starts_with("BB") {
        "LBB"
    } else if local.starts_with("JTI") {
        "LJTI"
    } else if local.starts_with("tmp") {
        "Ltmp"
    } else {
        // `.Lanon.<crate hash>.N`, `.L__unnamed_N`, `.Lalloc_…`: anonymous constants.
        "Lconst"
    })
}

/// Tracks `.loc` and yields a `; file:line  text` line each time the code moves to another
/// line of the workspace's own sources (lines of the standard library are not shown).
struct SourceLines<'a> {
    program: &'a Program,
    chapter: &'a Chapter,
    workspace_root: &'a Path,
    current: Option<(u32, u32)>,
    shown: Option<(u32, u32)>,
    texts: HashMap<u32, Option<Vec<String>>>,
}

impl<'a> SourceLines<'a> {
    fn new(program: &'a Program, chapter: &'a Chapter, workspace_root: &'a Path) -> Self {
        SourceLines { program, chapter, workspace_root, current: None, shown: None, texts: HashMap::new() }
    }

    fn at(&mut self, file: u32, line: u32) {
        self.current = (line > 0).then_some((file, line));
    }

    fn next_line(&mut self) -> Option<Line> {
        let (file, line) = self.current?;
        if self.shown == Some((file, line)) {
            return None;
        }
        let path = self.program.files.get(&file)?;
        let texts = self.texts.entry(file).or_insert_with(|| {
            // Paths inside the checkout are relative once remapped; absolute ones are std's.
            (!path.starts_with('/'))
                .then(|| std::fs::read_to_string(self.workspace_root.join(path)).ok())
                .flatten()
                .map(|text| text.lines().map(str::to_owned).collect())
        });
        let text = texts.as_ref()?.get(line as usize - 1)?.trim().to_owned();
        self.shown = Some((file, line));
        let chapter_prefix = format!("chapters/{}/", self.chapter.slug);
        let location = format!("{}:{line}", path.strip_prefix(&chapter_prefix).unwrap_or(path));
        Some(Line::Source { location, text })
    }
}
