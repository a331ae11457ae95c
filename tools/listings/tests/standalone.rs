//! A file compiled on its own (an exercise's source) gets the code a chapter compiled through
//! cargo gets: the flags of the two paths live in one type and must say the same thing.

use listings::{AsmOptions, CodegenFlags, Workspace, asm, asm_of_file};

#[test]
fn standalone_listing_equals_the_cargo_listing() {
    let source = Workspace::this_checkout().root.join("chapters/ch01-the-experiment/src/lib.rs");
    for (function, options) in [
        ("hello_world::{{closure}}", AsmOptions::default()),
        ("noop_clone", AsmOptions { source: false, data: true }),
        ("poll_hello_world_twice", AsmOptions::default()),
    ] {
        let through_cargo = asm("ch01", function, &options).unwrap_or_else(|e| panic!("{e}"));
        let alone = asm_of_file(&source, "ch01_the_experiment", function, &options, &CodegenFlags::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(alone.to_string(), through_cargo.to_string(), "{function}");
    }
}

#[test]
fn a_file_that_does_not_compile_is_an_error_with_rustcs_message() {
    let dir = Workspace::this_checkout().tools_dir("standalone-test");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("broken.rs");
    std::fs::write(&source, "pub fn f() -> u8 { \"not a byte\" }\n").unwrap();
    let error = asm_of_file(&source, "broken", "f", &AsmOptions::default(), &CodegenFlags::default()).unwrap_err();
    assert!(error.to_string().contains("mismatched types"), "{error}");
}
