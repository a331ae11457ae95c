//! One parser beside each printer: every snapshot in the repository reads back into its typed
//! value, and that value prints the snapshot's body again, byte for byte.

use std::path::PathBuf;

use listings::asm::{Line, Listing, parse_lines};
use listings::lowering::mir::Body;
use listings::lowering::type_sizes::TagPlace;
use listings::{ListingKind, Workspace, read_snapshot};

/// Every snapshot file of every chapter of one kind, parts included.
fn snapshots(kind: ListingKind) -> Vec<PathBuf> {
    let marker = format!("__{}__", kind.as_str());
    let mut paths: Vec<PathBuf> = Workspace::this_checkout()
        .chapters()
        .unwrap()
        .iter()
        .flat_map(|chapter| std::fs::read_dir(chapter.snapshot_dir()).into_iter().flatten().filter_map(Result::ok))
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "snap"))
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(|name| name.contains(&marker)))
        .collect();
    paths.sort();
    paths
}

fn is_part(path: &std::path::Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|name| name.contains('@'))
}

#[test]
fn every_assembly_snapshot_reads_back_into_a_listing_that_prints_it_again() {
    let mut checked = 0;
    for kind in [ListingKind::Asm, ListingKind::CppAsm] {
        for path in snapshots(kind) {
            let body = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}")).body;
            let printed = match is_part(&path) {
                // A part is a run of a listing's lines, its title among them only if it starts there.
                true => parse_lines(&body)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                    .iter()
                    .map(|line| format!("{line}\n"))
                    .collect(),
                false => body.parse::<Listing>().unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_string(),
            };
            assert_eq!(printed, body, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked} snapshots");
}

#[test]
fn a_listings_jump_tables_and_constants_read_back_as_such() {
    let path = snapshots(ListingKind::Asm)
        .into_iter()
        .find(|path| path.ends_with("ch01-the-experiment__asm__hello_world_state_machine.snap"))
        .unwrap();
    let listing: Listing = read_snapshot(&path).unwrap().body.parse().unwrap();
    assert_eq!(listing.function, "ch01_the_experiment::hello_world::{{closure}}");
    assert_eq!(listing.jump_tables().len(), 1, "{listing}");
    assert!(listing.lines.iter().any(|line| matches!(line, Line::Source { .. })));
}

#[test]
fn every_type_sizes_snapshot_reads_back_into_a_layout_that_prints_it_again() {
    let paths = snapshots(ListingKind::Stage(listings::Stage::TypeSizes));
    // The packages of the lock file: a dependency's method future (tokio's `Mutex::lock`) is
    // described in the debug information under the module that defines its type
    // (`tokio::sync::mutex::{impl#10}::lock`), which the print-out does not name, so its tag is
    // not placed and its snapshot says so; every future of the book's own code has its tag.
    let lock = std::fs::read_to_string(Workspace::this_checkout().root.join("Cargo.lock")).unwrap();
    let dependencies: Vec<String> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|name| name.trim_end_matches('"').replace('-', "_"))
        // The book's own packages, `chNN_…`.
        .filter(|name| !(name.starts_with("ch") && name[2..].starts_with(|c: char| c.is_ascii_digit())))
        .collect();
    assert!(paths.len() > 10, "{paths:?}");
    for path in paths {
        let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
        let layout = stored.type_layout().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(layout.to_string(), stored.body, "{}", path.display());
        // The header, not the table's prose, says where the tag lies and what the states are.
        assert_eq!(Some(layout.tag_and_states().to_string()), stored.info, "{}", path.display());
        if layout.name.starts_with("{async fn body of") && !of_a_dependency(&layout.name, &dependencies) {
            assert!(matches!(layout.tag, Some(TagPlace::FromDebugInfo(_))), "{}", path.display());
            assert!(layout.states.iter().any(|s| s.variant == "Suspend0"), "{}", path.display());
        }
    }
}

