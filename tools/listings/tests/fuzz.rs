//! Every parser, fed what the pipeline really reads (the fixture's assembly, every snapshot in
//! the repository) cut short at every line and at many bytes, garbled at random, and with
//! numbers too large for any field: each input is an error or a correct result, never a panic,
//! and never a quiet loss.
//!
//! "Correct" is the strongest claim each format allows:
//! - a snapshot format (an assembly listing, a type-sizes listing, a MIR body, a provenance, a
//!   header's tag and states) reads back only as a value that prints the input again, byte for
//!   byte: whatever it accepts, it keeps whole;
//! - an assembler file cut short is refused unless every function of it is still there with the
//!   same code (only debug information follows the `.note.GNU-stack` it must have); garbled, it
//!   keeps all its functions or is refused;
//! - a `-Zprint-type-sizes` print-out keeps every line it accepts, and each type of it adds up by
//!   rustc's own arithmetic. The print-out has no end mark of its own: a cut between two types,
//!   or just before a zero-sized field or variant, leaves text rustc could have printed, and
//!   reads as such.
//!
//! Deterministic (a fixed seed) and quick: a few seconds in a debug build.

use std::collections::BTreeSet;
use std::path::PathBuf;

use listings::asm::{Listing, Program, parse_lines};
use listings::lowering::mir;
use listings::lowering::type_sizes::{TagAndStates, TypeLayout, layouts};
use listings::{AsmOptions, Chapter, ListingKind, Provenance, StoredListing, Workspace, read_snapshot};

/// xorshift64*: the same garbling on every machine and every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What garbling writes: printable ASCII, the characters the formats give meaning to, and
/// characters of more than one byte (a table's `│`).
const GARBAGE: &[char] = &[
    'a', 'Z', '0', '9', ' ', '\t', '.', ',', ':', ';', '#', '`', '"', '\'', '{', '}', '[', ']', '<', '>', '(', ')',
    '-', '=', '@', '$', '_', '/', '│', '─', 'é', '\u{0}',
];

/// `text` with 1 to 3 characters replaced, inserted or removed at random.
fn garbled(text: &str, random: &mut Random) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + random.below(3) {
        let at = random.below(chars.len());
        let garbage = GARBAGE[random.below(GARBAGE.len())];
        match random.below(3) {
            0 if at < chars.len() => chars[at] = garbage,
            1 => chars.insert(at.min(chars.len()), garbage),
            _ if at < chars.len() => {
                chars.remove(at);
            }
            _ => chars.push(garbage),
        }
    }
    chars.into_iter().collect()
}

/// Every prefix of `text` that ends a line, and a few dozen that end inside one.
fn cuts<'a>(text: &'a str, random: &mut Random) -> Vec<&'a str> {
    let mut ends: BTreeSet<usize> = text.match_indices('\n').map(|(at, _)| at + 1).collect();
    ends.insert(0);
    for _ in 0..24 {
        let mut at = random.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        ends.insert(at);
    }
    ends.into_iter().filter(|end| *end < text.len()).map(|end| &text[..end]).collect()
}

/// `text` with each of its numbers, in turn, made too large for 64 bits or as large as they go.
fn oversized(text: &str) -> Vec<String> {
    let mut variants = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() && variants.len() < 48 {
        if bytes[at].is_ascii_digit() && (at == 0 || !bytes[at - 1].is_ascii_alphanumeric()) {
            let end = at + bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
            for huge in ["18446744073709551615", "18446744073709551616", "99999999999999999999999999"] {
                variants.push(format!("{}{huge}{}", &text[..at], &text[end..]));
            }
            at = end;
        }
        at += 1;
    }
    variants
}

