//! `cargo xtask …`: the project's own command line (the alias lives in `.cargo/config.toml`).
// Every command's output goes through `out!` and `outln!` (`stdout.rs`), which end it quietly
// when the reader closes the pipe.
#![warn(clippy::print_stdout)]

mod serve;
mod stdout;

use crate::stdout::{out, outln};

use std::process::ExitCode;

use clap::{Args, FromArgMatches, Subcommand};
use listings::{AsmOptions, CodegenFlags, OPT_LEVELS, STAGES, Stage, StageRow, Workspace};

mod exercise;
mod kept_check;
mod system_tools;

/// The command line: `asm`, then a subcommand for each stage of the compiler (one per row of
/// `listings::STAGES`, made from the row), then the rest; `--help` lists them in that order.
fn cli() -> clap::Command {
    let cli = clap::Command::new("xtask")
        .bin_name("cargo xtask")
        .about("Tools of Under the Await")
        .subcommand_required(true)
        .arg_required_else_help(true);
    let cli = Assembly::augment_subcommands(cli);
    let cli = cli.subcommands(STAGES.iter().map(stage_command));
    Command::augment_subcommands(cli)
}

/// `cargo xtask mir`: the row's name, its words as the help, and [`StageArgs`].
fn stage_command(row: &StageRow) -> clap::Command {
    StageArgs::augment_args(clap::Command::new(row.name).about(row.about))
}

// `asm`, before the stages'.
#[derive(Subcommand)]
enum Assembly {
    /// Print the x86-64 assembly of a chapter's function (or, with `--manifest-path`, a crate's),
    /// exactly as the book shows it.
    Asm {
        /// The chapter: `ch01-the-experiment`, `ch01_the_experiment` or `ch01` (none with
        /// `--manifest-path`).
        #[arg(value_name = "CHAPTER", required_unless_present_any = ["manifest_path", "package"])]
        chapter: Option<String>,
        /// The function, demangled: `hello_world::{{closure}}`, `DummyFuture::poll`, or a full
        /// path such as `ch01_the_experiment::noop_waker::noop_clone`.
        #[arg(required_unless_present_any = ["list", "manifest_path", "package"])]
        function: Option<String>,
        #[command(flatten)]
        manifest: ManifestPath,
        /// A package of the book's lockfile instead of a chapter (`tokio`): its library, compiled
        /// with the listings' flags (chapter 12 shows tokio's own waker functions so).
        #[arg(long, value_name = "PACKAGE", conflicts_with = "manifest_path")]
        package: Option<String>,
        /// List the functions that have code of their own in the chapter, instead.
        #[arg(long, conflicts_with = "function")]
        list: bool,
        /// Interleave the chapter's Rust source lines as `;` comments.
        #[arg(long)]
        source: bool,
        /// Also show the constants the code refers to (vtables, strings), not only jump tables.
        #[arg(long)]
        data: bool,
        /// Optimisation level of the compile (the book's listings use 3).
        #[arg(long, default_value = "3", value_parser = clap::builder::PossibleValuesParser::new(OPT_LEVELS))]
        opt_level: String,
        /// One more rustc `-C` flag, after the listings' own (`-C llvm-args=-enable-dfa-jump-thread`);
        /// repeatable. The same flags in a chapter's test give the same listing.
        #[arg(short = 'C', value_name = "FLAG", value_parser = listings::codegen_flag)]
        codegen: Vec<String>,
        /// One more unstable rustc `-Z` flag, after the `-C` flags (`-Z mir-enable-passes=-GVN`);
        /// repeatable. The compilation runs under RUSTC_BOOTSTRAP=1, and only then.
        #[arg(short = 'Z', value_name = "FLAG", value_parser = listings::unstable_flag)]
        unstable: Vec<String>,
    },
}

