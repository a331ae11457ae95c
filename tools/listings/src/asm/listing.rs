//! Step 5: a listing as a value, and how it prints.

use std::fmt;

/// The assembly of one function as the book shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The demangled name, printed as the listing's first label.
    pub function: String,
    pub lines: Vec<Line>,
    /// Function, compiler and flags, in one line: recorded in the snapshot's header.
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Label(String),
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
            .skip_while(|line| !matches!(line, Line::Label(l) if l == label))
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
                Line::Label(label) if label.starts_with(".LJTI") => Some(self.data_after(label)),
                _ => None,
            })
            .collect()
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
            Line::Label(label) => write!(f, "{label}:"),
            Line::Instruction { mnemonic, operands } if operands.is_empty() => write!(f, "        {mnemonic}"),
            // Operands start in column 16, or one space after a mnemonic too long for that.
            Line::Instruction { mnemonic, operands } => write!(f, "        {mnemonic:<7} {operands}"),
            Line::Data { directive, value } => write!(f, "        {directive:<7} {value}"),
            Line::Source { location, text } => write!(f, "        ; {location}  {text}"),
        }
    }
}
