//! The intermediate stages on chapter 1's `async fn`, checked for what the book says of them:
//! the `.await` desugaring in HIR, the state machine in MIR, the layout in the type sizes, the
//! drop glue of the future.

use listings::{Stage, stage, stage_subjects};

fn text(stage_: Stage, subject: &str) -> String {
    stage("ch01", stage_, subject).unwrap_or_else(|e| panic!("{e}")).text
}

#[test]
fn hir_shows_await_as_a_poll_loop_that_yields() {
    let hir = text(Stage::Hir, "hello_world");
    for piece in [
        "|mut _task_context: ResumeTy|",
        "into_future(fut)",
        "mut __awaitee =>",
        "loop {",
        "get_context(_task_context)",
        "_task_context = (yield ());",
    ] {
        assert!(hir.contains(piece), "{piece} missing from:\n{hir}");
    }
    assert!(!hir.contains("//"), "source comments are dropped");
}

#[test]
fn mir_of_the_resume_function_switches_on_the_state_with_three_fixed_states_and_one_suspension() {
    let mir = text(Stage::Mir, "hello_world::{closure#0}");
    assert!(mir.starts_with("fn hello_world::{closure#0}(_1: Pin<&mut {async fn body of hello_world()}>, _2: &mut Context<'_>) -> Poll<()> {"), "{mir}");
    let switch =
        mir.lines().find(|l| l.trim_start().starts_with("switchInt(move _14)")).unwrap_or_else(|| panic!("{mir}"));
    assert!(switch.contains("[0: bb1, 1: bb14, 2: bb13, 3: bb12, otherwise:"), "{switch}");
    assert!(mir.contains("discriminant((*_15)) = 3;") && mir.contains("discriminant((*_15)) = 1;"));
    assert!(mir.contains("(cleanup): {\n        discriminant((*_15)) = 2;"), "unwinding poisons the state");
    assert!(
        mir.contains("\"`async fn` resumed after completion\"")
            && mir.contains("\"`async fn` resumed after panicking\"")
    );
}

#[test]
fn type_sizes_give_the_futures_variants_and_a_table() {
    let layout = text(Stage::TypeSizes, "hello_world");
    assert!(layout.starts_with("type: `{async fn body of hello_world()}`: 2 bytes, alignment: 1 bytes\n"), "{layout}");
    for variant in ["Unresumed", "Suspend0", "Returned", "Panicked"] {
        assert!(layout.contains(&format!("variant `{variant}`")), "{variant}: {layout}");
    }
    assert!(
        layout
            .contains("\n0..1  │ tag       │ tag             │ tag      │ tag\n1..2  │           │ local __awaitee\n"),
        "{layout}"
    );
    assert!(
        layout.ends_with("the tag: 1 byte(s) at offset 0 (the `__state` member of the debug information)\n"),
        "{layout}"
    );
}

#[test]
fn drop_glue_is_named_by_the_type_it_drops_and_switches_on_the_futures_state() {
    let glue = text(Stage::DropGlue, "hello_world");
    assert!(glue.starts_with("fn drop_in_place(_1: *mut {async fn body of hello_world()}) -> () {\n"), "{glue}");
    // Unresumed and Suspend0 have blocks of their own; Returned and Panicked drop nothing.
    assert!(glue.contains("switchInt(move _26) -> [0: bb4, 3: bb7, otherwise: bb8];"), "{glue}");
    assert_eq!(text(Stage::DropGlue, "{async fn body of hello_world()}"), glue, "the type names it too");
    let subjects = stage_subjects("ch01", Stage::DropGlue).unwrap();
    assert!(subjects.contains(&"drop_in_place::<Waker>".to_owned()), "{subjects:?}");
    assert!(subjects.windows(2).all(|w| w[0] < w[1]), "sorted by name: {subjects:?}");
}

#[test]
fn each_stage_lists_what_it_has_and_refuses_what_it_has_not() {
    assert!(stage_subjects("ch01", Stage::Mir).unwrap().contains(&"hello_world::{closure#0}".to_owned()));
    assert!(stage_subjects("ch01", Stage::Hir).unwrap().contains(&"hello_world".to_owned()));
    let error = stage("ch01", Stage::Mir, "hello_wrld::{closure#0}").unwrap_err().to_string();
    assert!(
        error.starts_with(
            "no MIR body `hello_wrld::{closure#0}` in ch01-the-experiment (did you mean hello_world::{closure#0}"
        ),
        "{error}"
    );
    let error = stage("ch01", Stage::DropGlue, "hello_wrld").unwrap_err().to_string();
    assert!(
        error.starts_with(
            "no drop glue `drop_in_place::<{async fn body of hello_wrld()}>` in ch01-the-experiment (did you mean drop_in_place::<{async fn body of hello_world()}>"
        ),
        "{error}"
    );
}

/// The subject each row of the table names as its example is one of chapter 1's: `cargo xtask
/// check-kept` prints it cold and warm.
#[test]
fn every_stage_of_the_table_prints_its_example_from_chapter_1() {
    for row in listings::STAGES {
        let listing = stage("ch01", row.stage, row.example).unwrap_or_else(|e| panic!("{}: {e}", row.name));
        assert_eq!(listing.stage, row.stage);
        assert!(!listing.text.is_empty(), "{}", row.name);
    }
}

/// The stages compile a chapter's `src/lib.rs` alone (unless it needs its dependencies), and
/// what they keep for the next run is keyed by that one file's bytes: so a chapter's library must
/// read no other file (no `mod x;` in a file of its own, no `include_str!`) when compiled as the
/// stages compile it.
#[test]
fn every_chapter_s_library_reads_no_file_but_itself_as_the_stages_compile_it() {
    let workspace = listings::Workspace::this_checkout();
    let rustc = listings::Rustc::for_listings(&workspace).unwrap_or_else(|e| panic!("{e}"));
    let scratch = workspace.scratch_dir("one-file-rule").unwrap_or_else(|e| panic!("{e}"));
    for chapter in workspace.chapters().unwrap() {
        // A chapter with a dependency that is not optional (chapter 12's tokio) is compiled
        // through cargo at every stage, which keeps what it computes by every file rustc read.
        if !chapter.plain_dependencies().unwrap().is_empty() {
            continue;
        }
        let source = chapter.dir.join("src/lib.rs");
        let dep_info = scratch.path().join(format!("{}.d", chapter.crate_name()));
        let output = std::process::Command::new(&rustc.path)
            .args(["--edition", &chapter.edition().unwrap(), "--crate-type", "lib", "--crate-name"])
            .arg(chapter.crate_name())
            .arg(format!("--emit=dep-info={}", dep_info.display()))
            .arg("--out-dir")
            .arg(scratch.path())
            .arg(&source)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}: {}", chapter.slug, String::from_utf8_lossy(&output.stderr));
        let read = kept::dep_info_inputs(&std::fs::read_to_string(&dep_info).unwrap());
        assert_eq!(read, std::slice::from_ref(&source), "{} reads more than its src/lib.rs", chapter.slug);
    }
}
