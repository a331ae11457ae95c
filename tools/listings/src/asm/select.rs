//! Step 3: find functions (aliases included) and constants in the parsed program, and pick one
//! function by the name a reader gives.

use std::collections::HashMap;
use std::ops::Range;

use super::parse::{Directive, Statement, SymbolKind, check_complete, parse_numbered};
use super::symbols::{collapse_closures, demangle, normalise, short};
use crate::Error;
use crate::error::{Expected, Format, ParseError};
use crate::workspace::closest;

/// One compiled crate: every statement of its `.s`, indexed.
#[derive(Debug)]
pub struct Program {
    pub(crate) statements: Vec<Statement>,
    functions: Vec<Function>,
    /// Every spelling a reader may use (see [`Program::select`]) → the functions it names.
    spellings: HashMap<String, Vec<usize>>,
    /// The same spellings with closures collapsed to `{{closure}}`.
    collapsed: HashMap<String, Vec<usize>>,
    /// Label → the run of data statements after it (jump tables, vtables, strings).
    pub(crate) data: HashMap<String, Range<usize>>,
    /// `.file` index → path, for the source interleaving.
    pub(crate) files: HashMap<u32, String>,
}

/// A function with code in the crate's assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The symbol, as in the `.s`: what the compiler's other outputs (the LLVM IR) call it.
    pub symbol: String,
    /// Demangled, without hash or crate disambiguators: `ch01_the_experiment::hello_world::{{closure}}`.
    pub name: String,
    /// Statements from the label of the code to its `.size`.
    pub body: Range<usize>,
    /// For an alias (`symbol = target`, written by LLVM's function merging), the name of the
    /// function whose code this is.
    pub alias_of: Option<String>,
}

/// What a function's generic instance is instantiated with: symbol → its type arguments
/// (`regex_syntax::hir::Hir`), for names that legacy mangling prints alike.
pub type TypeArguments = std::sync::Arc<HashMap<String, String>>;

