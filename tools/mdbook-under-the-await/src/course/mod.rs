//! The course in the book: `{{#quiz}}`, `{{#exercise}}`, section times (`{{#time}}`), speaker
//! notes (`{{#notes}}` … `{{#end-notes}}`) and the generated `{{#schedule}}`.
//!
//! `preprocess.rs` reads the sections of every page once ([`sections_of`]), before any page is
//! expanded: the schedule needs the times of all of them, and a section without a time fails
//! the build. Then each directive renders from its typed value, as every row of the directive
//! table does.

mod exercise;
pub(crate) mod markdown;
mod quiz;
mod schedule;
mod sections;

pub use sections::{Section, SectionProblem, Time, sections_of, untimed_page_problems};

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};

/// Every timed section of the book, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Course {
    pub sections: Vec<Section>,
}

impl Course {
    pub fn new(sections: Vec<Section>) -> Course {
        Course { sections }
    }
}

/// Why a part of the course cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A quiz or an exercise that cannot be read: the course crate's error names the file and
    /// line, or the exercises there are.
    #[error(transparent)]
    Material(#[from] ::course::Error),
    #[error("a quiz text or an aside's summary cannot hold a link (name the section instead): {text:?}")]
    LinkInQuizText { text: String },
    #[error(transparent)]
    Schedule(#[from] schedule::Error),
}

/// `{{#quiz CHAPTER}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    pub chapter: String,
}

impl Quiz {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Quiz, ArgumentError> {
        match arguments.words.as_slice() {
            [chapter] => Ok(Quiz { chapter: chapter.clone() }),
            _ => Err(ArgumentError::Usage),
        }
    }
}

impl Render for Quiz {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(quiz::render(&context.workspace.root, &self.chapter)?))
    }
}

/// `{{#exercise NAME}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub name: String,
}

impl Exercise {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Exercise, ArgumentError> {
        match arguments.words.as_slice() {
            [name] => Ok(Exercise { name: name.clone() }),
            _ => Err(ArgumentError::Usage),
        }
    }
}

impl Render for Exercise {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(exercise::render(&context.workspace.root, &self.name)?))
    }
}

impl Render for Time {
    fn render(&self, _: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(sections::render_time(self)))
    }
}

/// `{{#notes}}`: the start of a section's speaker notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notes;

impl Notes {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Notes, ArgumentError> {
        no_arguments(arguments).map(|()| Notes)
    }
}

impl Render for Notes {
    fn render(&self, _: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(sections::NOTES_START.to_owned()))
    }
}

/// `{{#end-notes}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndNotes;

impl EndNotes {
    pub fn parse(arguments: &Arguments<'_>) -> Result<EndNotes, ArgumentError> {
        no_arguments(arguments).map(|()| EndNotes)
    }
}

impl Render for EndNotes {
    fn render(&self, _: &Context<'_>) -> Result<Expansion, RenderError> {
        Ok(Expansion::Markdown(sections::NOTES_END.to_owned()))
    }
}

/// `{{#schedule}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule;

impl Schedule {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Schedule, ArgumentError> {
        no_arguments(arguments).map(|()| Schedule)
    }
}

impl Render for Schedule {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        // The questions each quiz of the workshop asks: those marked `workshop = true`.
        let mut asked = std::collections::BTreeMap::new();
        for chapter in context.course.sections.iter().filter(|s| s.time.workshop).filter_map(|s| s.quiz.as_ref()) {
            let quiz = ::course::quiz::Quiz::of_chapter(&context.workspace.root, chapter).map_err(Error::from)?;
            let marked: Vec<usize> = (1..=quiz.questions.len()).filter(|n| quiz.questions[n - 1].workshop).collect();
            asked.insert(chapter.clone(), marked);
        }
        Ok(Expansion::Markdown(schedule::render(&context.course.sections, &asked).map_err(Error::from)?))
    }
}

fn no_arguments(arguments: &Arguments<'_>) -> Result<(), ArgumentError> {
    match arguments.words.is_empty() {
        true => Ok(()),
        false => Err(ArgumentError::Usage),
    }
}
