//! The one table of directives: the dispatch, the help for an unknown name and the README's
//! list all read it (see the module above for how to add a row). The stages' rows are made from
//! `listings::STAGES`, the one table of stages.

use std::sync::LazyLock;

use listings::{ListingKind, STAGES};

use super::{Entry, Expander, Parser, boxed};
use crate::aside::{Aside, EndAside};
use crate::course::{EndNotes, Exercise, Notes, Quiz, Schedule, Time};
use crate::cpp_listing::CppAsm;
use crate::experiment::ExperimentDirective;
use crate::generated_table::Table;
use crate::includes::{Include, Title};
use crate::listing::{Asm, Historical};
use crate::measured::{Figure, FiguresTable};
use crate::picture::Picture;
use crate::quote::Quote;
use crate::session::Session;
use crate::test_mark::TestMark;

/// In the order the README lists them: assembly listings, the stages' listings, the other
/// listings, pictures, figures, the course, then mdBook's.
pub static TABLE: LazyLock<Vec<Entry>> =
    LazyLock::new(|| ASSEMBLY.iter().copied().chain(stages()).chain(OTHERS.iter().copied()).collect());

/// A row for each stage of the compiler that the book shows with a directive of its own.
fn stages() -> impl Iterator<Item = Entry> {
    // Made once, for the table, which lives as long as the program: leaked.
    let text = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    STAGES.iter().filter_map(move |row| {
        let directive = row.directive()?;
        Some(Entry {
            name: row.name,
            usage: text(format!("{{{{#{} CHAPTER LISTING [part=PART]}}}}", row.name)),
            example: text(format!("{{{{#{} {}}}}}", row.name, directive.example)),
            shows: directive.shows,
            expander: Expander::Preprocessor,
            parser: Parser::Stage(row.stage),
        })
    })
}

static ASSEMBLY: &[Entry] = &[
    Entry {
        name: "asm",
        usage: "{{#asm CHAPTER LISTING [no-source] [part=PART] [note=\"LINE\" \"text\"]…}}",
        example: "{{#asm ch01-the-experiment hello_world_state_machine}}",
        shows: "an assembly listing from its snapshot, with its caption and a Compiler Explorer link; `no-source` \
                drops the interleaved Rust lines, `part=PART` shows a part the chapter's test defines, and each \
                `note=` numbers the one line that reads `LINE`",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Asm::parse(arguments).map(boxed)),
    },
    Entry {
        name: "asm-line",
        usage: "{{#asm-line CHAPTER LISTING \"line as the listing shows it\"}}",
        example: "{{#asm-line ch01-the-experiment hello_world_state_machine \"mov rbx, rdi\"}}",
        shows: "one line of an assembly listing, quoted in the prose as code; the build fails when the listing \
                no longer has it",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Quote::parse(ListingKind::Asm, arguments).map(boxed)),
    },
    Entry {
        name: "historical-asm",
        usage: "{{#historical-asm PATH \"caption\"}}",
        example: "{{#historical-asm seed/listing-from-the-seed.s \"The seed note's listing, from a rustc before 1.67\"}}",
        shows: "the one listing nothing regenerates (the seed note's), captioned as historical",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Historical::parse(arguments).map(boxed)),
    },
];

