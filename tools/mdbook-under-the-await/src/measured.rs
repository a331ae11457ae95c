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
use std::sync::Arc;

use figures::{FILE_NAME, Figures, MeasuredWith};
use listings::Workspace;

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::escape;

/// `{{#figures CHAPTER TABLE}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiguresTable {
    pub chapter: String,
    pub table: String,
}

impl FiguresTable {
    pub fn parse(arguments: &Arguments<'_>) -> Result<FiguresTable, ArgumentError> {
        let [chapter, table] = arguments.words.as_slice() else { return Err(ArgumentError::Usage) };
        Ok(FiguresTable { chapter: chapter.clone(), table: table.clone() })
    }
}

impl Render for FiguresTable {
    /// The table as markdown, with a caption that says what produced it.
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let name = &self.table;
        let measured = context.figures.get(&self.chapter, context.workspace)?;
        let (slug, figures) = (&measured.slug, &measured.figures);
        let table = figures.table(name).map_err(|message| lookup(slug, message))?;
        let numeric: Vec<bool> = (0..table.columns.len())
            .map(|column| column > 0 && table.rows.iter().all(|row| row.get(column).is_none_or(|cell| is_number(cell))))
            .collect();
        let mut markdown = String::new();
        markdown.push_str(&row(&table.columns));
        markdown.push_str(&row(&numeric.iter().map(|&right| if right { "---:" } else { "---" }).collect::<Vec<_>>()));
        for cells in &table.rows {
            markdown.push_str(&row(cells));
        }
        Ok(Expansion::Markdown(format!(
            "<figure class=\"figures\" id=\"figures-{slug}-{name}\">\n\n{markdown}\n<figcaption>{}</figcaption>\n</figure>\n",
            caption(&figures.provenance)
        )))
    }
}

/// `{{#figure CHAPTER NAME}}`: one value, as the tables show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub chapter: String,
    pub name: String,
}

impl Figure {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Figure, ArgumentError> {
        let [chapter, name] = arguments.words.as_slice() else { return Err(ArgumentError::Usage) };
        Ok(Figure { chapter: chapter.clone(), name: name.clone() })
    }
}

impl Render for Figure {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let measured = context.figures.get(&self.chapter, context.workspace)?;
        let value = measured.figures.value(&self.name).map_err(|message| lookup(&measured.slug, message))?;
        Ok(Expansion::Markdown(value.to_string()))
    }
}

/// Why a chapter's figures cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chapter(#[from] listings::Error),
    #[error(
        "no measured figures for {chapter}: {file} does not exist; the chapter's measuring script (`ci/bench-*`) writes it"
    )]
    Missing { chapter: String, file: String },
    #[error("{file} cannot be read: {error}")]
    Unreadable { file: String, error: figures::Error },
    #[error("the figures in {file} are stale: {}; run `{command}` to measure them again", stale.join("; "))]
    Stale { file: String, stale: Vec<String>, command: String },
    /// `figures`' message for an unknown table or value, which names those there are.
    #[error("{message} (in chapters/{chapter}/{FILE_NAME})")]
    Unknown { chapter: String, message: String },
}

fn lookup(chapter: &str, message: String) -> Arc<Error> {
    Arc::new(Error::Unknown { chapter: chapter.to_owned(), message })
}

/// The chapters' figures, each read and checked once per build of the book: the cost chapter's
/// page quotes twenty of its values, and checking the file hashes every source it depends on.
#[derive(Default)]
pub struct FiguresByChapter(RefCell<HashMap<String, ChapterFigures>>);

/// A chapter's figures, or why they cannot be shown (shared by every directive that names them).
type ChapterFigures = Result<Arc<Measured>, Arc<Error>>;

/// A chapter's figures, checked.
pub struct Measured {
    pub slug: String,
    pub figures: Figures,
}

impl FiguresByChapter {
    fn get(&self, chapter: &str, workspace: &Workspace) -> ChapterFigures {
        self.0.borrow_mut().entry(chapter.to_owned()).or_insert_with(|| load(chapter, workspace)).clone()
    }
}

/// The chapter's figures, if they exist and are not stale.
fn load(chapter: &str, workspace: &Workspace) -> ChapterFigures {
    let chapter = workspace.chapter(chapter).map_err(|error| Arc::new(Error::Chapter(error)))?;
    let path = chapter.dir.join(FILE_NAME);
    let file = format!("chapters/{}/{FILE_NAME}", chapter.slug);
    if !path.is_file() {
        return Err(Arc::new(Error::Missing { chapter: chapter.slug, file }));
    }
    let figures = Figures::read(&path).map_err(|error| Arc::new(Error::Unreadable { file: file.clone(), error }))?;
    let stale = figures.stale(&workspace.root, &listings::pinned_release());
    if !stale.is_empty() {
        return Err(Arc::new(Error::Stale { file, stale, command: figures.provenance.command.clone() }));
    }
    Ok(Arc::new(Measured { slug: chapter.slug, figures }))
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
