//! `mdbook-under-the-await`: mdBook's preprocessor protocol around [`preprocess`].

use std::process::ExitCode;

use mdbook_under_the_await::preprocess;

fn main() -> ExitCode {
    // `mdbook-under-the-await supports <renderer>`: every renderer gets markdown it can use.
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return ExitCode::SUCCESS;
    }
    let (context, mut book) = match mdbook_preprocessor::parse_input(std::io::stdin()) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("error: mdbook-under-the-await expects mdBook's preprocessor input on stdin: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let src = context.root.join(&context.config.book.src);
    let problems = preprocess(&context.root, &src, &mut book);
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        eprintln!("error: {} problem(s) in the book's sources; the book was not built", problems.len());
        return ExitCode::FAILURE;
    }
    match serde_json::to_writer(std::io::stdout().lock(), &book) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write the book back to mdBook: {error}");
            ExitCode::FAILURE
        }
    }
}
