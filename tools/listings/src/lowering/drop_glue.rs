//! Drop glue as `-Zdump-mir` writes it: one `fn drop_in_place(_1: *mut T) -> () { … }` body per
//! type, each under a `// MIR for `std::ptr::drop_in_place` …` comment.
//!
//! Every body has the same name, so each is named here by the type it drops:
//! `drop_in_place::<{async fn body of hello_world()}>`.

use super::mir;
use crate::error::{Expected, Format, ParseError};

/// The bodies, each named `drop_in_place::<T>`, sorted by name (the dump files have no order of
/// their own). A body that is not drop glue is an error, not left out.
pub fn bodies(dumps: &str) -> Result<Vec<mir::Body>, ParseError> {
    let mut bodies: Vec<mir::Body> = mir::numbered_bodies(dumps)?
        .into_iter()
        .map(|(line, body)| {
            let dropped = body.text.lines().next().and_then(dropped_type);
            let dropped =
                dropped.ok_or_else(|| ParseError::at(Format::Mir, dumps, line, Expected::DropGlueSignature))?;
            Ok(mir::Body { name: format!("drop_in_place::<{dropped}>"), ..body })
        })
        .collect::<Result<_, ParseError>>()?;
    bodies.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(bodies)
}

/// The subject a reader means: a body's name as it is, a type (`Named`,
/// `{async fn body of f()}`), or an async fn's name for the drop glue of its future (`f`).
pub fn subject(query: &str, names: &[String]) -> String {
    if names.iter().any(|name| name == query) {
        return query.to_owned();
    }
    let of_type = format!("drop_in_place::<{query}>");
    if query.starts_with('{') || names.contains(&of_type) {
        return of_type;
    }
    format!("drop_in_place::<{{async fn body of {query}()}}>")
}

/// `fn drop_in_place(_1: *mut Named) -> () {` → `Named`.
fn dropped_type(signature: &str) -> Option<&str> {
    signature.strip_prefix("fn drop_in_place(_1: *mut ")?.strip_suffix(") -> () {")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMPS: &str = "// MIR for `std::ptr::drop_in_place` after runtime-optimized\n\n\
        fn drop_in_place(_1: *mut Named) -> () {\n    bb0: {\n        return;\n    }\n}\n\n\
        // MIR for `std::ptr::drop_in_place` after runtime-optimized\n\n\
        fn drop_in_place(_1: *mut {async fn body of f()}) -> () {\n    bb0: {\n        return;\n    }\n}\n";

    #[test]
    fn each_body_is_named_by_the_type_it_drops() {
        let names: Vec<String> = bodies(DUMPS).unwrap().into_iter().map(|b| b.name).collect();
        assert_eq!(names, ["drop_in_place::<Named>", "drop_in_place::<{async fn body of f()}>"], "sorted");
        assert!(
            bodies(DUMPS).unwrap()[1].text.starts_with("fn drop_in_place(_1: *mut {async fn body of f()}) -> () {\n")
        );
    }

    #[test]
    fn a_type_or_an_async_fn_names_its_drop_glue() {
        let names: Vec<String> = bodies(DUMPS).unwrap().into_iter().map(|b| b.name).collect();
        assert_eq!(subject("Named", &names), "drop_in_place::<Named>");
        assert_eq!(subject("f", &names), "drop_in_place::<{async fn body of f()}>");
        assert_eq!(subject("{async fn body of f()}", &names), "drop_in_place::<{async fn body of f()}>");
        assert_eq!(subject("drop_in_place::<Named>", &names), "drop_in_place::<Named>");
    }
}
