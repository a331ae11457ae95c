//! Where a listing comes from: what it is of, which compiler made it and how. One type, written
//! into every snapshot's header (`Display`) and read back by the book (`FromStr`), and the
//! command that prints the listing again.

use std::fmt;
use std::str::FromStr;

use crate::error::{Expected, Format, ParseError};
use crate::{AsmOptions, CodegenFlags, ListingKind, Stage};

/// `ch01_the_experiment::noop_clone · rustc 1.95.0 (59807616e 2026-04-14) · --target … · with the
/// constants it refers to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The function, MIR body, HIR item or type the listing is of.
    pub subject: String,
    /// `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub compiler: String,
    pub origin: Origin,
    /// For a [`Part`](crate::Part): the lines of the whole listing it shows.
    pub excerpt: Option<Excerpt>,
}

/// Lines `first` to `last` (1-based) of a listing of `of` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excerpt {
    pub first: usize,
    pub last: usize,
    pub of: usize,
}

/// How the compiler was asked for the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Asm {
        flags: CodegenFlags,
        options: AsmOptions,
        /// The crate `RUSTC_BOOTSTRAP` named, when a `-Z` flag was given through cargo to that
        /// crate alone (a crate outside the book); `None` otherwise (`RUSTC_BOOTSTRAP=1`).
        bootstrap: Option<String>,
    },
    Stage {
        stage: Stage,
        edition: String,
        /// The crate `RUSTC_BOOTSTRAP` named, when the stage's `-Z` flags were given through cargo
        /// to that crate alone (a crate with dependencies: `RUSTC_BOOTSTRAP=ch12_tokio`); `None`
        /// for rustc on a chapter's file (`RUSTC_BOOTSTRAP=1`) or a stage without a `-Z` flag.
        bootstrap: Option<String>,
    },
    /// A C++ listing: the pinned g++ with `flags` on the chapter's file `source`
    /// (`cpp/three_awaits.cpp`); the compiler field reads `g++ 12.2.0`.
    Cpp { flags: String, source: String },
    /// A table a chapter's test generated from listings and measurements; `how` says, in words,
    /// from what (`--target … -C opt-level=<row> …; bytes from the object file …`).
    Table { how: String },
    /// A picture a chapter's test drew from listings (the `pictures` crate): the snapshots it was
    /// drawn from, each with the digest of its body then, so that the book can refuse a picture
    /// whose listing has changed since.
    Picture { drawn_from: Vec<DrawnFrom> },
    /// A why-experiment a chapter's test ran (`experiment.rs`): the listing that shows the
    /// effect and the one that, after the one change, does not, each with the digest of its body
    /// then, so that the book can refuse an experiment whose listings have changed since.
    Experiment { with: DrawnFrom, without: DrawnFrom },
    /// What a program, or gdb on a program, printed when a chapter's test ran it (`session.rs`);
    /// `how` says, in words, how the program was built and run and what was normalised.
    Session { how: String },
}

/// One snapshot a picture was drawn from: `ch05-lowering__type-sizes__hello_world`, and the
/// digest of its body when the picture was drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnFrom {
    pub snapshot: String,
    pub digest: String,
}

const SEPARATOR: &str = " · ";
const TABLE: &str = "table: ";
const PICTURE: &str = "picture drawn from ";
const EXPERIMENT: &str = "experiment: ";
const SESSION: &str = "session: ";
const AGAINST: &str = " against ";
const GXX: &str = "g++ ";
/// How the stages' descriptions say their `-Z` flags were allowed, for rustc alone.
const BOOTSTRAP_ALL: &str = "(RUSTC_BOOTSTRAP=1)";
const WITH_CONSTANTS: &str = "with the constants it refers to";
const WITH_SOURCE: &str = "with source lines";

impl Provenance {
    /// `1.95.0`, from the compiler's version line.
    pub fn release(&self) -> &str {
        self.compiler.split_whitespace().nth(1).unwrap_or("unknown")
    }

