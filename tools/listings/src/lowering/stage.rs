//! The one table of the compiler's stages ([`STAGES`]): everything the project knows about a
//! stage, in one row, which every place that handles stages reads.
//!
//! A row says what the stage is called (the `cargo xtask` subcommand, the snapshots' kind and
//! the book's directive are all its [`name`](StageRow::name)), what its subjects are called in
//! messages, the flags it passes to rustc and how a snapshot's header and the book's caption
//! describe them, whether it needs `RUSTC_BOOTSTRAP=1`, what rustc writes that the stage keeps
//! for the next run, the parser that reads that into [`Subject`]s, how a reader names a
//! subject, and how the book shows its listings. Who reads it:
//!
//! - `lowering/compile.rs` runs rustc with the row's flags, keeps what the row says (`kept`)
//!   and hands it to the row's parser;
//! - `lowering/mod.rs` selects a subject by the row's [`Naming`] and words its errors with the
//!   row's nouns; `provenance.rs` writes and reads back the row's described flags;
//! - `snapshot.rs`: a stage's snapshots are of the kind [`ListingKind::from(stage)`](crate::ListingKind),
//!   named by the row;
//! - `cargo xtask` (`tools/xtask/src/main.rs`) has one subcommand per row, whose help is the
//!   row's [`about`](StageRow::about), and `cargo xtask check-kept` prints each row's
//!   [`example`](StageRow::example) cold and warm;
//! - the book's preprocessor (`tools/mdbook-under-the-await/src/directive/table.rs`) has one
//!   directive per row that [`Book`] says is shown by one, with the row's example and words.
//!
//! Tests hold the rest of the project to the table: every row has its `cargo xtask`
//! subcommand (the tests of `tools/xtask/src/main.rs`) and its directive, or says it has none
//! (the tests of the preprocessor's `directive/table.rs`), every row's example prints
//! (`tests/stages.rs`), and the snapshot kinds are the table's (`tests` below).
//!
//! # Adding a stage
//!
//! A stage is a variant of [`Stage`] and its row in [`STAGES`], both in this file, and one new
//! module with its parser. LLVM IR before and after LLVM's passes was added so
//! (`cargo xtask llvm-ir ch01 poll_hello_world_twice`, `{{#llvm-ir ch01-the-experiment
//! poll_hello_world_twice}}`), and touched:
//!
//! 1. `lowering/llvm_ir.rs`, new: `pub fn functions(text: &str) -> Result<Vec<Function>,
//!    ParseError>`, which reads every `define … @name(…) { … }` of a `.ll` file or fails naming
//!    the line (declared with `pub mod llvm_ir;` in `lowering/mod.rs`), with its
//!    `Format::LlvmIr` and `Expected` variants in `error.rs`; and, since its functions are named
//!    text, `impl From<llvm_ir::Function> for Subject` (a [`Subject::Text`]). A stage whose
//!    subjects a test should read typed, as MIR's blocks, adds a variant to [`Subject`] and a
//!    field to [`StageListing`](super::StageListing);
//! 2. here, the variants `Stage::LlvmIrUnoptimised` and `Stage::LlvmIr` and their rows, in the
//!    same place of both lists: "before and after" is two rows, the first shown among the
//!    second's listings ([`Book::AsListingsOf`]), as drop glue is among MIR's;
//! 3. the README's list of directives, which `cargo test -p mdbook-under-the-await` then
//!    prints as it must read, and the word for its listings in `tools/pictures/src/error.rs`
//!    (`what`, a `match` the compiler points to).
//!
//! Nothing else: `cargo xtask llvm-ir` and its `--list`, the `{{#llvm-ir …}}` directive, the
//! snapshot kind `llvm-ir` (`assert_stage_snapshot!`, `ListingKind::from(Stage::LlvmIr)`), its
//! caption and regenerating command, `check-kept` and the messages all follow from the rows.
//! A row's `-C` flags are in its description word for word (a test below holds them so).

use std::path::Path;

use super::debuginfo::{coroutines, place_tags};
use super::{Subject, drop_glue, hir, llvm_ir, mir, state_transform, type_sizes};
use crate::{Error, ParseError};

/// A stage of the compiler whose output a listing shows: an index into [`STAGES`], whose row
/// says everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Mir,
    Hir,
    TypeSizes,
    DropGlue,
    StateTransform,
    LlvmIrUnoptimised,
    LlvmIr,
}

