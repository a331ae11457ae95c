//! Measured figures: `{{#figures CHAPTER TABLE}}` shows a table of a chapter's `figures.toml`,
//! and `{{#figure CHAPTER NAME}}` quotes one of its values in a sentence.
//!
//! The file is written by the chapter's measuring script in one run (for the cost chapter,
//! `ci/bench-cost`), never by hand. It records a digest of every source its figures depend on;
//! if one has changed since, or the book is pinned to another compiler, the figures describe
//! code that no longer exists, and the build fails saying which source changed and what to run,
//! as it does for a listing whose snapshot is gone.

use std::cell::RefCell;
use std::collections::HashMap;

use figures::{FILE_NAME, Figures, MeasuredWith};
use listings::Workspace;

use crate::listing::escape;

/// `{{#figures CHAPTER TABLE}}`: the table as markdown, with a caption that says what produced it.
pub fn render_table(arguments: &[String], workspace: &Workspace, loaded: &Loaded) -> Result<String, String> {
    let [chapter, name] = arguments else {
        return Err("usage: {{#figures CHAPTER TABLE}}".to_owned());
    };
    let (slug, figures) = loaded.get(chapter, workspace)?;
    let table = figures.table(name).map_err(|message| format!("{message} (in chapters/{slug}/{FILE_NAME})"))?;
    let numeric: Vec<bool> = (0..table.columns.len())
        .map(|column| column > 0 && table.rows.iter().all(|row| row.get(column).is_none_or(|cell| is_number(cell))))
        .collect();
    let mut markdown = String::new();
    markdown.push_str(&row(&table.columns));
    markdown.push_str(&row(&numeric.iter().map(|&right| if right { "---:" } else { "---" }).collect::<Vec<_>>()));
    for cells in &table.rows {
        markdown.push_str(&row(cells));
    }
    Ok(format!(
        "<figure class=\"figures\" id=\"figures-{slug}-{name}\">\n\n{markdown}\n<figcaption>{}</figcaption>\n</figure>\n",
        caption(&figures.provenance)
    ))
}

/// `{{#figure CHAPTER NAME}}`: one value, as the tables show it.
pub fn render_value(arguments: &[String], workspace: &Workspace, loaded: &Loaded) -> Result<String, String> {
    let [chapter, name] = arguments else {
        return Err("usage: {{#figure CHAPTER NAME}}".to_owned());
    };
    let (slug, figures) = loaded.get(chapter, workspace)?;
    let value = figures.value(name).map_err(|message| format!("{message} (in chapters/{slug}/{FILE_NAME})"))?;
    Ok(value.to_string())
}

/// The chapters' figures, each read and checked once per build of the book: the cost chapter's
/// page quotes twenty of its values, and checking the file hashes every source it depends on.
#[derive(Default)]
pub struct Loaded(RefCell<HashMap<String, Load>>);

/// A chapter's slug and figures, or why they cannot be shown.
type Load = Result<(String, Figures), String>;

impl Loaded {
    fn get(&self, chapter: &str, workspace: &Workspace) -> Load {
        self.0.borrow_mut().entry(chapter.to_owned()).or_insert_with(|| load(chapter, workspace)).clone()
    }
}

/// The chapter's figures, if they exist and are not stale.
fn load(chapter: &str, workspace: &Workspace) -> Load {
    let chapter = workspace.chapter(chapter).map_err(|error| error.to_string())?;
    let path = chapter.dir.join(FILE_NAME);
    let shown = format!("chapters/{}/{FILE_NAME}", chapter.slug);
    if !path.is_file() {
        return Err(format!(
            "no measured figures for {}: {shown} does not exist; the chapter's measuring script \
             (`ci/bench-*`) writes it",
            chapter.slug
        ));
    }
    let figures = Figures::read(&path).map_err(|error| format!("{shown} cannot be read: {error}"))?;
    let stale = figures.stale(&workspace.root, &listings::pinned_release());
    if !stale.is_empty() {
        return Err(format!(
            "the figures in {shown} are stale: {}; run `{}` to measure them again",
            stale.join("; "),
            figures.provenance.command
        ));
    }
    Ok((chapter.slug, figures))
}

/// What the page says under every table: who counted, on what, with which compiler.
fn caption(provenance: &MeasuredWith) -> String {
    format!(
        "Measured by <code>{}</code> on {}: instructions counted by callgrind ({}) in code compiled by {} · wall clock, in nanoseconds: {}",
        escape(&provenance.command),
        escape(&provenance.cpu),
        escape(&provenance.valgrind),
        escape(&provenance.compiler),
        escape(&provenance.wall_clock),
    )
}

fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let cells: Vec<String> = cells.iter().map(|cell| cell.as_ref().replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// A cell the table right-aligns: a number, signed or not, or a dash for one not measured.
fn is_number(cell: &str) -> bool {
    let cell = cell.trim().trim_start_matches(['+', '-']);
    cell.is_empty() || cell == "–" || cell.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_signed_or_not_and_dashes_are_right_aligned() {
        assert!(is_number("1026") && is_number("+14") && is_number("-1") && is_number("1.18") && is_number("–"));
        assert!(!is_number("`clone`") && !is_number("the argument, kept twice"));
    }

    #[test]
    fn a_pipe_in_a_cell_is_escaped() {
        assert_eq!(row(&["a|b", "c"]), "| a\\|b | c |\n");
    }
}
