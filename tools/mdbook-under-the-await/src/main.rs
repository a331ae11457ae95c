//! `mdbook-under-the-await`: mdBook's preprocessor protocol around [`UnderTheAwait`].

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
    let (context, book) = match mdbook_preprocessor::parse_input(std::io::stdin()) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("error: mdbook-under-the-await expects mdBook's preprocessor input on stdin: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let book = match preprocessor.run(&context, book) {
        Ok(book) => book,
        Err(error) => {
            for line in error.to_string().lines() {
                eprintln!("error: {line}");
            }
            return ExitCode::FAILURE;
        }
    };
    match serde_json::to_writer(std::io::stdout().lock(), &book) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write the book back to mdBook: {error}");
            ExitCode::FAILURE
        }
    }
}
