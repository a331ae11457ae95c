//! A solution file with its starter inside it.
//!
//! The part of a solution the student writes is wrapped in three marker comments; the starter's
//! version of that part sits between the second and the third, commented out:
//!
//! ```text
//!     // exercise: solution
//!     let counts = unsafe { &*data.cast::<Counts>() };
//!     counts.wakes_by_ref.fetch_add(1, Ordering::Relaxed);
//!     // exercise: starter
//!     // todo!("count the wake, and keep the waker's strong count")
//!     // exercise: end
//! ```
//!
//! The solution compiles as it is (the markers and the starter are comments), and the starter
//! is cut from it: outside the markers both are the same text, so they cannot drift.

use std::fmt;

const SOLUTION: &str = "// exercise: solution";
const STARTER: &str = "// exercise: starter";
const END: &str = "// exercise: end";

/// What is wrong with the markers of a file, with the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for MarkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Which version of a marked file to cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Starter,
    Solution,
}

/// The file as the student first sees it, or as the solution reads without its markers.
pub fn cut(text: &str, version: Version) -> Result<String, MarkerError> {
    let mut out = String::with_capacity(text.len());
    let mut part = Part::Shared;
    let mut regions = 0;
    let mut opened_at = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        let error = |message: &str| Err(MarkerError { line: number, message: message.to_owned() });
        match (trimmed, part) {
            (SOLUTION, Part::Shared) => {
                (part, opened_at) = (Part::Solution, number);
                continue;
            }
            (STARTER, Part::Solution) => {
                part = Part::Starter { lines: 0 };
                continue;
            }
            (END, Part::Starter { lines: 0 }) => {
                return error("the starter part is empty: write what the student starts from, e.g. `// todo!(\"…\")`");
            }
            (END, Part::Starter { .. }) => {
                (part, regions) = (Part::Shared, regions + 1);
                continue;
            }
            (SOLUTION, _) => return error(&format!("`{SOLUTION}` inside the region opened at line {opened_at}")),
            (STARTER, _) => return error(&format!("`{STARTER}` without a `{SOLUTION}` before it")),
            (END, _) => return error(&format!("`{END}` without a `{STARTER}` before it")),
            _ => {}
        }
        match part {
            Part::Shared => push_line(&mut out, line),
            Part::Solution if version == Version::Solution => push_line(&mut out, line),
            Part::Solution => {}
            Part::Starter { lines } => {
                let Some(uncommented) = uncomment(line) else {
                    return error("a starter line must be a `//` comment (the solution has to compile with it)");
                };
                part = Part::Starter { lines: lines + 1 };
                if version == Version::Starter {
                    push_line(&mut out, &uncommented);
                }
            }
        }
    }
    if part != Part::Shared {
        return Err(MarkerError {
            line: opened_at,
            message: format!("the region opened here is never closed with `{END}`"),
        });
    }
    if regions == 0 {
        return Err(MarkerError {
            line: 1,
            message: format!("no `{SOLUTION}` … `{STARTER}` … `{END}` region: nothing for the student to write"),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Shared,
    Solution,
    Starter { lines: usize },
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// `    // todo!()` → `    todo!()`; `    //` → an empty line; anything else is not a comment.
fn uncomment(line: &str) -> Option<String> {
    let indent = &line[..line.len() - line.trim_start().len()];
    let rest = line.trim_start().strip_prefix("//")?;
    Some(match rest.strip_prefix(' ') {
        Some(text) => format!("{indent}{text}"),
        None if rest.is_empty() => String::new(),
        None => format!("{indent}{rest}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKED: &str = "fn shared() {}\n\
        fn poll() -> u8 {\n    // exercise: solution\n    let x = 1;\n    x + 1\n    // exercise: starter\n    // todo!(\"add one\")\n    //\n    // exercise: end\n}\n";

    #[test]
    fn the_starter_keeps_the_shared_lines_and_uncomments_its_own() {
        assert_eq!(
            cut(MARKED, Version::Starter).unwrap(),
            "fn shared() {}\nfn poll() -> u8 {\n    todo!(\"add one\")\n\n}\n"
        );
    }

    #[test]
    fn the_solution_drops_the_markers_and_the_starter() {
        assert_eq!(
            cut(MARKED, Version::Solution).unwrap(),
            "fn shared() {}\nfn poll() -> u8 {\n    let x = 1;\n    x + 1\n}\n"
        );
    }

    #[test]
    fn broken_markers_are_refused_with_their_line() {
        let unclosed = "// exercise: solution\nx\n// exercise: starter\n// y\n";
        assert_eq!(cut(unclosed, Version::Starter).unwrap_err().line, 1);
        let code_in_starter = "// exercise: solution\nx\n// exercise: starter\ny\n// exercise: end\n";
        let error = cut(code_in_starter, Version::Starter).unwrap_err();
        assert_eq!((error.line, error.message.contains("must be a `//` comment")), (4, true));
        let empty = "// exercise: solution\nx\n// exercise: starter\n// exercise: end\n";
        assert!(cut(empty, Version::Starter).unwrap_err().message.contains("starter part is empty"));
        assert!(cut("fn f() {}\n", Version::Starter).unwrap_err().message.contains("nothing for the student"));
        let stray = "// exercise: end\n";
        assert!(cut(stray, Version::Solution).unwrap_err().message.contains("without a"));
    }
}