/// Every snapshot of the chapters of one kind (parts included).
fn snapshots(kind: ListingKind) -> Vec<(PathBuf, StoredListing)> {
    let marker = format!("__{}__", kind.as_str());
    let mut found: Vec<(PathBuf, StoredListing)> = Workspace::this_checkout()
        .chapters()
        .unwrap()
        .iter()
        .flat_map(|chapter| std::fs::read_dir(chapter.snapshot_dir()).into_iter().flatten().filter_map(Result::ok))
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(&marker) && n.ends_with(".snap"))
        })
        .map(|path| {
            let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
            (path, stored)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// Each input the fuzzing makes from `text`: its cuts, garbled copies, oversized numbers.
fn mangled(text: &str, random: &mut Random, garbles: usize) -> Vec<String> {
    let mut inputs: Vec<String> = cuts(text, random).into_iter().map(str::to_owned).collect();
    inputs.extend((0..garbles).map(|_| garbled(text, random)));
    inputs.extend(oversized(text));
    inputs
}

#[test]
fn an_assembly_listing_is_refused_or_read_back_whole() {
    let mut random = Random(0x5eed_0001);
    let mut accepted = 0;
    for kind in [ListingKind::Asm, ListingKind::CppAsm] {
        for (path, stored) in snapshots(kind) {
            for input in mangled(&stored.body, &mut random, 48) {
                if let Ok(lines) = parse_lines(&input) {
                    let printed: String = lines.iter().map(|line| format!("{line}\n")).collect();
                    assert_eq!(printed, input, "{} read back other text", path.display());
                    accepted += 1;
                }
                if let Ok(listing) = input.parse::<Listing>() {
                    assert_eq!(listing.to_string(), input, "{}", path.display());
                }
            }
        }
    }
    assert!(accepted > 1000, "cuts at line ends read back: {accepted}");
}

#[test]
fn a_type_sizes_listing_is_refused_or_read_back_whole_with_its_header() {
    let mut random = Random(0x5eed_0002);
    for (path, stored) in snapshots(ListingKind::Stage(listings::Stage::TypeSizes)) {
        let header: TagAndStates = stored.info.as_deref().unwrap_or_default().parse().unwrap();
        for input in mangled(&stored.body, &mut random, 64) {
            if let Ok(layout) = TypeLayout::from_listing(&input, &header) {
                assert_eq!(layout.to_string(), input, "{}", path.display());
            }
        }
        for input in mangled(stored.info.as_deref().unwrap_or_default(), &mut random, 32) {
            if let Ok(read) = input.parse::<TagAndStates>() {
                assert_eq!(read.to_string(), input, "{}", path.display());
            }
        }
    }
}

#[test]
fn a_print_out_is_refused_or_keeps_every_line_in_types_that_add_up() {
    let mut random = Random(0x5eed_0003);
    // rustc's standard output for the types the chapters show: their print-outs, prefixed again.
    let printout: String = snapshots(ListingKind::Stage(listings::Stage::TypeSizes))
        .iter()
        .flat_map(|(_, stored)| {
            stored
                .body
                .lines()
                .take_while(|line| !line.is_empty())
                .map(|line| format!("print-type-size {line}\n"))
                .collect::<Vec<_>>()
        })
        .collect();
    let whole = layouts(&printout).unwrap_or_else(|e| panic!("{e}"));
    for input in mangled(&printout, &mut random, 3000) {
        let Ok(read) = layouts(&input) else { continue };
        let printed: String = read
            .iter()
            .flat_map(|layout| {
                layout.printed.lines().map(|line| format!("print-type-size {line}\n")).collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(printed, input, "every line it accepts is kept");
        for layout in &read {
            let table = layout.table();
            assert_eq!(table.check(layout), Ok(()), "{}", layout.name);
        }
        // A cut keeps the whole types before it as they were.
        if printout.starts_with(&input) && !read.is_empty() {
            assert_eq!(read[..read.len() - 1], whole[..read.len() - 1]);
        }
    }
}

#[test]
fn mir_is_refused_or_read_back_whole() {
    let mut random = Random(0x5eed_0004);
    for (path, stored) in snapshots(ListingKind::Stage(listings::Stage::Mir)) {
        if path.to_string_lossy().contains('@') {
            continue;
        }
        for input in mangled(&stored.body, &mut random, 64) {
            if let Ok(bodies) = mir::bodies(&input) {
                // What is not a body is a comment or a blank line: none of the text is lost.
                let kept: String = bodies.iter().map(|body| body.text.clone()).collect();
                let mut kept = kept.lines().peekable();
                for line in input.lines() {
                    if kept.peek() == Some(&line) {
                        kept.next();
                    } else {
                        assert!(
                            line.is_empty() || line.starts_with("//"),
                            "{}: `{line}` lost from\n{input}",
                            path.display()
                        );
                    }
                }
                assert_eq!(kept.next(), None, "{}", path.display());
            }
        }
    }
}

#[test]
fn a_provenance_is_refused_or_read_back_whole() {
    let mut random = Random(0x5eed_0005);
    for kind in [
        ListingKind::Asm,
        ListingKind::Stage(listings::Stage::Mir),
        ListingKind::Stage(listings::Stage::TypeSizes),
        ListingKind::Picture,
        ListingKind::CppAsm,
        ListingKind::Experiment,
    ] {
        for (path, stored) in snapshots(kind).into_iter().take(12) {
            let text = stored.provenance.to_string();
            for input in mangled(&text, &mut random, 16) {
                if let Ok(read) = input.parse::<Provenance>() {
                    assert_eq!(read.to_string(), input, "{}", path.display());
                }
            }
        }
    }
}

#[test]
fn an_assembler_file_is_refused_or_keeps_every_function_with_its_code() {
    let mut random = Random(0x5eed_0006);
    let text = include_str!("fixtures/tiny.s");
    let whole = Program::parse(text).unwrap_or_else(|e| panic!("{e}"));
    let chapter = Chapter { slug: "tiny".into(), dir: "tools/listings/tests/fixtures".into() };
    let root = Workspace::this_checkout().root;
    let listings = |program: &Program| -> Vec<(String, String)> {
        program
            .functions()
            .iter()
            .map(|f| {
                let lines = listings::asm::lines(program, f, &chapter, &root, &AsmOptions { source: true, data: true });
                (f.symbol.clone(), Listing { function: f.name.clone(), lines }.to_string())
            })
            .collect()
    };
    let expected = listings(&whole);
    for cut in cuts(text, &mut random) {
        if let Ok(program) = Program::parse(cut) {
            assert_eq!(listings(&program), expected, "a cut file keeps every function whole, or is refused");
        }
    }
    let symbols: BTreeSet<String> = whole.functions().iter().map(|f| f.symbol.clone()).collect();
    for input in (0..10000).map(|_| garbled(text, &mut random)).chain(oversized(text)) {
        if let Ok(program) = Program::parse(&input) {
            let now: BTreeSet<String> = program.functions().iter().map(|f| f.symbol.clone()).collect();
            // A garbled symbol may rename a function, never lose one.
            assert_eq!(now.len(), symbols.len(), "a function lost from:\n{input}");
            let _ = listings(&program);
        }
    }
}
