//! The statements of chapter 9's exercises, and the notes of its practice page, quote figures of
//! the page; each quote must be the figure `figures.toml` holds, so that a new measurement that
//! changes a figure fails here instead of leaving an exercise with a stale number.

use std::path::{Path, PathBuf};

use figures::{FILE_NAME, Figures};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_exercises_and_the_practice_page_quote_the_figures_the_page_shows() {
    let root = listings::Workspace::this_checkout().root;
    let figures = Figures::read(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FILE_NAME)).unwrap();
    let value = |name: &str| figures.value(name).unwrap_or_else(|message| panic!("{message}")).to_string();
    let difference = |a: &str, b: &str| {
        let (a, b) = (figures.value(a).unwrap().as_f64(), figures.value(b).unwrap().as_f64());
        (a - b).to_string()
    };
    // The solution's own predictions, which `cargo xtask exercise verify` holds to its listing and
    // to callgrind: `callee_saved_registers: 5,` and `three_polls: 110,` in its source.
    let solution = read(&root.join("exercises/ch09-write-the-state-after-the-poll/src/lib.rs"));
    let predicted = |field: &str| {
        solution
            .lines()
            .find_map(|line| line.trim().strip_prefix(&format!("{field}: "))?.strip_suffix(',')?.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no `{field}: N,` in the solution"))
    };
    let quotes = [
        (
            "exercises/ch09-write-the-state-after-the-poll/README.md",
            format!(
                "{} instructions for rustc's state\nmachine, {} for the same machine",
                value("poll_async_total"),
                value("poll_by_hand_total")
            ),
        ),
        (
            "exercises/ch09-wake-by-ref-without-a-clone/README.md",
            format!("costs {} instructions through chapter 3's call site", value("waker_arc_wake_wake_by_ref")),
        ),
        (
            "exercises/ch09-wake-by-ref-without-a-clone/README.md",
            format!("raises the same flag and costs {}.", value("waker_arc_wake_only_wake_by_ref")),
        ),
        (
            "book/ch09-cost-practice.md",
            format!(
                "pushes {} callee-saved registers and executes {} instructions, more than rustc's {}.",
                predicted("callee_saved_registers"),
                predicted("three_polls"),
                value("poll_async_total")
            ),
        ),
        (
            "book/ch09-cost-practice.md",
            format!(
                "callgrind counts {} instructions fewer",
                difference("waker_arc_wake_only_wake_by_ref", "waker_arc_wake_wake_by_ref")
            ),
        ),
    ];
    for (file, quote) in quotes {
        let text = read(&root.join(file));
        assert!(text.contains(&quote), "{file} should say `{quote}`, as figures.toml has it");
    }
}
