//! The pipeline on code nobody here wrote: `regex-syntax` (in the lockfile through `regex`),
//! compiled with the listing flags inside the test — about 400 functions, LLVM's aliases among
//! them, generic instances that legacy mangling prints alike, closures — and every chapter's own
//! assembly. Each function must be selectable by its own name and render exactly the
//! instructions that an extraction of the raw `.s` written here, independently of the
//! library's parser, finds.

use std::collections::HashMap;
use std::sync::LazyLock;

use listings::asm::{Function, Line, Listing, Program};
use listings::{AsmOptions, Chapter, CodegenFlags, Error, Workspace};
use regex::Regex;

const CORPUS: &str = "regex-syntax";

#[test]
fn every_chapters_assembly_parses_whole() {
    for chapter in Workspace::this_checkout().chapters().unwrap() {
        // A line of no known shape, a function without its `.size`, an alias of nothing: errors.
        let program = listings::program(&chapter.slug, &CodegenFlags::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!program.functions().is_empty(), "{}", chapter.slug);
    }
}

/// The raw `.s`, read without the library: symbol → its instructions, whitespace collapsed,
/// mangled names demangled, local labels reduced to `.L` (the library renumbers them).
fn raw_instructions(text: &str) -> HashMap<String, Vec<String>> {
    let mut functions: Vec<&str> = Vec::new();
    let mut bodies: HashMap<String, Vec<String>> = HashMap::new();
    let mut aliases: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("\t.type\t")
            && let Some(symbol) = rest.strip_suffix(",@function")
        {
            functions.push(symbol);
        } else if let Some((alias, target)) = line.split_once(" = ") {
            aliases.push((alias.to_owned(), target.to_owned()));
        } else if let Some(label) = line.strip_suffix(':')
            && functions.contains(&label)
        {
            current = Some((label.to_owned(), Vec::new()));
        } else if line.starts_with("\t.size\t") {
            if let Some((symbol, body)) = current.take() {
                bodies.insert(symbol, body);
            }
        } else if let Some((_, body)) = current.as_mut()
            && let Some(instruction) = line.strip_prefix('\t')
            && !instruction.starts_with(['.', '#'])
        {
            body.push(normalise(instruction));
        }
    }
    for (alias, target) in aliases {
        if let Some(body) = bodies.get(&target).cloned() {
            bodies.insert(alias, body);
        }
    }
    bodies
}

fn normalise(instruction: &str) -> String {
    static MANGLED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(_ZN|_R)[A-Za-z0-9_$.]+").unwrap());
    // A local label starts a word: `..L` inside a mangled name (`..Literal`) is none.
    static LOCAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(^|[^A-Za-z0-9_$.])\.L[A-Za-z0-9_$.]+").unwrap());
    let instruction = instruction.split_whitespace().collect::<Vec<_>>().join(" ");
    // Local labels first: `.Lswitch.table._ZN…` is one local label, not a symbol.
    let local = LOCAL.replace_all(&instruction, "${1}.L");
    MANGLED
        .replace_all(&local, |m: &regex::Captures| match rustc_demangle::try_demangle(&m[0]) {
            Ok(name) => format!("{name:#}"),
            Err(_) => m[0].to_owned(),
        })
        .into_owned()
}

/// The instructions of a function's listing, normalised like the raw ones.
fn listed_instructions(program: &Program, function: &Function) -> Vec<String> {
    let chapter = Chapter { slug: CORPUS.into(), dir: "target".into() };
    listings::asm::lines(program, function, &chapter, &Workspace::this_checkout().root, &AsmOptions::default())
        .iter()
        .filter_map(|line| match line {
            Line::Instruction { mnemonic, operands } => Some(normalise(&format!("{mnemonic} {operands}"))),
            _ => None,
        })
        .collect()
}

#[test]
fn every_function_of_a_third_party_crate_is_selectable_by_its_own_name_and_renders_the_raw_instructions() {
    let text = listings::package_assembly_text(CORPUS).unwrap_or_else(|e| panic!("{e}"));
    let program = listings::program(CORPUS, &CodegenFlags::default()).unwrap_or_else(|e| panic!("{e}"));
    let raw = raw_instructions(&text);
    let functions = program.functions();
    assert_eq!(functions.len(), raw.len(), "every function of the .s, aliases included, and no other");
    assert!(functions.len() > 300, "{} functions", functions.len());
    assert!(functions.iter().filter(|f| f.alias_of.is_some()).count() > 0, "the corpus has aliases");
    let raw_count: usize = functions.iter().filter(|f| f.alias_of.is_none()).map(|f| raw[&f.symbol].len()).sum();
    assert_eq!(program.instruction_count(), raw_count, "instructions, an alias's counted once under its target");

    let mut selected = 0;
    let mut arguments = || -> Result<listings::asm::TypeArguments, Error> {
        Ok(listings::type_arguments_of(CORPUS).unwrap_or_else(|e| panic!("{e}")))
    };
    let mut names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let spellings = match program.select(name, CORPUS, &mut arguments) {
            Ok(_) => vec![name.to_owned()],
            Err(Error::Ambiguous { candidates, .. }) => candidates,
            Err(error) => panic!("{name}: {error}"),
        };
        let mut symbols: Vec<&str> = Vec::new();
        for spelling in &spellings {
            let function =
                program.select(spelling, CORPUS, &mut arguments).unwrap_or_else(|e| panic!("{spelling}: {e}"));
            assert_eq!(
                listed_instructions(&program, function),
                raw[&function.symbol],
                "{spelling} ({}) renders what the raw .s has",
                function.symbol
            );
            symbols.push(&function.symbol);
        }
        symbols.sort();
        symbols.dedup();
        assert_eq!(symbols.len(), spellings.len(), "each of {spellings:?} selects a function of its own");
        selected += symbols.len();
    }
    assert_eq!(selected, functions.len(), "every function was selected by one of its spellings");
}

#[test]
fn an_alias_is_selectable_and_says_whose_code_it_is() {
    let program = listings::program(CORPUS, &CodegenFlags::default()).unwrap_or_else(|e| panic!("{e}"));
    let alias = program.functions().iter().find(|f| f.alias_of.is_some()).expect("an alias");
    let target = alias.alias_of.as_deref().unwrap();
    let chapter = Chapter { slug: CORPUS.into(), dir: "target".into() };
    let lines =
        listings::asm::lines(&program, alias, &chapter, &Workspace::this_checkout().root, &AsmOptions::default());
    assert_eq!(
        lines[0],
        Line::Comment(format!("an alias: LLVM merged this function into {target}, whose code follows"))
    );
}

#[test]
fn every_listing_of_every_function_prints_text_that_reads_back_as_the_same_listing() {
    let workspace = Workspace::this_checkout();
    let mut checked = 0;
    let chapters = workspace.chapters().unwrap();
    let packages = chapters
        .iter()
        .map(|c| (c.slug.clone(), c.clone()))
        .chain([(CORPUS.to_owned(), Chapter { slug: CORPUS.into(), dir: "target".into() })]);
    for (package, chapter) in packages {
        let program = listings::program(&package, &CodegenFlags::default()).unwrap_or_else(|e| panic!("{e}"));
        for function in program.functions() {
            for options in [AsmOptions { source: true, data: true }, AsmOptions::default()] {
                let lines = listings::asm::lines(&program, function, &chapter, &workspace.root, &options);
                let listing = Listing { function: function.name.clone(), lines };
                let text = listing.to_string();
                assert_eq!(text.parse::<Listing>().as_ref(), Ok(&listing), "{package}: {text}");
                checked += 1;
            }
        }
    }
    assert!(checked > 800, "{checked} listings");
}
