//! One pass over the book: expand the listing directives, check every include and every
//! internal link, and collect every problem with its file and line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use listings::{ListingKind, Workspace};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};

use crate::course::Course;
use crate::diagnostic::{Diagnostic, line_of};
use crate::{
    commands, course, cpp_listing, directive, generated_table, glossary, includes, links, listing, measured, picture,
    quote,
};

/// `root` is the book's root (the workspace root: `book.toml` lives there), `src` its source
/// folder. Returns every problem found; the book is only usable if there are none.
pub fn preprocess(root: &Path, src: &Path, book: &mut Book) -> Vec<Diagnostic> {
    let workspace = Workspace { root: root.to_owned() };
    let mut problems = check_glossary(root, src, book);
    let course = collect_course(root, src, book, &mut problems);
    let figures = measured::Loaded::default();
    book.for_each_chapter_mut(|chapter| {
        let file = chapter_file(root, src, chapter);
        let page_dir = file.parent().map(|dir| root.join(dir)).unwrap_or_else(|| src.to_owned());
        let commands = commands::check_example_commands(&chapter.content, root);
        problems.extend(commands.into_iter().map(|(offset, message)| Diagnostic {
            file: file.clone(),
            line: line_of(&chapter.content, offset),
            message,
        }));
        let (content, found) = expand(&chapter.content, &workspace, &page_dir, &course, &figures);
        chapter.content = content;
        problems.extend(found.into_iter().map(|(line, message)| Diagnostic { file: file.clone(), line, message }));
    });

    let pages: HashMap<PathBuf, _> =
        chapters(book).filter_map(|c| Some((c.path.clone()?, links::ids(&c.content)))).collect();
    for chapter in chapters(book) {
        let Some(path) = &chapter.path else { continue };
        for link in links::links(&chapter.content) {
            if let Err(message) = links::check(&link.destination, path, &pages, src) {
                let file = chapter_file(root, src, chapter);
                problems.push(Diagnostic { file, line: line_of(&chapter.content, link.offset), message });
            }
        }
    }
    problems
}

/// The glossary's terms against the other pages as written (listings not expanded).
fn check_glossary(root: &Path, src: &Path, book: &Book) -> Vec<Diagnostic> {
    let Some(glossary) = chapters(book).find(|c| c.path.as_deref() == Some(Path::new(glossary::PAGE))) else {
        return Vec::new();
    };
    let pages: Vec<&str> = chapters(book).filter(|c| c.path != glossary.path).map(|c| c.content.as_str()).collect();
    let file = chapter_file(root, src, glossary);
    glossary::unused_terms(&glossary.content, &pages)
        .into_iter()
        .map(|(offset, message)| Diagnostic { file: file.clone(), line: line_of(&glossary.content, offset), message })
        .collect()
}

/// The directives the dispatch below renders, besides the course's: a name that is neither these,
/// the course's nor mdBook's is a typo, and would otherwise stay on the page as text.
const OUR_DIRECTIVES: &[&str] = &[
    "asm",
    "asm-line",
    "historical-asm",
    "mir",
    "hir",
    "type-sizes",
    "table",
    "cpp-asm",
    "cpp-asm-line",
    "figures",
    "figure",
];

/// The page with its listing directives replaced, and the problems found as (line, message).
/// Lines refer to the page as written, before any expansion.
fn expand(
    page: &str,
    workspace: &Workspace,
    page_dir: &Path,
    course: &Course,
    figures: &measured::Loaded,
) -> (String, Vec<(usize, String)>) {
    let mut out = String::with_capacity(page.len());
    let mut problems = Vec::new();
    let mut copied_to = 0;
    for found in directive::find(page) {
        let line = line_of(page, found.span.start);
        let rendered = match found.name {
            "asm" => Some(listing::render_asm(&found.arguments(), workspace)),
            "asm-line" => Some(quote::render_asm_line(&found.arguments(), workspace)),
            "historical-asm" => Some(listing::render_historical_asm(&found.arguments(), page_dir)),
            "mir" => Some(listing::render_stage(ListingKind::Mir, &found.arguments(), workspace)),
            "hir" => Some(listing::render_stage(ListingKind::Hir, &found.arguments(), workspace)),
            "type-sizes" => Some(picture::render_type_sizes(&found.arguments(), workspace)),
            "picture" => Some(picture::render_picture(&found.arguments(), workspace)),
            "table" => Some(generated_table::render_table(&found.arguments(), workspace)),
            "cpp-asm" => Some(cpp_listing::render_cpp_asm(&found.arguments(), workspace)),
            "cpp-asm-line" => Some(quote::render_cpp_asm_line(&found.arguments(), workspace)),
            name if course::DIRECTIVES.contains(&name) => Some(course.render(&found, &workspace.root)),
            "figures" => Some(measured::render_table(&found.arguments(), workspace, figures)),
            "figure" => Some(measured::render_value(&found.arguments(), workspace, figures)),
            "include" | "rustdoc_include" | "playground" | "playpen" => {
                if let Err(message) = includes::check(&found, page_dir) {
                    problems.push((line, message));
                }
                None
            }
            // mdBook's own `links` preprocessor expands it after this one.
            "title" => None,
            unknown => Some(Err(format!(
                "unknown directive `{{{{#{unknown}}}}}`; this book's directives are {}, and mdBook's {}",
                OUR_DIRECTIVES
                    .iter()
                    .chain(course::DIRECTIVES)
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                ["include", "rustdoc_include", "playground", "playpen", "title"].map(|d| format!("`{d}`")).join(", ")
            ))),
        };
        match rendered {
            Some(Ok(markdown)) => {
                out.push_str(&page[copied_to..found.span.start]);
                out.push_str(&markdown);
                copied_to = found.span.end;
            }
            Some(Err(message)) => problems.push((line, message)),
            None => {}
        }
    }
    out.push_str(&page[copied_to..]);
    (out, problems)
}

/// The timed sections of every numbered page (the course), before any page is expanded: the
/// schedule needs all of them. Each missing or malformed time or note is a problem.
fn collect_course(root: &Path, src: &Path, book: &Book, problems: &mut Vec<Diagnostic>) -> Course {
    let mut sections = Vec::new();
    for chapter in chapters(book) {
        let Some(path) = &chapter.path else { continue };
        let file = chapter_file(root, src, chapter);
        let found = match chapter.number {
            Some(_) => {
                let top = chapter.parent_names.first().unwrap_or(&chapter.name);
                match course::sections_of(&chapter.content, path, &chapter.name, top) {
                    Ok(found) => {
                        sections.extend(found);
                        Vec::new()
                    }
                    Err(found) => found,
                }
            }
            None => course::untimed_page_problems(&chapter.content),
        };
        problems.extend(found.into_iter().map(|(offset, message)| Diagnostic {
            file: file.clone(),
            line: line_of(&chapter.content, offset),
            message,
        }));
    }
    Course::new(sections)
}

/// `book/ch01-the-experiment.md`: the page's file relative to the book's root, for messages.
fn chapter_file(root: &Path, src: &Path, chapter: &Chapter) -> PathBuf {
    let source = chapter.source_path.clone().or_else(|| chapter.path.clone()).unwrap_or_default();
    let src = src.strip_prefix(root).unwrap_or(src);
    src.join(source)
}

fn chapters(book: &Book) -> impl Iterator<Item = &Chapter> {
    book.iter().filter_map(|item| match item {
        BookItem::Chapter(chapter) => Some(chapter),
        _ => None,
    })
}
