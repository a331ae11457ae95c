//! Input the parsers cannot read is an error naming the line and what was expected there, never
//! a quiet result: one test for each way issue 20 found a parser guessing.

use listings::asm::Program;
use listings::{Expected, Format, ParseError};

const TINY: &str = include_str!("fixtures/tiny.s");

fn assembly_error(text: &str) -> ParseError {
    match Program::parse(text) {
        Ok(program) => panic!("parsed, with {} functions", program.functions().len()),
        Err(error) => error,
    }
}

/// The line (1-based) of the fixture that equals `wanted`.
fn line_of(text: &str, wanted: &str) -> usize {
    text.lines().position(|line| line == wanted).unwrap_or_else(|| panic!("no line {wanted:?}")) + 1
}

// ---- assembly -----------------------------------------------------------------------------------

#[test]
fn an_assembler_file_cut_inside_a_functions_body_is_an_error_naming_where_the_function_began() {
    let cut = TINY.split("\tmov\tbyte ptr [rbx], 3").next().unwrap();
    let error = assembly_error(cut);
    assert_eq!(error.format, Format::Assembly);
    // The file ends before the `.note.GNU-stack` every compiler writes last.
    assert_eq!(error.expected, Expected::AssemblyEnd, "{error}");
    assert_eq!(error.line, cut.lines().count() + 1);
    assert!(error.to_string().contains("is the file cut short?"), "{error}");
}

#[test]
fn a_function_whose_size_never_comes_is_an_error_at_its_label() {
    let symbol = "_ZN4tiny5state28_$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE";
    let size_line = TINY.lines().find(|line| line.starts_with(&format!("\t.size\t{symbol},"))).unwrap();
    let without_size = TINY.replace(&format!("{size_line}\n"), "");
    let error = assembly_error(&without_size);
    assert_eq!(error.expected, Expected::FunctionEnd { symbol: symbol.into() });
    assert_eq!((error.line, error.text.as_str()), (line_of(TINY, &format!("{symbol}:")), &*format!("{symbol}:")));
}

#[test]
fn a_function_type_with_neither_code_nor_an_alias_is_an_error_at_its_type_line() {
    let text =
        TINY.replace("\t.section\t\".note.GNU-stack\"", "\t.type\tghost,@function\n\t.section\t\".note.GNU-stack\"");
    let error = assembly_error(&text);
    assert_eq!(error.expected, Expected::FunctionCode { symbol: "ghost".into() });
    assert_eq!(error.text, "\t.type\tghost,@function");
}

#[test]
fn no_line_of_unknown_shape_passes_not_even_in_a_test_of_its_own() {
    let text = TINY.replace("\tret\n", "\tret\nNot assembly at all\n");
    let error = assembly_error(&text);
    assert_eq!((error.expected, error.text.as_str()), (Expected::AsmLine, "Not assembly at all"));
}

#[test]
fn an_alias_of_nothing_is_an_error_at_the_alias() {
    let text = TINY.replace(
        "\t.section\t\".note.GNU-stack\"",
        "\t.type\torphan,@function\norphan = nowhere\n\t.section\t\".note.GNU-stack\"",
    );
    let error = assembly_error(&text);
    assert_eq!(
        (error.expected, error.text.as_str()),
        (Expected::AliasOfCode { alias: "orphan".into() }, "orphan = nowhere")
    );
}

#[test]
fn an_alias_cycle_is_an_error_at_the_alias() {
    let text = TINY.replace(
        "\t.section\t\".note.GNU-stack\"",
        "\t.type\ta,@function\n\t.type\tb,@function\na = b\nb = a\n\t.section\t\".note.GNU-stack\"",
    );
    let error = assembly_error(&text);
    assert_eq!((error.expected, error.text.as_str()), (Expected::AliasWithoutCycle { alias: "a".into() }, "a = b"));
}

#[test]
fn a_jump_table_whose_label_is_gone_is_an_error_where_the_code_refers_to_it() {
    let text = TINY.replace(".LJTI1_0:\n", "");
    let error = assembly_error(&text);
    assert_eq!(error.expected, Expected::DefinedLabel { label: ".LJTI1_0".into() });
    assert_eq!(error.text, "\tlea\trcx, [rip + .LJTI1_0]");
}

#[test]
fn a_function_whose_type_line_is_gone_is_an_error_not_a_function_fewer() {
    let symbol = "_ZN4tiny5state28_$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE";
    let without_type = TINY.replace(&format!("\t.type\t{symbol},@function\n"), "");
    let error = assembly_error(&without_type);
    assert_eq!(error.expected, Expected::FunctionType { symbol: symbol.into() }, "{error}");
    // Its `.size` garbled as well, the end LLVM marks its code with still names it.
    let size = format!("-{symbol}\n");
    let both = without_type.replace(&size, "-garbled\n");
    let error = assembly_error(&both);
    assert_eq!(
        (error.expected, error.text.as_str()),
        (Expected::FunctionAround { label: ".Lfunc_end1".into() }, ".Lfunc_end1:")
    );
}
