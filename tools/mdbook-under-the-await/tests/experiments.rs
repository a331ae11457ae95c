//! `{{#experiment …}}`: chapter 8's experiment on the real checkout shows its claim, its one
//! change, both listings as `{{#asm}}` shows them and its commands; on a checkout of one
//! chapter, an unknown experiment, one whose listing is gone and one whose listing has changed
//! since it was run fail the build with the page, the line and what to do.

use std::path::{Path, PathBuf};

use listings::{AsmListing, AsmOptions, CodegenFlags, Experiment, Listing, ListingKind, Origin, Provenance, Trial};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_under_the_await::preprocess;

/// The page after preprocessing `content` in the checkout at `root`, or every problem.
fn preprocessed(root: &Path, content: &str) -> Result<String, Vec<String>> {
    let mut book =
        Book::new_with_items(vec![BookItem::Chapter(Chapter::new("Test page", content.to_owned(), "page.md", vec![]))]);
    let problems = preprocess(root, &root.join("book"), &mut book);
    let page = book.iter().find_map(|item| match item {
        BookItem::Chapter(chapter) => Some(chapter.content.clone()),
        _ => None,
    });
    match problems.is_empty() {
        true => Ok(page.unwrap_or_default()),
        false => Err(problems.iter().map(ToString::to_string).collect()),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

#[test]
fn chapter_8_s_experiment_shows_its_claim_its_change_both_listings_and_its_commands() {
    let page = preprocessed(
        &workspace_root(),
        "# T\n\n{{#experiment ch08-machine-code yield_once_poll_is_called_at_z no-source}}\n",
    )
    .unwrap_or_else(|problems| panic!("{problems:#?}"));
    for expected in [
        "**Experiment:** `YieldOnce::poll` is called, not inlined. **The one change:** `-C opt-level=s` in place of `z`.",
        "As it is: the effect, in 3 lines",
        "id=\"experiment-ch08-machine-code-yield_once_poll_is_called_at_z-listing-ch08-machine-code-three_awaits_opt_level_z\"",
        "id=\"experiment-ch08-machine-code-yield_once_poll_is_called_at_z-listing-ch08-machine-code-three_awaits_opt_level_s\"",
        "Open in Compiler Explorer",
        "`cargo test -p ch08-machine-code --test why yield_once_poll_is_called_at_z`",
        "`cargo xtask asm ch08 'three_awaits::{{closure}}' --source --opt-level z`",
        "`cargo xtask asm ch08 'three_awaits::{{closure}}' --source --opt-level s`",
    ] {
        assert!(page.contains(expected), "{expected}\nnot in\n{page}");
    }
    let with = page.find("experiment-with").unwrap();
    let without = page.find("experiment-without").unwrap();
    let z = page.find("three_awaits_opt_level_z\"").unwrap();
    let s = page.find("three_awaits_opt_level_s\"").unwrap();
    assert!(with < z && z < without && without < s, "the listing with the effect first");
    assert!(!page.contains("<span class=\"line src"), "no-source reaches the listings");
}

#[test]
fn an_unknown_experiment_fails_naming_the_experiments_that_exist() {
    let problems =
        preprocessed(&workspace_root(), "# T\n\n{{#experiment ch08 yield_once_poll_is_called}}\n").unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "book/page.md:3: the experiment `yield_once_poll_is_called` of ch08: no experiment listing `yield_once_poll_is_called` in ch08-machine-code (did you mean yield_once_poll_is_called_at_z?)"
        ),
        "{}",
        problems[0]
    );
    let (_, named) = problems[0].split_once("its listings are: ").expect("the experiments that exist");
    assert!(named.split(", ").any(|name| name == "yield_once_poll_is_called_at_z"), "{}", problems[0]);
}

/// A checkout with one chapter, `ch09-why`, two assembly listings `f_z` and `f_s` and the
/// experiment `calls_poll` run on them.
struct Checkout {
    root: PathBuf,
}

fn listing(opt_level: &str, body: &str) -> AsmListing {
    AsmListing {
        listing: format!("f:\n{body}").parse::<Listing>().unwrap(),
        provenance: Provenance {
            subject: "f".into(),
            compiler: "rustc 1.95.0 (x)".into(),
            origin: Origin::Asm {
                flags: CodegenFlags::with_opt_level(opt_level),
                options: AsmOptions::default(),
                bootstrap: None,
            },
            excerpt: None,
        },
        command: format!("cargo xtask asm ch09 f --opt-level {opt_level}"),
    }
}