/// One stage of the compiler, everything the project knows about it.
#[derive(Debug)]
pub struct StageRow {
    pub stage: Stage,
    /// `mir`: the `cargo xtask` subcommand, the kind in its snapshots' names
    /// (`ch05-lowering__mir__…`), the book's directive (`{{#mir …}}`) and the name its kept
    /// results are filed under.
    pub name: &'static str,
    /// What `cargo xtask NAME` does, as `cargo xtask --help` says it.
    pub about: &'static str,
    /// What one of its subjects is called in messages: no MIR body `x` in ch01-the-experiment.
    pub noun: &'static str,
    /// The same, for several: `x` names 2 MIR bodies in ch01-the-experiment.
    pub plural_noun: &'static str,
    /// A subject of chapter 1 (`ch01-the-experiment`), which `cargo xtask check-kept` prints.
    pub example: &'static str,
    /// Whether it passes `-Z` flags, which take `RUSTC_BOOTSTRAP=1` on a stable compiler
    /// (`compile.rs` sets it for such a stage's run; the only other place is an asm listing
    /// given a `-Z` flag, `CodegenFlags::needs_bootstrap`).
    pub bootstrap: bool,
    /// The flags that make rustc write the stage's output beside `out`, a path without
    /// extension: `out.mir`.
    pub flags: fn(&Path) -> Vec<String>,
    /// The flags as a snapshot's header and the book's caption describe them, after
    /// `--edition E --crate-type lib` ([`StageRow::describe`]); different for every row, since
    /// a header is read back by them.
    pub described_flags: &'static str,
    /// What rustc writes that the stage reads, kept for the next run.
    pub kept: &'static [Written],
    /// Reads what rustc wrote into the stage's subjects, in the compiler's order.
    pub parse: fn(&Printed<'_>) -> Result<Vec<Subject>, Error>,
    pub naming: Naming,
    pub book: Book,
}

/// The stages, in the order of [`Stage`]'s variants (`cargo xtask --help` and the README list
/// them so).
pub static STAGES: &[StageRow] = &[
    StageRow {
        stage: Stage::Mir,
        name: "mir",
        about: "Print a MIR body after all passes, the coroutine transform included (`--emit=mir`, opt-level 0)",
        noun: "MIR body",
        plural_noun: "MIR bodies",
        example: "hello_world::{closure#0}",
        bootstrap: false,
        flags: |out| vec!["-C".into(), "opt-level=0".into(), format!("--emit=mir={}", written(out, "mir"))],
        described_flags: "--emit=mir -C opt-level=0",
        kept: &[Written::File("mir")],
        parse: |printed| Ok(printed.parse("mir", mir::bodies)?.into_iter().map(Subject::Body).collect()),
        naming: Naming::AsWritten,
        book: Book::Listing(Directive {
            noun: "MIR",
            language: "rust",
            example: "ch05-lowering hello_world_state_machine",
            shows: "a MIR listing from its snapshot",
        }),
    },
    StageRow {
        stage: Stage::Hir,
        name: "hir",
        about: "Print a HIR item: the source after desugaring (`-Zunpretty=hir`, under RUSTC_BOOTSTRAP=1)",
        noun: "HIR item",
        plural_noun: "HIR items",
        example: "hello_world",
        bootstrap: true,
        flags: |out| vec!["-Zunpretty=hir".into(), "-o".into(), written(out, "hir")],
        described_flags: "-Zunpretty=hir (RUSTC_BOOTSTRAP=1)",
        kept: &[Written::File("hir")],
        parse: |printed| {
            let items = printed.parse("hir", hir::items)?;
            Ok(items.into_iter().map(|item| Subject::Text { name: item.name, text: item.text }).collect())
        },
        naming: Naming::AsWritten,
        book: Book::Listing(Directive {
            noun: "HIR",
            language: "rust",
            example: "ch05-lowering hello_world",
            shows: "a HIR listing from its snapshot",
        }),
    },
    StageRow {
        stage: Stage::TypeSizes,
        name: "type-sizes",
        about: "Print a type's layout: size, variants, field offsets, and a table (`-Zprint-type-sizes`)",
        noun: "type",
        plural_noun: "types",
        example: "hello_world",
        bootstrap: true,
        // The LLVM IR, with debug information, says where each async fn's tag lies.
        flags: |out| {
            vec![
                "-C".into(),
                "opt-level=0".into(),
                "-Zprint-type-sizes".into(),
                "-C".into(),
                "debuginfo=2".into(),
                format!("--emit=link={},llvm-ir={}", written(out, "rlib"), written(out, "ll")),
            ]
        },
        described_flags: "-C opt-level=0 -Zprint-type-sizes (RUSTC_BOOTSTRAP=1); tag offsets from -C debuginfo=2",
        // `-Zprint-type-sizes` prints to standard output.
        kept: &[Written::Stdout("printout"), Written::File("ll")],
        parse: layouts,
        naming: Naming::AsyncFnForItsFuture,
        // highlight.js has nothing for a layout: it is a plain table.
        book: Book::LayoutPicture(Directive {
            noun: "type-size",
            language: "text",
            example: "ch05-lowering hello_world",
            shows: "a layout as its picture (`layout_LISTING`, which must exist), with the compiler's print-out folded \
                    under it",
        }),
    },
    StageRow {
        stage: Stage::DropGlue,
        name: "drop-glue",
        about: "Print the MIR of a type's drop glue, `drop_in_place::<T>`; an async fn's name stands for its future \
                (`-Zdump-mir`, under RUSTC_BOOTSTRAP=1)",
        noun: "drop glue",
        plural_noun: "drop glues",
        example: "hello_world",
        bootstrap: true,
        // Drop glue is built for code generation only (`--emit=mir` never prints it), so the
        // crate is compiled to an object file; `-Zdump-mir` writes each `drop_in_place::<T>`
        // body, after its last pass, into a folder of its own (in the run's own scratch folder,
        // so empty at first).
        flags: |out| {
            vec![
                "-C".into(),
                "opt-level=0".into(),
                "-Zdump-mir=drop_in_place & runtime-optimized".into(),
                format!("-Zdump-mir-dir={}", written(out, "dumps")),
                format!("--emit=obj={}", written(out, "o")),
            ]
        },
        described_flags: "--emit=obj -C opt-level=0 -Zdump-mir='drop_in_place & runtime-optimized' \
                          (RUSTC_BOOTSTRAP=1)",
        kept: &[Written::Folder("dumps")],
        parse: |printed| Ok(printed.parse("dumps", drop_glue::bodies)?.into_iter().map(Subject::Body).collect()),
        naming: Naming::DropGlueOfAType,
        // Drop glue is MIR: `{{#mir …}}` shows it, and its caption names the drop-glue flags.
        book: Book::AsListingsOf(Stage::Mir),
    },
    StageRow {
        stage: Stage::StateTransform,
        name: "state-transform",
        about: "Print a coroutine's MIR as it enters the coroutine transform (`before: f::{closure#0}`: its `yield`s and \
                storage markers) or as it leaves it (`after: f::{closure#0}`, its layout first) (`-Zdump-mir=StateTransform`, \
                opt-level 0, under RUSTC_BOOTSTRAP=1)",
        noun: "coroutine body",
        plural_noun: "coroutine bodies",
        example: "before: hello_world::{closure#0}",
        bootstrap: true,
        // At opt-level 0, as the `mir` stage, whose bodies are what comes out of this pass after
        // the passes that follow it. `-Zdump-mir` writes every body before and after the pass,
        // each into a file of its own, in the run's own scratch folder (so empty at first); the
        // MIR is emitted only so that the passes run, and is not kept.
        flags: |out| {
            vec![
                "-C".into(),
                "opt-level=0".into(),
                "-Zdump-mir=StateTransform".into(),
                format!("-Zdump-mir-dir={}", written(out, "dumps")),
                format!("--emit=mir={}", written(out, "mir")),
            ]
        },
        described_flags: "--emit=mir -C opt-level=0 -Zdump-mir=StateTransform (RUSTC_BOOTSTRAP=1)",
        kept: &[Written::Folder("dumps")],
        parse: |printed| Ok(printed.parse("dumps", state_transform::bodies)?.into_iter().map(Subject::Body).collect()),
        naming: Naming::AsWritten,
        // Its own directive: a body after the transform begins with the layout, which is no MIR
        // body the `mir` listings' parser reads.
        book: Book::Listing(Directive {
            noun: "state-transform",
            language: "rust",
            example: "ch05-lowering hello_world_before_state_transform",
            shows: "a coroutine's MIR as it enters or leaves the coroutine transform, from its snapshot",
        }),
    },
    StageRow {
        stage: Stage::LlvmIrUnoptimised,
        name: "llvm-ir-unoptimised",
        about: "Print a function's LLVM IR as rustc hands it to LLVM, before LLVM's passes (`--emit=llvm-ir -C \
                opt-level=3 -C no-prepopulate-passes`)",
        noun: "LLVM IR function",
        plural_noun: "LLVM IR functions",
        example: "poll_hello_world_twice",
        bootstrap: false,
        // rustc's own work at opt-level 3 (its MIR optimisations, the attributes it gives LLVM:
        // `inlinehint`, `noundef`…), with none of LLVM's passes run on it: what LLVM starts from
        // when it makes the `llvm-ir` stage's code and the asm listings'.
        flags: |out| llvm_ir_flags(out, &["-C", "no-prepopulate-passes"]),
        described_flags: "--emit=llvm-ir -C opt-level=3 -C no-prepopulate-passes -C codegen-units=1 \
                          -C target-cpu=x86-64 -C debuginfo=0 -C symbol-mangling-version=v0",
        kept: &[Written::File("ll")],
        parse: |printed| Ok(printed.parse("ll", llvm_ir::functions)?.into_iter().map(Subject::from).collect()),
        naming: Naming::AsWritten,
        // Listings of LLVM IR: `{{#llvm-ir …}}` shows them, and the caption names these flags.
        book: Book::AsListingsOf(Stage::LlvmIr),
    },
    StageRow {
        stage: Stage::LlvmIr,
        name: "llvm-ir",
        about: "Print a function's LLVM IR after LLVM's optimisations, as the asm listings' code comes from it \
                (`--emit=llvm-ir -C opt-level=3`)",
        noun: "LLVM IR function",
        plural_noun: "LLVM IR functions",
        example: "poll_hello_world_twice",
        bootstrap: false,
        flags: |out| llvm_ir_flags(out, &[]),
        described_flags: "--emit=llvm-ir -C opt-level=3 -C codegen-units=1 -C target-cpu=x86-64 -C debuginfo=0 \
                          -C symbol-mangling-version=v0",
        kept: &[Written::File("ll")],
        parse: |printed| Ok(printed.parse("ll", llvm_ir::functions)?.into_iter().map(Subject::from).collect()),
        naming: Naming::AsWritten,
        book: Book::Listing(Directive {
            noun: "LLVM IR",
            // The highlight.js that mdBook bundles has no LLVM grammar.
            language: "text",
            example: "ch01-the-experiment poll_hello_world_twice_unoptimised",
            shows: "an LLVM IR listing from its snapshot (both stages, before and after LLVM's passes)",
        }),
    },
];

/// The LLVM IR stages' flags: those of the asm listings that change the code (`flags.rs`: opt-level
/// 3, one codegen unit, the baseline x86-64), no debug information (its `!dbg` on every line says
/// nothing a listing shows), and v0 symbols, which name each closure as MIR does
/// (`{closure#0}`) where the legacy symbols of the asm listings say `{{closure}}`; then `extra`.
fn llvm_ir_flags(out: &Path, extra: &[&str]) -> Vec<String> {
    let flags = ["opt-level=3", "codegen-units=1", "target-cpu=x86-64", "debuginfo=0", "symbol-mangling-version=v0"];
    flags
        .iter()
        .flat_map(|flag| ["-C".to_owned(), (*flag).to_owned()])
        .chain(extra.iter().map(|word| (*word).to_owned()))
        .chain([format!("--emit=llvm-ir={}", written(out, "ll"))])
        .collect()
}

/// Every row sits at its variant's index, which [`Stage::row`] relies on.
const _: () = {
    let mut index = 0;
    while index < STAGES.len() {
        assert!(STAGES[index].stage as usize == index, "STAGES lists the stages in the order of Stage's variants");
        index += 1;
    }
};

impl Stage {
    /// Its row of [`STAGES`].
    pub fn row(self) -> &'static StageRow {
        &STAGES[self as usize]
    }

