//! Reading time: what an hour of a chapter means, counted from the page as written.
//!
//! The main line is the page without its asides (`aside.rs`) and without its speaker notes,
//! which only the instructor view shows. Its prose is counted in words, outside code blocks,
//! HTML and directives; each listing and code block is counted once, for its reader stops to
//! read it. The estimate is [`WORDS_PER_MINUTE`] and [`MINUTES_PER_LISTING`]: the first is
//! rounded down from the 238 words a minute that Brysbaert's meta-analysis gives for silent
//! reading of non-fiction (M. Brysbaert, "How many words do we read per minute?", Journal of
//! Memory and Language 109, 2019), the second is this book's guess, not a measurement, and
//! the page says so.
//!
//! A chapter's page shows the estimate under its title; `reading-time PAGE…` (this crate's
//! second binary) prints the counts of any pages, for comparing two versions of the book.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::links::markdown_options;
use crate::{aside, directive};

pub const WORDS_PER_MINUTE: usize = 200;
pub const MINUTES_PER_LISTING: usize = 2;

/// Where the book says how the estimate is made, linked from every estimate (and checked as
/// every internal link is).
pub const HOW_COUNTED: &str = "introduction.md#reading-time";

/// The directives that put a listing of compiler output on the page.
const LISTINGS: &[&str] = &[
    "asm",
    "historical-asm",
    "mir",
    "hir",
    "type-sizes",
    "state-transform",
    "llvm-ir",
    "table",
    "cpp-asm",
    "experiment",
];

/// What a reader has to read, on the main line and in the asides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reading {
    pub main: Count,
    pub asides: Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count {
    /// Words of prose.
    pub words: usize,
    /// Listings of compiler output and code blocks.
    pub listings: usize,
}

impl Count {
    /// Rounded up to whole minutes.
    pub fn minutes(self) -> usize {
        self.words.div_ceil(WORDS_PER_MINUTE) + self.listings * MINUTES_PER_LISTING
    }
}

impl Reading {
    /// The page as written, before any directive is expanded.
    pub fn of(page: &str) -> Reading {
        let page = without_notes(page);
        let main = aside::main_line(&page);
        let all = count(&page);
        let main = count(&main);
        let asides = Count { words: all.words - main.words, listings: all.listings - main.listings };
        Reading { main, asides }
    }

    /// The line a chapter's page shows under its title; the introduction says how it is counted.
    /// `linked`: with a link to where the book says how it is counted.
    pub fn html(&self, linked: bool) -> String {
        let asides = if self.asides.words + self.asides.listings == 0 {
            String::new()
        } else {
            format!(
                " Its asides add about {} min ({} words, {}).",
                self.asides.minutes(),
                self.asides.words,
                listings(self.asides.listings)
            )
        };
        format!(
            "<p class=\"reading-time\">Reading time: about {} min ({} words, {}).{asides}{}</p>\n",
            self.main.minutes(),
            self.main.words,
            listings(self.main.listings),
            if linked {
                format!(" <a href=\"{}\">How this is counted</a>", HOW_COUNTED.replace(".md#", ".html#"))
            } else {
                String::new()
            }
        )
    }
}

fn listings(count: usize) -> String {
    if count == 1 { "1 listing".to_owned() } else { format!("{count} listings") }
}

/// `page` with the reading time inserted after its title (its first `# ` line), or unchanged
/// if it has none.
pub fn insert_after_title(page: &str, html: &str) -> String {
    let mut offset = 0;
    for line in page.split_inclusive('\n') {
        offset += line.len();
        if line.starts_with("# ") {
            return format!("{}\n{html}\n{}", &page[..offset], &page[offset..]);
        }
    }
    page.to_owned()
}

/// The page without its speaker notes (`{{#notes}}` … `{{#end-notes}}`).
fn without_notes(page: &str) -> String {
    directive::without_regions(page, "notes", "end-notes")
}

/// Words of prose (runs of text with a letter or digit in them) and listings in `markdown`: listing directives and code blocks count as
/// listings, other directives as nothing, and words inside code blocks or HTML not at all.
fn count(markdown: &str) -> Count {
    let mut listings = 0;
    let mut prose = String::with_capacity(markdown.len());
    let mut copied_to = 0;
    for found in directive::find(markdown) {
        if LISTINGS.contains(&found.name) {
            listings += 1;
        }
        prose.push_str(&markdown[copied_to..found.span.start]);
        prose.push(' ');
        copied_to = found.span.end;
    }
    prose.push_str(&markdown[copied_to..]);
    let mut words = 0;
    let mut in_code_block = false;
    for event in Parser::new_ext(&prose, markdown_options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                listings += 1;
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) | Event::Code(text) if !in_code_block => {
                words += text.split_whitespace().filter(|word| word.chars().any(char::is_alphanumeric)).count()
            }
            _ => {}
        }
    }
    Count { words, listings }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Title\n\nOne two three `four`.\n\n{{#asm ch01 x}}\n\n```rust\nfn main() {}\n```\n\n\
                        {{#aside \"Deeper: five six\"}}\n\nSeven eight.\n\n{{#mir ch05 y}}\n\n{{#end-aside}}\n\n\
                        {{#notes}}\n\nNot read by the reader.\n\n{{#end-notes}}\n\n<p>html</p>\n";

    #[test]
    fn the_main_line_counts_prose_and_listings_and_leaves_out_asides_and_notes() {
        assert_eq!(
            Reading::of(PAGE),
            Reading { main: Count { words: 5, listings: 2 }, asides: Count { words: 2, listings: 1 } }
        );
    }

    #[test]
    fn minutes_are_words_at_two_hundred_a_minute_rounded_up_and_two_a_listing() {
        assert_eq!(Count { words: 0, listings: 0 }.minutes(), 0);
        assert_eq!(Count { words: 1, listings: 0 }.minutes(), 1);
        assert_eq!(Count { words: 400, listings: 3 }.minutes(), 8);
    }

    #[test]
    fn the_estimate_goes_under_the_title() {
        let page = insert_after_title(PAGE, &Reading::of(PAGE).html(true));
        assert!(
            page.starts_with(
                "# Title\n\n<p class=\"reading-time\">Reading time: about 5 min (5 words, 2 listings). Its asides add \
                 about 3 min (2 words, 1 listing). <a href=\"introduction.html#reading-time\">How this is \
                 counted</a></p>\n\n\n"
            ),
            "{page}"
        );
    }
}
