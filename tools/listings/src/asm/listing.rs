//! Step 5: a listing as a value, how it prints, and how a printed listing reads back.
//!
//! [`Listing`]'s `Display` is the text the book shows and a snapshot stores; its `FromStr` is
//! the exact inverse, so that whoever reads a snapshot (the book's HTML, the quiz facts, a
//! test) gets the same typed lines the pipeline made, and never classifies text by its shape
//! again.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use super::parse::{PREFIXES, is_mnemonic, split_prefixed};
use crate::error::{Expected, Format, ParseError};
use crate::provenance::Provenance;

/// The assembly of one function as the book shows it: what an assembly snapshot's body holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The demangled name, printed as the listing's first label.
    pub function: String,
    pub lines: Vec<Line>,
}

/// A listing as the pipeline makes it: the lines, and where they come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsmListing {
    pub listing: Listing,
    /// Function, compiler, flags and options: recorded in the snapshot's header, with the
    /// command that prints the listing again.
    pub provenance: Provenance,
    /// The command that prints this listing again: `cargo xtask asm ch01 noop_clone --data`.
    pub command: String,
}

impl Deref for AsmListing {
    type Target = Listing;

    fn deref(&self) -> &Listing {
        &self.listing
    }
}

impl fmt::Display for AsmListing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.listing.fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A label in the code: a basic block's (`.LBB0_3`), or any other the code refers to.
    Label(String),
    /// The label of a constant shown after the code: a jump table (`.LJTI0_0`) or another
    /// constant (`.L__unnamed_1`, a vtable). Data lines follow it.
    DataLabel {
        name: String,
        kind: ConstantKind,
    },
    Instruction {
        mnemonic: String,
        operands: String,
    },
    Data {
        directive: String,
        value: String,
    },
    /// The Rust line the following instructions came from: `src/lib.rs:42  text`.
    Source {
        file: String,
        line: u32,
        text: String,
    },
    /// What the listing says of itself where the assembly has no instruction to show: an
    /// inline-asm block (`#APP` … `#NO_APP`), an alias.
    Comment(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstantKind {
    JumpTable,
    Constant,
}

impl ConstantKind {
    /// A constant's kind, from its label: LLVM names jump tables `.LJTI…`.
    pub fn of(label: &str) -> ConstantKind {
        match label.starts_with(".LJTI") {
            true => ConstantKind::JumpTable,
            false => ConstantKind::Constant,
        }
    }
}

impl Listing {
    /// Every instruction, as (mnemonic, operands).
    pub fn instructions(&self) -> impl Iterator<Item = (&str, &str)> {
        self.lines.iter().filter_map(Line::instruction)
    }

    /// What each `call` calls: its operands (`qword ptr [rip + std::io::stdio::_print@GOTPCREL]`).
    pub fn calls(&self) -> Vec<&str> {
        self.instructions().filter(|(mnemonic, _)| *mnemonic == "call").map(|(_, target)| target).collect()
    }

    /// The instructions of the block that starts at `label`, up to the next label (code that
    /// falls through goes on past it; this stops there), or `None` if no label is `label`.
    pub fn block(&self, label: &str) -> Option<Vec<(&str, &str)>> {
        let start = self.lines.iter().position(|line| line.label() == Some(label))?;
        Some(
            self.lines[start + 1..]
                .iter()
                .take_while(|line| line.label().is_none())
                .filter_map(Line::instruction)
                .collect(),
        )
    }

    /// The values of the data directives that follow `label`, up to the next label.
    pub fn data_after(&self, label: &str) -> Vec<&str> {
        self.lines
            .iter()
            .skip_while(|line| line.label() != Some(label))
            .skip(1)
            .map_while(|line| match line {
                Line::Data { value, .. } => Some(value.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Each jump table's entries, e.g. `.LBB0_1-.LJTI0_0`.
    pub fn jump_tables(&self) -> Vec<Vec<&str>> {
        self.lines
            .iter()
            .filter_map(|line| match line {
                Line::DataLabel { name, kind: ConstantKind::JumpTable } => Some(self.data_after(name)),
                _ => None,
            })
            .collect()
    }

    /// The listing as the book prints it, one string a line (the title first).
    pub fn rendered_lines(&self) -> Vec<String> {
        self.to_string().lines().map(str::to_owned).collect()
    }
}

impl Line {
    /// The label a line defines, code or data.
    pub fn label(&self) -> Option<&str> {
        match self {
            Line::Label(name) | Line::DataLabel { name, .. } => Some(name),
            _ => None,
        }
    }

    /// (mnemonic, operands) of an instruction.
    pub fn instruction(&self) -> Option<(&str, &str)> {
        match self {
            Line::Instruction { mnemonic, operands } => Some((mnemonic, operands)),
            _ => None,
        }
    }
}

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:", self.function)?;
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// The indentation of every line but a label.
const INDENT: &str = "        ";
/// Operands start in column 16: after the indentation, a mnemonic padded to this width and a
/// space (one space after a longer mnemonic).
const MNEMONIC_WIDTH: usize = 7;

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Line::Label(label) | Line::DataLabel { name: label, .. } => write!(f, "{label}:"),
            Line::Instruction { mnemonic, operands } if operands.is_empty() => write!(f, "{INDENT}{mnemonic}"),
            Line::Instruction { mnemonic: head, operands: tail } | Line::Data { directive: head, value: tail } => {
                write!(f, "{INDENT}{head:<MNEMONIC_WIDTH$} {tail}")
            }
            Line::Source { file, line, text } => write!(f, "{INDENT}; {file}:{line}  {text}"),
            Line::Comment(text) => write!(f, "{INDENT}; {text}"),
        }
    }
}

impl FromStr for Listing {
    type Err = ParseError;

    /// A listing as [`Display`](fmt::Display) printed it: the title, then one line each.
    fn from_str(text: &str) -> Result<Listing, ParseError> {
        let mut lines = parse_lines(text)?;
        let function = match lines.first() {
            Some(Line::Label(title)) => title.clone(),
            _ => return Err(ParseError::at(Format::AsmListing, text, 1, Expected::ListingTitle)),
        };
        lines.remove(0);
        Ok(Listing { function, lines })
    }
}

/// The lines of a listing, or of a part of one, as [`Listing`]'s `Display` prints them (its
/// title reads as a label): the inverse of printing each line and a newline after it.
///
/// A label is a [`Line::DataLabel`] when data follows it (a jump table when LLVM named it
/// `.LJTI…`), as the pipeline makes them; a `;` line whose text begins `FILE:LINE` and two
/// spaces is a [`Line::Source`], any other a [`Line::Comment`].
pub fn parse_lines(text: &str) -> Result<Vec<Line>, ParseError> {
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(ParseError::at(Format::AsmListing, text, text.lines().count(), Expected::FinalNewline));
    }
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| {
            parse_line(line)
                .ok_or_else(|| ParseError::quoting(Format::AsmListing, index + 1, line, Expected::ListingLine))
        })
        .collect::<Result<Vec<Line>, ParseError>>()?;
    label_constants(&mut lines);
    Ok(lines)
}

