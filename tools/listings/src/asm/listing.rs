//! Step 5: a listing as a value, and how it prints.

use std::fmt;

use crate::provenance::Provenance;

/// The assembly of one function as the book shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The demangled name, printed as the listing's first label.
    pub function: String,
    pub lines: Vec<Line>,
    /// Function, compiler, flags and options: recorded in the snapshot's header, with the
    /// command that prints the listing again.
    pub provenance: Provenance,
    /// The command that prints this listing again: `cargo xtask asm ch01 noop_clone --data`.
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A basic block's label: `.LBB0_3`.
    Label(String),
    /// The label of a constant shown after the code: a jump table (`.LJTI0_0`) or another
    /// constant (`.L__unnamed_1`, a vtable).
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
    /// The Rust line the following instructions came from.
    Source {
        location: String,
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

impl Listing {
    /// Every instruction, as (mnemonic, operands).
    pub fn instructions(&self) -> impl Iterator<Item = (&str, &str)> {
        self.lines.iter().filter_map(|line| match line {
            Line::Instruction { mnemonic, operands } => Some((mnemonic.as_str(), operands.as_str())),
            _ => None,
        })
    }

    /// The values of the data directives that follow `label`, up to the next label.
    pub fn data_after(&self, label: &str) -> Vec<&str> {
        self.lines
            .iter()
            .skip_while(|line| !matches!(line, Line::Label(l) | Line::DataLabel { name: l, .. } if l == label))
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

/// Whether a line of a rendered listing is an interleaved source line (`        ; src/lib.rs:42  …`),
/// so that a reader of the text can leave them out.
pub fn is_source_line(line: &str) -> bool {
    line.strip_prefix("        ; ")
        .and_then(|rest| rest.split_once("  "))
        .is_some_and(|(location, _)| location.rsplit_once(':').is_some_and(|(_, number)| number.parse::<u32>().is_ok()))
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

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Line::Label(label) | Line::DataLabel { name: label, .. } => write!(f, "{label}:"),
            Line::Instruction { mnemonic, operands } if operands.is_empty() => write!(f, "        {mnemonic}"),
            // Operands start in column 16, or one space after a mnemonic too long for that.
            Line::Instruction { mnemonic, operands } => write!(f, "        {mnemonic:<7} {operands}"),
            Line::Data { directive, value } => write!(f, "        {directive:<7} {value}"),
            Line::Source { location, text } => write!(f, "        ; {location}  {text}"),
            Line::Comment(text) => write!(f, "        ; {text}"),
        }
    }
}