impl Program {
    /// Parses a whole assembler file and finds its functions. The file must be whole: every
    /// function that `.type` declares has its code and its `.size`, every alias leads to code,
    /// every local label an operand names is defined, and the file ends as the compilers end it.
    pub fn parse(text: &str) -> Result<Program, ParseError> {
        let (statements, numbers) = parse_numbered(text)?;
        let at = |index: usize, expected| ParseError::at(Format::Assembly, text, numbers[index] as usize, expected);
        check_complete(&statements, text)?;
        check_labels_defined(&statements).map_err(|(index, label)| at(index, Expected::DefinedLabel { label }))?;
        let functions = find_functions(&statements).map_err(|(index, expected)| at(index, expected))?;
        let data = find_data(&statements);
        let files = statements
            .iter()
            .filter_map(|s| match s {
                Statement::Directive(Directive::File { index, path }) => Some((*index, path.clone())),
                _ => None,
            })
            .collect();
        let mut spellings: HashMap<String, Vec<usize>> = HashMap::new();
        let mut collapsed: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, function) in functions.iter().enumerate() {
            for spelling in reader_spellings(&function.name) {
                let entry = collapsed.entry(collapse_closures(&spelling)).or_default();
                if entry.last() != Some(&at) {
                    entry.push(at);
                }
                let entry = spellings.entry(spelling).or_default();
                if entry.last() != Some(&at) {
                    entry.push(at);
                }
            }
        }
        Ok(Program { statements, functions, spellings, collapsed, data, files })
    }

    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// How many instructions the functions hold: an alias adds none (its code is its target's).
    pub fn instruction_count(&self) -> usize {
        self.functions
            .iter()
            .filter(|function| function.alias_of.is_none())
            .map(|function| {
                self.statements[function.body.clone()]
                    .iter()
                    .filter(|s| matches!(s, Statement::Instruction { .. }))
                    .count()
            })
            .sum()
    }

    /// Picks the function a reader means. Accepted, in this order of preference:
    /// - the full demangled path (`ch01_the_experiment::hello_world::{{closure}}`, or a v0
    ///   spelling such as `first_of::{closure#0}::{closure#1}` where the symbols are v0), with or
    ///   without crate disambiguators and hash;
    /// - the same with every path cut to its last segment (`hello_world::{{closure}}`,
    ///   `<DummyFuture as Future>::poll`), any tail of a plain path (`Executor::run`), and for a
    ///   trait method, `Type::method` (`DummyFuture::poll`);
    /// - a v0 closure spelling where the symbols are legacy ones (`{closure#0}` read as `{{closure}}`);
    ///
    /// and for generic instances that legacy mangling prints alike, the same followed by
    /// `::<type arguments>` (`RawVec<T,A>::grow_one::<u8, alloc::alloc::Global>`) or by `#k`,
    /// the k-th in file order. `arguments` gives the type arguments when they are needed.
    pub fn select(
        &self,
        query: &str,
        chapter: &str,
        arguments: &mut dyn FnMut() -> Result<TypeArguments, Error>,
    ) -> Result<&Function, Error> {
        let query = query.trim();
        let matches = self.matching(query);
        if !matches.is_empty() {
            return self.one_of(query, &matches, chapter, arguments);
        }
        // `name#2`: the second of several instances that demangle to the same name.
        if let Some((name, n)) = query.rsplit_once('#')
            && let Ok(n) = n.parse::<usize>()
        {
            let matches = self.matching(name);
            if n >= 1
                && n <= matches.len()
                && matches.iter().all(|&f| self.functions[f].name == self.functions[matches[0]].name)
            {
                return Ok(&self.functions[matches[n - 1]]);
            }
        }
        // `name::<args>`: one instance by its type arguments.
        if let Some((name, wanted)) = split_type_arguments(query) {
            let matches = self.matching(name);
            if !matches.is_empty() {
                let arguments = arguments()?;
                let by_arguments: Vec<usize> = matches
                    .iter()
                    .copied()
                    .filter(|&f| {
                        arguments.get(&self.functions[f].symbol).is_some_and(|a| a == wanted || short(a) == wanted)
                    })
                    .collect();
                if !by_arguments.is_empty() {
                    return self.one_of(query, &by_arguments, chapter, &mut || Ok(arguments.clone()));
                }
            }
        }
        let known: Vec<String> = self.functions.iter().map(|f| f.name.clone()).collect();
        Err(Error::UnknownFunction {
            given: query.to_owned(),
            chapter: chapter.to_owned(),
            closest: suggestions(query, &known),
            known,
            listed_by: None,
        })
    }

    /// The functions a spelling names: exactly, else with closures collapsed on both sides.
    fn matching(&self, query: &str) -> Vec<usize> {
        let wanted = normalise(query);
        if let Some(found) = self.spellings.get(&wanted) {
            return found.clone();
        }
        // `{closure#4}` names one closure. Against legacy names, which cannot tell sibling
        // closures apart, it is read as `{{closure}}`; against names that carry numbers too, only
        // the exact spelling above matches it, or `{closure#4}` would select `{closure#0}`.
        let numbered = wanted.contains("{closure#");
        let collapsed = self.collapsed.get(&collapse_closures(&wanted)).map(Vec::as_slice).unwrap_or_default();
        collapsed.iter().copied().filter(|&f| !(numbered && self.functions[f].name.contains("{closure#"))).collect()
    }

    fn one_of(
        &self,
        query: &str,
        matches: &[usize],
        chapter: &str,
        arguments: &mut dyn FnMut() -> Result<TypeArguments, Error>,
    ) -> Result<&Function, Error> {
        // A full name beats a short spelling that other functions share.
        let exact: Vec<usize> =
            matches.iter().copied().filter(|&f| self.functions[f].name == normalise(query)).collect();
        let matches = if exact.len() == 1 { &exact[..] } else { matches };
        if let [only] = matches {
            return Ok(&self.functions[*only]);
        }
        let arguments = arguments().unwrap_or_default();
        Err(Error::Ambiguous {
            given: query.to_owned(),
            chapter: chapter.to_owned(),
            what: "functions".to_owned(),
            candidates: self.candidates(matches, &arguments),
        })
    }

    /// How to ask for each of several functions: by its type arguments where they tell it apart,
    /// else by its place among the functions of the same name.
    fn candidates(&self, matches: &[usize], arguments: &TypeArguments) -> Vec<String> {
        matches
            .iter()
            .enumerate()
            .map(|(i, &f)| {
                let function = &self.functions[f];
                let same_name: Vec<usize> =
                    matches.iter().copied().filter(|&g| self.functions[g].name == function.name).collect();
                if same_name.len() == 1 {
                    return function.name.clone();
                }
                let own = arguments.get(&function.symbol).filter(|a| !a.is_empty());
                let unique = own.is_some_and(|own| {
                    same_name.iter().filter(|&&g| arguments.get(&self.functions[g].symbol) == Some(own)).count() == 1
                });
                match own {
                    Some(own) if unique => format!("{}::<{own}>", function.name),
                    _ => {
                        let k = matches[..=i].iter().filter(|&&g| self.functions[g].name == function.name).count();
                        format!("{}#{k}", function.name)
                    }
                }
            })
            .collect()
    }
}