#[test]
fn every_mir_snapshot_reads_back_into_one_body_with_its_blocks_that_prints_it_again() {
    let paths: Vec<PathBuf> =
        snapshots(ListingKind::Stage(listings::Stage::Mir)).into_iter().filter(|path| !is_part(path)).collect();
    assert!(paths.len() > 5, "{paths:?}");
    for path in paths {
        let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
        let body = Body::parse(&stored.body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(body.text, stored.body, "{}", path.display());
        assert_eq!(body.blocks().first().map(|b| b.name.as_str()), Some("bb0"), "{}", path.display());
        assert!(body.blocks().iter().all(|b| !b.terminator().is_empty()), "{}", path.display());
    }
}

#[test]
fn every_hir_snapshot_reads_back_into_one_item_that_prints_it_again() {
    for path in snapshots(ListingKind::Stage(listings::Stage::Hir)) {
        let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
        let items = listings::lowering::hir::items(&stored.body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(items.len(), 1, "{}", path.display());
        assert_eq!(items[0].text, stored.body, "{}", path.display());
    }
}

#[test]
fn every_experiment_snapshot_reads_back_into_its_outcome_that_prints_it_again() {
    let paths = snapshots(ListingKind::Experiment);
    assert!(!paths.is_empty(), "no experiment snapshot in any chapter");
    for path in paths {
        let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
        let outcome = listings::Outcome::read(&stored).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.body(), stored.body, "{}", path.display());
        let chapter = path.parent().and_then(|p| p.parent()).and_then(|p| p.parent()).and_then(|p| p.file_name());
        let chapter = chapter.and_then(|c| c.to_str()).unwrap();
        assert_eq!(outcome.provenance(chapter), stored.provenance, "{}", path.display());
        assert!(!outcome.with.lines.is_empty() && outcome.without.lines.is_empty(), "{}", path.display());
    }
}

#[test]
fn every_llvm_ir_snapshot_reads_back_into_one_function_that_prints_it_again() {
    let paths: Vec<PathBuf> =
        snapshots(ListingKind::Stage(listings::Stage::LlvmIr)).into_iter().filter(|path| !is_part(path)).collect();
    assert!(!paths.is_empty(), "chapter 1 has the driver's");
    for path in paths {
        let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
        let functions =
            listings::lowering::llvm_ir::functions(&stored.body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(functions.len(), 1, "{}", path.display());
        assert_eq!(functions[0].name, stored.provenance.subject, "{}", path.display());
        assert_eq!(functions[0].text, stored.body, "{}", path.display());
    }
}

#[test]
fn every_state_transform_snapshot_reads_back_into_the_one_body_it_shows() {
    let paths: Vec<PathBuf> = snapshots(ListingKind::Stage(listings::Stage::StateTransform))
        .into_iter()
        .filter(|path| !is_part(path))
        .collect();
    assert!(!paths.is_empty(), "chapter 5 has hello_world's");
    for path in paths {
        let stored = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
        let (phase, name) = stored.provenance.subject.split_once(": ").expect("before: or after:");
        let text = match phase {
            // As rustc dumped it: the header comment the stage leaves out, the layout, the body.
            "after" => {
                let dump = format!("// MIR for `{name}` after StateTransform\n{}", stored.body);
                let bodies = listings::lowering::state_transform::bodies(&dump);
                let mut bodies = bodies.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(bodies.len(), 1, "{}", path.display());
                bodies.remove(0).text
            }
            _ => Body::parse(&stored.body).unwrap_or_else(|e| panic!("{}: {e}", path.display())).text,
        };
        assert_eq!(text, stored.body, "{}", path.display());
    }
}

/// Whether `{async fn body of PATH()}` is a future of a crate besides the book's own.
fn of_a_dependency(name: &str, dependencies: &[String]) -> bool {
    let path = name.trim_start_matches("{async fn body of ").trim_start_matches('<');
    path.split_once("::").is_some_and(|(first, _)| dependencies.iter().any(|d| d == first))
}