impl Checkout {
    fn new(name: &str) -> Checkout {
        let root = std::env::temp_dir().join(format!("book-experiments-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("chapters/ch09-why/tests/snapshots")).unwrap();
        std::fs::create_dir_all(root.join("chapters/ch09-why/src")).unwrap();
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::write(
            root.join("chapters/ch09-why/Cargo.toml"),
            "[package]\nname = \"ch09-why\"\nedition = \"2024\"\n",
        )
        .unwrap();
        std::fs::write(root.join("chapters/ch09-why/src/lib.rs"), "pub fn f() {}\n").unwrap();
        let checkout = Checkout { root };
        let (z, s) = (listing("z", "        call    poll\n        ret\n"), listing("s", "        ret\n"));
        for (name, listing) in [("f_z", &z), ("f_s", &s)] {
            checkout.write(ListingKind::Asm, name, &listing.provenance, &listing.command, &listing.to_string());
        }
        let outcome = Experiment {
            effect: "`poll` is called",
            change: "`-C opt-level=s` in place of `z`",
            with: Trial::new("f_z", &z),
            without: Trial::new("f_s", &s),
        }
        .run(|line| line == "call poll")
        .unwrap();
        let provenance = outcome.provenance("ch09-why");
        checkout.write(
            ListingKind::Experiment,
            "calls_poll",
            &provenance,
            &provenance.command("ch09-why", "calls_poll"),
            &outcome.body(),
        );
        checkout
    }

    fn write(&self, kind: ListingKind, name: &str, provenance: &Provenance, command: &str, body: &str) {
        let description = serde_json::to_string(&provenance.to_string()).unwrap();
        std::fs::write(
            self.root.join(format!(
                "chapters/ch09-why/tests/snapshots/{}.snap",
                listings::snapshot_name("ch09-why", kind, name)
            )),
            format!("---\ndescription: {description}\nexpression: {command}\n---\n{body}"),
        )
        .unwrap();
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

const DIRECTIVE: &str = "# T\n\n{{#experiment ch09-why calls_poll}}\n";

#[test]
fn an_experiment_renders_each_listing_by_its_kind_s_own_directive() {
    let checkout = Checkout::new("shown");
    let page = preprocessed(&checkout.root, DIRECTIVE).unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert!(
        page.contains(
            "<figure class=\"listing listing-asm\" id=\"experiment-ch09-why-calls_poll-listing-ch09-why-f_z\">"
        ),
        "{page}"
    );
    assert!(page.contains("`cargo test -p ch09-why --test why calls_poll`"), "{page}");
    assert!(page.contains("The effect: `call poll`."), "{page}");
}

#[test]
fn an_experiment_whose_listing_is_gone_fails_naming_it_and_the_listings_that_exist() {
    let checkout = Checkout::new("gone");
    std::fs::remove_file(checkout.root.join("chapters/ch09-why/tests/snapshots/ch09-why__asm__f_s.snap")).unwrap();
    let problems = preprocessed(&checkout.root, DIRECTIVE).unwrap_err();
    assert_eq!(
        problems,
        [
            "book/page.md:3: the experiment `calls_poll` of ch09-why: no assembly listing `f_s` in ch09-why (did you mean f_z?) \
          (no file chapters/ch09-why/tests/snapshots/ch09-why__asm__f_s.snap); its listings are: f_z"
        ]
    );
}

#[test]
fn an_experiment_whose_listing_changed_since_it_was_run_is_refused_as_stale() {
    let checkout = Checkout::new("stale");
    let changed = listing("s", "        call    poll\n        ret\n");
    checkout.write(ListingKind::Asm, "f_s", &changed.provenance, &changed.command, &changed.to_string());
    let problems = preprocessed(&checkout.root, DIRECTIVE).unwrap_err();
    assert_eq!(
        problems,
        [
            "book/page.md:3: the experiment `calls_poll` of ch09-why is stale: the assembly listing `f_s` has changed since it \
          was run; run it again with `INSTA_UPDATE=always cargo test -p ch09-why --test why calls_poll`"
        ]
    );
}

#[test]
fn an_experiment_whose_header_names_another_chapter_s_listings_is_refused() {
    let checkout = Checkout::new("elsewhere");
    let (z, s) = (listing("z", "        call    poll\n        ret\n"), listing("s", "        ret\n"));
    let outcome = Experiment { effect: "e", change: "c", with: Trial::new("f_z", &z), without: Trial::new("f_s", &s) }
        .run(|line| line == "call poll")
        .unwrap();
    let elsewhere = outcome.provenance("ch01-the-experiment");
    checkout.write(ListingKind::Experiment, "calls_poll", &elsewhere, "cargo test", &outcome.body());
    let problems = preprocessed(&checkout.root, DIRECTIVE).unwrap_err();
    assert_eq!(
        problems,
        [
            "book/page.md:3: the experiment `calls_poll` of ch09-why names `ch01-the-experiment__asm__f_z`, a listing of \
             ch01-the-experiment, not of ch09-why"
        ]
    );
}

/// The snapshot at `path` without its `expression:` line, as one written by hand may be.
fn without_expression(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let kept: Vec<&str> = text.lines().filter(|line| !line.starts_with("expression:")).collect();
    std::fs::write(path, kept.join("\n") + "\n").unwrap();
}

#[test]
fn an_experiment_snapshot_without_its_command_shows_the_one_its_header_gives() {
    let checkout = Checkout::new("derived");
    without_expression(&checkout.root.join("chapters/ch09-why/tests/snapshots/ch09-why__experiment__calls_poll.snap"));
    let page = preprocessed(&checkout.root, DIRECTIVE).unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert!(page.contains("`cargo test -p ch09-why --test why calls_poll`"), "{page}");
}

#[test]
fn an_experiment_whose_listing_has_no_command_fails_naming_its_snapshot() {
    let checkout = Checkout::new("commandless");
    without_expression(&checkout.root.join("chapters/ch09-why/tests/snapshots/ch09-why__asm__f_s.snap"));
    let problems = preprocessed(&checkout.root, DIRECTIVE).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].ends_with(
            "chapters/ch09-why/tests/snapshots/ch09-why__asm__f_s.snap has no `expression:` line, which gives the \
             command that prints its listing again"
        ),
        "{}",
        problems[0]
    );
}
