//! What the page says about where things are, against where the tools put them.

#[test]
fn the_program_the_page_runs_under_callgrind_is_where_the_listings_build_it() {
    let workspace = listings::Workspace::this_checkout();
    let program = listings::optimised_program("ch09-cost-workloads", "workload").unwrap_or_else(|e| panic!("{e}"));
    // The page shows the default target directory, `target/`.
    let shown = program.strip_prefix(workspace.target_dir()).expect("the program is built in the target directory");
    let page = std::fs::read_to_string(workspace.root.join("book/ch09-cost.md")).unwrap();
    let path = format!("target/{}", shown.display());
    assert!(page.contains(&path), "the page's callgrind command should run {path}");
}
