//! The one table of directives: the dispatch, the help for an unknown name and the README's
//! list all read it (see the module above for how to add a row).

use listings::ListingKind;

use super::{Entry, Expander, boxed};
use crate::course::{EndNotes, Exercise, Notes, Quiz, Schedule, Time};
use crate::cpp_listing::CppAsm;
use crate::generated_table::Table;
use crate::includes::{Include, Title};
use crate::listing::{Asm, Historical, Stage};
use crate::measured::{Figure, FiguresTable};
use crate::picture::{Picture, TypeSizes};
use crate::quote::Quote;

/// In the order the README lists them: listings, pictures, figures, the course, then mdBook's.
pub static TABLE: &[Entry] = &[
    Entry {
        name: "asm",
        usage: "{{#asm CHAPTER LISTING [no-source] [part=PART] [note=\"LINE\" \"text\"]…}}",
        example: "{{#asm ch01-the-experiment hello_world_state_machine}}",
        shows: "an assembly listing from its snapshot, with its caption and a Compiler Explorer link; `no-source` \
                drops the interleaved Rust lines, `part=PART` shows a part the chapter's test defines, and each \
                `note=` numbers the one line that reads `LINE`",
        expander: Expander::Preprocessor,
        parser: |arguments| Asm::parse(arguments).map(boxed),
    },
    Entry {
        name: "asm-line",
        usage: "{{#asm-line CHAPTER LISTING \"line as the listing shows it\"}}",
        example: "{{#asm-line ch01-the-experiment hello_world_state_machine \"mov rbx, rdi\"}}",
        shows: "one line of an assembly listing, quoted in the prose as code; the build fails when the listing \
                no longer has it",
        expander: Expander::Preprocessor,
        parser: |arguments| Quote::parse(ListingKind::Asm, arguments).map(boxed),
    },
    Entry {
        name: "historical-asm",
        usage: "{{#historical-asm PATH \"caption\"}}",
        example: "{{#historical-asm seed/listing-from-the-seed.s \"The seed note's listing, from a rustc before 1.67\"}}",
        shows: "the one listing nothing regenerates (the seed note's), captioned as historical",
        expander: Expander::Preprocessor,
        parser: |arguments| Historical::parse(arguments).map(boxed),
    },
    Entry {
        name: "mir",
        usage: "{{#mir CHAPTER LISTING [part=PART]}}",
        example: "{{#mir ch05-lowering hello_world_state_machine}}",
        shows: "a MIR listing from its snapshot",
        expander: Expander::Preprocessor,
        parser: |arguments| Stage::parse(ListingKind::Mir, arguments).map(boxed),
    },
    Entry {
        name: "hir",
        usage: "{{#hir CHAPTER LISTING [part=PART]}}",
        example: "{{#hir ch05-lowering hello_world}}",
        shows: "a HIR listing from its snapshot",
        expander: Expander::Preprocessor,
        parser: |arguments| Stage::parse(ListingKind::Hir, arguments).map(boxed),
    },
    Entry {
        name: "type-sizes",
        usage: "{{#type-sizes CHAPTER LISTING [part=PART]}}",
        example: "{{#type-sizes ch05-lowering hello_world}}",
        shows: "a layout as its picture (`layout_LISTING`, which must exist), with the compiler's print-out folded \
                under it",
        expander: Expander::Preprocessor,
        parser: |arguments| TypeSizes::parse(arguments).map(boxed),
    },
    Entry {
        name: "table",
        usage: "{{#table CHAPTER LISTING}}",
        example: "{{#table ch08-machine-code three_awaits_by_opt_level}}",
        shows: "a table a chapter's tests generate from listings",
        expander: Expander::Preprocessor,
        parser: |arguments| Table::parse(arguments).map(boxed),
    },
    Entry {
        name: "cpp-asm",
        usage: "{{#cpp-asm CHAPTER LISTING}}",
        example: "{{#cpp-asm ch08-machine-code three_awaits_destroy}}",
        shows: "a C++ listing made by the pinned g++, with its Compiler Explorer link",
        expander: Expander::Preprocessor,
        parser: |arguments| CppAsm::parse(arguments).map(boxed),
    },
    Entry {
        name: "cpp-asm-line",
        usage: "{{#cpp-asm-line CHAPTER LISTING \"line as the listing shows it\"}}",
        example: "{{#cpp-asm-line ch08-machine-code three_awaits_destroy \"or WORD PTR 40[rdi], 1\"}}",
        shows: "one line of a C++ listing, quoted as `asm-line` quotes",
        expander: Expander::Preprocessor,
        parser: |arguments| Quote::parse(ListingKind::CppAsm, arguments).map(boxed),
    },
    Entry {
        name: "picture",
        usage: "{{#picture CHAPTER NAME}}",
        example: "{{#picture ch01-the-experiment waker_noop_clone}}",
        shows: "an SVG picture a chapter's tests drew from its listings; refused when a listing it was drawn from \
                has changed since",
        expander: Expander::Preprocessor,
        parser: |arguments| Picture::parse(arguments).map(boxed),
    },
    Entry {
        name: "figures",
        usage: "{{#figures CHAPTER TABLE}}",
        example: "{{#figures ch09-cost wakers}}",
        shows: "a table of a chapter's measured figures (`figures.toml`); refused when a source they were measured \
                on has changed since",
        expander: Expander::Preprocessor,
        parser: |arguments| FiguresTable::parse(arguments).map(boxed),
    },
    Entry {
        name: "figure",
        usage: "{{#figure CHAPTER NAME}}",
        example: "{{#figure ch09-cost poll_ratio}}",
        shows: "one measured value, in a sentence",
        expander: Expander::Preprocessor,
        parser: |arguments| Figure::parse(arguments).map(boxed),
    },
    Entry {
        name: "quiz",
        usage: "{{#quiz CHAPTER}}",
        example: "{{#quiz ch01-the-experiment}}",
        shows: "the chapter's quiz (`quiz.toml`), answered in the page",
        expander: Expander::Preprocessor,
        parser: |arguments| Quiz::parse(arguments).map(boxed),
    },
    Entry {
        name: "exercise",
        usage: "{{#exercise NAME}}",
        example: "{{#exercise ch03-counting-waker}}",
        shows: "an exercise: its task, its starter, its files and the commands that start and check it",
        expander: Expander::Preprocessor,
        parser: |arguments| Exercise::parse(arguments).map(boxed),
    },
    Entry {
        name: "time",
        usage: "{{#time N min [workshop]}}",
        example: "{{#time 15 min}}",
        shows: "the teaching time of the `##` section it is under (`workshop`: in the half-day workshop too)",
        expander: Expander::Preprocessor,
        parser: |arguments| Time::parse(arguments).map(boxed),
    },
    Entry {
        name: "notes",
        usage: "{{#notes}}",
        example: "{{#notes}}",
        shows: "the start of the section's speaker notes, which only the instructor view and print show",
        expander: Expander::Preprocessor,
        parser: |arguments| Notes::parse(arguments).map(boxed),
    },
    Entry {
        name: "end-notes",
        usage: "{{#end-notes}}",
        example: "{{#end-notes}}",
        shows: "the end of the speaker notes",
        expander: Expander::Preprocessor,
        parser: |arguments| EndNotes::parse(arguments).map(boxed),
    },
    Entry {
        name: "schedule",
        usage: "{{#schedule}}",
        example: "{{#schedule}}",
        shows: "the courses the sections' times make: two days, four days and a half-day workshop",
        expander: Expander::Preprocessor,
        parser: |arguments| Schedule::parse(arguments).map(boxed),
    },
    Entry {
        name: "include",
        usage: "{{#include FILE[:ANCHOR|:LINES]}}",
        example: "{{#include ../chapters/ch01-the-experiment/src/lib.rs:noop_waker}}",
        shows: "a file, an anchored part of it or some of its lines; the file, anchor or lines must exist",
        expander: Expander::MdBook,
        parser: |arguments| Include::parse(crate::includes::IncludeKind::Include, arguments).map(boxed),
    },
    Entry {
        name: "rustdoc_include",
        usage: "{{#rustdoc_include FILE[:ANCHOR|:LINES]}}",
        example: "{{#rustdoc_include ../chapters/ch01-the-experiment/src/lib.rs:noop_waker}}",
        shows: "as `include`, with the rest of the file hidden",
        expander: Expander::MdBook,
        parser: |arguments| Include::parse(crate::includes::IncludeKind::RustdocInclude, arguments).map(boxed),
    },
    Entry {
        name: "playground",
        usage: "{{#playground FILE [ATTRIBUTE…]}}",
        example: "{{#playground ../chapters/ch01-the-experiment/src/lib.rs editable}}",
        shows: "a whole file as a runnable example",
        expander: Expander::MdBook,
        parser: |arguments| Include::parse(crate::includes::IncludeKind::Playground, arguments).map(boxed),
    },
    Entry {
        name: "playpen",
        usage: "{{#playpen FILE [ATTRIBUTE…]}}",
        example: "{{#playpen ../chapters/ch01-the-experiment/src/lib.rs}}",
        shows: "the former name of `playground`",
        expander: Expander::MdBook,
        parser: |arguments| Include::parse(crate::includes::IncludeKind::Playground, arguments).map(boxed),
    },
    Entry {
        name: "title",
        usage: "{{#title TITLE}}",
        example: "{{#title The experiment}}",
        shows: "the page's title in the browser",
        expander: Expander::MdBook,
        parser: |arguments| Title::parse(arguments).map(boxed),
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
        for entry in TABLE {
            let name = format!("{{{{#{}", entry.name);
            assert!(entry.usage.starts_with(&name), "{}: {}", entry.name, entry.usage);
            let found = super::super::find(entry.example);
            assert_eq!(found.len(), 1, "{}: {}", entry.name, entry.example);
            assert_eq!(found[0].name, entry.name, "{}", entry.example);
            assert_eq!(found[0].span, 0..entry.example.len(), "{}", entry.example);
        }
    }

    #[test]
    fn every_example_parses() {
        for entry in TABLE {
            let found = &super::super::find(entry.example)[0];
            if let Err(error) = entry.parse(&found.arguments) {
                panic!("{}: {error}", entry.example);
            }
        }
    }
}
