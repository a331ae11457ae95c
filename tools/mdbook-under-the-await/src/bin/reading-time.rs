//! `reading-time PAGE…`: each page's main line and asides in words, listings and minutes, as
//! the chapters' pages show them (`reading_time.rs`); for comparing two versions of the book.

use std::process::ExitCode;

use mdbook_under_the_await::reading_time::Reading;

fn main() -> ExitCode {
    let pages: Vec<String> = std::env::args().skip(1).collect();
    if pages.is_empty() {
        eprintln!("usage: reading-time PAGE.md…  (e.g. book/ch0*.md)");
        return ExitCode::from(2);
    }
    println!("| page | main-line words | main-line listings | minutes | aside words | aside listings | minutes |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut failed = false;
    for page in pages {
        match std::fs::read_to_string(&page) {
            Ok(text) => {
                let Reading { main, asides } = Reading::of(&text);
                println!(
                    "| {page} | {} | {} | {} | {} | {} | {} |",
                    main.words,
                    main.listings,
                    main.minutes(),
                    asides.words,
                    asides.listings,
                    asides.minutes()
                );
            }
            Err(error) => {
                eprintln!("error: cannot read {page}: {error}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
