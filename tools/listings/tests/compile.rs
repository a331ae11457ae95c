//! The compile step writes nothing of this machine into the assembly.

use listings::{CodegenFlags, Workspace, assembly_text};

#[test]
fn the_assembly_names_no_path_of_this_machine() {
    let text = assembly_text("ch01", &CodegenFlags::default()).unwrap_or_else(|e| panic!("{e}"));
    let workspace = Workspace::this_checkout();
    assert!(!text.contains(workspace.root.to_str().unwrap()), "the checkout path leaked into the .s");
    assert!(!text.contains(workspace.target_dir().to_str().unwrap()), "the target directory leaked into the .s");
    if let Some(home) = std::env::var_os("HOME") {
        assert!(!text.contains(home.to_str().unwrap()), "the home folder leaked into the .s");
    }
}
