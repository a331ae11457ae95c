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

const SOLUTION: &str = "// exercise: solution";
const STARTER: &str = "// exercise: starter";
const END: &str = "// exercise: end";

/// A marker out of place, or a starter that cannot be cut, at a 1-based line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct MarkerError {
    pub line: usize,
    pub problem: MarkerProblem,
}

/// What is wrong with the markers at a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkerProblem {
    #[error("`{SOLUTION}` inside the region opened at line {opened_at}")]
    SolutionInsideRegion { opened_at: usize },
    #[error("`{STARTER}` without a `{SOLUTION}` before it")]
    StarterWithoutSolution,
    #[error("`{END}` without a `{STARTER}` before it")]
    EndWithoutStarter,
    #[error("the starter part is empty: write what the student starts from, e.g. `// todo!(\"…\")`")]
    EmptyStarter,
    /// The solution compiles with its starter inside it only if the starter is commented out.
    #[error("a starter line must be a `//` comment (the solution has to compile with it)")]
    StarterNotComment,
    #[error("the region opened here is never closed with `{END}`")]
    NeverClosed,
    #[error("no `{SOLUTION}` … `{STARTER}` … `{END}` region: nothing for the student to write")]
    NoRegion,
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
        let error = |problem| Err(MarkerError { line: number, problem });
        match (trimmed, part) {
            (SOLUTION, Part::Shared) => {
                (part, opened_at) = (Part::Solution, number);
                continue;
            }
            (STARTER, Part::Solution) => {
                part = Part::Starter { lines: 0 };
                continue;
            }
            (END, Part::Starter { lines: 0 }) => return error(MarkerProblem::EmptyStarter),
            (END, Part::Starter { .. }) => {
                (part, regions) = (Part::Shared, regions + 1);
                continue;
            }
            (SOLUTION, _) => return error(MarkerProblem::SolutionInsideRegion { opened_at }),
            (STARTER, _) => return error(MarkerProblem::StarterWithoutSolution),
            (END, _) => return error(MarkerProblem::EndWithoutStarter),
            _ => {}
        }
        match part {
            Part::Shared => push_line(&mut out, line),
            Part::Solution if version == Version::Solution => push_line(&mut out, line),
            Part::Solution => {}
            Part::Starter { lines } => {
                let Some(uncommented) = uncomment(line) else {
                    return error(MarkerProblem::StarterNotComment);
                };
                part = Part::Starter { lines: lines + 1 };
                if version == Version::Starter {
                    push_line(&mut out, &uncommented);
                }
            }
        }
    }
    if part != Part::Shared {
        return Err(MarkerError { line: opened_at, problem: MarkerProblem::NeverClosed });
    }
    if regions == 0 {
        return Err(MarkerError { line: 1, problem: MarkerProblem::NoRegion });
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
        let refused = |text: &str| cut(text, Version::Starter).unwrap_err();
        let at = |line, problem| MarkerError { line, problem };
        let unclosed = "// exercise: solution\nx\n// exercise: starter\n// y\n";
        assert_eq!(refused(unclosed), at(1, MarkerProblem::NeverClosed));
        let code_in_starter = "// exercise: solution\nx\n// exercise: starter\ny\n// exercise: end\n";
        assert_eq!(refused(code_in_starter), at(4, MarkerProblem::StarterNotComment));
        let empty = "// exercise: solution\nx\n// exercise: starter\n// exercise: end\n";
        assert_eq!(refused(empty), at(4, MarkerProblem::EmptyStarter));
        assert_eq!(refused("fn f() {}\n"), at(1, MarkerProblem::NoRegion));
        assert_eq!(refused("x\n// exercise: end\n"), at(2, MarkerProblem::EndWithoutStarter));
        assert_eq!(refused("// exercise: starter\n"), at(1, MarkerProblem::StarterWithoutSolution));
        let nested = "// exercise: solution\nx\n// exercise: solution\n";
        assert_eq!(refused(nested), at(3, MarkerProblem::SolutionInsideRegion { opened_at: 1 }));
    }

    #[test]
    fn a_marker_error_says_its_line_and_what_is_wrong() {
        let error = cut("// exercise: solution\nx\n// exercise: starter\ny\n// exercise: end\n", Version::Solution);
        assert_eq!(
            error.unwrap_err().to_string(),
            "line 4: a starter line must be a `//` comment (the solution has to compile with it)"
        );
    }
}
