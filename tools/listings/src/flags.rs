//! The flags a listing is compiled with, written down once: the cargo profile keys, what rustc
//! gets, how a snapshot describes them and what Compiler Explorer gets are all derived from the
//! tables below. The workspace `Cargo.toml` repeats the profile (so that `cargo build --profile
//! listings` by hand gives the same code); a test holds the two in step.

use std::path::PathBuf;

use crate::Workspace;

/// The target every listing is for.
pub const TARGET: &str = "x86_64-unknown-linux-gnu";

/// What may vary between two compilations of the same chapter. Each flag set gets its own
/// folder for the `.s`: two sets sharing one would overwrite each other's. Cargo builds in one
/// folder for the sets that differ only in `-C` flags ([`CodegenFlags::cargo_dir_name`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CodegenFlags {
    /// `3` for the book's listings; `0`, `1`, `2`, `s` or `z` to compare.
    pub opt_level: String,
    /// Further `-C` flags, as rustc spells them after `-C` (`llvm-args=-enable-dfa-jump-thread`,
    /// `panic=abort`), in the order given: an experiment's one change (see
    /// [`CodegenFlags::with_codegen`]). None for the book's listings.
    pub codegen: Vec<String>,
    /// Unstable `-Z` flags, as rustc spells them after `-Z` (`mir-enable-passes=-GVN`), in the
    /// order given (see [`CodegenFlags::with_unstable`]). A stable compiler takes them only under
    /// `RUSTC_BOOTSTRAP=1`, which the compilation then gets, and its description says so. None
    /// for the book's listings.
    pub unstable: Vec<String>,
}

/// The optimisation levels rustc knows, as `-C opt-level` spells them.
pub const OPT_LEVELS: &[&str] = &["0", "1", "2", "3", "s", "z"];

/// One key of the `listings` profile besides `opt-level`.
struct ProfileKey {
    key: &'static str,
    /// As TOML: `1`, `"line-tables-only"`, `false`.
    value: &'static str,
    /// How rustc spells it, where it changes the code and so belongs in a description.
    rustc: Option<&'static str>,
    /// Whether Compiler Explorer is given it too (it is, where it changes the code it shows).
    explorer: bool,
    /// The `-C` flag that asks rustc for the same when a file is compiled without cargo (an
    /// exercise's, `standalone.rs`); none where rustc's own default already is the profile's.
    standalone: Option<&'static str>,
}

/// Release-like; one codegen unit, so that the whole crate is one `.s` and LLVM sees every
/// function at once; line tables for the source interleaving (they do not change the code).
const PROFILE: &[ProfileKey] = &[
    ProfileKey {
        key: "codegen-units",
        value: "1",
        rustc: Some("-C codegen-units=1"),
        explorer: true,
        standalone: Some("codegen-units=1"),
    },
    ProfileKey {
        key: "debug",
        value: "\"line-tables-only\"",
        rustc: Some("-C debuginfo=line-tables-only"),
        explorer: false,
        standalone: Some("debuginfo=line-tables-only"),
    },
    ProfileKey { key: "incremental", value: "false", rustc: None, explorer: false, standalone: None },
    ProfileKey { key: "lto", value: "false", rustc: None, explorer: false, standalone: None },
    ProfileKey { key: "panic", value: "\"unwind\"", rustc: None, explorer: false, standalone: Some("panic=unwind") },
    ProfileKey {
        key: "overflow-checks",
        value: "false",
        rustc: None,
        explorer: false,
        standalone: Some("overflow-checks=off"),
    },
    ProfileKey {
        key: "debug-assertions",
        value: "false",
        rustc: None,
        explorer: false,
        standalone: Some("debug-assertions=off"),
    },
    ProfileKey { key: "strip", value: "\"none\"", rustc: None, explorer: false, standalone: Some("strip=none") },
];

/// Flags handed to rustc for the listed crate itself: (flag, whether Compiler Explorer gets it).
/// Compiler Explorer chooses the assembly syntax with its own "Intel" filter.
const RUSTC_ARGS: &[(&str, bool)] = &[("target-cpu=x86-64", true), ("llvm-args=-x86-asm-syntax=intel", false)];

impl Default for CodegenFlags {
    fn default() -> Self {
        CodegenFlags::with_opt_level("3")
    }
}

