//! Why-experiments: how the book shows a causal claim ("LLVM calls `poll` here *because*
//! `opt-level=z` asks for the smallest code").
//!
//! A chapter's test takes two listings that differ by exactly one change (a flag, one line or
//! type of a second function, a stage before a pass against after it), says what the effect is
//! as a predicate over their lines, and [`Experiment::run`] holds that the effect is in the
//! first and in no line of the second. What it found is an [`Outcome`], snapshotted by
//! [`assert_experiment_snapshot!`](crate::assert_experiment_snapshot) as
//! `<chapter>__experiment__<name>.snap`; the book shows it with `{{#experiment CHAPTER NAME}}`,
//! both listings side by side. If the compiler stops doing what the page says, or starts doing it
//! without the cause, the test fails.
//!
//! ```no_run
//! use listings::{AsmOptions, CodegenFlags, Experiment, Trial, assert_asm_snapshot, assert_experiment_snapshot};
//!
//! let at = |level: &str| {
//!     let flags = CodegenFlags::with_opt_level(level);
//!     listings::asm_with_flags("ch08", "three_awaits::{{closure}}", &AsmOptions::default(), &flags).unwrap()
//! };
//! let (z, s) = (at("z"), at("s"));
//! assert_asm_snapshot!("three_awaits_opt_level_z", z);
//! assert_asm_snapshot!("three_awaits_opt_level_s", s);
//! let experiment = Experiment {
//!     effect: "`YieldOnce::poll` is called, not inlined",
//!     change: "`-C opt-level=s` in place of `z`",
//!     with: Trial::new("three_awaits_opt_level_z", &z),
//!     without: Trial::new("three_awaits_opt_level_s", &s),
//! }
//! .run(|line| line.starts_with("call ") && line.contains("YieldOnce as core::future::future::Future>::poll"))
//! .unwrap_or_else(|refuted| panic!("{refuted}"));
//! assert_experiment_snapshot!("yield_once_poll_is_called_at_z", experiment);
//! ```
//!
//! The two listings stay ordinary snapshots, asserted by their own macros (in the same test, or
//! in another: insta compares bodies, so two tests that check one snapshot agree). The
//! experiment's snapshot records which two (kind and name) with the digest of each body, the
//! change, the effect, and the lines of the first listing that show it:
//!
//! ```text
//! ---
//! description: "`YieldOnce::poll` is called, not inlined · rustc 1.95.0 (…) · experiment: ch08-machine-code__asm__three_awaits_opt_level_z#… against ch08-machine-code__asm__three_awaits_opt_level_s#…"
//! expression: cargo test -p ch08-machine-code --test why yield_once_poll_is_called_at_z
//! ---
//! change: `-C opt-level=s` in place of `z`
//! effect in the first, 3 lines:
//! 21: call qword ptr [rip + <ch08_machine_code::YieldOnce as core::future::future::Future>::poll@GOTPCREL]
//! …
//! effect in the second: none
//! ```
//!
//! An experiment lives in its chapter's `tests/why.rs`, in a test of the experiment's own name,
//! so that the command in its header runs exactly it; the macro holds a test to that.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::error::{Expected, Format, ParseError};
use crate::provenance::{DrawnFrom, Origin, Provenance};
use crate::snapshot::{ListingKind, SnapshotName, StoredListing, snapshot_name};
use crate::{AsmListing, StageListing};

/// The test file of a chapter that holds its experiments: `tests/why.rs`.
pub const TEST_FILE: &str = "why";

/// A listing an experiment can be run on: any kind whose text the book shows line by line and
/// whose provenance says what it is of and how it was made. A new stage of the compiler is a
/// [`StageListing`] and needs nothing here.
pub trait Shown: fmt::Display {
    fn provenance(&self) -> &Provenance;
}

impl Shown for AsmListing {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

impl Shown for StageListing {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// One side of an experiment: a listing and the name of its snapshot.
pub struct Trial<'a> {
    pub name: &'a str,
    pub listing: &'a dyn Shown,
}

impl<'a> Trial<'a> {
    pub fn new(name: &'a str, listing: &'a dyn Shown) -> Trial<'a> {
        Trial { name, listing }
    }
}

/// A causal claim put to the test: `effect` is seen in `with` and not in `without`, which
/// differs from it by `change` alone. Both are markdown, as the page shows them.
pub struct Experiment<'a> {
    /// What the first listing shows: "`YieldOnce::poll` is called, not inlined".
    pub effect: &'a str,
    /// The one change that makes the second from the first: "`-C opt-level=s` in place of `z`".
    pub change: &'a str,
    pub with: Trial<'a>,
    pub without: Trial<'a>,
}