/// The functions to suggest for a name that matches none, best first: the body of an `async fn`
/// (or a closure) of that name before anything spelt alike, since `hello_world` for
/// `hello_world::{{closure}}` is what a reader of an `async fn` writes.
fn suggestions(query: &str, known: &[String]) -> Vec<String> {
    let wanted = short(&normalise(query));
    let shorts: Vec<String> = known.iter().map(|name| short(name)).collect();
    let body = format!("{wanted}::{{{{closure}}}}");
    let mut suggested: Vec<String> = shorts.iter().filter(|name| collapse_closures(name) == body).cloned().collect();
    for name in closest(&wanted, &shorts) {
        if !suggested.contains(&name) {
            suggested.push(name);
        }
    }
    suggested.truncate(3);
    suggested
}

/// `name::<args>` → (`name`, `args`), for the outermost trailing `::<…>`.
fn split_type_arguments(query: &str) -> Option<(&str, &str)> {
    let inner = query.strip_suffix('>')?;
    let mut depth = 0;
    for (at, c) in inner.char_indices().rev() {
        match c {
            // The arrow of a function type, `fn(&T) -> bool`, is no bracket.
            '>' if inner[..at].ends_with('-') => {}
            '>' => depth += 1,
            '<' if depth == 0 => {
                let name = inner[..at].strip_suffix("::")?;
                return Some((name, inner[at + 1..].trim()));
            }
            '<' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The spellings a reader may use for a function's name: the full name and the short ones.
fn reader_spellings(name: &str) -> Vec<String> {
    let short_name = short(name);
    let mut spellings = vec![name.to_owned(), short_name.clone()];
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
    spellings.dedup();
    spellings
}

/// Every local label (`.LBB…`, `.LJTI…`, a constant, a temporary) that code or data outside the
/// debug information refers to is defined somewhere in the file: a jump table or a constant
/// whose label went missing would otherwise drop out of a listing unnoticed. The error is the
/// statement that refers to the first one missing, and its name.
fn check_labels_defined(statements: &[Statement]) -> Result<(), (usize, String)> {
    let defined: std::collections::HashSet<&str> = statements
        .iter()
        .filter_map(|s| match s {
            Statement::Label(label) => Some(label.name.as_str()),
            Statement::Alias { alias, .. } => Some(alias.as_str()),
            _ => None,
        })
        .collect();
    for (at, statement) in statements.iter().enumerate() {
        let operands = match statement {
            Statement::Instruction { operands, .. } | Statement::Data { value: operands, .. } => operands,
            _ => continue,
        };
        if let Some((word, _)) = operands.words().find(|(word, kind)| kind.is_local() && !defined.contains(word)) {
            return Err((at, word.to_owned()));
        }
    }
    Ok(())
}

/// A function runs from its label to the `.size` directive naming it; `.type sym,@function`
/// says which labels are functions. An alias (`sym = target`) of a function is a function too,
/// with its target's code. A function whose `.size` never comes, a `.type` with neither a
/// label nor an alias, and an alias that leads to no code (or round in a circle) are errors:
/// the index of the statement to blame, and what was expected there.
fn find_functions(statements: &[Statement]) -> Result<Vec<Function>, (usize, Expected)> {
    let mut declared: HashMap<&str, usize> = HashMap::new();
    let mut starts: HashMap<&str, usize> = HashMap::new();
    let mut functions = Vec::new();
    let mut aliases: Vec<(usize, &str, &str)> = Vec::new();
    for (at, statement) in statements.iter().enumerate() {
        match statement {
            Statement::Directive(Directive::FunctionType(symbol)) => {
                declared.entry(symbol).or_insert(at);
            }
            Statement::Label(label) if declared.contains_key(label.name.as_str()) => {
                starts.insert(&label.name, at);
            }
            Statement::Directive(Directive::Size { symbol, of_code }) => {
                if let Some(start) = starts.remove(symbol.as_str()) {
                    functions.push(Function {
                        symbol: symbol.clone(),
                        name: display_name(symbol),
                        body: start..at,
                        alias_of: None,
                    });
                } else if *of_code && !declared.contains_key(symbol.as_str()) {
                    // The size of code whose `.type … @function` is gone: the function would be too.
                    return Err((at, Expected::FunctionType { symbol: symbol.clone() }));
                }
            }
            Statement::Alias { alias, target } => aliases.push((at, alias, target)),
            _ => {}
        }
    }
    // The first function (in file order) that began and never ended.
    if let Some((symbol, start)) = starts.into_iter().min_by_key(|(_, start)| *start) {
        return Err((start, Expected::FunctionEnd { symbol: symbol.to_owned() }));
    }
    let by_symbol: HashMap<String, usize> = functions.iter().enumerate().map(|(i, f)| (f.symbol.clone(), i)).collect();
    let targets: HashMap<&str, &str> = aliases.iter().map(|(_, alias, target)| (*alias, *target)).collect();
    // An alias of a function is a function: without its `.type … @function` it would vanish.
    if let Some((at, alias, _)) =
        aliases.iter().find(|(_, alias, target)| !declared.contains_key(alias) && by_symbol.contains_key(*target))
    {
        return Err((*at, Expected::FunctionType { symbol: (*alias).to_owned() }));
    }
    for (at, alias, target) in aliases.iter().filter(|(_, alias, _)| declared.contains_key(alias)) {
        // An alias may name another alias: follow the chain to the code.
        let mut code = *target;
        let mut seen = vec![*alias];
        while let Some(next) = targets.get(code) {
            if seen.contains(&code) {
                return Err((*at, Expected::AliasWithoutCycle { alias: (*alias).to_owned() }));
            }
            seen.push(code);
            code = next;
        }
        if code == *alias {
            return Err((*at, Expected::AliasWithoutCycle { alias: (*alias).to_owned() }));
        }
        let Some(&target) = by_symbol.get(code) else {
            return Err((*at, Expected::AliasOfCode { alias: (*alias).to_owned() }));
        };
        let target = &functions[target];
        functions.push(Function {
            symbol: (*alias).to_owned(),
            name: display_name(alias),
            body: target.body.clone(),
            alias_of: Some(target.name.clone()),
        });
    }
    // LLVM ends every function's code with `.Lfunc_endN:`: one outside every function is the end
    // of a function whose `.type`, label or `.size` is gone.
    let mut bodies: Vec<Range<usize>> =
        functions.iter().filter(|f| f.alias_of.is_none()).map(|f| f.body.clone()).collect();
    bodies.sort_by_key(|body| body.start);
    for (at, statement) in statements.iter().enumerate() {
        if let Statement::Label(label) = statement
            && label.name.starts_with(".Lfunc_end")
        {
            let before = bodies.partition_point(|body| body.start <= at);
            if !before.checked_sub(1).is_some_and(|i| bodies[i].contains(&at)) {
                return Err((at, Expected::FunctionAround { label: label.name.clone() }));
            }
        }
    }
    let with_code: std::collections::HashSet<&str> = functions.iter().map(|f| f.symbol.as_str()).collect();
    if let Some((symbol, at)) =
        declared.iter().filter(|(symbol, _)| !with_code.contains(**symbol)).min_by_key(|(_, at)| **at)
    {
        return Err((*at, Expected::FunctionCode { symbol: (*symbol).to_owned() }));
    }
    Ok(functions)
}

fn display_name(symbol: &str) -> String {
    match SymbolKind::of(symbol) {
        SymbolKind::Mangled => demangle(symbol).map(|n| normalise(&n)).unwrap_or_else(|| symbol.to_owned()),
        _ => symbol.to_owned(),
    }
}

/// Every label directly followed by data directives, with the run of data it labels.
fn find_data(statements: &[Statement]) -> HashMap<String, Range<usize>> {
    let mut data = HashMap::new();
    for (at, statement) in statements.iter().enumerate() {
        if let Statement::Label(label) = statement {
            let len = statements[at + 1..].iter().take_while(|s| matches!(s, Statement::Data { .. })).count();
            if len > 0 {
                data.insert(label.name.clone(), at + 1..at + 1 + len);
            }
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_arguments_are_split_off_at_the_outermost_trailing_turbofish() {
        assert_eq!(
            split_type_arguments("<alloc::raw_vec::RawVec<T,A>>::grow_one::<u8, alloc::alloc::Global>"),
            Some(("<alloc::raw_vec::RawVec<T,A>>::grow_one", "u8, alloc::alloc::Global"))
        );
        assert_eq!(split_type_arguments("<T as Into<U>>::into"), None);
        assert_eq!(split_type_arguments("f::<u8, fn(&u8) -> bool>"), Some(("f", "u8, fn(&u8) -> bool")));
    }
}