/// How a description of flags ends: the assembly syntax, and that no path in it is the machine's.
const DESCRIPTION_END: &str = " (Intel syntax), paths remapped";

impl CodegenFlags {
    pub fn with_opt_level(opt_level: &str) -> CodegenFlags {
        CodegenFlags { opt_level: opt_level.to_owned(), codegen: Vec::new(), unstable: Vec::new() }
    }

    /// These flags and one more `-C` flag, written as rustc takes it after `-C`:
    /// `CodegenFlags::default().with_codegen("llvm-args=-enable-dfa-jump-thread")`. It goes to
    /// rustc after the listings' own flags (so it may override one of them), and into the
    /// listing's description, Compiler Explorer link and regenerating command.
    ///
    /// # Panics
    ///
    /// On a flag that [`codegen_flag`] refuses: a test that asks for one is wrong as written.
    pub fn with_codegen(mut self, flag: &str) -> CodegenFlags {
        let flag = codegen_flag(flag).unwrap_or_else(|problem| panic!("{problem}"));
        self.codegen.push(flag);
        self
    }

    /// These flags and one more unstable `-Z` flag, written as rustc takes it after `-Z`:
    /// `CodegenFlags::default().with_unstable("mir-enable-passes=-GVN")`. It goes to rustc after
    /// the `-C` flags, under `RUSTC_BOOTSTRAP=1` (the pinned compiler is a stable one), and into
    /// the listing's description, Compiler Explorer link and regenerating command.
    ///
    /// # Panics
    ///
    /// On a flag that [`unstable_flag`] refuses: a test that asks for one is wrong as written.
    pub fn with_unstable(mut self, flag: &str) -> CodegenFlags {
        let flag = unstable_flag(flag).unwrap_or_else(|problem| panic!("{problem}"));
        self.unstable.push(flag);
        self
    }

    /// Whether the compilation needs `RUSTC_BOOTSTRAP=1`: exactly when there is a `-Z` flag.
    /// The listing tool sets it for that compilation only (`compile.rs`, `standalone.rs`).
    pub fn needs_bootstrap(&self) -> bool {
        !self.unstable.is_empty()
    }