// The subcommands after the stages'. (A doc comment here would become the help's `about`.)
#[derive(Subcommand)]
enum Command {
    /// Report on an async fn's future: size and alignment, its layout (a table here, a picture
    /// written as SVG), its states and the line each stops at, what each holds and what dropping
    /// the future there drops, its largest fields, and whether it is `Send` (and if not, which
    /// field makes it so).
    Future {
        /// The chapter (none with `--manifest-path`).
        #[arg(value_name = "CHAPTER", required_unless_present = "manifest_path")]
        chapter: Option<String>,
        /// The async fn: its name, or its path in the crate (`routes::handler`).
        #[arg(value_name = "ASYNC_FN", required_unless_present_any = ["list", "manifest_path"])]
        function: Option<String>,
        /// List the async fns the report takes, instead, one a line; those it does not take
        /// (a generic one) follow on stderr, each with why.
        #[arg(long, conflicts_with = "function")]
        list: bool,
        #[command(flatten)]
        manifest: ManifestPath,
        /// Where to write the picture of the layout (SVG). By default
        /// <target>/under-the-await/foreign/<package>-<digest>/future/<ASYNC_FN>.svg for a crate
        /// outside the book, <target>/under-the-await/future/<chapter>/<ASYNC_FN>.svg for a chapter.
        #[arg(long, value_name = "FILE")]
        svg: Option<std::path::PathBuf>,
    },
    /// Serve the book at http://127.0.0.1:PORT, rebuilding and reloading it on every save
    /// (`ci/serve-book` runs it).
    ServeBook {
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Fail on a chapter snapshot that no test asserted in the run that wrote REFERENCES
    /// (`INSTA_SNAPSHOT_REFERENCES_FILE`), or that a failed run left pending: `ci/test` runs it.
    CheckSnapshots {
        /// The file insta wrote, one asserted snapshot's path a line.
        references: std::path::PathBuf,
    },
    /// Print cargo's target directory (wherever `CARGO_TARGET_DIR` or a config file puts it):
    /// the scripts in ci/ run the book's tools from there.
    TargetDir,
    /// Print what the tests run besides Rust, a line each: the command and the Debian package
    /// that provides it (valgrind; the g++ that gxx-toolchain.toml pins). ci/ installs the
    /// packages whose command is missing.
    SystemPackages,
    /// Say whether valgrind, the pinned g++ and the pinned gdb are here, and for each one missing, what needs
    /// it and how to install it on Debian/Ubuntu, Fedora and macOS (`ci/student-setup` runs it).
    SystemTools,
    /// Check that every result the tools keep for their next run is the same, to the byte, the
    /// permissions and the error message, computed or read back: two runs in a target
    /// directory of their own, cold then warm.
    CheckKept,
    /// One run of every kept computation, reported to OUT (what `check-kept` runs twice).
    #[command(hide = true)]
    KeptProbe { out: std::path::PathBuf },
    /// Print one setting of book.toml by its dotted key (`output.html.site-url`).
    BookSetting { key: String },
    /// The exercises: list, start, check your work, read its machine code.
    Exercise {
        #[command(subcommand)]
        command: exercise::ExerciseCommand,
    },
}

// The arguments of every stage's subcommand: `cargo xtask mir ch01 'hello_world::{closure#0}'`,
// `cargo xtask mir --manifest-path samples/tokio-service/Cargo.toml 'lookup::{closure#0}'`.
// (A doc comment here would become the subcommand's `about`.)
#[derive(Args)]
struct StageArgs {
    /// The chapter: `ch01-the-experiment`, `ch01_the_experiment` or `ch01` (none with
    /// `--manifest-path`).
    #[arg(value_name = "CHAPTER", required_unless_present = "manifest_path")]
    chapter: Option<String>,
    /// The MIR body, HIR item or type to show (`--list` lists them).
    #[arg(required_unless_present_any = ["list", "manifest_path"])]
    subject: Option<String>,
    /// List what the stage has for the chapter, instead.
    #[arg(long, conflicts_with = "subject")]
    list: bool,
    #[command(flatten)]
    manifest: ManifestPath,
}

// A crate outside the book, for every command that compiles one. (No doc comment: see above.)
#[derive(Args)]
struct ManifestPath {
    /// A crate outside the book instead of a chapter: its Cargo.toml. It is compiled with the
    /// chapters' flags into <target>/under-the-await/foreign/<package>-<digest of the path>/.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<std::path::PathBuf>,
}

/// What a command is asked about: the crate and, unless it lists, the subject. The two words
/// before it are `CHAPTER SUBJECT`, or with `--manifest-path` the subject alone.
fn crate_and_subject(
    chapter: Option<String>,
    subject: Option<String>,
    manifest: &ManifestPath,
    list: bool,
    what: &str,
) -> Result<(listings::Crate, Option<String>), listings::Error> {
    let usage = |message: String| listings::Error::Usage { message };
    let (chapter, subject) = match (&manifest.manifest_path, chapter, subject) {
        (Some(_), Some(subject), None) => (None, Some(subject)),
        (Some(_), None, None) => (None, None),
        (Some(_), Some(chapter), Some(_)) => {
            return Err(usage(format!("`{chapter}`: with --manifest-path, name no chapter, only the {what}")));
        }
        (None, chapter, subject) => (chapter, subject),
        (Some(_), None, Some(_)) => unreachable!("clap fills the first word first"),
    };
    match (list, &subject) {
        (true, Some(subject)) => return Err(usage(format!("`{subject}`: --list takes no {what}"))),
        (false, None) => return Err(usage(format!("name the {what} to show, or ask for --list"))),
        _ => {}
    }
    let krate = listings::Crate::named(chapter.as_deref(), manifest.manifest_path.as_deref())?;
    Ok((krate, subject))
}

fn main() -> ExitCode {
    let matches = cli().get_matches();
    // `cargo xtask` (cargo run) says which checkout it ran this for.
    if let Some(package) = std::env::var_os("CARGO_MANIFEST_DIR")
        && let Err(error) = Workspace::this_checkout().refuse_another_checkout(std::path::Path::new(&package), "xtask")
    {
        return report(Err(error));
    }
    match matches.subcommand() {
        Some((name, arguments)) if let Some(stage) = Stage::named(name) => {
            print_stage(stage, parsed(StageArgs::from_arg_matches(arguments)))
        }
        Some((name, _)) if Assembly::has_subcommand(name) => assembly(parsed(Assembly::from_arg_matches(&matches))),
        _ => run(parsed(Command::from_arg_matches(&matches))),
    }
}

/// The typed arguments, or clap's own message and exit.
fn parsed<T>(result: Result<T, clap::Error>) -> T {
    result.unwrap_or_else(|error| error.exit())
}

fn assembly(command: Assembly) -> ExitCode {
    let Assembly::Asm { chapter, function, manifest, package, list, source, data, opt_level, codegen, unstable } =
        command;
    if let Some(package) = package {
        // One word: the function (clap puts it in the chapter's place).
        let flags = CodegenFlags { codegen, unstable, ..CodegenFlags::with_opt_level(&opt_level) };
        return match (chapter, function, list) {
            (Some(function), None, false) => report(
                listings::package_asm_with_flags(&package, &function, &AsmOptions { source, data }, &flags)
                    .map(|listing| out!("{listing}")),
            ),
            (None, None, true) => report(
                listings::program(&package, &flags)
                    .map(|program| program.functions().iter().for_each(|f| outln!("{}", f.name))),
            ),
            _ => report(Err(listings::Error::Usage {
                message: "with --package, name the function alone, or ask for --list".to_owned(),
            })),
        };
    }
    let (krate, function) = match crate_and_subject(chapter, function, &manifest, list, "function") {
        Ok(asked) => asked,
        Err(error) => return report(Err(error)),
    };
    match function {
        Some(function) => {
            let flags = CodegenFlags { codegen, unstable, ..CodegenFlags::with_opt_level(&opt_level) };
            report(
                listings::asm_of(&krate, &function, &AsmOptions { source, data }, &flags)
                    .map(|listing| out!("{listing}")),
            )
        }
        None => report(listings::asm_functions_of(&krate).map(|names| names.iter().for_each(|name| outln!("{name}")))),
    }
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Future { chapter, function, list, manifest, svg } => {
            report(crate_and_subject(chapter, function, &manifest, list, "async fn").and_then(|(krate, function)| {
                match function {
                    Some(function) => print_future(&krate, &function, svg),
                    None => listings::async_fns(&krate).map(|fns| print_async_fns(&fns)),
                }
            }))
        }
        Command::CheckSnapshots { references } => check_snapshots(&references),
        Command::ServeBook { port } => serve::serve_book(&Workspace::this_checkout().root, port),
        Command::Exercise { command } => exercise::run(command),
        Command::CheckKept => kept_check::check_kept(),
        Command::KeptProbe { out } => kept_check::probe(&out),
        Command::BookSetting { key } => book_setting(&Workspace::this_checkout().root.join("book.toml"), &key),
        Command::TargetDir => {
            outln!("{}", Workspace::this_checkout().target_dir().display());
            ExitCode::SUCCESS
        }
        // valgrind: chapter 9 counts instructions with callgrind, and ci/valgrind-examples runs
        // every example under memcheck.
        Command::SystemPackages => system_tools::print_packages(),
        Command::SystemTools => system_tools::print_report(),
    }
}