/// Why an experiment does not show its claim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refuted {
    #[error("no line of `{name}` shows the effect \"{effect}\": the effect no longer follows the cause")]
    NoEffect { effect: String, name: String },
    #[error(
        "`{name}` shows the effect \"{effect}\" without the cause, in {}: the change \"{change}\" does not take it away",
        lines.iter().map(|line| format!("line {}: `{}`", line.line, line.text)).collect::<Vec<_>>().join(", ")
    )]
    EffectWithoutCause { effect: String, change: String, name: String, lines: Vec<Evidence> },
    #[error(
        "`{with}` and `{without}` differ in {}, not in one thing: an experiment changes one (the flags, the function, or the stage)",
        differences.join(" and ")
    )]
    NotOneChange { with: String, without: String, differences: Vec<&'static str> },
    #[error("`{with}` and `{without}` are the same listing: there is no change to test")]
    NoChange { with: String, without: String },
    #[error("the {what} must be one line of text, without ` · `: `{text}`")]
    NotOneLine { what: &'static str, text: String },
}

/// A line of a listing that shows the effect: its number in the listing (1-based, as the
/// snapshot's body counts them) and its text with runs of white space made one space, as a
/// reader quotes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub line: usize,
    pub text: String,
}

/// One listing as an experiment saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub kind: ListingKind,
    pub name: String,
    /// [`digest`] of its text.
    pub digest: String,
    /// The lines that show the effect.
    pub lines: Vec<Evidence>,
    /// The chapter its snapshot's name gives, when read back from an experiment's header (a run
    /// learns its chapter only when it writes the snapshot).
    pub chapter_slug: Option<String>,
}

/// What an experiment found: what its snapshot records, and what the book shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub effect: String,
    pub change: String,
    /// The compiler both listings were made by.
    pub compiler: String,
    /// The listing with the effect: [`Outcome::with`]'s lines are never empty.
    pub with: Observed,
    /// The listing after the change: its lines are always empty.
    pub without: Observed,
}

impl Experiment<'_> {
    /// Runs the experiment: `shows_effect` is asked about every line of both listings, each
    /// with its white space made single spaces (`call qword ptr [rcx + 16]`).
    pub fn run(&self, shows_effect: impl Fn(&str) -> bool) -> Result<Outcome, Refuted> {
        for (what, text) in [("effect", self.effect), ("change", self.change)] {
            if text.contains('\n') || text.contains(" · ") || text.trim().is_empty() {
                return Err(Refuted::NotOneLine { what, text: text.to_owned() });
            }
        }
        let (with, without) = (self.with.listing.provenance(), self.without.listing.provenance());
        let names = || (self.with.name.to_owned(), self.without.name.to_owned());
        let mut differences = Vec::new();
        if with.subject != without.subject {
            differences.push("what they are of");
        }
        if with.how() != without.how() {
            differences.push("how they were made");
        }
        if with.compiler != without.compiler {
            differences.push("the compiler");
        }
        match differences.len() {
            0 => return Err(Refuted::NoChange { with: names().0, without: names().1 }),
            1 => {}
            _ => return Err(Refuted::NotOneChange { with: names().0, without: names().1, differences }),
        }
        let observe = |trial: &Trial<'_>| {
            let text = trial.listing.to_string();
            let lines = text
                .lines()
                .enumerate()
                .map(|(index, line)| Evidence { line: index + 1, text: normalise(line) })
                .filter(|line| !line.text.is_empty() && shows_effect(&line.text))
                .collect();
            Observed {
                kind: trial.listing.provenance().kind(),
                name: trial.name.to_owned(),
                digest: digest(&text),
                lines,
                chapter_slug: None,
            }
        };
        let (seen, after) = (observe(&self.with), observe(&self.without));
        if seen.lines.is_empty() {
            return Err(Refuted::NoEffect { effect: self.effect.to_owned(), name: seen.name });
        }
        if !after.lines.is_empty() {
            return Err(Refuted::EffectWithoutCause {
                effect: self.effect.to_owned(),
                change: self.change.to_owned(),
                name: after.name,
                lines: after.lines,
            });
        }
        Ok(Outcome {
            effect: self.effect.to_owned(),
            change: self.change.to_owned(),
            compiler: with.compiler.clone(),
            with: seen,
            without: after,
        })
    }
}

