//! Notes on a listing, each anchored to one of its lines: `note="ANCHOR" "text"` after the
//! listing's name in `{{#asm …}}`.
//!
//! The anchor is a line of the listing as it reads (spacing aside): an instruction, a label, a
//! jump-table entry. It must match exactly one line, or the build fails naming the page and
//! line: a compiler bump that moves, changes or duplicates the instruction cannot leave the
//! note explaining a line that is no longer there. The rendered listing marks the line with
//! the note's number (`listing-note`), and the notes follow the listing as a numbered list.

use std::collections::BTreeMap;

use crate::quote::normalise;

/// One note as written in the directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub anchor: String,
    pub text: String,
}

/// Why a note cannot be placed. `number` is the note's, 1-based, in the order written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("note {number}: two notes anchored to the line `{line}`")]
    TwoNotesOnOneLine { number: usize, line: String },
    #[error(
        "note {number}: no line of the listing is `{anchor}`{}",
        closest.as_ref().map(|line| format!(" (the closest is `{line}`)")).unwrap_or_default()
    )]
    NoSuchLine { number: usize, anchor: String, closest: Option<String> },
    /// `lines` are 1-based.
    #[error(
        "note {number}: `{anchor}` is {} lines of the listing (lines {}); anchor it to one",
        lines.len(),
        lines.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    SeveralLines { number: usize, anchor: String, lines: Vec<usize> },
}

/// Each note's line: line index → note number (1-based, in the order written).
pub fn place(notes: &[Note], body: &str) -> Result<BTreeMap<usize, usize>, Error> {
    let lines: Vec<String> = body.lines().map(normalise).collect();
    let mut placed = BTreeMap::new();
    for (number, note) in (1..).zip(notes) {
        let wanted = normalise(&note.anchor);
        let matches: Vec<usize> =
            lines.iter().enumerate().filter(|(_, line)| **line == wanted).map(|(i, _)| i).collect();
        match matches.as_slice() {
            [index] => {
                if placed.insert(*index, number).is_some() {
                    return Err(Error::TwoNotesOnOneLine { number, line: wanted });
                }
            }
            [] => {
                let closest = listings::closest_names(&wanted, &lines).into_iter().next();
                return Err(Error::NoSuchLine { number, anchor: wanted, closest });
            }
            several => {
                let lines = several.iter().map(|i| i + 1).collect();
                return Err(Error::SeveralLines { number, anchor: wanted, lines });
            }
        }
    }
    Ok(placed)
}

/// The notes as a markdown list to follow the listing: `1. text`.
pub fn markdown_list(notes: &[Note]) -> String {
    (1..).zip(notes).map(|(number, note)| format!("{number}. {}\n", note.text)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "f:\n        mov     eax, 1\n        ret\n        ret\n";

    fn note(anchor: &str) -> Note {
        Note { anchor: anchor.into(), text: "why".into() }
    }

    #[test]
    fn a_note_is_placed_on_the_one_line_it_names_spacing_aside() {
        assert_eq!(place(&[note("mov eax,  1")], BODY), Ok(BTreeMap::from([(1, 1)])));
    }

    #[test]
    fn an_anchor_that_matches_no_line_names_the_closest_one() {
        let error = place(&[note("mov eax, 2")], BODY).unwrap_err();
        assert_eq!(
            error,
            Error::NoSuchLine { number: 1, anchor: "mov eax, 2".into(), closest: Some("mov eax, 1".into()) }
        );
        assert_eq!(error.to_string(), "note 1: no line of the listing is `mov eax, 2` (the closest is `mov eax, 1`)");
    }

    #[test]
    fn an_anchor_that_matches_several_lines_is_refused() {
        let error = place(&[note("mov eax, 1"), note("ret")], BODY).unwrap_err();
        assert_eq!(error, Error::SeveralLines { number: 2, anchor: "ret".into(), lines: vec![3, 4] });
        assert_eq!(error.to_string(), "note 2: `ret` is 2 lines of the listing (lines 3, 4); anchor it to one");
    }
}
