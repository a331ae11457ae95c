//! `mdbook-under-the-await`: mdBook's preprocessor protocol around [`UnderTheAwait`].

use std::io::{Read, Write};
use std::process::ExitCode;

use mdbook_preprocessor::Preprocessor;
use mdbook_under_the_await::UnderTheAwait;

fn main() -> ExitCode {
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