fn check_snapshots(references: &std::path::Path) -> ExitCode {
    let Ok(text) = std::fs::read_to_string(references) else {
        eprintln!(
            "error: cannot read {}: run the tests with INSTA_SNAPSHOT_REFERENCES_FILE set to it first (ci/test does)",
            references.display()
        );
        return ExitCode::FAILURE;
    };
    match listings::unchecked_snapshots(&Workspace::this_checkout(), &text) {
        Ok(unchecked) if unchecked.is_empty() => ExitCode::SUCCESS,
        Ok(unchecked) => {
            for path in &unchecked {
                eprintln!("error: {}: no test asserts this snapshot (delete it, or assert it again)", path.display());
            }
            eprintln!("error: {} snapshot(s) that the book could show but nothing checks", unchecked.len());
            ExitCode::FAILURE
        }
        Err(error) => report(Err(error)),
    }
}

/// Prints the value at `key` in the TOML file `file`: a string as it is, anything else as TOML.
fn book_setting(file: &std::path::Path, key: &str) -> ExitCode {
    let table: toml::Table = match std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|text| text.parse().map_err(|e: toml::de::Error| e.to_string()))
    {
        Ok(table) => table,
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let mut value = toml::Value::Table(table);
    for (depth, part) in key.split('.').enumerate() {
        let found = value.as_table().and_then(|table| table.get(part).cloned());
        let Some(found) = found else {
            let known: Vec<String> = value.as_table().map(|t| t.keys().cloned().collect()).unwrap_or_default();
            let at = key.split('.').take(depth).collect::<Vec<_>>().join(".");
            let place = if at.is_empty() { "the top".to_owned() } else { format!("`{at}`") };
            eprintln!("error: {} has no `{key}`; at {place} it has: {}", file.display(), known.join(", "));
            return ExitCode::from(2);
        };
        value = found;
    }
    match value {
        toml::Value::String(text) => outln!("{text}"),
        other => outln!("{other}"),
    }
    ExitCode::SUCCESS
}

