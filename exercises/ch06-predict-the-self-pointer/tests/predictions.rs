//! Each prediction against what the compiler made of `src/lib.rs`: its size, a run that reports
//! where the pointer points, and the machine code that stores it.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;
use std::pin::pin;
use std::ptr;
use std::sync::OnceLock;
use std::task::{Poll, Waker};

use ch06_predict_the_self_pointer::{PREDICTIONS, points_at_the_second};
use exercise_harness::poll_once;
use listings::{AsmListing, AsmOptions, CodegenFlags, Listing, asm_of_file};

const LOOK: &str = "See `cargo xtask exercise asm ch06-predict-the-self-pointer 'points_at_the_second::{{closure}}'`";

/// The state machine's listing, from the very file under test: compiled once for all the
/// checks of this run.
fn state_machine() -> &'static AsmListing {
    static LISTING: OnceLock<AsmListing> = OnceLock::new();
    LISTING.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
        asm_of_file(
            &source,
            "ch06_predict_the_self_pointer",
            "points_at_the_second::{{closure}}",
            &AsmOptions::default(),
            &CodegenFlags::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// `qword ptr [rbx + 32]` → ("rbx", 32); `[rbx]` → ("rbx", 0).
fn address(operand: &str) -> Option<(String, usize)> {
    let inside = operand.split_once('[')?.1.split_once(']')?.0;
    match inside.split_once(" + ") {
        Some((base, offset)) => Some((base.trim().to_owned(), offset.trim().parse().ok()?)),
        None => Some((inside.trim().to_owned(), 0)),
    }
}

/// The first store of an address inside the future into the future: (where it is stored,
/// where it points), both as offsets from the future. The future's address is the register
/// that `rdi` is copied into; `lea r, [that + T]` makes a pointer to offset T.
fn pointer_store(listing: &Listing) -> Option<(usize, usize)> {
    let instructions: Vec<(&str, &str)> = listing.instructions().collect();
    let base = instructions.iter().find_map(|(mnemonic, operands)| {
        let (to, from) = operands.split_once(", ")?;
        (*mnemonic == "mov" && from == "rdi").then(|| to.to_owned())
    })?;
    let mut points_into_the_future: HashMap<String, usize> = HashMap::from([(base.clone(), 0)]);
    for (mnemonic, operands) in instructions {
        let Some((to, from)) = operands.split_once(", ") else { continue };
        match mnemonic {
            "lea" => match address(from) {
                Some((register, offset)) if register == base => {
                    points_into_the_future.insert(to.to_owned(), offset);
                }
                _ => {
                    points_into_the_future.remove(to);
                }
            },
            "mov" if to.starts_with("qword ptr [") => {
                if let (Some((register, slot)), Some(target)) = (address(to), points_into_the_future.get(from))
                    && register == base
                {
                    return Some((slot, *target));
                }
            }
            _ => {
                if to != base {
                    points_into_the_future.remove(to);
                }
            }
        }
    }
    None
}

#[test]
fn the_size_prediction_matches_size_of_val() {
    let seen = Cell::new(0);
    let bytes = size_of_val(&points_at_the_second(&seen));
    assert_eq!(
        PREDICTIONS.future_bytes, bytes,
        "you predicted {} bytes; size_of_val of the future is {bytes}. Which locals does it keep across the await, \
         and what rounds the size up?",
        PREDICTIONS.future_bytes
    );
}

#[test]
fn the_target_prediction_matches_the_pointer_a_run_reports() {
    let seen = Cell::new(0);
    let mut future = pin!(points_at_the_second(&seen));
    let start = ptr::from_ref(&*future).addr();
    assert_eq!(poll_once(future.as_mut(), Waker::noop()), Poll::Pending, "the first poll stops at the await");
    let target = seen.get() - start;
    assert_eq!(
        PREDICTIONS.pointer_target, target,
        "you predicted that the pointer points {} bytes into the future; the first poll made it point {target} \
         bytes in, where `second` lies. {LOOK}: which instruction computes it?",
        PREDICTIONS.pointer_target
    );
    assert_eq!(poll_once(future.as_mut(), Waker::noop()), Poll::Ready(3), "and the second poll reads through it");
}

#[test]
fn the_slot_prediction_matches_the_store_in_the_machine_code() {
    let listing = state_machine();
    let (slot, target) =
        pointer_store(listing).unwrap_or_else(|| panic!("no store of the pointer found in:\n{listing}"));
    let seen = Cell::new(0);
    let mut future = pin!(points_at_the_second(&seen));
    let _ = poll_once(future.as_mut(), Waker::noop());
    assert_eq!(seen.get() - ptr::from_ref(&*future).addr(), target, "the listing's pointer is the one the run reports");
    assert_eq!(
        PREDICTIONS.pointer_slot, slot,
        "you predicted that the pointer is stored {} bytes into the future; the first resume stores it at \
         `qword ptr [… + {slot}]`, where `view` lies. {LOOK}",
        PREDICTIONS.pointer_slot
    );
}

#[test]
fn the_tag_prediction_matches_the_first_load_of_the_state() {
    let listing = state_machine();
    let tag = listing
        .instructions()
        .find(|(mnemonic, operands)| *mnemonic == "movzx" && operands.contains("byte ptr [rdi"))
        .and_then(|(_, operands)| address(operands))
        .map(|(_, offset)| offset)
        .unwrap_or_else(|| panic!("no load of the state from the future in:\n{listing}"));
    assert_eq!(
        PREDICTIONS.tag_offset, tag,
        "you predicted the state byte at {}; the resume function loads it from offset {tag} before its jump \
         table. {LOOK}",
        PREDICTIONS.tag_offset
    );
}