/// A listing's line as a reader quotes it: runs of white space made one space, none at the ends.
pub fn normalise(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first 16 hexadecimal digits of the SHA-256 of a listing's text, trailing white space left
/// out (insta stores a body with one newline at its end, whatever the text had): the same digest
/// a picture records of what it was drawn from.
pub fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.trim_end().as_bytes());
    hash.iter().take(8).map(|byte| format!("{byte:02x}")).collect()
}

impl Observed {
    fn drawn_from(&self, chapter_slug: &str) -> DrawnFrom {
        DrawnFrom { snapshot: snapshot_name(chapter_slug, self.kind, &self.name), digest: self.digest.clone() }
    }
}

impl Outcome {
    /// Its snapshot's header: the effect, the compiler, and the two listings with their digests.
    pub fn provenance(&self, chapter_slug: &str) -> Provenance {
        Provenance {
            subject: self.effect.clone(),
            compiler: self.compiler.clone(),
            origin: Origin::Experiment {
                with: self.with.drawn_from(chapter_slug),
                without: self.without.drawn_from(chapter_slug),
            },
            excerpt: None,
        }
    }

    /// Its snapshot's body: the change and the evidence ([`Record`]).
    pub fn body(&self) -> String {
        Record { change: self.change.clone(), with: self.with.lines.clone() }.to_string()
    }

    /// The experiment its snapshot records: the header's listings and the body's change and lines.
    pub fn read(stored: &StoredListing) -> Result<Outcome, ParseError> {
        let in_file = |error: ParseError| error.in_file(stored.path.display());
        let header =
            |expected| in_file(ParseError::quoting(Format::Snapshot, 2, &stored.provenance.to_string(), expected));
        let Origin::Experiment { with, without } = &stored.provenance.origin else {
            return Err(header(Expected::ExperimentHeader));
        };
        let observed = |drawn: &DrawnFrom, lines: Vec<Evidence>| {
            let name = SnapshotName::parse(&drawn.snapshot).ok_or_else(|| header(Expected::Provenance))?;
            Ok::<_, ParseError>(Observed {
                kind: name.kind,
                name: name.name,
                digest: drawn.digest.clone(),
                lines,
                chapter_slug: Some(name.chapter_slug),
            })
        };
        let record: Record = stored.body.parse().map_err(|mut error: ParseError| {
            error.line += stored.body_line.saturating_sub(1);
            in_file(error)
        })?;
        Ok(Outcome {
            effect: stored.provenance.subject.clone(),
            change: record.change,
            compiler: stored.provenance.compiler.clone(),
            with: observed(with, record.with)?,
            without: observed(without, Vec::new())?,
        })
    }
}

/// An experiment snapshot's body: the change, then the lines of the first listing that show the
/// effect, then the second's, which are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) change: String,
    pub(crate) with: Vec<Evidence>,
}

const CHANGE: &str = "change: ";
const IN_THE_FIRST: &str = "effect in the first, ";
const NONE_IN_THE_SECOND: &str = "effect in the second: none";

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.with.len();
        writeln!(f, "{CHANGE}{}", self.change)?;
        writeln!(f, "{IN_THE_FIRST}{count} line{}:", if count == 1 { "" } else { "s" })?;
        for Evidence { line, text } in &self.with {
            writeln!(f, "{line}: {text}")?;
        }
        writeln!(f, "{NONE_IN_THE_SECOND}")
    }
}

impl FromStr for Record {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Record, ParseError> {
        let error = |line: usize| ParseError::at(Format::Experiment, text, line, Expected::ExperimentBody);
        let lines: Vec<&str> = text.lines().collect();
        let change = lines.first().and_then(|l| l.strip_prefix(CHANGE)).ok_or_else(|| error(1))?;
        let count: usize = lines
            .get(1)
            .and_then(|l| l.strip_prefix(IN_THE_FIRST))
            .and_then(|l| l.strip_suffix(" lines:").or_else(|| l.strip_suffix(" line:")))
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| error(2))?;
        let mut with = Vec::new();
        for index in 2..2 + count {
            let (line, quoted) = lines.get(index).and_then(|l| l.split_once(": ")).ok_or_else(|| error(index + 1))?;
            let line = line.parse().map_err(|_| error(index + 1))?;
            with.push(Evidence { line, text: quoted.to_owned() });
        }
        if lines.get(2 + count) != Some(&NONE_IN_THE_SECOND) {
            return Err(error(3 + count));
        }
        if lines.len() != 3 + count || !text.ends_with('\n') {
            return Err(error(4 + count));
        }
        let record = Record { change: change.to_owned(), with };
        // What would not print back the same (a count written `01`) is no record.
        match record.to_string() == text {
            true => Ok(record),
            false => Err(error(2)),
        }
    }
}

