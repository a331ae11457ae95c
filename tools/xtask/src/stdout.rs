//! Every command's output, through one door: `out!` and `outln!`, the crate's `print!` and
//! `println!` (which `clippy::print_stdout` keeps out of it).
//!
//! A reader who pipes a command into `head` or `less` and stops reading early closes the pipe:
//! the next write fails with a broken pipe, where `print!` would panic ("failed printing to
//! stdout"). Here the command ends at once, quietly, with exit status 0, as ripgrep does: the
//! reader took what they wanted, and a script's `set -o pipefail` does not fail on it (a tool
//! killed by SIGPIPE, such as `cat`, gives 141 instead). Ignoring SIGPIPE stays Rust's default,
//! so a write to a closed pipe or socket elsewhere (a child's stdin, the book server's
//! connections) is still an error to handle, never a silent death.

use std::io::Write as _;

/// Writes `text` to stdout, and flushes it; on a broken pipe ends the process with status 0.
/// Any other failure to write is an error, with exit status 1.
pub fn write(text: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(error) => {
            eprintln!("error: cannot write to stdout: {error}");
            std::process::exit(1);
        }
    }
}

/// `print!`, through [`write`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!($($arg)*))
    };
}

/// `println!`, through [`write`].
macro_rules! outln {
    () => {
        $crate::stdout::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
