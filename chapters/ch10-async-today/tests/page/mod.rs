//! The chapter's page as the tests that compile its blocks read it (`mod page;` in each).

/// The page, whose blocks these tests compile.
const PAGE: &str = include_str!("../../../../book/ch10-async-today.md");

/// The Rust block of the page that contains `marker`, as rustdoc compiles it: the lines it
/// hides from the reader (`# …`) included, without their `# `.
pub fn block_containing(marker: &str) -> String {
    let mut blocks = PAGE.split("```").skip(1).step_by(2);
    let block = blocks.find(|block| block.contains(marker)).unwrap_or_else(|| panic!("no block has `{marker}`"));
    let (fence, code) = block.split_once('\n').expect("a fenced block has a first line");
    assert!(fence.starts_with("rust"), "`{marker}` is in a `{fence}` block");
    let unhidden = |line: &str| match line {
        "#" => String::new(),
        _ => line.strip_prefix("# ").unwrap_or(line).to_owned(),
    };
    code.lines().map(unhidden).collect::<Vec<_>>().join("\n") + "\n"
}
