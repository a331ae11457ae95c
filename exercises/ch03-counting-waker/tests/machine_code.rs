//! The machine code of the student's own `counting_wake_by_ref`.

use std::path::Path;

use listings::{AsmOptions, CodegenFlags, Error, asm_of_file};

#[test]
fn wake_by_ref_compiles_to_one_locked_increment_and_a_return() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let listing = match asm_of_file(
        &source,
        "ch03_counting_waker",
        "counting_wake_by_ref",
        &AsmOptions::default(),
        &CodegenFlags::default(),
    ) {
        Ok(listing) => listing,
        Err(Error::UnknownFunction { known, .. }) => panic!(
            "counting_wake_by_ref has no machine code of its own: it compiled to the same code as another function \
             (an empty body does), and LLVM kept one copy for both. The functions with code: {}",
            known.join(", ")
        ),
        Err(error) => panic!("{error}"),
    };
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    let locked = instructions.iter().filter(|(mnemonic, _)| mnemonic.starts_with("lock ")).count();
    assert!(
        instructions.len() == 2 && locked == 1 && instructions[1] == ("ret", ""),
        "counting_wake_by_ref should be one locked increment of the counter behind the data pointer, then ret; \
         yours is {} instructions, {locked} of them locked:\n{listing}",
        instructions.len()
    );
    assert!(
        instructions[0].1.starts_with("qword ptr [rdi"),
        "the counter lives behind the data pointer, which arrives in rdi:\n{listing}"
    );
}