    /// Every stage, in the table's order.
    pub fn all() -> impl Iterator<Item = Stage> {
        STAGES.iter().map(|row| row.stage)
    }

    /// The stage called `name` (`type-sizes`).
    pub fn named(name: &str) -> Option<Stage> {
        STAGES.iter().find(|row| row.name == name).map(|row| row.stage)
    }

    /// `mir`: see [`StageRow::name`].
    pub fn name(self) -> &'static str {
        self.row().name
    }
}

impl StageRow {
    /// The flags, as the snapshots and captions describe them.
    pub fn describe(&self, edition: &str) -> String {
        format!("--edition {edition} --crate-type lib {}", self.described_flags)
    }

    /// The stage whose snapshot kind its listings are stored as: its own, or the one [`Book`]
    /// says they are shown among.
    pub fn shown_as(&self) -> Stage {
        match self.book {
            Book::AsListingsOf(other) => other,
            Book::Listing(_) | Book::LayoutPicture(_) => self.stage,
        }
    }

    /// Its directive, when it has one of its own.
    pub fn directive(&'static self) -> Option<&'static Directive> {
        match &self.book {
            Book::Listing(directive) | Book::LayoutPicture(directive) => Some(directive),
            Book::AsListingsOf(_) => None,
        }
    }

    /// The directive that shows its listings: its own, or that of the stage they are among.
    pub fn shown_by(&'static self) -> &'static Directive {
        let shown_as = self.shown_as().row();
        shown_as.directive().expect("a stage's listings are among those of a stage with a directive (tested below)")
    }
}

/// `out.<extension>`, as a flag names it.
fn written(out: &Path, extension: &str) -> String {
    out.with_extension(extension).display().to_string()
}

/// One thing rustc writes that a stage reads and keeps, by the name its parser asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file `out.<extension>`, named by its extension.
    File(&'static str),
    /// What rustc prints to standard output, under this name.
    Stdout(&'static str),
    /// Every file of the folder `out.<extension>`, one after the other in the order of their
    /// names (so that the text is the same on every file system), named by its extension.
    Folder(&'static str),
}

impl Written {
    pub fn name(self) -> &'static str {
        match self {
            Written::File(name) | Written::Stdout(name) | Written::Folder(name) => name,
        }
    }
}

/// What one run of a stage wrote, read back by name: what a row's parser reads.
pub struct Printed<'a> {
    pub(super) entry: &'a kept::Entry,
    /// `ch01-the-experiment's mir stage`, to name an output in an error.
    pub(super) of: String,
}

impl Printed<'_> {
    /// The output `name` (one of the row's [`Written`]) as text.
    pub fn text(&self, name: &str) -> Result<&str, Error> {
        self.entry.text(name).ok_or_else(|| Error::Read {
            path: self.what(name),
            reason: "the compiler wrote none, or not as UTF-8".to_owned(),
        })
    }

    /// The output `name` read by `parse`, whose error then names the output.
    pub fn parse<T>(&self, name: &str, parse: fn(&str) -> Result<T, ParseError>) -> Result<T, Error> {
        Ok(parse(self.text(name)?).map_err(self.in_output(name))?)
    }

    /// Names the output `name` in a parser's error.
    pub fn in_output(&self, name: &str) -> impl Fn(ParseError) -> ParseError {
        let what = self.what(name);
        move |error| error.in_file(what.clone())
    }

    /// An output is named by what it is (it is kept, not a file of its own).
    fn what(&self, name: &str) -> String {
        format!("the {name} of {}", self.of)
    }
}

/// How a reader may name a subject besides by its name or the end of its path
/// ([`select`](super::select)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Only so.
    AsWritten,
    /// An async fn's name stands for its future's type: `hello_world` for
    /// `{async fn body of hello_world()}`, when no subject is called so itself.
    AsyncFnForItsFuture,
    /// A type names its drop glue, and an async fn's name the drop glue of its future:
    /// `Named` and `f` for `drop_in_place::<Named>` and `drop_in_place::<{async fn body of
    /// f()}>` ([`drop_glue::subject`]).
    DropGlueOfAType,
}