/// Makes every label that data follows a [`Line::DataLabel`]: the one rule by which the
/// pipeline's steps make labels and [`parse_lines`] reads them back.
pub(crate) fn label_constants(lines: &mut [Line]) {
    for at in 1..lines.len() {
        if let (Line::Label(name), Line::Data { .. }) = (&lines[at - 1], &lines[at]) {
            lines[at - 1] = Line::DataLabel { kind: ConstantKind::of(name), name: name.clone() };
        }
    }
}

fn parse_line(line: &str) -> Option<Line> {
    let Some(rest) = line.strip_prefix(INDENT) else {
        let label =
            line.strip_suffix(':').filter(|label| !label.is_empty() && !label.starts_with(char::is_whitespace))?;
        return Some(Line::Label(label.to_owned()));
    };
    if let Some(comment) = rest.strip_prefix("; ") {
        return Some(match source_line(comment) {
            Some((file, line, text)) => Line::Source { file: file.to_owned(), line, text: text.to_owned() },
            None => Line::Comment(comment.to_owned()),
        });
    }
    let head_end = rest.find(' ').unwrap_or(rest.len());
    let (first, after) = rest.split_at(head_end);
    if first.starts_with('.') && first.len() > 1 {
        let value = operands_after(first, after)?;
        return Some(Line::Data { directive: first.to_owned(), value: value.to_owned() });
    }
    if !is_mnemonic(first) {
        return None;
    }
    // A prefix and the mnemonic after it, one space apart, are one mnemonic (`lock inc`), as the
    // assembly parser reads them.
    let (mnemonic, after) = match after.strip_prefix(' ') {
        Some(next) if PREFIXES.contains(&first) => {
            let next_end = next.find(' ').unwrap_or(next.len());
            match split_prefixed(first, &next[..next_end]) {
                (joined, _) if joined.len() > first.len() => (&rest[..first.len() + 1 + next_end], &next[next_end..]),
                _ => (first, after),
            }
        }
        _ => (first, after),
    };
    if after.is_empty() {
        return Some(Line::Instruction { mnemonic: mnemonic.to_owned(), operands: String::new() });
    }
    let operands = operands_after(mnemonic, after).filter(|operands| !operands.is_empty())?;
    Some(Line::Instruction { mnemonic: mnemonic.to_owned(), operands: operands.to_owned() })
}

