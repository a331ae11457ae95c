//! The compile step against cargo's habits: cargo does not count the `.s` as an output, so a
//! deleted one must still come back.

use listings::{CodegenFlags, Workspace, assembly_text};

#[test]
fn a_deleted_assembly_file_is_regenerated_although_cargo_thinks_the_crate_is_fresh() {
    // A flag set of its own, so that no other test's files are touched.
    let flags = CodegenFlags { opt_level: "1".into() };
    let first = assembly_text("ch01", &flags).unwrap_or_else(|e| panic!("{e}"));
    let path = Workspace::this_checkout().root.join("target/listings/asm-opt1/ch01_the_experiment.s");
    assert!(path.is_file(), "{} was not written", path.display());

    std::fs::remove_file(&path).unwrap();
    let again = assembly_text("ch01", &flags).unwrap_or_else(|e| panic!("{e}"));

    assert!(path.is_file(), "{} did not come back", path.display());
    assert_eq!(first, again, "the same crate and flags give the same assembly");
}

#[test]
fn the_assembly_names_no_path_of_this_machine() {
    let text = assembly_text("ch01", &CodegenFlags::default()).unwrap_or_else(|e| panic!("{e}"));
    let root = Workspace::this_checkout().root;
    assert!(!text.contains(root.to_str().unwrap()), "the checkout path leaked into the .s");
    if let Some(home) = std::env::var_os("HOME") {
        assert!(!text.contains(home.to_str().unwrap()), "the home folder leaked into the .s");
    }
}