/// The async fns the report takes on stdout, for a script or a shell's loop; those it does not
/// take on stderr, for the reader, each with why.
fn print_async_fns(fns: &listings::AsyncFns) {
    for name in &fns.reportable {
        outln!("{name}");
    }
    if !fns.refused.is_empty() {
        eprintln!("not reportable:");
        for refused in &fns.refused {
            eprintln!("  {} ({})", refused.name, refused.reason());
        }
    }
}

/// Prints the report on `function`'s future, and writes the picture of its layout to `svg` (or
/// beside the crate's builds), saying where.
fn print_future(
    krate: &listings::Crate,
    function: &str,
    svg: Option<std::path::PathBuf>,
) -> Result<(), listings::Error> {
    let report = listings::future_report(krate, function)?;
    let workspace = Workspace::this_checkout();
    let file_name = format!("{}.svg", file_stem(&report.function));
    let svg = svg.unwrap_or_else(|| match krate {
        listings::Crate::Foreign(foreign) => foreign.target_dir(&workspace).join("future").join(file_name),
        listings::Crate::Chapter(chapter) => workspace.tools_dir("future").join(&chapter.slug).join(file_name),
    });
    let picture = pictures::layout::Layout::of_type(&report.layout);
    let id = format!("future-{}", report.function.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let write =
        |error: std::io::Error| listings::Error::Write { path: svg.display().to_string(), reason: error.to_string() };
    if let Some(folder) = svg.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(write)?;
    }
    std::fs::write(&svg, picture.svg(&id)).map_err(write)?;
    out!("{report}\nThe picture of the layout: {}\n", svg.display());
    Ok(())
}

/// A name for the picture's file: the fn's, each run of characters other than a letter, a digit
/// or `_` made one `-` (`routes::handler` → `routes-handler`; a method's MIR name,
/// `<impl at src/lib.rs:14:1: 14:9>::method`, has a `/` and spaces).
fn file_stem(function: &str) -> String {
    let words: Vec<&str> =
        function.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
    words.join("-")
}

fn print_stage(stage: Stage, args: StageArgs) -> ExitCode {
    let (krate, subject) =
        match crate_and_subject(args.chapter, args.subject, &args.manifest, args.list, stage.row().noun) {
            Ok(asked) => asked,
            Err(error) => return report(Err(error)),
        };
    match subject {
        Some(subject) => report(listings::stage_of(&krate, stage, &subject).map(|listing| out!("{listing}"))),
        None => report(
            listings::stage_subjects_of(&krate, stage).map(|names| names.iter().for_each(|name| outln!("{name}"))),
        ),
    }
}

