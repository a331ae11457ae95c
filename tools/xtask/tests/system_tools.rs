//! What the book runs besides Rust, as a student meets it: `cargo xtask system-tools` (which
//! `ci/student-setup` runs) names each tool that is missing, what needs it and how to install it;
//! the container (Dockerfile) installs what `cargo xtask system-packages` lists.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str], path: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("xtask runs")
}

fn checkout_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)).unwrap()
}

#[test]
fn each_missing_tool_is_named_with_what_needs_it_and_how_to_install_it_on_each_system() {
    // No PATH: neither valgrind nor g++ nor gdb can be found.
    let output = xtask(&["system-tools"], Some(""));
    assert!(output.status.success(), "missing tools are no failure: most exercises need none of them");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("the book runs valgrind, g++ 12.2.0 and gdb 13.1."), "{stdout}");
    assert!(stdout.contains(" exercises need none of them."), "{stdout}");
    for part in [
        "✗ valgrind: `valgrind` is not installed",
        "the exercises: ch09-wake-by-ref-without-a-clone, ch09-write-the-state-after-the-poll",
        "sudo apt-get install valgrind",
        "sudo dnf install valgrind",
        "✗ g++ 12.2.0: `g++-12` is not installed",
        "no exercise does",
        "sudo apt-get install g++-12",
        "✗ gdb 13.1: `gdb` is not installed",
        "chapter 8's section on debuggers",
        "sudo apt-get install gdb",
        "macOS",
        "container",
    ] {
        assert!(stdout.contains(part), "{part:?} missing from:\n{stdout}");
    }
}

/// The apt-get line of the Dockerfile, its packages.
fn container_packages() -> Vec<String> {
    let dockerfile = checkout_file("Dockerfile");
    let install = dockerfile.split("apt-get install").nth(1).expect("the Dockerfile runs apt-get install");
    let line = install.split("&&").next().unwrap();
    line.split_whitespace().filter(|word| *word != "\\" && !word.starts_with('-')).map(str::to_owned).collect()
}

#[test]
fn the_container_installs_every_package_the_test_command_needs() {
    let output = xtask(&["system-packages"], None);
    let listed = String::from_utf8(output.stdout).unwrap();
    let packages = container_packages();
    for line in listed.lines() {
        let package = line.split_whitespace().nth(1).unwrap();
        assert!(packages.iter().any(|p| p == package), "{package} is not in the Dockerfile's {packages:?}");
    }
    for linker in ["gcc", "libc6-dev"] {
        assert!(packages.iter().any(|p| p == linker), "rustc links with {linker}: {packages:?}");
    }
}

#[test]
fn the_dev_container_builds_the_dockerfile_and_runs_the_student_set_up() {
    let devcontainer = checkout_file(".devcontainer/devcontainer.json");
    assert!(devcontainer.contains("\"dockerfile\": \"../Dockerfile\""), "{devcontainer}");
    assert!(devcontainer.contains("\"postCreateCommand\": \"ci/student-setup\""), "{devcontainer}");
    assert!(checkout_file("Dockerfile").contains("FROM --platform=linux/amd64 docker.io/library/debian:bookworm"));
    // The image's build context is the pin alone: rust-toolchain.toml is what the Dockerfile copies.
    assert!(checkout_file(".dockerignore").lines().any(|line| line == "!rust-toolchain.toml"));
}
