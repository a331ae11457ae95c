//! `cargo xtask …`: the project's own command line (the alias lives in `.cargo/config.toml`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use listings::{AsmOptions, CodegenFlags, Stage};

mod exercise;

#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", about = "Tools of Under the Await")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the x86-64 assembly of a chapter's function, exactly as the book shows it.
    Asm {
        /// The chapter: `ch01-the-experiment`, `ch01_the_experiment` or `ch01`.
        chapter: String,
        /// The function, demangled: `hello_world::{{closure}}`, `DummyFuture::poll`, or a full
        /// path such as `ch01_the_experiment::noop_waker::noop_clone`.
        #[arg(required_unless_present = "list")]
        function: Option<String>,
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
        #[arg(long, default_value = "3", value_parser = ["0", "1", "2", "3", "s", "z"])]
        opt_level: String,
    },
    /// Print a MIR body after all passes, the coroutine transform included (`--emit=mir`, opt-level 0).
    Mir(StageArgs),
    /// Print a HIR item: the source after desugaring (`-Zunpretty=hir`, under RUSTC_BOOTSTRAP=1).
    Hir(StageArgs),
    /// Print a type's layout: size, variants, field offsets, and a table (`-Zprint-type-sizes`).
    TypeSizes(StageArgs),
    /// The exercises: list, start, check your work, read its machine code.
    Exercise {
        #[command(subcommand)]
        command: exercise::ExerciseCommand,
    },
}

/// The compiler's intermediate stages, each a subcommand: `cargo xtask mir ch01 'hello_world::{closure#0}'`.
#[derive(clap::Args)]
struct StageArgs {
    /// The chapter: `ch01-the-experiment`, `ch01_the_experiment` or `ch01`.
    chapter: String,
    /// The MIR body, HIR item or type to show (`--list` lists them).
    #[arg(required_unless_present = "list")]
    subject: Option<String>,
    /// List what the stage has for the chapter, instead.
    #[arg(long, conflicts_with = "subject")]
    list: bool,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Asm { chapter, function: Some(function), source, data, opt_level, .. } => {
            let flags = CodegenFlags { opt_level };
            report(
                listings::asm_with_flags(&chapter, &function, &AsmOptions { source, data }, &flags)
                    .map(|listing| print!("{listing}")),
            )
        }
        Command::Asm { chapter, .. } => {
            report(listings::asm_functions(&chapter).map(|names| names.iter().for_each(|name| println!("{name}"))))
        }
        Command::Mir(args) => print_stage(Stage::Mir, args),
        Command::Hir(args) => print_stage(Stage::Hir, args),
        Command::TypeSizes(args) => print_stage(Stage::TypeSizes, args),
        Command::Exercise { command } => exercise::run(command),
    }
}

fn print_stage(stage: Stage, args: StageArgs) -> ExitCode {
    match args.subject {
        Some(subject) => report(listings::stage(&args.chapter, stage, &subject).map(|listing| print!("{listing}"))),
        None => report(
            listings::stage_subjects(&args.chapter, stage)
                .map(|names| names.iter().for_each(|name| println!("{name}"))),
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
                | listings::Error::UnknownFunction { .. }
                | listings::Error::UnknownSubject { .. }
                | listings::Error::AmbiguousFunction { .. } => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
