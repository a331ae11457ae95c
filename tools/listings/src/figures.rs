//! Figures counted from listings, and tables of them that a page shows.
//!
//! A table that compares listings (one function at six optimisation levels, or five callers of
//! it) is generated from the same listings the tests check, plus the object file's sizes, and is
//! itself a snapshot: `tests/snapshots/<chapter>__table__<name>.snap`, shown by the book's
//! `{{#table CHAPTER NAME}}`. Its body is a markdown table.

use std::fmt;

use crate::{Listing, MachineCode};

/// What a reader counts first in a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeFigures {
    /// Instructions in the listing (labels, data and source lines are not instructions).
    pub instructions: usize,
    /// Bytes of machine code: the symbol's size in the object file.
    pub bytes: usize,
    /// `call` instructions, direct or not.
    pub calls: usize,
    /// The entries of each jump table that remains, in the listing's order.
    pub jump_tables: usize,
    /// Entries of all those tables together.
    pub jump_table_entries: usize,
}

impl CodeFigures {
    /// The figures of one function: `listing` and `code` must be the same function compiled
    /// with the same flags (the caller checks it with [`CodeFigures::agree`]).
    pub fn of(listing: &Listing, code: &MachineCode) -> CodeFigures {
        let tables = listing.jump_tables();
        CodeFigures {
            instructions: listing.instructions().count(),
            bytes: code.bytes.len(),
            calls: listing.instructions().filter(|(mnemonic, _)| *mnemonic == "call").count(),
            jump_tables: tables.len(),
            jump_table_entries: tables.iter().map(Vec::len).sum(),
        }
    }

    /// Whether the object file's code decodes to as many instructions as the listing shows:
    /// the check that both came from the same compilation of the same function.
    pub fn agree(listing: &Listing, code: &MachineCode) -> bool {
        listing.instructions().count() == code.instruction_count()
    }

    /// The jump-table cell: `no`, or `yes, 6 entries`, or `3, 12 entries`.
    pub fn jump_table_cell(&self) -> String {
        match self.jump_tables {
            0 => "no".to_owned(),
            1 => format!("yes, {} entries", self.jump_table_entries),
            tables => format!("{tables} tables, {} entries", self.jump_table_entries),
        }
    }
}

/// A generated table as a page shows it: a header row and body rows, printed as markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedTable {
    /// What the table is of, the compiler and how it was made (an [`Origin::Table`](crate::Origin)):
    /// the snapshot's header.
    pub provenance: crate::Provenance,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl GeneratedTable {
    /// The cell of `row` in the column named `column`.
    pub fn cell(&self, row: usize, column: &str) -> Option<&str> {
        let at = self.header.iter().position(|h| h == column)?;
        self.rows.get(row)?.get(at).map(String::as_str)
    }
}

impl fmt::Display for GeneratedTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|at| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|row| row.get(at).map_or(0, |cell| cell.chars().count()))
                    .max()
                    .unwrap_or(0)
                    .max(3)
            })
            .collect();
        let line = |f: &mut fmt::Formatter<'_>, cells: &[String]| {
            let padded: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(at, width)| format!("{:<width$}", cells.get(at).map_or("", String::as_str)))
                .collect();
            writeln!(f, "| {} |", padded.join(" | "))
        };
        line(f, &self.header)?;
        let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
        writeln!(f, "|-{}-|", rule.join("-|-"))?;
        for row in &self.rows {
            line(f, row)?;
        }
        Ok(())
    }
}

/// Checks a [`GeneratedTable`] against its snapshot `tests/snapshots/<package>__table__<name>.snap`,
/// like [`assert_asm_snapshot!`](crate::assert_asm_snapshot).
#[macro_export]
macro_rules! assert_table_snapshot {
    ($name:expr, $table:expr $(,)?) => {{
        let table: &$crate::GeneratedTable = &$table;
        $crate::snapshot_settings(&table.provenance, None).bind(|| {
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(env!("CARGO_PKG_NAME"), $crate::ListingKind::Table, $name),
                table.to_string(),
                table.provenance.command(env!("CARGO_PKG_NAME"), $name).as_str()
            );
        });
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::Line;

    fn provenance() -> crate::Provenance {
        "f · rustc 1.95.0 (x) · table: by hand".parse().unwrap()
    }

    fn listing(lines: Vec<Line>) -> Listing {
        Listing { function: "f".into(), lines }
    }

    fn instruction(mnemonic: &str, operands: &str) -> Line {
        Line::Instruction { mnemonic: mnemonic.into(), operands: operands.into() }
    }

    #[test]
    fn figures_count_instructions_calls_and_jump_table_entries_and_take_the_size_from_the_object() {
        let listing = listing(vec![
            instruction("lea", "rcx, [rip + .LJTI0_0]"),
            instruction("call", "qword ptr [rcx + 16]"),
            Line::Label(".LBB0_1".into()),
            instruction("ret", ""),
            Line::DataLabel { name: ".LJTI0_0".into(), kind: crate::asm::ConstantKind::JumpTable },
            Line::Data { directive: ".long".into(), value: ".LBB0_1-.LJTI0_0".into() },
            Line::Data { directive: ".long".into(), value: ".LBB0_1-.LJTI0_0".into() },
        ]);
        let code = MachineCode { symbol: "f".into(), bytes: vec![0x90; 17] };
        let figures = CodeFigures::of(&listing, &code);
        assert_eq!(
            figures,
            CodeFigures { instructions: 3, bytes: 17, calls: 1, jump_tables: 1, jump_table_entries: 2 }
        );
        assert_eq!(figures.jump_table_cell(), "yes, 2 entries");
        assert!(!CodeFigures::agree(&listing, &code), "17 nops are not three instructions");
    }

    #[test]
    fn a_table_prints_as_markdown_with_aligned_columns() {
        let table = GeneratedTable {
            provenance: provenance(),
            header: vec!["opt-level".into(), "bytes".into()],
            rows: vec![vec!["0".into(), "1024".into()], vec!["z".into(), "7".into()]],
        };
        assert_eq!(
            table.to_string(),
            "| opt-level | bytes |\n|-----------|-------|\n| 0         | 1024  |\n| z         | 7     |\n"
        );
        assert_eq!(table.cell(1, "bytes"), Some("7"));
        assert_eq!(table.cell(1, "calls"), None);
    }
}
