use std::fmt::Write as _;

/// Everything that can go wrong between a chapter name and a listing.
///
/// Each message names what was asked for and what exists instead, because the reader of it is
/// usually someone who mistyped a name in a directive or on the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(
        "the listings are pinned to rustc {pinned} (rust-toolchain.toml) but this run uses {found}.\n\
         Listings are only compared on the pinned compiler: run with `rustup run {pinned} …`, or drop \
         the `+toolchain` / RUSTUP_TOOLCHAIN override that selected {found_release}."
    )]
    ToolchainMismatch { pinned: String, found: String, found_release: String },

    #[error(
        "the C++ listings are pinned to g++ {pinned} (gxx-toolchain.toml) but `{command} -dumpfullversion` says {found}; install Debian's g++ {pinned} or change the pin and review every C++ snapshot"
    )]
    GxxMismatch { pinned: String, command: String, found: String },

    #[error("could not run `{program}`: {reason}")]
    Spawn { program: String, reason: String },

    #[error("unknown chapter `{given}`{}; the chapters are: {}", closest_hint(closest), known.join(", "))]
    UnknownChapter { given: String, known: Vec<String>, closest: Vec<String> },

    #[error("{}", unknown_function_message(given, chapter, closest, known))]
    UnknownFunction { given: String, chapter: String, closest: Vec<String>, known: Vec<String> },

    #[error("no {what} `{given}` in {chapter}{}; there are: {}", closest_hint(closest), known.join(", "))]
    UnknownSubject { given: String, chapter: String, what: String, closest: Vec<String>, known: Vec<String> },

    /// `what` is plural: `functions`, `MIR bodies`. Each candidate is spelled as it may be
    /// asked for.
    #[error("{}", ambiguous_message(given, chapter, what, candidates))]
    Ambiguous { given: String, chapter: String, what: String, candidates: Vec<String> },

    #[error("compiling {chapter} for its listings failed:\n{stderr}")]
    Build { chapter: String, stderr: String },

    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },

    #[error("{object}: {reason}")]
    ObjectFile { object: String, reason: String },

    #[error(
        "this {program} was built from the checkout {built_from} but runs for {run_for}: the two share the \
         target directory {target_dir}, where cargo keeps one {program} for both and runs the one built last \
         (rust-lang/cargo#7740). Make cargo build this checkout's (`touch tools/xtask/src/main.rs`, or the \
         program's own main.rs), or give each checkout a target directory of its own"
    )]
    AnotherCheckout { program: String, built_from: String, run_for: String, target_dir: String },

    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },

    #[error("{path} is not a manifest this tool can read: {reason}")]
    Manifest { path: String, reason: String },

    #[error("no C++ source `{given}` in {chapter}; its sources are: {}", known.join(", "))]
    UnknownCppSource { given: String, chapter: String, known: Vec<String> },
}

fn closest_hint(closest: &[String]) -> String {
    match closest {
        [] => String::new(),
        names => format!(" (did you mean {}?)", names.join(" or ")),
    }
}

fn ambiguous_message(given: &str, chapter: &str, what: &str, candidates: &[String]) -> String {
    let mut message = format!("`{given}` names {} {what} in {chapter}; ask for one of them:", candidates.len());
    for candidate in candidates {
        let _ = write!(message, "\n  {candidate}");
    }
    message
}

fn unknown_function_message(given: &str, chapter: &str, closest: &[String], known: &[String]) -> String {
    let mut message = format!("no function `{given}` in the assembly of {chapter}{}", closest_hint(closest));
    message.push_str("\nits functions are:");
    for name in known {
        let _ = write!(message, "\n  {name}");
    }
    message.push_str(
        "\n(a function that is inlined everywhere has no code of its own: see `cargo xtask asm CHAPTER --list`)",
    );
    message
}