/// What follows `head` and its padding: the head padded to [`MNEMONIC_WIDTH`], then one space.
fn operands_after<'a>(head: &str, after: &'a str) -> Option<&'a str> {
    let padding = MNEMONIC_WIDTH.saturating_sub(head.chars().count()) + 1;
    let spaces = " ".repeat(padding);
    after.strip_prefix(spaces.as_str())
}

/// `src/lib.rs:42  text` → (`src/lib.rs`, 42, `text`): a file, a line number as `Display`
/// writes it, two spaces, the source line.
fn source_line(comment: &str) -> Option<(&str, u32, &str)> {
    let (location, text) = comment.split_once("  ")?;
    let (file, number) = location.rsplit_once(':')?;
    let line: u32 = number.parse().ok()?;
    (line.to_string() == number && !file.is_empty()).then_some((file, line, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(lines: Vec<Line>) -> Listing {
        Listing { function: "<a::B as c::D>::poll".into(), lines }
    }

    fn instruction(mnemonic: &str, operands: &str) -> Line {
        Line::Instruction { mnemonic: mnemonic.into(), operands: operands.into() }
    }

    fn every_kind_of_line() -> Listing {
        listing(vec![
            Line::Comment("an alias: LLVM merged this function into f, whose code follows".into()),
            Line::Source { file: "src/lib.rs".into(), line: 42, text: "let x = y;".into() },
            Line::Source { file: "src/lib.rs".into(), line: 43, text: String::new() },
            instruction("movzx", "eax, byte ptr [rdi]"),
            instruction("ret", ""),
            instruction("lock inc", "qword ptr [rax]"),
            instruction("notrack jmp", "rax"),
            instruction("rep stosq", ""),
            instruction("punpcklqdq", "xmm0, xmm1"),
            Line::Label(".LBB0_1".into()),
            Line::Comment("#APP #NO_APP (empty inline asm: black_box)".into()),
            Line::Label("f(f()::Frame*) [clone .actor] [clone .cold]".into()),
            instruction("ud2", ""),
            Line::DataLabel { name: ".LJTI0_0".into(), kind: ConstantKind::JumpTable },
            Line::Data { directive: ".long".into(), value: ".LBB0_1-.LJTI0_0".into() },
            Line::DataLabel { name: ".L__unnamed_1".into(), kind: ConstantKind::Constant },
            Line::Data { directive: ".asciz".into(), value: "\"a # b:  c\"".into() },
            Line::Data { directive: ".quad".into(), value: "core::ptr::drop_in_place<u8>".into() },
        ])
    }

    #[test]
    fn a_printed_listing_reads_back_as_itself() {
        let listing = every_kind_of_line();
        let text = listing.to_string();
        assert_eq!(text.parse::<Listing>(), Ok(listing), "{text}");
    }

    #[test]
    fn operands_start_in_column_16_or_one_space_after_a_longer_mnemonic() {
        let text = every_kind_of_line().to_string();
        assert!(text.contains("\n        movzx   eax, byte ptr [rdi]\n"), "{text}");
        assert!(text.contains("\n        lock inc qword ptr [rax]\n"), "{text}");
        assert!(text.contains("\n        .long   .LBB0_1-.LJTI0_0\n"), "{text}");
    }

    #[test]
    fn blocks_and_calls_are_read_from_the_typed_lines() {
        let listing = listing(vec![
            instruction("call", "f"),
            Line::Label(".LBB0_1".into()),
            Line::Source { file: "src/lib.rs".into(), line: 1, text: "g();".into() },
            instruction("call", "g"),
            instruction("ret", ""),
            Line::Label(".LBB0_2".into()),
            instruction("ud2", ""),
        ]);
        assert_eq!(listing.block(".LBB0_1"), Some(vec![("call", "g"), ("ret", "")]));
        assert_eq!(listing.block(".LBB0_3"), None);
        assert_eq!(listing.calls(), ["f", "g"]);
    }

    #[test]
    fn text_that_is_no_listing_is_an_error_naming_the_line() {
        let error = |text: &str| text.parse::<Listing>().unwrap_err();
        assert_eq!(error("f:\n        ret").expected, Expected::FinalNewline);
        assert_eq!(error("        ret\n").expected, Expected::ListingTitle);
        for bad in ["    ret", "        MOV rax, 1", "        mov  rax, 1", "        mov     ", ""] {
            let e = error(&format!("f:\n{bad}\n"));
            assert_eq!((e.line, e.expected), (2, Expected::ListingLine), "{bad:?}");
        }
    }
}
