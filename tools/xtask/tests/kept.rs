//! Every result the tools keep for their next run is the result a fresh computation gives: the
//! same bytes, the same permissions, the same error message (`cargo xtask check-kept` runs
//! each computation cold and warm, in a target directory of its own, and compares).

use std::process::Command;

#[test]
fn a_kept_result_is_indistinguishable_from_a_fresh_one() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("check-kept").output().expect("xtask runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(": the same computed and kept"), "{stdout}");
}
