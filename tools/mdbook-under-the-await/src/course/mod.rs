//! The course in the book: `{{#quiz}}`, `{{#exercise}}`, section times (`{{#time}}`), speaker
//! notes (`{{#notes}}` … `{{#end-notes}}`) and the generated `{{#schedule}}`.
//!
//! [`Course::collect`] reads every page once, before any page is expanded: the schedule needs
//! the times of all of them, and a section without a time fails the build. Then [`Course::render`]
//! expands one directive; `preprocess.rs` calls it for the directive names in [`DIRECTIVES`].

mod exercise;
mod markdown;
mod quiz;
mod schedule;
mod sections;

use std::path::Path;

pub use sections::{Section, sections_of, untimed_page_problems};

use crate::directive::Directive;

/// The directives this module expands.
pub const DIRECTIVES: &[&str] = &["quiz", "exercise", "time", "notes", "end-notes", "schedule"];

/// Every timed section of the book, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Course {
    pub sections: Vec<Section>,
}

impl Course {
    pub fn new(sections: Vec<Section>) -> Course {
        Course { sections }
    }

    /// The markdown (with HTML) that replaces `directive`, or what is wrong with it.
    pub fn render(&self, directive: &Directive<'_>, root: &Path) -> Result<String, String> {
        let arguments = directive.arguments();
        match directive.name {
            "quiz" => match arguments.as_slice() {
                [chapter] => quiz::render(root, chapter),
                _ => Err("usage: {{#quiz CHAPTER}}, e.g. {{#quiz ch01-the-experiment}}".to_owned()),
            },
            "exercise" => match arguments.as_slice() {
                [name] => exercise::render(root, name),
                _ => Err("usage: {{#exercise NAME}}, e.g. {{#exercise ch03-counting-waker}}".to_owned()),
            },
            "time" => sections::parse_time(&arguments).map(|time| sections::render_time(&time)),
            "notes" => Ok(sections::NOTES_START.to_owned()),
            "end-notes" => Ok(sections::NOTES_END.to_owned()),
            "schedule" => match arguments.as_slice() {
                [] => schedule::render(&self.sections),
                _ => Err("usage: {{#schedule}}".to_owned()),
            },
            other => Err(format!("`{other}` is no course directive")),
        }
    }
}