    /// The flags as the caption shows them: everything after the subject and the compiler.
    pub fn how(&self) -> String {
        let text = self.to_string();
        text.splitn(3, SEPARATOR).nth(2).unwrap_or_default().to_owned()
    }

    pub fn kind(&self) -> ListingKind {
        match &self.origin {
            Origin::Asm { .. } => ListingKind::Asm,
            Origin::Stage { stage, .. } => ListingKind::from(*stage),
            Origin::Cpp { .. } => ListingKind::CppAsm,
            Origin::Table { .. } => ListingKind::Table,
            Origin::Picture { .. } => ListingKind::Picture,
            Origin::Experiment { .. } => ListingKind::Experiment,
            Origin::Session { .. } => ListingKind::Session,
        }
    }

    /// The command that prints this listing again, for a reader and for the snapshot's header:
    /// `cargo xtask asm ch01 noop_clone --data`. `query` is the name the listing was asked for by.
    pub fn command(&self, chapter_slug: &str, query: &str) -> String {
        self.command_naming(chapter_slug, chapter_short_name(chapter_slug), query)
    }

    /// [`Provenance::command`] with the crate named on `cargo xtask`'s command line as
    /// `named_by` (`ch01`, `--manifest-path PATH`).
    pub(crate) fn command_naming(&self, chapter_slug: &str, named_by: &str, query: &str) -> String {
        let subcommand = match &self.origin {
            Origin::Asm { .. } => "asm",
            Origin::Stage { stage, .. } => stage.name(),
            // Made by a chapter's test from several listings or by g++: the test makes it again.
            Origin::Cpp { .. } | Origin::Table { .. } => return format!("cargo test -p {chapter_slug}"),
            Origin::Picture { .. } => return format!("cargo test -p {chapter_slug} --test pictures"),
            // A session is run again by the chapter's `tests/debugger.rs`, in well under a second.
            Origin::Session { .. } => {
                return format!("cargo test -p {chapter_slug} --test {}", crate::session::TEST_FILE);
            }
            // An experiment is a test of its own name in the chapter's `tests/why.rs`.
            Origin::Experiment { .. } => {
                return format!(
                    "cargo test -p {chapter_slug} --test {} {}",
                    crate::experiment::TEST_FILE,
                    shell_quote(query)
                );
            }
        };
        let mut words = vec!["cargo".to_owned(), "xtask".to_owned(), subcommand.to_owned()];
        words.push(named_by.to_owned());
        words.push(shell_quote(query));
        if let Origin::Asm { flags, options, .. } = &self.origin {
            if options.source {
                words.push("--source".to_owned());
            }
            if options.data {
                words.push("--data".to_owned());
            }
            words.extend(flags.command_options().iter().map(|word| shell_quote(word)));
        }
        words.join(" ")
    }
}

/// `ch01` for `ch01-the-experiment`: the shortest name `cargo xtask` accepts for a chapter.
pub(crate) fn chapter_short_name(slug: &str) -> &str {
    match slug.split_once('-') {
        Some((number, _)) if number.starts_with("ch") && number[2..].bytes().all(|b| b.is_ascii_digit()) => number,
        _ => slug,
    }
}

/// A word as a POSIX shell reads it back unchanged.
pub(crate) fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-:./,=@".contains(&b));
    match plain {
        true => word.to_owned(),
        false => format!("'{}'", word.replace('\'', r"'\''")),
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{SEPARATOR}{}{SEPARATOR}", self.subject, self.compiler)?;
        match &self.origin {
            Origin::Asm { flags, options, bootstrap } => {
                f.write_str(&with_bootstrap(flags.describe(), bootstrap))?;
                if options.data {
                    write!(f, "{SEPARATOR}{WITH_CONSTANTS}")?;
                }
                if options.source {
                    write!(f, "{SEPARATOR}{WITH_SOURCE}")?;
                }
                Ok(())
            }
            Origin::Stage { stage, edition, bootstrap } => {
                f.write_str(&with_bootstrap(stage.row().describe(edition), bootstrap))
            }
            Origin::Cpp { flags, source } => write!(f, "{flags}{SEPARATOR}{source}"),
            Origin::Table { how } => write!(f, "{TABLE}{how}"),
            Origin::Session { how } => write!(f, "{SESSION}{how}"),
            Origin::Picture { drawn_from } => {
                let sources: Vec<String> = drawn_from.iter().map(|d| format!("{}#{}", d.snapshot, d.digest)).collect();
                write!(f, "{PICTURE}{}", sources.join(", "))
            }
            Origin::Experiment { with, without } => {
                write!(
                    f,
                    "{EXPERIMENT}{}#{}{AGAINST}{}#{}",
                    with.snapshot, with.digest, without.snapshot, without.digest
                )
            }
        }?;
        match self.excerpt {
            Some(Excerpt { first, last, of }) => write!(f, "{SEPARATOR}lines {first}–{last} of {of}"),
            None => Ok(()),
        }
    }
}

