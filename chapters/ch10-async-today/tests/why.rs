//! Chapter 10's why-experiments: each causal claim of the page, tested by taking its cause away.
//! A test is named after its experiment, which the page shows with `{{#experiment
//! ch10-async-today NAME}}` and runs with `cargo test -p ch10-async-today --test why NAME`.

const CHAPTER: &str = env!("CARGO_PKG_NAME");

// ---- traits ------------------------------------------------------------------------------------
//
// Paths in full, as in the library: each section of this file stands alone.

fn traits_asm(function: &str) -> listings::AsmListing {
    let options = listings::AsmOptions::default();
    listings::asm(CHAPTER, function, &options).unwrap_or_else(|error| panic!("{error}"))
}

/// "With the type known, … the allocation and the free are gone": `get_boxed` and `get_dyn` are
/// one function with two parameter types, `&Memory` and `&dyn BoxedStore`; only the second frees
/// a box.
#[test]
fn traits_the_concrete_type_lets_llvm_remove_the_box() {
    let (through_dyn, concrete) = (traits_asm("get_dyn"), traits_asm("get_boxed"));
    listings::assert_asm_snapshot!("traits_get_dyn", through_dyn);
    listings::assert_asm_snapshot!("traits_get_boxed", concrete);
    let experiment = listings::Experiment {
        effect: "the box is freed: a call of `__rust_dealloc`",
        change: "`store: &crate::Memory` in place of `store: &dyn BoxedStore`",
        with: listings::Trial::new("traits_get_dyn", &through_dyn),
        without: listings::Trial::new("traits_get_boxed", &concrete),
    }
    .run(|line| line.starts_with("call ") && line.contains("__rust_dealloc"))
    .unwrap_or_else(|refuted| panic!("{refuted}"));
    listings::assert_experiment_snapshot!("traits_the_concrete_type_lets_llvm_remove_the_box", experiment);
}