static OTHERS: &[Entry] = &[
    Entry {
        name: "table",
        usage: "{{#table CHAPTER LISTING}}",
        example: "{{#table ch08-machine-code three_awaits_by_opt_level}}",
        shows: "a table a chapter's tests generate from listings",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Table::parse(arguments).map(boxed)),
    },
    Entry {
        name: "cpp-asm",
        usage: "{{#cpp-asm CHAPTER LISTING}}",
        example: "{{#cpp-asm ch08-machine-code three_awaits_destroy}}",
        shows: "a C++ listing made by the pinned g++, with its Compiler Explorer link",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| CppAsm::parse(arguments).map(boxed)),
    },
    Entry {
        name: "cpp-asm-line",
        usage: "{{#cpp-asm-line CHAPTER LISTING \"line as the listing shows it\"}}",
        example: "{{#cpp-asm-line ch08-machine-code three_awaits_destroy \"or WORD PTR 40[rdi], 1\"}}",
        shows: "one line of a C++ listing, quoted as `asm-line` quotes",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Quote::parse(ListingKind::CppAsm, arguments).map(boxed)),
    },
    Entry {
        name: "experiment",
        usage: "{{#experiment CHAPTER NAME [no-source]}}",
        example: "{{#experiment ch08-machine-code yield_once_poll_is_called_at_z no-source}}",
        shows: "a why-experiment a chapter's `tests/why.rs` ran: the effect and the one change, the two listings side \
                by side as their own directives show them, the command that runs it and those that print its listings; \
                refused when a listing has changed since it was run",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| ExperimentDirective::parse(arguments).map(boxed)),
    },
    Entry {
        name: "session",
        usage: "{{#session CHAPTER LISTING}}",
        example: "{{#session ch08-machine-code debugger_async_stack}}",
        shows: "what a program, or gdb on a program, printed when a chapter's `tests/debugger.rs` ran it, with \
                addresses and ids replaced, and a caption saying how it was built and run",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Session::parse(arguments).map(boxed)),
    },
    Entry {
        name: "aside",
        usage: "{{#aside \"KIND: SUMMARY\"}}",
        example: "{{#aside \"Deeper: why the vtable is reached through the GOT\"}}",
        shows: "the start of an aside, collapsed to its one-line summary (KIND is `Deeper`, `History`, `Tooling` or \
                `Aside`) and open in print; it stands on a line of its own, and so does its end",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Aside::parse(arguments).map(boxed)),
    },
    Entry {
        name: "end-aside",
        usage: "{{#end-aside}}",
        example: "{{#end-aside}}",
        shows: "the end of an aside",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| EndAside::parse(arguments).map(boxed)),
    },
    Entry {
        name: "test",
        usage: "{{#test CHAPTER TEST}}",
        example: "{{#test ch04-executors an_unpark_that_comes_before_the_park_is_not_lost}}",
        shows: "a mark after a claim that names, on hover and in print, the chapter's test that holds it; refused when \
                the chapter has no such test",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| TestMark::parse(arguments).map(boxed)),
    },
    Entry {
        name: "picture",
        usage: "{{#picture CHAPTER NAME}}",
        example: "{{#picture ch01-the-experiment waker_noop_clone}}",
        shows: "an SVG picture a chapter's tests drew from its listings; refused when a listing it was drawn from \
                has changed since",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Picture::parse(arguments).map(boxed)),
    },
    Entry {
        name: "figures",
        usage: "{{#figures CHAPTER TABLE}}",
        example: "{{#figures ch09-cost wakers}}",
        shows: "a table of a chapter's measured figures (`figures.toml`); refused when a source they were measured \
                on has changed since",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| FiguresTable::parse(arguments).map(boxed)),
    },
    Entry {
        name: "figure",
        usage: "{{#figure CHAPTER NAME}}",
        example: "{{#figure ch09-cost poll_ratio}}",
        shows: "one measured value, in a sentence",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Figure::parse(arguments).map(boxed)),
    },
    Entry {
        name: "quiz",
        usage: "{{#quiz CHAPTER}}",
        example: "{{#quiz ch01-the-experiment}}",
        shows: "the chapter's quiz (`quiz.toml`), answered in the page",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Quiz::parse(arguments).map(boxed)),
    },
    Entry {
        name: "exercise",
        usage: "{{#exercise NAME}}",
        example: "{{#exercise ch03-counting-waker}}",
        shows: "an exercise: its task, its starter, its files and the commands that start and check it",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Exercise::parse(arguments).map(boxed)),
    },
    Entry {
        name: "time",
        usage: "{{#time N min [workshop]}}",
        example: "{{#time 15 min}}",
        shows: "the teaching time of the `##` section it is under (`workshop`: in the half-day workshop too)",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Time::parse(arguments).map(boxed)),
    },
    Entry {
        name: "notes",
        usage: "{{#notes}}",
        example: "{{#notes}}",
        shows: "the start of the section's speaker notes, which only the instructor view, the projector view's notes window and the trainer's print show",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Notes::parse(arguments).map(boxed)),
    },
    Entry {
        name: "end-notes",
        usage: "{{#end-notes}}",
        example: "{{#end-notes}}",
        shows: "the end of the speaker notes",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| EndNotes::parse(arguments).map(boxed)),
    },
    Entry {
        name: "schedule",
        usage: "{{#schedule}}",
        example: "{{#schedule}}",
        shows: "the courses the sections' times make: two days, four days and a half-day workshop",
        expander: Expander::Preprocessor,
        parser: Parser::Own(|arguments| Schedule::parse(arguments).map(boxed)),
    },
    Entry {
        name: "include",
        usage: "{{#include FILE[:ANCHOR|:LINES]}}",
        example: "{{#include ../chapters/ch01-the-experiment/src/lib.rs:noop_waker}}",
        shows: "a file, an anchored part of it or some of its lines; the file, anchor or lines must exist",
        expander: Expander::MdBook,
        parser: Parser::Own(|arguments| Include::parse(crate::includes::IncludeKind::Include, arguments).map(boxed)),
    },
    Entry {
        name: "rustdoc_include",
        usage: "{{#rustdoc_include FILE[:ANCHOR|:LINES]}}",
        example: "{{#rustdoc_include ../chapters/ch01-the-experiment/src/lib.rs:noop_waker}}",
        shows: "as `include`, with the rest of the file hidden",
        expander: Expander::MdBook,
        parser: Parser::Own(|arguments| {
            Include::parse(crate::includes::IncludeKind::RustdocInclude, arguments).map(boxed)
        }),
    },
    Entry {
        name: "playground",
        usage: "{{#playground FILE [ATTRIBUTE…]}}",
        example: "{{#playground ../chapters/ch01-the-experiment/src/lib.rs editable}}",
        shows: "a whole file as a runnable example",
        expander: Expander::MdBook,
        parser: Parser::Own(|arguments| Include::parse(crate::includes::IncludeKind::Playground, arguments).map(boxed)),
    },
    Entry {
        name: "playpen",
        usage: "{{#playpen FILE [ATTRIBUTE…]}}",
        example: "{{#playpen ../chapters/ch01-the-experiment/src/lib.rs}}",
        shows: "the former name of `playground`",
        expander: Expander::MdBook,
        parser: Parser::Own(|arguments| Include::parse(crate::includes::IncludeKind::Playground, arguments).map(boxed)),
    },
    Entry {
        name: "title",
        usage: "{{#title TITLE}}",
        example: "{{#title The experiment}}",
        shows: "the page's title in the browser",
        expander: Expander::MdBook,
        parser: Parser::Own(|arguments| Title::parse(arguments).map(boxed)),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_in_the_table_once() {
        let mut names: Vec<&str> = TABLE.iter().map(|entry| entry.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a name twice: {names:?}");
    }

    #[test]
    fn every_usage_and_example_is_written_with_its_own_name() {
        for entry in TABLE.iter() {
            let name = format!("{{{{#{}", entry.name);
            assert!(entry.usage.starts_with(&name), "{}: {}", entry.name, entry.usage);
            let found = super::super::find(entry.example);
            assert_eq!(found.len(), 1, "{}: {}", entry.name, entry.example);
            assert_eq!(found[0].name, entry.name, "{}", entry.example);
            assert_eq!(found[0].span, 0..entry.example.len(), "{}", entry.example);
        }
    }

    #[test]
    fn every_stage_the_book_shows_with_a_directive_has_its_row_and_no_other_stage_has_one() {
        for row in STAGES {
            let rows: Vec<&Entry> = TABLE.iter().filter(|entry| entry.name == row.name).collect();
            match row.directive() {
                Some(_) => assert!(
                    matches!(rows[..], [Entry { parser: Parser::Stage(stage), .. }] if *stage == row.stage),
                    "{}: {rows:?}",
                    row.name
                ),
                // Shown among another stage's listings, by that stage's directive.
                None => assert!(rows.is_empty(), "{}: {rows:?}", row.name),
            }
        }
        for entry in TABLE.iter() {
            if let Parser::Stage(stage) = entry.parser {
                assert_eq!(entry.name, stage.name());
            }
        }
    }

    #[test]
    fn every_example_parses() {
        for entry in TABLE.iter() {
            let found = &super::super::find(entry.example)[0];
            if let Err(error) = entry.parse(&found.arguments) {
                panic!("{}: {error}", entry.example);
            }
        }
    }
}