/// A description's `(RUSTC_BOOTSTRAP=1)` with the crate's name instead, when one was named.
fn with_bootstrap(described: String, bootstrap: &Option<String>) -> String {
    match bootstrap {
        Some(name) => described.replace(BOOTSTRAP_ALL, &format!("(RUSTC_BOOTSTRAP={name})")),
        None => described,
    }
}

/// The crate a description's `(RUSTC_BOOTSTRAP=ch12_tokio)` names (none for `1`), and the
/// description with `(RUSTC_BOOTSTRAP=1)` in its place, as the flags describe themselves.
fn without_bootstrap(how: &str) -> (Option<String>, String) {
    let bootstrap = how
        .split_once("(RUSTC_BOOTSTRAP=")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(name, _)| name)
        .filter(|name| *name != "1" && !name.is_empty())
        .map(str::to_owned);
    let how = match &bootstrap {
        Some(name) => how.replace(&format!("(RUSTC_BOOTSTRAP={name})"), BOOTSTRAP_ALL),
        None => how.to_owned(),
    };
    (bootstrap, how)
}

/// `lines 45–60 of 200`.
fn parse_excerpt(text: &str) -> Option<Excerpt> {
    let (range, of) = text.strip_prefix("lines ")?.split_once(" of ")?;
    let (first, last) = range.split_once('–')?;
    Some(Excerpt { first: first.parse().ok()?, last: last.parse().ok()?, of: of.parse().ok()? })
}