/// How an experiment's snapshot is written, after checking that it is where its command says
/// and that it was run on the listings the book shows.
pub fn experiment_snapshot_settings(outcome: &Outcome, chapter_slug: &str, file: &str, name: &str) -> insta::Settings {
    let test = std::thread::current().name().map(str::to_owned);
    assert!(
        file.ends_with(&format!("tests/{TEST_FILE}.rs")),
        "the experiment `{name}` is in {file}: experiments live in the chapter's tests/{TEST_FILE}.rs, so that \
         `cargo test -p {chapter_slug} --test {TEST_FILE} {name}` runs it"
    );
    // libtest names each test's thread after the test (but runs on `main` with one thread).
    if let Some(test) = test.filter(|test| test != "main") {
        assert!(
            test == name || test.ends_with(&format!("::{name}")),
            "the experiment `{name}` is asserted in the test `{test}`: name the test after the experiment, so that its \
             command runs exactly it"
        );
    }
    let workspace = crate::Workspace::this_checkout();
    let chapter = workspace.chapter(chapter_slug).unwrap_or_else(|error| panic!("{error}"));
    for (side, observed) in [("with the effect", &outcome.with), ("after the change", &outcome.without)] {
        let path = chapter.snapshot_path(observed.kind, &observed.name, None);
        let stored = crate::read_snapshot(&path).unwrap_or_else(|error| {
            panic!(
                "the experiment `{name}` runs on `{}` ({side}), whose snapshot cannot be read: {error}; assert the listing \
                 with its own macro (assert_asm_snapshot!, assert_stage_snapshot!) before the experiment",
                observed.name
            )
        });
        assert_eq!(
            digest(&stored.body),
            observed.digest,
            "the experiment `{name}` runs on a listing `{}` ({side}) that is not the one its snapshot {} holds; assert \
             the listing with its own macro before the experiment",
            observed.name,
            path.display()
        );
    }
    crate::snapshot_settings(&outcome.provenance(chapter_slug), None)
}