/// How the book shows a stage's listings.
#[derive(Debug)]
pub enum Book {
    /// As a listing, from snapshots of the stage's own kind, with the directive
    /// `{{#NAME CHAPTER LISTING [part=PART]}}`.
    Listing(Directive),
    /// As the picture of its layout, `layout_LISTING`, with the listing folded under it, with the
    /// same directive.
    LayoutPicture(Directive),
    /// Among the listings of another stage, whose snapshots they are stored with and whose
    /// directive shows them: drop glue is MIR.
    AsListingsOf(Stage),
}

/// A stage's directive in the book.
#[derive(Debug)]
pub struct Directive {
    /// What a reader calls one of its listings: `no MIR listing `x` in …`.
    pub noun: &'static str,
    /// highlight.js's language for its text (its Rust grammar reads MIR and HIR well enough).
    pub language: &'static str,
    /// `CHAPTER LISTING` of a listing the book could show, which a test renders.
    pub example: &'static str,
    /// What it puts on the page, as the README's list of directives says it.
    pub shows: &'static str,
}

/// Every type's layout, each coroutine's (an async fn's future, an async closure's body, an
/// `async` block) with its tag placed and its states, both from the LLVM IR's debug information.
fn layouts(printed: &Printed<'_>) -> Result<Vec<Subject>, Error> {
    let mut layouts = printed.parse("printout", type_sizes::layouts)?;
    let llvm_ir = printed.text("ll")?;
    let in_ll = printed.in_output("ll");
    place_tags(&mut layouts, &coroutines(llvm_ir).map_err(&in_ll)?);
    Ok(layouts.into_iter().map(Subject::Layout).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ListingKind;

    #[test]
    fn every_stage_has_a_name_and_a_description_of_its_own() {
        for (index, row) in STAGES.iter().enumerate() {
            // A subcommand, a directive, a kept folder and a part of snapshot names (split at `__`).
            assert!(row.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", row.name);
            for other in &STAGES[index + 1..] {
                assert_ne!(row.name, other.name);
                // A snapshot's header is read back into its stage by the description.
                assert_ne!(row.described_flags, other.described_flags);
            }
            assert_eq!(Stage::named(row.name), Some(row.stage));
            assert_eq!(row.stage.row().name, row.name);
        }
    }

    #[test]
    fn a_stage_needs_rustc_bootstrap_exactly_when_it_passes_a_z_flag_and_its_caption_says_so() {
        for row in STAGES {
            let flags = (row.flags)(Path::new("/out/crate"));
            let unstable = flags.iter().any(|flag| flag.starts_with("-Z"));
            assert_eq!(row.bootstrap, unstable, "{}: {flags:?}", row.name);
            assert_eq!(row.described_flags.contains("(RUSTC_BOOTSTRAP=1)"), row.bootstrap, "{}", row.name);
            // Where the output goes is no part of the description.
            for flag in flags.iter().filter(|flag| flag.starts_with("-Z") && !flag.contains("/out/crate")) {
                let option = flag.split('=').next().unwrap();
                assert!(row.described_flags.contains(option), "{}: {option} is not described", row.name);
            }
            // A `-C` flag changes the code: the description gives it as it is.
            for pair in flags.windows(2).filter(|pair| pair[0] == "-C") {
                let flag = format!("-C {}", pair[1]);
                assert!(row.described_flags.contains(&flag), "{}: {flag} is not described", row.name);
            }
        }
    }

    #[test]
    fn every_file_a_stage_keeps_is_one_its_flags_make_rustc_write() {
        for row in STAGES {
            let flags = (row.flags)(Path::new("/out/crate")).join(" ");
            for written in row.kept {
                if let Written::File(extension) | Written::Folder(extension) = written {
                    assert!(flags.contains(&format!("/out/crate.{extension}")), "{}: {written:?} in {flags}", row.name);
                }
            }
        }
    }

    #[test]
    fn the_snapshot_kinds_of_the_stages_are_the_tables_rows_that_the_book_shows_with_a_directive() {
        let stage_kinds: Vec<Stage> = ListingKind::all()
            .into_iter()
            .filter_map(|kind| match kind {
                ListingKind::Stage(stage) => Some(stage),
                _ => None,
            })
            .collect();
        let with_a_directive: Vec<Stage> =
            STAGES.iter().filter(|row| row.directive().is_some()).map(|row| row.stage).collect();
        assert_eq!(stage_kinds, with_a_directive);
        for row in STAGES {
            let kind = ListingKind::from(row.stage);
            assert!(ListingKind::all().contains(&kind), "{}: {kind:?}", row.name);
            assert!(kind.as_str() == row.shown_as().name(), "{}", row.name);
            // Shown among another stage's listings: that stage has a directive of its own.
            assert!(row.shown_as().row().directive().is_some(), "{}", row.name);
        }
    }
}