impl FromStr for Provenance {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Provenance, ParseError> {
        let error = |expected| ParseError::quoting(Format::Provenance, 1, text, expected);
        let not_one = || error(Expected::Provenance);
        let mut fields = text.split(SEPARATOR);
        let (Some(subject), Some(compiler), Some(how)) = (fields.next(), fields.next(), fields.next()) else {
            return Err(not_one());
        };
        let mut extras: Vec<&str> = fields.collect();
        let excerpt = extras.last().and_then(|last| parse_excerpt(last));
        if excerpt.is_some() {
            extras.pop();
        }
        let origin = if let Some(how) = how.strip_prefix(TABLE) {
            // Words, which may contain the separator themselves.
            Origin::Table { how: std::iter::once(how).chain(extras).collect::<Vec<_>>().join(SEPARATOR) }
        } else if let Some(how) = how.strip_prefix(SESSION) {
            Origin::Session { how: std::iter::once(how).chain(extras).collect::<Vec<_>>().join(SEPARATOR) }
        } else if let Some(sources) = how.strip_prefix(PICTURE) {
            let drawn_from = sources
                .split(", ")
                .map(|source| {
                    let (snapshot, digest) = source.split_once('#').ok_or_else(not_one)?;
                    Ok(DrawnFrom { snapshot: snapshot.to_owned(), digest: digest.to_owned() })
                })
                .collect::<Result<_, ParseError>>()?;
            Origin::Picture { drawn_from }
        } else if let Some(pair) = how.strip_prefix(EXPERIMENT) {
            let drawn_from = |source: &str| {
                let (snapshot, digest) = source.split_once('#').ok_or_else(not_one)?;
                Ok::<_, ParseError>(DrawnFrom { snapshot: snapshot.to_owned(), digest: digest.to_owned() })
            };
            let (with, without) = pair.split_once(AGAINST).ok_or_else(not_one)?;
            if !extras.is_empty() {
                return Err(not_one());
            }
            Origin::Experiment { with: drawn_from(with)?, without: drawn_from(without)? }
        } else if compiler.starts_with(GXX) {
            let [source] = extras[..] else { return Err(not_one()) };
            Origin::Cpp { flags: how.to_owned(), source: source.to_owned() }
        } else if let (bootstrap, Some(flags)) = {
            let (bootstrap, how) = without_bootstrap(how);
            (bootstrap, CodegenFlags::from_description(&how))
        } {
            let mut options = AsmOptions::default();
            for extra in extras {
                match extra {
                    WITH_CONSTANTS => options.data = true,
                    WITH_SOURCE => options.source = true,
                    other => return Err(error(Expected::AsmOption { option: other.to_owned() })),
                }
            }
            Origin::Asm { flags, options, bootstrap }
        } else {
            let edition =
                how.strip_prefix("--edition ").and_then(|rest| rest.split_whitespace().next()).ok_or_else(not_one)?;
            // `(RUSTC_BOOTSTRAP=ch12_tokio)`: a crate's name where rustc alone has `1`.
            let (bootstrap, how) = without_bootstrap(how);
            let stage = Stage::all()
                .filter(|stage| bootstrap.is_none() || stage.row().bootstrap)
                .find(|stage| stage.row().describe(edition) == how)
                .ok_or_else(|| error(Expected::KnownFlags { flags: how.to_owned() }))?;
            if !extras.is_empty() {
                return Err(not_one());
            }
            Origin::Stage { stage, edition: edition.to_owned(), bootstrap }
        };
        if !compiler.starts_with("rustc ") && !compiler.starts_with(GXX) {
            return Err(not_one());
        }
        Ok(Provenance { subject: subject.to_owned(), compiler: compiler.to_owned(), origin, excerpt })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<Provenance> {
        let asm = |opt_level: &str, source, data| Provenance {
            subject: "ch01_the_experiment::noop_clone".into(),
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
            origin: Origin::Asm {
                flags: CodegenFlags::with_opt_level(opt_level),
                options: AsmOptions { source, data },
                bootstrap: None,
            },
            excerpt: None,
        };
        let mut all = vec![asm("3", false, false), asm("3", true, true), asm("z", false, true), asm("s", true, false)];
        let mut experiment = asm("2", false, false);
        let Origin::Asm { flags, .. } = &mut experiment.origin else { unreachable!() };
        *flags = flags.clone().with_codegen("llvm-args=-enable-dfa-jump-thread").with_codegen("panic=abort");
        all.push(experiment);
        let mut foreign = asm("3", false, false);
        let Origin::Asm { flags, bootstrap, .. } = &mut foreign.origin else { unreachable!() };
        *flags = flags.clone().with_unstable("mir-enable-passes=-GVN");
        *bootstrap = Some("tokio_service".into());
        all.push(foreign);
        all.extend(Stage::all().map(|stage| Provenance {
            subject: "hello_world::{closure#0}".into(),
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
            origin: Origin::Stage { stage, edition: "2024".into(), bootstrap: None },
            excerpt: None,
        }));
        all.extend(Stage::all().filter(|stage| stage.row().bootstrap).map(|stage| Provenance {
            subject: "tokio::runtime::task::core::Header".into(),
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
            origin: Origin::Stage { stage, edition: "2024".into(), bootstrap: Some("ch12_tokio".into()) },
            excerpt: None,
        }));
        all.push(Provenance {
            subject: "three_awaits(unsigned long)".into(),
            compiler: "g++ 12.2.0".into(),
            origin: Origin::Cpp { flags: "-std=c++20 -O2 -masm=intel".into(), source: "cpp/three_awaits.cpp".into() },
            excerpt: None,
        });
        all.push(Provenance {
            subject: "six callers of three_awaits".into(),
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
            origin: Origin::Table { how: "g++ 12.2.0 · -C opt-level=3; bytes from the object file".into() },
            excerpt: None,
        });
        all.push(Provenance {
            subject: "layout of {async fn body of hello_world()}".into(),
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
            origin: Origin::Picture {
                drawn_from: vec![
                    DrawnFrom { snapshot: "ch05-lowering__type-sizes__hello_world".into(), digest: "0123abcd".into() },
                    DrawnFrom { snapshot: "ch05-lowering__mir__hello_world".into(), digest: "4567ef01".into() },
                ],
            },
            excerpt: None,
        });
        all.push(Provenance {
            subject: "`YieldOnce::poll` is called, not inlined".into(),
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
            origin: Origin::Experiment {
                with: DrawnFrom {
                    snapshot: "ch08-machine-code__asm__three_awaits_opt_level_z".into(),
                    digest: "0123abcd".into(),
                },
                without: DrawnFrom {
                    snapshot: "ch08-machine-code__asm__three_awaits_opt_level_s".into(),
                    digest: "4567ef01".into(),
                },
            },
            excerpt: None,
        });
        all.push(Provenance {
            subject: "gdb stopped in YieldOnce::poll".into(),
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
            origin: Origin::Session { how: "rust-gdb -batch -nx · -C opt-level=0; addresses replaced".into() },
            excerpt: None,
        });
        let mut part = all[1].clone();
        part.excerpt = Some(Excerpt { first: 45, last: 60, of: 200 });
        all.push(part);
        all
    }