/// Checks an experiment's [`Outcome`] against its snapshot
/// `tests/snapshots/<package>__experiment__<name>.snap`, in a test named `name` in the chapter's
/// `tests/why.rs` (see the module [`experiment`](crate::experiment)).
#[macro_export]
macro_rules! assert_experiment_snapshot {
    ($name:expr, $outcome:expr $(,)?) => {{
        let outcome: &$crate::Outcome = &$outcome;
        let name: &str = $name;
        let chapter = env!("CARGO_PKG_NAME");
        $crate::experiment_snapshot_settings(outcome, chapter, file!(), name).bind(|| {
            let provenance = outcome.provenance(chapter);
            $crate::insta::assert_snapshot!(
                $crate::snapshot_name(chapter, $crate::ListingKind::Experiment, name),
                outcome.body(),
                provenance.command(chapter, name).as_str()
            );
        });
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AsmOptions, CodegenFlags, Listing};

    fn listing(function: &str, opt_level: &str, body: &str) -> AsmListing {
        let text = format!("{function}:\n{body}");
        AsmListing {
            listing: text.parse::<Listing>().unwrap(),
            provenance: Provenance {
                subject: function.to_owned(),
                compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
                origin: Origin::Asm {
                    flags: CodegenFlags::with_opt_level(opt_level),
                    options: AsmOptions::default(),
                    bootstrap: None,
                },
                excerpt: None,
            },
            command: String::new(),
        }
    }

    fn calls_poll(line: &str) -> bool {
        line.starts_with("call ") && line.contains("poll")
    }

    #[test]
    fn an_effect_in_the_first_listing_and_not_the_second_is_an_outcome_with_its_lines() {
        let z = listing("f", "z", "        call    poll\n        ret\n");
        let s = listing("f", "s", "        mov     eax, 1\n        ret\n");
        let experiment = Experiment {
            effect: "`poll` is called",
            change: "`-C opt-level=s` in place of `z`",
            with: Trial::new("f_z", &z),
            without: Trial::new("f_s", &s),
        };
        let outcome = experiment.run(calls_poll).unwrap();
        assert_eq!(outcome.with.lines, [Evidence { line: 2, text: "call poll".into() }]);
        assert!(outcome.without.lines.is_empty());
        assert_eq!(
            outcome.body(),
            "change: `-C opt-level=s` in place of `z`\neffect in the first, 1 line:\n2: call poll\neffect in the second: none\n"
        );
    }

    #[test]
    fn an_effect_that_does_not_follow_its_cause_refutes_the_experiment() {
        let z = listing("f", "z", "        call    poll\n        ret\n");
        let s = listing("f", "s", "        mov     eax, 1\n        ret\n");
        let run = |with: &AsmListing, without: &AsmListing| {
            Experiment { effect: "e", change: "c", with: Trial::new("a", with), without: Trial::new("b", without) }
                .run(calls_poll)
        };
        assert!(matches!(run(&s, &z), Err(Refuted::NoEffect { .. })));
        assert!(matches!(
            run(&z, &listing("f", "s", "        call    poll\n")),
            Err(Refuted::EffectWithoutCause { .. })
        ));
        assert!(matches!(run(&z, &z), Err(Refuted::NoChange { .. })));
        let other_function_other_level = listing("g", "s", "        ret\n");
        let refuted = run(&z, &other_function_other_level).unwrap_err();
        assert_eq!(
            refuted.to_string(),
            "`a` and `b` differ in what they are of and how they were made, not in one thing: an experiment changes one \
             (the flags, the function, or the stage)"
        );
    }

    #[test]
    #[should_panic(expected = "runs on `no_such_listing` (with the effect), whose snapshot cannot be read")]
    fn a_listing_without_its_snapshot_is_refused_before_the_experiment_is_written() {
        let z = listing("f", "z", "        call    poll\n");
        let s = listing("f", "s", "        ret\n");
        let outcome = Experiment {
            effect: "e",
            change: "c",
            with: Trial::new("no_such_listing", &z),
            without: Trial::new("three_awaits_opt_level_s", &s),
        }
        .run(calls_poll)
        .unwrap();
        experiment_snapshot_settings(
            &outcome,
            "ch08-machine-code",
            "chapters/ch08-machine-code/tests/why.rs",
            "a_listing_without_its_snapshot_is_refused_before_the_experiment_is_written",
        );
    }

    #[test]
    #[should_panic(expected = "experiments live in the chapter's tests/why.rs")]
    fn an_experiment_outside_tests_why_rs_is_refused() {
        let z = listing("f", "z", "        call    poll\n");
        let s = listing("f", "s", "        ret\n");
        let outcome = Experiment { effect: "e", change: "c", with: Trial::new("a", &z), without: Trial::new("b", &s) }
            .run(calls_poll)
            .unwrap();
        experiment_snapshot_settings(
            &outcome,
            "ch08-machine-code",
            "chapters/ch08-machine-code/tests/listings.rs",
            "x",
        );
    }

    #[test]
    fn a_record_reads_back_as_itself_and_anything_else_is_refused_naming_its_line() {
        let record = Record {
            change: "`-C opt-level=s` in place of `z`".into(),
            with: vec![Evidence { line: 3, text: "call poll".into() }, Evidence { line: 9, text: "call poll".into() }],
        };
        assert_eq!(record.to_string().parse::<Record>(), Ok(record.clone()));
        let refused = |text: &str| text.parse::<Record>().unwrap_err().line;
        assert_eq!(refused("chang: x\n"), 1);
        assert_eq!(refused("change: x\neffect in the first, 0 lines:\neffect in the second: none\n"), 2);
        assert_eq!(refused("change: x\neffect in the first, 1 line:\nthree: call\neffect in the second: none\n"), 3);
        assert_eq!(refused("change: x\neffect in the first, 1 line:\n3: call\n"), 4);
        assert_eq!(refused("change: x\neffect in the first, 1 line:\n3: call\neffect in the second: none\nmore\n"), 5);
    }

    #[test]
    fn a_snapshot_whose_header_is_not_an_experiment_s_is_refused_saying_what_header_was_expected() {
        let stored = StoredListing {
            provenance: listing("f", "z", "        ret\n").provenance,
            command: None,
            info: None,
            info_line: 0,
            body: "change: x\n".into(),
            path: "ch09-why__experiment__e.snap".into(),
            body_line: 5,
        };
        let error = Outcome::read(&stored).unwrap_err();
        assert_eq!(error.expected, Expected::ExperimentHeader);
        assert!(error.to_string().contains("`EFFECT · COMPILER · experiment: A#DIGEST against B#DIGEST`"), "{error}");
    }
}
