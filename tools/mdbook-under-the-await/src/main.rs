//! `mdbook-under-the-await`: mdBook's preprocessor protocol around [`UnderTheAwait`].

use std::io::{Read, Write};
use std::process::ExitCode;

use mdbook_preprocessor::Preprocessor;
use mdbook_under_the_await::UnderTheAwait;

fn main() -> ExitCode {
    if let Some(stopped) = hand_over_to_cargo_if_stale() {
        return stopped;
    }
    let preprocessor = UnderTheAwait;
    // `mdbook-under-the-await supports <renderer>`: every renderer gets markdown it can use.
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if let [supports, renderer] = arguments.as_slice()
        && supports == "supports"
    {
        return match preprocessor.supports_renderer(renderer) {
            Ok(true) => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        };
    }
    // The book comes and goes as one JSON document of about a megabyte: read whole and written
    // whole, rather than byte by byte through stdin's lock and in line-buffered pieces to stdout
    // (which cost more than a third of a build's time in the preprocessor).
    let mut input = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("error: mdbook-under-the-await cannot read its standard input: {error}");
        return ExitCode::FAILURE;
    }
    let (context, book) = match mdbook_preprocessor::parse_input(input.as_slice()) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("error: mdbook-under-the-await expects mdBook's preprocessor input on stdin: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    // Run by cargo from a target directory another checkout of the book shares, this may be that
    // checkout's build: its code would expand this book's pages.
    if let Err(error) =
        listings::Workspace::this_checkout().refuse_another_checkout(&context.root, "mdbook-under-the-await")
    {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    let book = match preprocessor.run(&context, book) {
        Ok(book) => book,
        Err(error) => {
            for line in error.to_string().lines() {
                eprintln!("error: {line}");
            }
            return ExitCode::FAILURE;
        }
    };
    let written = serde_json::to_vec(&book)
        .map_err(std::io::Error::other)
        .and_then(|json| std::io::stdout().lock().write_all(&json));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write the book back to mdBook: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Started by `run` straight from the target directory (`UNDER_THE_AWAIT_CHECKOUT` names the
/// checkout): if cargo would build this binary again, or it is another checkout's, `cargo run`
/// takes over in this process's place, with the same arguments and input. `None` to go on.
fn hand_over_to_cargo_if_stale() -> Option<ExitCode> {
    use std::os::unix::process::CommandExt as _;
    let checkout = std::path::PathBuf::from(std::env::var_os("UNDER_THE_AWAIT_CHECKOUT")?);
    let exe = std::env::current_exe().ok()?;
    let built_from = listings::Workspace::this_checkout().root;
    let why = mdbook_under_the_await::freshness::why_stale(&exe, &built_from, &checkout)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let error = std::process::Command::new(cargo)
        .current_dir(&checkout)
        .args([
            "run",
            "--quiet",
            "--locked",
            "--package",
            "mdbook-under-the-await",
            "--bin",
            "mdbook-under-the-await",
            "--",
        ])
        .args(std::env::args_os().skip(1))
        .env_remove("UNDER_THE_AWAIT_CHECKOUT")
        .exec();
    eprintln!("error: the preprocessor must be built again ({why}), but cargo could not be run: {error}");
    Some(ExitCode::FAILURE)
}