    #[test]
    fn every_provenance_reads_back_as_itself() {
        for provenance in every_kind() {
            assert_eq!(provenance.to_string().parse::<Provenance>(), Ok(provenance.clone()), "{provenance}");
        }
    }

    #[test]
    fn the_header_text_is_what_the_snapshots_have_always_said() {
        assert_eq!(
            every_kind()[2].to_string(),
            "ch01_the_experiment::noop_clone · rustc 1.95.0 (59807616e 2026-04-14) · --target x86_64-unknown-linux-gnu \
             -C opt-level=z -C codegen-units=1 -C debuginfo=line-tables-only -C target-cpu=x86-64 \
             -C llvm-args=-x86-asm-syntax=intel (Intel syntax), paths remapped · with the constants it refers to"
        );
        assert_eq!(every_kind()[2].release(), "1.95.0");
    }

    #[test]
    fn text_that_is_no_provenance_is_refused_saying_so() {
        for text in ["f", "f · rustc 1.95.0 · -C opt-level=3", "f · rustc 1.95.0 · --edition 2024 -Zfoo"] {
            assert!(text.parse::<Provenance>().is_err(), "{text}");
        }
    }

    #[test]
    fn the_command_names_the_chapter_the_query_and_the_options_quoted_for_a_shell() {
        let [plain, both, size, ..] = &every_kind()[..] else { unreachable!() };
        assert_eq!(plain.command("ch01-the-experiment", "noop_clone"), "cargo xtask asm ch01 noop_clone");
        assert_eq!(
            both.command("ch01-the-experiment", "hello_world::{{closure}}"),
            "cargo xtask asm ch01 'hello_world::{{closure}}' --source --data"
        );
        assert_eq!(
            size.command("ch01-the-experiment", "<T as Into<U>>::into"),
            "cargo xtask asm ch01 '<T as Into<U>>::into' --data --opt-level z"
        );
        assert_eq!(
            every_kind()[4].command("ch08-machine-code", "run_in_view"),
            "cargo xtask asm ch08 run_in_view --opt-level 2 -C llvm-args=-enable-dfa-jump-thread -C panic=abort"
        );
        let mir = every_kind().into_iter().find(|p| p.kind() == ListingKind::Stage(Stage::Mir)).unwrap();
        assert_eq!(
            mir.command("ch05-lowering", "hello_world::{closure#0}"),
            "cargo xtask mir ch05 'hello_world::{closure#0}'"
        );
    }
}
