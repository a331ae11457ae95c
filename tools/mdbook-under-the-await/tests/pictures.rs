//! `{{#picture …}}` and `{{#type-sizes …}}` on a checkout of one chapter with one layout and its
//! picture: the picture renders inline with its title, the layout's listing folds under it, and
//! a missing picture, an unknown one or one drawn from a listing that has changed since fail the
//! build with the page, the line and what to do.

use std::path::PathBuf;

use listings::{ListingKind, Origin, Provenance, Stage};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_under_the_await::preprocess;
use pictures::{Picture, Source};

const LAYOUT: &str = "type: `{async fn body of f()}`: 2 bytes, alignment: 1 bytes\n";
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" aria-labelledby=\"t d\">\n<title id=\"t\">Layout of f</title>\n<desc id=\"d\">Two bytes.</desc>\n<text>tag</text>\n</svg>\n";

/// A checkout with one chapter, `ch09-drawn`, holding the type-sizes listing `f` and, unless
/// `drawn` is false, the picture `layout_f` drawn from it.
struct Checkout {
    root: PathBuf,
}

impl Checkout {
    fn new(name: &str, drawn: bool) -> Checkout {
        let root = std::env::temp_dir().join(format!("book-pictures-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("chapters/ch09-drawn/tests/snapshots")).unwrap();
        std::fs::create_dir_all(root.join("chapters/ch09-drawn/src")).unwrap();
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::write(
            root.join("chapters/ch09-drawn/Cargo.toml"),
            "[package]\nname = \"ch09-drawn\"\nedition = \"2024\"\n",
        )
        .unwrap();
        std::fs::write(root.join("chapters/ch09-drawn/src/lib.rs"), "pub async fn f() {}\n").unwrap();
        let checkout = Checkout { root };
        let layout = Provenance {
            subject: "{async fn body of f()}".into(),
            compiler: "rustc 1.95.0 (x)".into(),
            origin: Origin::Stage { stage: Stage::TypeSizes, edition: "2024".into(), bootstrap: None },
            excerpt: None,
        };
        checkout.write(
            ListingKind::Stage(listings::Stage::TypeSizes),
            "f",
            &layout,
            "cargo xtask type-sizes ch09 f",
            LAYOUT,
        );
        if drawn {
            let picture = Picture::new(
                SVG.into(),
                "layout of {async fn body of f()}",
                "rustc 1.95.0 (x)",
                "ch09-drawn",
                &[Source { kind: ListingKind::Stage(listings::Stage::TypeSizes), name: "f", text: LAYOUT }],
            );
            checkout.write(ListingKind::Picture, "layout_f", &picture.provenance, &picture.command, &picture.svg);
        }
        checkout
    }

    fn write(&self, kind: ListingKind, name: &str, provenance: &Provenance, command: &str, body: &str) {
        let description = serde_json::to_string(&provenance.to_string()).unwrap();
        let file = self.snapshots().join(format!("{}.snap", listings::snapshot_name("ch09-drawn", kind, name)));
        std::fs::write(file, format!("---\ndescription: {description}\nexpression: {command}\n---\n{body}")).unwrap();
    }

    fn snapshots(&self) -> PathBuf {
        self.root.join("chapters/ch09-drawn/tests/snapshots")
    }

    /// The page after preprocessing, or every problem.
    fn preprocess(&self, content: &str) -> Result<String, Vec<String>> {
        let mut book = Book::new_with_items(vec![BookItem::Chapter(Chapter::new(
            "Test page",
            content.to_owned(),
            "ch01-the-experiment.md",
            vec![],
        ))]);
        let problems = preprocess(&self.root, &self.root.join("book"), &mut book);
        let page = book.iter().find_map(|item| match item {
            BookItem::Chapter(chapter) => Some(chapter.content.clone()),
            _ => None,
        });
        match problems.is_empty() {
            true => Ok(page.unwrap_or_default()),
            false => Err(problems.iter().map(ToString::to_string).collect()),
        }
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn a_layout_shows_as_its_picture_inline_with_the_listing_folded_under_it() {
    let checkout = Checkout::new("shown", true);
    let page = checkout.preprocess("{{#type-sizes ch09 f}}\n").unwrap();
    let figure = page.find("<figure class=\"picture\" id=\"picture-ch09-drawn-layout_f\">").expect(&page);
    let folded = page.find("<details class=\"picture-listing\">").expect(&page);
    assert!(figure < folded, "the picture first, then the listing: {page}");
    assert!(page.contains("<title id=\"t\">Layout of f</title>"), "the SVG inline: {page}");
    assert!(page.contains("<figcaption>Layout of f · drawn by the chapter's tests from <code>f</code>"), "{page}");
    assert!(!page[figure..folded].contains("\n\n"), "no blank line splits the picture's HTML block: {page}");
    assert!(page[folded..].contains("type: `{async fn body of f()}`: 2 bytes"), "the listing itself: {page}");
}

#[test]
fn a_picture_drawn_from_a_listing_that_has_changed_since_is_refused_naming_the_command() {
    let checkout = Checkout::new("stale", true);
    let layout = Provenance {
        subject: "{async fn body of f()}".into(),
        compiler: "rustc 1.95.0 (x)".into(),
        origin: Origin::Stage { stage: Stage::TypeSizes, edition: "2024".into(), bootstrap: None },
        excerpt: None,
    };
    let grown = "type: `{async fn body of f()}`: 3 bytes, alignment: 1 bytes\n";
    checkout.write(
        ListingKind::Stage(listings::Stage::TypeSizes),
        "f",
        &layout,
        "cargo xtask type-sizes ch09 f",
        grown,
    );
    let problems = checkout.preprocess("Text.\n\n{{#picture ch09-drawn layout_f}}\n").unwrap_err();
    assert_eq!(
        problems,
        [
            "book/ch01-the-experiment.md:3: the picture `layout_f` of ch09-drawn is stale: ch09-drawn__type-sizes__f.snap has \
          changed since it was drawn; draw it again with `INSTA_UPDATE=always cargo test -p ch09-drawn --test pictures`"
        ]
    );
}

#[test]
fn a_layout_without_its_picture_and_an_unknown_picture_fail_naming_what_exists() {
    let undrawn = Checkout::new("undrawn", false);
    let problems = undrawn.preprocess("{{#type-sizes ch09 f}}\n").unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("book/ch01-the-experiment.md:1: no picture listing `layout_f` in ch09-drawn"),
        "{problems:?}"
    );
    assert!(problems[0].ends_with("draw it in the chapter's tests/pictures.rs"), "{problems:?}");

    let drawn = Checkout::new("unknown", true);
    let problems = drawn.preprocess("{{#picture ch09 layout_g}}\n").unwrap_err();
    assert_eq!(
        problems,
        [
            "book/ch01-the-experiment.md:1: no picture listing `layout_g` in ch09-drawn (did you mean layout_f?) (no file \
          chapters/ch09-drawn/tests/snapshots/ch09-drawn__picture__layout_g.snap); its listings are: layout_f"
        ]
    );
}
