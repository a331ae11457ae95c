//! Step 3: find functions and constants in the parsed program, and pick one function by the
//! name a reader gives.

use std::collections::HashMap;
use std::ops::Range;

use super::parse::{Directive, Statement, parse};
use super::symbols::{demangle, normalise, short};
use crate::CodegenFlags;
use crate::Error;
use crate::workspace::closest;

/// One compiled chapter: every statement of its `.s`, indexed.
#[derive(Debug)]
pub struct Program {
    pub(crate) statements: Vec<Statement>,
    functions: Vec<Function>,
    /// Label → the run of data statements after it (jump tables, vtables, strings).
    pub(crate) data: HashMap<String, Range<usize>>,
    /// `.file` index → path, for the source interleaving.
    pub(crate) files: HashMap<u32, String>,
    pub rustc_version: String,
    pub flags: CodegenFlags,
}

/// A function with code of its own in the chapter's assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The mangled symbol, as in the `.s`.
    pub symbol: String,
    /// Demangled, normalised: `ch01_the_experiment::hello_world::{{closure}}`.
    pub name: String,
    /// Statements from the function's label to its `.size`.
    pub body: Range<usize>,
}

impl Program {
    pub fn parse(text: &str, rustc_version: String, flags: CodegenFlags) -> Program {
        let statements = parse(text);
        let functions = find_functions(&statements);
        let data = find_data(&statements);
        let files = statements
            .iter()
            .filter_map(|s| match s {
                Statement::Directive(Directive::File { index, path }) => Some((*index, path.clone())),
                _ => None,
            })
            .collect();
        Program { statements, functions, data, files, rustc_version, flags }
    }

    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// Picks the function a reader means. Accepted, in this order of preference:
    /// the full demangled path (`ch01_the_experiment::hello_world::{{closure}}`, or its v0
    /// spelling `ch01_the_experiment[…]::hello_world::{closure#0}`), the same with every path
    /// cut to its last segment (`hello_world::{{closure}}`, `<DummyFuture as Future>::poll`),
    /// and for a trait method, `Type::method` (`DummyFuture::poll`).
    pub fn select(&self, query: &str, chapter: &str) -> Result<&Function, Error> {
        // `name#2`: the second of several instances that demangle to the same name (generic
        // functions instantiated twice: legacy symbol names do not show type arguments).
        let (query, instance) = match query.trim().rsplit_once('#') {
            Some((name, n)) if !name.ends_with('{') && n.parse::<usize>().is_ok_and(|n| n > 0) => {
                (name, n.parse().ok())
            }
            _ => (query, None),
        };
        let wanted = normalise(query);
        let matches: Vec<&Function> = match self.functions.iter().filter(|f| f.name == wanted).collect::<Vec<_>>() {
            exact if !exact.is_empty() => exact,
            _ => self.functions.iter().filter(|f| reader_spellings(&f.name).contains(&wanted)).collect(),
        };
        match (matches.as_slice(), instance) {
            ([function], None | Some(1)) => Ok(function),
            (several, Some(n)) if n <= several.len() && several.iter().all(|f| f.name == several[0].name) => {
                Ok(several[n - 1])
            }
            ([], _) => {
                let known: Vec<String> = self.functions.iter().map(|f| f.name.clone()).collect();
                let shorts: Vec<String> = known.iter().map(|n| short(n)).collect();
                let closest_short = closest(&short(&wanted), &shorts);
                Err(Error::UnknownFunction {
                    given: query.to_owned(),
                    chapter: chapter.to_owned(),
                    closest: closest_short,
                    known,
                })
            }
            (several, _) => Err(Error::AmbiguousFunction {
                given: query.to_owned(),
                chapter: chapter.to_owned(),
                matches: several
                    .iter()
                    .enumerate()
                    .map(|(i, f)| match several.iter().filter(|g| g.name == f.name).count() {
                        1 => f.name.clone(),
                        _ => format!("{}#{}", f.name, several[..=i].iter().filter(|g| g.name == f.name).count()),
                    })
                    .collect(),
            }),
        }
    }
}

/// The short spellings a reader may use for a function's name.
fn reader_spellings(name: &str) -> Vec<String> {
    let short_name = short(name);
    let mut spellings = vec![short_name.clone()];
    // `Executor::run` for `ch04_executors::Executor::run`: any tail of a plain path.
    if !name.contains(['<', '{', ' ']) {
        let segments: Vec<&str> = name.split("::").collect();
        spellings.extend((1..segments.len()).map(|from| segments[from..].join("::")));
    }
    // `<DummyFuture as Future>::poll` may also be written `DummyFuture::poll`.
    if let Some(rest) = short_name.strip_prefix('<')
        && let Some((self_type, after)) = rest.split_once(" as ")
        && let Some((_, method)) = after.split_once(">::")
    {
        spellings.push(format!("{self_type}::{method}"));
    }
    spellings
}

/// A function runs from its label to the `.size` directive naming it; `.type sym,@function`
/// says which labels are functions.
fn find_functions(statements: &[Statement]) -> Vec<Function> {
    let mut starts: HashMap<&str, usize> = HashMap::new();
    let mut functions = Vec::new();
    let mut is_function: Vec<&str> = Vec::new();
    for (at, statement) in statements.iter().enumerate() {
        match statement {
            Statement::Directive(Directive::FunctionType(symbol)) => is_function.push(symbol),
            Statement::Label(label) if is_function.contains(&label.as_str()) => {
                starts.insert(label, at);
            }
            Statement::Directive(Directive::Size(symbol)) => {
                if let Some(start) = starts.remove(symbol.as_str()) {
                    let name = demangle(symbol).map(|n| normalise(&n)).unwrap_or_else(|| symbol.clone());
                    functions.push(Function { symbol: symbol.clone(), name, body: start..at });
                }
            }
            _ => {}
        }
    }
    functions
}

/// Every label directly followed by data directives, with the run of data it labels.
fn find_data(statements: &[Statement]) -> HashMap<String, Range<usize>> {
    let mut data = HashMap::new();
    for (at, statement) in statements.iter().enumerate() {
        if let Statement::Label(label) = statement {
            let len = statements[at + 1..].iter().take_while(|s| matches!(s, Statement::Data { .. })).count();
            if len > 0 {
                data.insert(label.clone(), at + 1..at + 1 + len);
            }
        }
    }
    data
}
