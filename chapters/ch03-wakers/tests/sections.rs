//! Where the vtables live in the chapter's assembly: facts the listings leave out, because the
//! listings drop directives (`.section`, `.globl`), read here from the whole `.s` file.

const CHAPTER: &str = env!("CARGO_PKG_NAME");

fn assembly() -> String {
    listings::assembly_text(CHAPTER, &listings::CodegenFlags::default()).unwrap_or_else(|error| panic!("{error}"))
}

/// The first directive line starting with `directive` whose operand names `symbol`.
fn directive_naming<'a>(text: &'a str, directive: &str, symbol: &str) -> Option<&'a str> {
    text.lines().map(str::trim_start).find(|line| line.starts_with(directive) && line.contains(symbol))
}

#[test]
fn hand_made_vtables_are_exported_symbols_in_data_read_only_after_relocation() {
    let text = assembly();
    // Legacy-mangled names: `11NOOP_VTABLE` is the length-prefixed path segment.
    for symbol in ["11NOOP_VTABLE", "15COUNTING_VTABLE", "13LEDGER_VTABLE"] {
        let section = directive_naming(&text, ".section", symbol).unwrap_or_else(|| panic!("no section for {symbol}"));
        assert!(section.contains(".data.rel.ro."), "{section}");
        assert!(directive_naming(&text, ".globl", symbol).is_some(), "{symbol} is exported");
    }
}

#[test]
fn waker_noop_s_vtable_is_the_clone_closure_then_one_empty_function_three_times() {
    let text = assembly();
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    // The table: four `.quad`s in a row, all naming a `FnOnce::call_once` instantiation.
    let start = lines
        .windows(4)
        .position(|w| w.iter().all(|l| l.starts_with(".quad") && l.contains("FnOnce9call_once")))
        .expect("the vtable of Waker::noop()");
    let entries = &lines[start..start + 4];
    assert_ne!(entries[0], entries[1], "clone is a function of its own");
    assert_eq!(entries[1], entries[2], "wake and wake_by_ref are one function");
    assert_eq!(entries[2], entries[3], "and so is drop");
    let label = lines[start - 1].trim_end_matches(':');
    let section = directive_naming(&text, ".section", label).expect("its section");
    assert!(section.contains(".data.rel.ro."), "{section}");
    // Slot 0, the clone closure, returns a `RawWaker` of this same table and a null data pointer.
    let clone = [format!("lea rax, [rip + {label}]"), "xor edx, edx".to_owned(), "ret".to_owned()];
    assert_eq!(body(&lines, entries[0]), clone);
    // Slots 1 to 3: one empty function, a lone `ret`.
    assert_eq!(body(&lines, entries[1]), ["ret"]);
}

/// The instructions of the function a `.quad SYMBOL` entry names, from its label to the end of
/// the function, directives left out and spacing normalised.
fn body(lines: &[&str], entry: &str) -> Vec<String> {
    let symbol = entry.trim_start_matches(".quad").trim();
    let label = format!("{symbol}:");
    let start = lines.iter().position(|line| *line == label).unwrap_or_else(|| panic!("no {label}"));
    lines[start + 1..]
        .iter()
        .take_while(|line| !line.starts_with(".Lfunc_end") && !line.starts_with(".size"))
        .filter(|line| !line.is_empty() && !line.starts_with('.') && !line.starts_with('#'))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}