/// Exit 2 for a name that does not exist (like clap's own usage errors), 1 for anything else.
fn report(result: Result<(), listings::Error>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            match error {
                listings::Error::UnknownChapter { .. }
                | listings::Error::Usage { .. }
                | listings::Error::NoManifest { .. }
                | listings::Error::NotAPackage { .. }
                | listings::Error::NoLibrary { .. }
                | listings::Error::UnknownAsyncFn { .. }
                | listings::Error::NotAsync { .. }
                | listings::Error::NotReportable { .. }
                | listings::Error::UnknownFunction { .. }
                | listings::Error::UnknownSubject { .. }
                | listings::Error::Ambiguous { .. } => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workspace's members, from the `members` of its `Cargo.toml` (a trailing `*` is every
    /// folder there with a manifest).
    fn member_folders(root: &std::path::Path) -> Vec<std::path::PathBuf> {
        let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml")).unwrap().parse().unwrap();
        let members = manifest["workspace"]["members"].as_array().unwrap();
        let mut folders = Vec::new();
        for member in members.iter().map(|m| m.as_str().unwrap()) {
            match member.strip_suffix("/*") {
                Some(parent) => {
                    for entry in std::fs::read_dir(root.join(parent)).unwrap().map(Result::unwrap) {
                        if entry.path().join("Cargo.toml").is_file() {
                            folders.push(entry.path());
                        }
                    }
                }
                None => folders.push(root.join(member)),
            }
        }
        folders.sort();
        folders
    }

    /// Every `.rs` file under `folder`.
    fn rust_files(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(folder).into_iter().flatten().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }

    /// Whether rustdoc tests a fenced block with this info string: one without a language, or
    /// marked Rust or with one of rustdoc's attributes (a `toml` or `text` block is not tested).
    fn runs_as_a_doc_test(info: &str) -> bool {
        const RUST: [&str; 7] =
            ["rust", "ignore", "no_run", "compile_fail", "should_panic", "test_harness", "standalone_crate"];
        let first = info.split([',', ' ']).map(str::trim).find(|word| !word.is_empty());
        first.is_none_or(|word| RUST.contains(&word) || word.starts_with("edition"))
    }

    #[test]
    fn a_block_without_a_language_or_marked_rust_is_a_doc_test_and_a_toml_one_is_not() {
        for info in ["", "rust", "ignore", "compile_fail,E0277", "edition2024", "no_run"] {
            assert!(runs_as_a_doc_test(info), "{info:?}");
        }
        for info in ["toml", "text", "console", "sh"] {
            assert!(!runs_as_a_doc_test(info), "{info:?}");
        }
    }

    /// A crate whose manifest turns rustdoc's tests off (`[lib] doctest = false`, which spares
    /// the test command a rustdoc run for each crate without examples) must have no example to
    /// lose: no fenced block in a doc comment and no documentation included from a file.
    #[test]
    fn a_crate_whose_doc_tests_are_off_has_no_example_in_its_documentation() {
        let root = Workspace::this_checkout().root;
        let mut off = 0;
        for folder in member_folders(&root) {
            let manifest: toml::Table = std::fs::read_to_string(folder.join("Cargo.toml")).unwrap().parse().unwrap();
            let doctest = manifest.get("lib").and_then(|lib| lib.get("doctest")).and_then(toml::Value::as_bool);
            if doctest != Some(false) {
                continue;
            }
            off += 1;
            for file in rust_files(&folder.join("src")) {
                let text = std::fs::read_to_string(&file).unwrap();
                // Inside a fenced block of a doc comment: only an opening fence says a language.
                let mut inside = false;
                for (at, line) in text.lines().enumerate() {
                    let line = line.trim_start();
                    let doc = line.strip_prefix("///").or_else(|| line.strip_prefix("//!"));
                    let fence = doc.and_then(|doc| doc.trim_start().strip_prefix("```"));
                    let opens_a_test = fence.is_some_and(|info| !inside && runs_as_a_doc_test(info));
                    inside ^= fence.is_some();
                    let included = line.contains("doc = include_str!");
                    assert!(
                        !opens_a_test && !included,
                        "{}:{}: a documentation example in a crate whose doc-tests are off ({}: remove \
                         `doctest = false` from its [lib])",
                        file.display(),
                        at + 1,
                        folder.join("Cargo.toml").display()
                    );
                }
            }
        }
        assert!(off > 0, "no member turns its doc-tests off: this test checks nothing");
    }

    #[test]
    fn a_pictures_file_is_named_by_the_fn_without_a_slash_or_a_space() {
        assert_eq!(file_stem("count_visit"), "count_visit");
        assert_eq!(file_stem("routes::handler"), "routes-handler");
        assert_eq!(file_stem("<impl at src/lib.rs:14:1: 14:9>::method"), "impl-at-src-lib-rs-14-1-14-9-method");
    }

    #[test]
    fn the_command_line_is_well_formed() {
        cli().debug_assert();
    }

    #[test]
    fn asm_takes_repeated_codegen_flags_in_order_and_refuses_the_optimisation_level_as_one() {
        let asm = |words: &[&str]| {
            let matches = cli().try_get_matches_from(["xtask", "asm", "ch08", "run_in_view"].iter().chain(words))?;
            Assembly::from_arg_matches(&matches)
        };
        let Ok(Assembly::Asm { codegen, opt_level, .. }) =
            asm(&["-C", "llvm-args=-enable-dfa-jump-thread", "--opt-level", "2", "-Cpanic=abort"])
        else {
            panic!("not parsed")
        };
        assert_eq!(codegen, ["llvm-args=-enable-dfa-jump-thread", "panic=abort"]);
        assert_eq!(opt_level, "2");
        assert!(asm(&["-C", "opt-level=1"]).is_err());
    }

    #[test]
    fn asm_takes_repeated_unstable_flags_after_z_apart_from_the_codegen_flags() {
        let matches = cli()
            .try_get_matches_from([
                "xtask",
                "asm",
                "ch03",
                "wake_twice",
                "-Z",
                "mir-enable-passes=-GVN",
                "-Zmir-opt-level=0",
            ])
            .unwrap();
        let Ok(Assembly::Asm { codegen, unstable, .. }) = Assembly::from_arg_matches(&matches) else {
            panic!("not parsed")
        };
        assert_eq!(unstable, ["mir-enable-passes=-GVN", "mir-opt-level=0"]);
        assert!(codegen.is_empty());
    }

    #[test]
    fn with_a_manifest_path_the_one_word_is_the_subject_and_a_second_is_refused() {
        let manifest = ManifestPath { manifest_path: Some("no/such/Cargo.toml".into()) };
        let error = crate_and_subject(Some("ch01".into()), Some("f".into()), &manifest, false, "type").unwrap_err();
        assert_eq!(error.to_string(), "`ch01`: with --manifest-path, name no chapter, only the type");
        let error = crate_and_subject(None, None, &manifest, false, "type").unwrap_err();
        assert_eq!(error.to_string(), "name the type to show, or ask for --list");
        // One word: the subject; the manifest is then read, and this one does not exist.
        let error = crate_and_subject(Some("f".into()), None, &manifest, false, "type").unwrap_err();
        assert!(matches!(error, listings::Error::NoManifest { .. }), "{error}");
        let matches = cli().try_get_matches_from(["xtask", "mir", "--manifest-path", "x/Cargo.toml", "f"]).unwrap();
        let (_, arguments) = matches.subcommand().unwrap();
        let args = StageArgs::from_arg_matches(arguments).unwrap();
        assert_eq!((args.chapter.as_deref(), args.subject.as_deref()), (Some("f"), None));
    }

    #[test]
    fn every_stage_of_the_table_is_a_subcommand_listed_after_asm_in_the_tables_order() {
        let cli = cli();
        let mut listed: Vec<&clap::Command> = cli.get_subcommands().collect();
        listed.sort_by_key(|command| command.get_display_order());
        let names: Vec<&str> = listed.iter().map(|command| command.get_name()).collect();
        let stages: Vec<&str> = STAGES.iter().map(|row| row.name).collect();
        assert_eq!(names[0], "asm");
        assert_eq!(names[1..=stages.len()], stages, "{names:?}");
        for row in STAGES {
            let command = cli.find_subcommand(row.name).unwrap();
            assert_eq!(command.get_about().map(ToString::to_string).as_deref(), Some(row.about), "{}", row.name);
            let arguments: Vec<&str> = command.get_arguments().map(|argument| argument.get_id().as_str()).collect();
            assert_eq!(arguments, ["chapter", "subject", "list", "manifest_path"], "{}", row.name);
        }
    }
}