    /// The extra flags as rustc's arguments: `-C`, flag, `-C`, flag…, then `-Z`, flag…
    fn codegen_args(&self) -> impl Iterator<Item = String> + '_ {
        let codegen = self.codegen.iter().flat_map(|flag| ["-C".to_owned(), flag.clone()]);
        codegen.chain(self.unstable.iter().flat_map(|flag| ["-Z".to_owned(), flag.clone()]))
    }

    /// The extra flags as a description and Compiler Explorer write them: `-C flag`, `-Z flag`.
    fn extra_words(&self) -> impl Iterator<Item = String> + '_ {
        let codegen = self.codegen.iter().map(|flag| format!("-C {flag}"));
        codegen.chain(self.unstable.iter().map(|flag| format!("-Z {flag}")))
    }

    /// The profile keys, as `--config` arguments (which beat every config file).
    pub(crate) fn profile_config(&self) -> Vec<String> {
        let opt_level = match self.opt_level.as_str() {
            level @ ("s" | "z") => format!("\"{level}\""),
            level => level.to_owned(),
        };
        ["inherits=\"release\"".to_owned(), format!("opt-level={opt_level}")]
            .into_iter()
            .chain(PROFILE.iter().map(|key| format!("{}={}", key.key, key.value)))
            .map(|key| format!("profile.listings.{key}"))
            .collect()
    }

    /// Flags handed to rustc for the listed crate itself, after cargo's.
    pub(crate) fn rustc_args(&self) -> Vec<String> {
        RUSTC_ARGS
            .iter()
            .flat_map(|(flag, _)| ["-C".to_owned(), (*flag).to_owned()])
            .chain(self.codegen_args())
            .collect()
    }

    /// The same flags for rustc run on one file without cargo (an exercise's source,
    /// `standalone.rs`): the profile's keys as `-C` flags, then [`CodegenFlags::rustc_args`].
    /// `standalone_listing_equals_the_cargo_listing` in `tests/standalone.rs` holds the two paths
    /// to the same code.
    pub(crate) fn standalone_rustc_args(&self) -> Vec<String> {
        std::iter::once(format!("opt-level={}", self.opt_level))
            .chain(PROFILE.iter().filter_map(|key| key.standalone.map(str::to_owned)))
            .flat_map(|flag| ["-C".to_owned(), flag])
            .chain(self.rustc_args())
            .collect()
    }

    /// How the snapshots describe these flags: the same on every machine, so no paths.
    pub fn describe(&self) -> String {
        let mut flags = vec![format!("--target {TARGET}"), format!("-C opt-level={}", self.opt_level)];
        flags.extend(PROFILE.iter().filter_map(|key| key.rustc.map(str::to_owned)));
        flags.extend(RUSTC_ARGS.iter().map(|(flag, _)| format!("-C {flag}")));
        flags.extend(self.extra_words());
        if self.needs_bootstrap() {
            flags.push(BOOTSTRAP.to_owned());
        }
        format!("{}{DESCRIPTION_END}", flags.join(" "))
    }

    /// The options rustc gets on Compiler Explorer for a listing made with these flags: those
    /// that change the code (Compiler Explorer adds `--emit asm`, the syntax and `--crate-type`).
    pub fn compiler_explorer_options(&self, edition: &str) -> String {
        let mut options = vec![format!("--edition {edition}"), format!("-C opt-level={}", self.opt_level)];
        options.extend(PROFILE.iter().filter(|key| key.explorer).filter_map(|key| key.rustc.map(str::to_owned)));
        options.extend(RUSTC_ARGS.iter().filter(|(_, explorer)| *explorer).map(|(flag, _)| format!("-C {flag}")));
        // An experiment's flag changes the code: that is why it is there. Compiler Explorer's
        // stable rustc refuses a `-Z` flag, so the book links no listing that has one
        // (`needs_bootstrap`); the options still say what the listing was compiled with.
        options.extend(self.extra_words());
        options.join(" ")
    }

    /// The command-line options of `cargo xtask asm` that ask for these flags.
    /// Unquoted: `["--opt-level", "z", "-C", "llvm-args=-enable-dfa-jump-thread", "-Z", "…"]`.
    pub(crate) fn command_options(&self) -> Vec<String> {
        let opt_level = match self.opt_level.as_str() {
            "3" => Vec::new(),
            level => vec!["--opt-level".to_owned(), level.to_owned()],
        };
        opt_level.into_iter().chain(self.codegen_args()).collect()
    }

    /// Inverse of [`CodegenFlags::describe`]: the extra flags are those after the listings' own.
    pub(crate) fn from_description(description: &str) -> Option<CodegenFlags> {
        let opt_level = description.split_once("-C opt-level=")?.1.split_whitespace().next()?;
        let plain = CodegenFlags::with_opt_level(opt_level).describe();
        let plain = plain.strip_suffix(DESCRIPTION_END).expect("a description ends so");
        let extra = description.strip_suffix(DESCRIPTION_END)?.strip_prefix(plain)?;
        let extra = extra.strip_suffix(&format!(" {BOOTSTRAP}")).unwrap_or(extra);
        let mut flags = CodegenFlags::with_opt_level(opt_level);
        let words: Vec<&str> = extra.split_whitespace().collect();
        for pair in words.chunks(2) {
            match pair {
                ["-C", flag] => flags.codegen.push(codegen_flag(flag).ok()?),
                ["-Z", flag] => flags.unstable.push(unstable_flag(flag).ok()?),
                _ => return None,
            }
        }
        (flags.describe() == description).then_some(flags)
    }

    /// Its own folder for each flag set, where the compiler writes the `.s` and `.o`: `asm-opt3`,
    /// `asm-opt3-llvm-args-enable-dfa-jump-thread`, `asm-opt3-Z-mir-enable-passes-GVN`.
    pub(crate) fn target_dir(&self, workspace: &Workspace) -> PathBuf {
        workspace.tools_dir("listings").join(self.dir_name())
    }

    /// The name of the folder cargo builds in for these flags: [`CodegenFlags::dir_name`]
    /// without the `-C` flags. Those go to the listed crate alone (`cargo rustc -- …`), so its
    /// dependencies are built alike for every `-C` flag set of one optimisation level, and one
    /// build of them serves all (`asm-opt3-panic-abort` builds in `asm-opt3`). The `-Z` flags
    /// keep folders of their own: their compilations run with `RUSTC_BOOTSTRAP`.
    pub(crate) fn cargo_dir_name(&self) -> String {
        CodegenFlags { codegen: Vec::new(), ..self.clone() }.dir_name()
    }

    /// The name of that folder: a crate outside the book has the same folders in a folder of
    /// its own (`foreign.rs`).
    pub(crate) fn dir_name(&self) -> String {
        let mut name = format!("asm-opt{}", self.opt_level);
        let unstable = self.unstable.iter().map(|flag| format!("Z-{flag}"));
        for flag in self.codegen.iter().cloned().chain(unstable) {
            name.push('-');
            // A folder's name: no `=`, `/` or `.` (a `.` would be taken for an extension).
            let words = flag.split(|c: char| !c.is_ascii_alphanumeric()).filter(|word| !word.is_empty());
            name.push_str(&words.collect::<Vec<_>>().join("-"));
        }
        name
    }

    /// The profile keys as the workspace `Cargo.toml` writes them: `(key, TOML value)`.
    pub fn profile_keys(&self) -> Vec<(String, String)> {
        [("inherits".to_owned(), "\"release\"".to_owned()), ("opt-level".to_owned(), self.opt_level.clone())]
            .into_iter()
            .chain(PROFILE.iter().map(|key| (key.key.to_owned(), key.value.to_owned())))
            .collect()
    }
}

