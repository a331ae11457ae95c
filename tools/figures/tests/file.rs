//! `figures.toml` written and read back, and the three ways figures go stale.

use std::path::{Path, PathBuf};

use figures::{Figures, Input, LockedPackage, MeasuredWith, Table, Value};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn figures(root: &Path) -> Figures {
    Figures {
        provenance: MeasuredWith {
            compiler: "rustc 1.95.0 (59807616e 2026-04-14)".to_owned(),
            valgrind: "valgrind-3.19.0".to_owned(),
            cpu: "AMD EPYC, 2 logical CPUs".to_owned(),
            wall_clock: "not measured".to_owned(),
            command: "ci/bench-cost".to_owned(),
        },
        values: [("count".to_owned(), Value::Count(6)), ("ratio".to_owned(), Value::Decimal(1.184))].into(),
        inputs: vec![Input::of(root, "rust-toolchain.toml").unwrap()],
        packages: vec![LockedPackage::of(root, "futures-executor").unwrap()],
        tables: vec![Table { name: "t".to_owned(), columns: vec!["a".to_owned()], rows: vec![vec!["1".to_owned()]] }],
    }
}

#[test]
fn a_file_reads_back_as_it_was_written_with_counts_whole_and_ratios_with_two_decimals() {
    let root = workspace_root();
    let path = std::env::temp_dir().join(format!("figures-roundtrip-{}.toml", std::process::id()));
    let written = figures(&root);
    written.write(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Written by `ci/bench-cost`"), "{text}");
    let read = Figures::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(read, written);
    assert_eq!(read.value("count").unwrap().to_string(), "6");
    assert_eq!(read.value("ratio").unwrap().to_string(), "1.18");
    assert_eq!(read.value("nope").unwrap_err(), "no figure `nope`; the figures are: count, ratio");
}

#[test]
fn figures_of_the_sources_as_they_are_are_not_stale() {
    let root = workspace_root();
    assert_eq!(figures(&root).stale(&root, "1.95.0"), Vec::<String>::new());
}

#[test]
fn a_changed_source_another_locked_version_or_another_compiler_makes_them_stale() {
    let root = workspace_root();
    let mut figures = figures(&root);
    figures.inputs[0].sha256 = "0".repeat(64);
    figures.packages[0].version = "0.0.1".to_owned();
    let reasons = figures.stale(&root, "1.96.0");
    assert_eq!(reasons.len(), 3, "{reasons:#?}");
    assert_eq!(
        reasons[0],
        "they were measured with rustc 1.95.0 (59807616e 2026-04-14), and the book is pinned to rustc 1.96.0"
    );
    assert_eq!(reasons[1], "rust-toolchain.toml has changed since they were measured");
    assert!(
        reasons[2].starts_with("they measured futures-executor 0.0.1, and Cargo.lock now has 0.3."),
        "{}",
        reasons[2]
    );
}
