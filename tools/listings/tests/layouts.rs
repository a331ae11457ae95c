//! Layout tables of small types of the project's own (fixtures/layouts: a union, a packed
//! struct, niche-filled and tagged enums, zero-sized fields, a future), and of every type of
//! every chapter, as the pinned rustc prints them: every byte in exactly one row, every field
//! shown.

use listings::lowering::type_sizes::{Cell, TagPlace};
use listings::lowering::{Subject, TypeLayout, output};
use listings::{Chapter, Rustc, Stage, Workspace};

/// Compiled once: the tests run in parallel and rustc writes to one place.
fn fixture_layouts() -> Vec<TypeLayout> {
    static LAYOUTS: std::sync::OnceLock<Vec<TypeLayout>> = std::sync::OnceLock::new();
    LAYOUTS.get_or_init(compile_fixture).clone()
}

fn compile_fixture() -> Vec<TypeLayout> {
    let workspace = Workspace::this_checkout();
    let chapter = Chapter { slug: "layouts".into(), dir: workspace.root.join("tools/listings/tests/fixtures/layouts") };
    let rustc = Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
    let output = output(&workspace, &chapter, Stage::TypeSizes, &rustc).unwrap_or_else(|e| panic!("{e}"));
    let layout = |subject| match subject {
        Subject::Layout(layout) => layout,
        other => panic!("{other:?}"),
    };
    output.subjects.into_iter().map(layout).collect()
}

fn starts(kind: &str, name: &str) -> Cell {
    Cell::Starts { kind: kind.into(), name: name.into() }
}

fn layout<'a>(layouts: &'a [TypeLayout], name: &str) -> &'a TypeLayout {
    layouts.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no layout of {name}"))
}

/// The rendered cells of one row of a type's table, by its byte range.
fn row(layout: &TypeLayout, bytes: std::ops::Range<u64>) -> Vec<Cell> {
    let table = layout.table();
    table
        .rows
        .into_iter()
        .find(|r| r.bytes == bytes)
        .unwrap_or_else(|| panic!("no row {bytes:?}: {}", layout.table()))
        .cells
}

#[test]
fn every_table_of_the_fixture_shows_every_byte_once_and_every_field() {
    let layouts = fixture_layouts();
    assert!(layouts.len() > 20, "std's types are printed too: {}", layouts.len());
    for layout in &layouts {
        assert_eq!(layout.table().check(layout), Ok(()), "{}", layout.table());
    }
}

#[test]
fn a_unions_overlapping_fields_each_get_a_column() {
    let layouts = fixture_layouts();
    let union = layout(&layouts, "Overlapping");
    assert_eq!(union.table().columns, ["Overlapping", "Overlapping (2)"]);
    assert_eq!(row(union, 0..4), [starts("field", "word"), starts("field", "wide")]);
}

#[test]
fn a_packed_struct_has_its_word_at_offset_1() {
    let layouts = fixture_layouts();
    let packed = layout(&layouts, "Packed");
    assert_eq!((packed.size, packed.align), (5, 1));
    assert_eq!(row(packed, 1..5), [starts("field", "value")]);
}

#[test]
fn trailing_padding_has_a_row() {
    let layouts = fixture_layouts();
    assert_eq!(row(layout(&layouts, "TrailingPadding"), 5..8), [Cell::Padding]);
}

#[test]
fn a_niche_filled_option_has_no_tag_and_a_tagged_enum_has_it_first() {
    let layouts = fixture_layouts();
    let niche = layout(&layouts, "std::option::Option<std::num::NonZero<u32>>");
    assert_eq!((niche.size, niche.discriminant, niche.tag), (4, None, None));
    let tagged = layout(&layouts, "Tagged");
    assert_eq!(tagged.tag, Some(TagPlace::First));
    assert_eq!(row(tagged, 0..1), [Cell::Tag, Cell::Tag, Cell::Tag]);
    assert_eq!(row(tagged, 8..16)[0], starts("field", "0"));
}

#[test]
fn zero_sized_fields_are_shown_and_an_all_zero_sized_type_has_rows() {
    let layouts = fixture_layouts();
    let markers = layout(&layouts, "WithMarkers");
    let text = markers.table().to_string();
    for field in ["field value", "field marker", "field unit"] {
        assert!(text.contains(field), "{field}: {text}");
    }
    let all_zst = layout(&layouts, "AllZeroSized");
    assert_eq!(all_zst.size, 0);
    assert_eq!(all_zst.table().rows.len(), 1, "{}", all_zst.table());
    assert_eq!(row(all_zst, 0..0), [starts("field", "marker"), starts("field", "unit")]);
}

#[test]
fn a_futures_tag_is_placed_from_the_debug_information() {
    let layouts = fixture_layouts();
    let future = layout(&layouts, "{async fn body of holds_a_word()}");
    let tag = future.tag.unwrap_or_else(|| panic!("{}", future.table()));
    assert!(matches!(tag, TagPlace::FromDebugInfo(_)), "{tag:?}");
    assert_eq!(future.table().check(future), Ok(()));
}

#[test]
fn every_table_of_every_chapter_shows_every_byte_once_and_every_field() {
    for chapter in Workspace::this_checkout().chapters().unwrap() {
        for subject in listings::stage_subjects(&chapter.slug, Stage::TypeSizes).unwrap_or_else(|e| panic!("{e}")) {
            let listing = listings::stage(&chapter.slug, Stage::TypeSizes, &subject).unwrap_or_else(|e| panic!("{e}"));
            let layout = listing.layout.expect("a type-size listing carries its layout");
            assert_eq!(layout.table().check(&layout), Ok(()), "{}: {}", chapter.slug, layout.table());
        }
    }
}