/// What a description says after the flags when a `-Z` flag is among them.
const BOOTSTRAP: &str = "(RUSTC_BOOTSTRAP=1)";

/// An unstable flag as rustc takes it after `-Z`, checked: `key` or `key=value`, one word.
pub fn unstable_flag(flag: &str) -> Result<String, String> {
    one_flag('Z', flag)
}

/// A `-C` flag as rustc takes it after `-C`, checked: `key` or `key=value`, one word (a
/// description and a command are read back at spaces), and not the optimisation level, which
/// has a field of its own. One of the listings' own flags may be given again: rustc takes the
/// last (`debuginfo=0` after the profile's `line-tables-only`).
pub fn codegen_flag(flag: &str) -> Result<String, String> {
    let flag = one_flag('C', flag)?;
    if flag.split('=').next() == Some("opt-level") {
        return Err(format!("`-C {flag}`: the optimisation level has an option of its own, --opt-level"));
    }
    Ok(flag)
}

/// A flag as rustc takes it after `-{letter}`: a non-empty key, then `=value` or nothing, all
/// one word.
fn one_flag(letter: char, flag: &str) -> Result<String, String> {
    if flag.starts_with('=') || flag.is_empty() || flag.chars().any(char::is_whitespace) {
        return Err(format!("`{flag}` is not a -{letter} flag as rustc spells it (`key=value`, one word)"));
    }
    Ok(flag.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_names_the_flags_that_change_the_code() {
        assert_eq!(
            CodegenFlags::default().describe(),
            "--target x86_64-unknown-linux-gnu -C opt-level=3 -C codegen-units=1 -C debuginfo=line-tables-only \
             -C target-cpu=x86-64 -C llvm-args=-x86-asm-syntax=intel (Intel syntax), paths remapped"
        );
        assert_eq!(
            CodegenFlags::from_description(&CodegenFlags::with_opt_level("z").describe()),
            Some(CodegenFlags::with_opt_level("z"))
        );
    }

    #[test]
    fn an_extra_flag_follows_the_listings_own_everywhere_and_reads_back_from_the_description() {
        let flags = CodegenFlags::default().with_codegen("llvm-args=-enable-dfa-jump-thread");
        assert_eq!(
            flags.describe(),
            "--target x86_64-unknown-linux-gnu -C opt-level=3 -C codegen-units=1 -C debuginfo=line-tables-only \
             -C target-cpu=x86-64 -C llvm-args=-x86-asm-syntax=intel -C llvm-args=-enable-dfa-jump-thread \
             (Intel syntax), paths remapped"
        );
        let two = CodegenFlags::with_opt_level("z").with_codegen("panic=abort").with_codegen("debuginfo=0");
        for flags in [&flags, &two, &CodegenFlags::default()] {
            assert_eq!(CodegenFlags::from_description(&flags.describe()).as_ref(), Some(flags));
        }
        assert_eq!(flags.rustc_args()[4..], ["-C", "llvm-args=-enable-dfa-jump-thread"]);
        assert!(flags.standalone_rustc_args().ends_with(&["-C".into(), "llvm-args=-enable-dfa-jump-thread".into()]));
        assert_eq!(flags.command_options(), ["-C", "llvm-args=-enable-dfa-jump-thread"]);
        assert_eq!(two.command_options(), ["--opt-level", "z", "-C", "panic=abort", "-C", "debuginfo=0"]);
        assert!(flags.compiler_explorer_options("2024").ends_with(" -C llvm-args=-enable-dfa-jump-thread"));
        let workspace = Workspace::this_checkout();
        let folder = |flags: &CodegenFlags| flags.target_dir(&workspace).file_name().unwrap().to_owned();
        assert_eq!(folder(&flags), "asm-opt3-llvm-args-enable-dfa-jump-thread");
        assert_eq!(folder(&CodegenFlags::default()), "asm-opt3", "the book's listings keep their folder");
        assert_eq!(flags.cargo_dir_name(), "asm-opt3", "cargo builds the dependencies once for both");
        assert_eq!(two.cargo_dir_name(), "asm-optz");
    }

    #[test]
    fn an_unstable_flag_follows_the_codegen_flags_everywhere_says_bootstrap_and_reads_back() {
        let flags = CodegenFlags::default().with_unstable("mir-enable-passes=-GVN");
        assert!(flags.needs_bootstrap() && !CodegenFlags::default().needs_bootstrap());
        assert!(
            flags.describe().ends_with(
                "-C llvm-args=-x86-asm-syntax=intel -Z mir-enable-passes=-GVN (RUSTC_BOOTSTRAP=1) (Intel syntax), paths \
                 remapped"
            ),
            "{}",
            flags.describe()
        );
        let both = CodegenFlags::with_opt_level("2").with_codegen("panic=abort").with_unstable("mir-opt-level=0");
        for flags in [&flags, &both] {
            assert_eq!(CodegenFlags::from_description(&flags.describe()).as_ref(), Some(flags));
        }
        assert!(both.rustc_args().ends_with(&["-C", "panic=abort", "-Z", "mir-opt-level=0"].map(String::from)));
        assert!(flags.standalone_rustc_args().ends_with(&["-Z".into(), "mir-enable-passes=-GVN".into()]));
        assert_eq!(both.command_options(), ["--opt-level", "2", "-C", "panic=abort", "-Z", "mir-opt-level=0"]);
        assert!(flags.compiler_explorer_options("2024").ends_with(" -Z mir-enable-passes=-GVN"));
        let folder = flags.target_dir(&Workspace::this_checkout()).file_name().unwrap().to_owned();
        assert_eq!(folder, "asm-opt3-Z-mir-enable-passes-GVN");
        assert_eq!(both.cargo_dir_name(), "asm-opt2-Z-mir-opt-level-0", "a -Z flag keeps its own build");
        assert!(unstable_flag("a b").is_err() && unstable_flag("").is_err());
    }

    #[test]
    fn a_flag_that_is_not_one_word_or_is_the_optimisation_level_is_refused() {
        assert!(codegen_flag("llvm-args=-a -b").is_err());
        assert!(codegen_flag("").is_err());
        assert!(codegen_flag("opt-level=1").is_err());
        assert_eq!(codegen_flag("panic=abort").as_deref(), Ok("panic=abort"));
    }

    #[test]
    fn compiler_explorer_gets_the_flags_that_change_the_code_it_shows() {
        assert_eq!(
            CodegenFlags::with_opt_level("z").compiler_explorer_options("2024"),
            "--edition 2024 -C opt-level=z -C codegen-units=1 -C target-cpu=x86-64"
        );
    }

    #[test]
    fn the_workspace_manifest_repeats_exactly_the_listing_profile() {
        let manifest: toml::Table =
            std::fs::read_to_string(Workspace::this_checkout().root.join("Cargo.toml")).unwrap().parse().unwrap();
        let written = manifest["profile"]["listings"].as_table().expect("[profile.listings]");
        let written: Vec<(String, String)> = written.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
        let mut expected = CodegenFlags::default().profile_keys();
        let mut written = written;
        expected.sort();
        written.sort();
        assert_eq!(written, expected);
    }
}
