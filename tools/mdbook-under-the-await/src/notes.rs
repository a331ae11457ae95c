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

/// Each note's line: line index → note number (1-based, in the order written).
pub fn place(notes: &[Note], body: &str) -> Result<BTreeMap<usize, usize>, String> {
    let lines: Vec<String> = body.lines().map(normalise).collect();
    let mut placed = BTreeMap::new();
    for (number, note) in (1..).zip(notes) {
        let wanted = normalise(&note.anchor);
        let matches: Vec<usize> =
            lines.iter().enumerate().filter(|(_, line)| **line == wanted).map(|(i, _)| i).collect();
        match matches.as_slice() {
            [index] => {
                if placed.insert(*index, number).is_some() {
                    return Err(format!("note {number}: two notes anchored to the line `{wanted}`"));
                }
            }
            [] => {
                let closest = listings::closest_names(&wanted, &lines);
                return Err(format!(
                    "note {number}: no line of the listing is `{wanted}`{}",
                    closest.first().map(|line| format!(" (the closest is `{line}`)")).unwrap_or_default()
                ));
            }
            several => {
                let at: Vec<String> = several.iter().map(|i| (i + 1).to_string()).collect();
                return Err(format!(
                    "note {number}: `{wanted}` is {} lines of the listing (lines {}); anchor it to one",
                    several.len(),
                    at.join(", ")
                ));
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
        assert_eq!(
            place(&[note("mov eax, 2")], BODY),
            Err("note 1: no line of the listing is `mov eax, 2` (the closest is `mov eax, 1`)".into())
        );
    }

    #[test]
    fn an_anchor_that_matches_several_lines_is_refused() {
        assert_eq!(
            place(&[note("mov eax, 1"), note("ret")], BODY),
            Err("note 2: `ret` is 2 lines of the listing (lines 3, 4); anchor it to one".into())
        );
    }
}
