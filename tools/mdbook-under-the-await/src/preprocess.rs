//! One pass over the book: expand the directives, check every include and every internal link,
//! and collect every problem with its file and line.
//!
//! mdBook calls a page of the book a `Chapter`; here it is a [`Page`], and "chapter" is one of
//! the book's chapter crates (`listings::Chapter`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use listings::Workspace;
use mdbook_preprocessor::book::{Book, BookItem, Chapter as Page};

use crate::course::Course;
use crate::diagnostic::{Diagnostic, Problem, line_of};
use crate::directive::{self, Context, Expansion};
use crate::{aside, commands, course, glossary, links, measured, reading_time};

/// `root` is the book's root (the workspace root: `book.toml` lives there), `src` its source
/// folder. Returns every problem found; the book is only usable if there are none.
pub fn preprocess(root: &Path, src: &Path, book: &mut Book) -> Vec<Diagnostic> {
    let workspace = Workspace { root: root.to_owned() };
    let mut problems = check_glossary(root, src, book);
    let course = collect_course(root, src, book, &mut problems);
    let figures = measured::FiguresByChapter::default();
    let chapter_pages: Vec<PathBuf> = workspace
        .chapters()
        .map(|chapters| chapters.into_iter().map(|chapter| PathBuf::from(format!("{}.md", chapter.slug))).collect())
        .unwrap_or_default();
    let mut readings = Vec::new();
    book.for_each_chapter_mut(|page| {
        let file = page_file(root, src, page);
        let page_dir = file.parent().map(|dir| root.join(dir)).unwrap_or_else(|| src.to_owned());
        let at = |offset: usize, problem: Problem| Diagnostic {
            file: file.clone(),
            line: line_of(&page.content, offset),
            problem,
        };
        problems.extend(aside::problems(&page.content).into_iter().map(|(offset, problem)| at(offset, problem.into())));
        let commands = commands::check_example_commands(&page.content, root);
        problems.extend(commands.into_iter().map(|(offset, problem)| at(offset, problem.into())));
        let context = Context { workspace: &workspace, page_dir: &page_dir, course: &course, figures: &figures };
        if let Some(path) = page.path.as_ref().filter(|path| chapter_pages.contains(path)) {
            readings.push((path.clone(), reading_time::Reading::of(&page.content)));
        }
        let (content, found) = expand(&page.content, &context);
        problems.extend(found.into_iter().map(|(offset, problem)| at(offset, problem.into())));
        page.content = content;
    });

    let ids: HashMap<PathBuf, _> =
        pages(book).filter_map(|page| Some((page.path.clone()?, links::ids(&page.content)))).collect();
    for page in pages(book) {
        let Some(path) = &page.path else { continue };
        for link in links::links(&page.content) {
            if let Err(broken) = links::check(&link.destination, path, &ids, src) {
                let file = page_file(root, src, page);
                problems.push(Diagnostic { file, line: line_of(&page.content, link.offset), problem: broken.into() });
            }
        }
    }
    // After the links are checked, so that a problem's line is the line as written.
    book.for_each_chapter_mut(|page| {
        let Some((path, reading)) = readings.iter().find(|(path, _)| Some(path) == page.path.as_ref()) else { return };
        // A book of a few pages (the tests make them) may lack the page that says how.
        let linked = match links::check(reading_time::HOW_COUNTED, path, &ids, src) {
            Ok(()) => true,
            Err(links::BrokenLink::NoPage { .. }) => false,
            Err(broken) => {
                problems.push(Diagnostic { file: page_file(root, src, page), line: 1, problem: broken.into() });
                false
            }
        };
        page.content = reading_time::insert_after_title(&page.content, &reading.html(linked));
    });
    problems
}

/// The glossary's terms against the other pages as written (listings not expanded).
fn check_glossary(root: &Path, src: &Path, book: &Book) -> Vec<Diagnostic> {
    let Some(glossary) = pages(book).find(|page| page.path.as_deref() == Some(Path::new(glossary::PAGE))) else {
        return Vec::new();
    };
    let others: Vec<&str> = pages(book).filter(|page| page.path != glossary.path).map(|p| p.content.as_str()).collect();
    let file = page_file(root, src, glossary);
    glossary::unused_terms(&glossary.content, &others)
        .into_iter()
        .map(|(offset, problem)| Diagnostic {
            file: file.clone(),
            line: line_of(&glossary.content, offset),
            problem: problem.into(),
        })
        .collect()
}

/// The page with its directives replaced, and the problems found with their byte offsets in the
/// page as written, before any expansion. Each directive is looked up in the one table, parsed
/// once into its typed value, and rendered from that.
fn expand(page: &str, context: &Context<'_>) -> (String, Vec<(usize, directive::Error)>) {
    let mut out = String::with_capacity(page.len());
    let mut problems = Vec::new();
    let mut copied_to = 0;
    for found in directive::find(page) {
        let expanded = match directive::entry(found.name) {
            None => Err(directive::Error::Unknown { name: found.name.to_owned() }),
            Some(entry) => {
                entry.parse(&found.arguments).and_then(|parsed| parsed.render(context).map_err(directive::Error::from))
            }
        };
        match expanded {
            Ok(Expansion::Markdown(markdown)) => {
                out.push_str(&page[copied_to..found.span.start]);
                out.push_str(&markdown);
                copied_to = found.span.end;
            }
            Ok(Expansion::LeftToMdBook) => {}
            Err(error) => problems.push((found.span.start, error)),
        }
    }
    out.push_str(&page[copied_to..]);
    (out, problems)
}

/// The timed sections of every numbered page (the course), before any page is expanded: the
/// schedule needs all of them. Each missing or misplaced time or note is a problem.
fn collect_course(root: &Path, src: &Path, book: &Book, problems: &mut Vec<Diagnostic>) -> Course {
    let mut sections = Vec::new();
    for page in pages(book) {
        let Some(path) = &page.path else { continue };
        let file = page_file(root, src, page);
        let found = match page.number {
            Some(_) => {
                let top = page.parent_names.first().unwrap_or(&page.name);
                match course::sections_of(&page.content, path, &page.name, top) {
                    Ok(found) => {
                        sections.extend(found);
                        Vec::new()
                    }
                    Err(found) => found,
                }
            }
            None => course::untimed_page_problems(&page.content),
        };
        problems.extend(found.into_iter().map(|(offset, problem)| Diagnostic {
            file: file.clone(),
            line: line_of(&page.content, offset),
            problem: problem.into(),
        }));
    }
    Course::new(sections)
}

/// `book/ch01-the-experiment.md`: the page's file relative to the book's root, for messages.
fn page_file(root: &Path, src: &Path, page: &Page) -> PathBuf {
    let source = page.source_path.clone().or_else(|| page.path.clone()).unwrap_or_default();
    let src = src.strip_prefix(root).unwrap_or(src);
    src.join(source)
}

/// Every page of the book (mdBook's chapters), drafts and sub-pages included.
fn pages(book: &Book) -> impl Iterator<Item = &Page> {
    book.iter().filter_map(|item| match item {
        BookItem::Chapter(page) => Some(page),
        _ => None,
    })
}
