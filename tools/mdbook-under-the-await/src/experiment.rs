//! `{{#experiment CHAPTER NAME [no-source]}}`: a why-experiment a chapter's test ran
//! (`listings::experiment`), from its snapshot
//! `chapters/<chapter>/tests/snapshots/<chapter>__experiment__<NAME>.snap`.
//!
//! The page gets one line naming the effect and the one change, the two listings side by side
//! (stacked on a narrow screen), each shown exactly as its own directive shows it (`{{#asm …}}`,
//! `{{#mir …}}`, any stage's, `{{#cpp-asm …}}`), and the commands: the one that runs the
//! experiment and the two that print its listings again. `no-source` is `{{#asm}}`'s, for
//! assembly listings. An experiment whose listing is gone, or has changed since it was run, is
//! refused: its evidence would be about text the page no longer shows.

use listings::{ListingKind, Outcome, experiment::Observed};

use crate::cpp_listing::CppAsm;
use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::{self, Asm, ListingName, Snapshot, noun};
use crate::quote::inline_code as code;

/// `{{#experiment …}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentDirective {
    pub chapter: String,
    pub name: String,
    /// Assembly listings without their interleaved Rust lines.
    pub no_source: bool,
}

impl ExperimentDirective {
    pub fn parse(arguments: &Arguments<'_>) -> Result<ExperimentDirective, ArgumentError> {
        let (no_source, rest) = match arguments.words.as_slice() {
            [chapter, name] => (false, [chapter, name]),
            [chapter, name, option] if option == "no-source" => (true, [chapter, name]),
            [_, _, option] => {
                return Err(ArgumentError::UnknownOption { option: option.clone(), options: "`no-source`" });
            }
            _ => return Err(ArgumentError::Usage),
        };
        Ok(ExperimentDirective { chapter: rest[0].clone(), name: rest[1].clone(), no_source })
    }
}

/// Why an experiment cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The experiment's own snapshot, or one of its listings, is missing or unreadable (the
    /// error says which exist).
    #[error("the experiment `{name}` of {chapter}: {error}")]
    Listing { name: String, chapter: String, error: Box<listing::Error> },
    #[error(
        "the experiment `{name}` of {chapter} is stale: the {} listing `{listing}` has changed since it was run; run it \
         again with `INSTA_UPDATE=always {command}`",
        noun(*kind)
    )]
    Stale { name: String, chapter: String, kind: ListingKind, listing: String, command: String },
    #[error("the experiment `{name}` of {chapter} names `{listing}`, a listing of {other}, not of {chapter}")]
    OtherChapter { name: String, chapter: String, listing: String, other: String },
    #[error("{snapshot} has no `expression:` line, which gives the command that prints its listing again")]
    NoCommand { snapshot: String },
    #[error("the experiment `{name}` of {chapter} compares a {}, which is no listing an experiment can show", noun(*kind))]
    NotAListing { name: String, chapter: String, kind: ListingKind },
}

impl Render for ExperimentDirective {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let workspace = context.workspace;
        let at = |error: listing::Error| Error::Listing {
            name: self.name.clone(),
            chapter: self.chapter.clone(),
            error: Box::new(error),
        };
        let own = ListingName { chapter: self.chapter.clone(), name: self.name.clone(), part: None };
        let Snapshot { chapter, name, stored } = own.read(ListingKind::Experiment, workspace).map_err(at)?;
        let outcome = Outcome::read(&stored).map_err(|e| at(listing::Error::Unreadable(Box::new(e.into()))))?;
        for observed in [&outcome.with, &outcome.without] {
            if let Some(other) = observed.chapter_slug.as_ref().filter(|other| **other != chapter.slug) {
                let listing = listings::snapshot_name(other, observed.kind, &observed.name);
                return Err(Error::OtherChapter { name, chapter: chapter.slug, listing, other: other.clone() }.into());
            }
        }
        // A snapshot without its `expression:` line: the command is the one the macro writes there.
        let command = stored.command.clone().unwrap_or_else(|| stored.provenance.command(&chapter.slug, &name));
        let mut sides = Vec::new();
        for observed in [&outcome.with, &outcome.without] {
            let listing = ListingName { chapter: chapter.slug.clone(), name: observed.name.clone(), part: None };
            let shown = listing.read(observed.kind, workspace).map_err(at)?;
            if listings::experiment::digest(&shown.stored.body) != observed.digest {
                return Err(Error::Stale {
                    name,
                    chapter: chapter.slug,
                    kind: observed.kind,
                    listing: observed.name.clone(),
                    command,
                }
                .into());
            }
            let Expansion::Markdown(figure) =
                self.renderer(observed, listing, &name, &chapter.slug)?.render(context)?
            else {
                unreachable!("a listing's directive expands itself")
            };
            // The listing may be on the page by its own directive too: its figure's id, the
            // first in it, gets the experiment's as a prefix, so that no id is there twice.
            let figure = figure.replacen(" id=\"", &format!(" id=\"experiment-{}-{name}-", chapter.slug), 1);
            let print = shown
                .stored
                .command
                .ok_or_else(|| Error::NoCommand { snapshot: shown.stored.path.display().to_string() })?;
            sides.push((figure, print));
        }
        let [(first, print_first), (second, print_second)] = &sides[..] else { unreachable!("two sides") };
        Ok(Expansion::Markdown(page(
            &outcome,
            &format!("experiment-{}-{name}", chapter.slug),
            [first, second],
            [&command, print_first, print_second],
        )))
    }
}

impl ExperimentDirective {
    /// What shows one of the experiment's listings: its kind's own directive.
    fn renderer(
        &self,
        observed: &Observed,
        listing: ListingName,
        name: &str,
        chapter: &str,
    ) -> Result<Box<dyn Render>, Error> {
        Ok(match observed.kind {
            ListingKind::Asm => Box::new(Asm { listing, no_source: self.no_source, notes: Vec::new() }),
            ListingKind::Stage(stage) => listing::stage_listing(stage, listing),
            ListingKind::CppAsm => Box::new(CppAsm { listing }),
            kind @ (ListingKind::Table | ListingKind::Picture | ListingKind::Experiment | ListingKind::Session) => {
                return Err(Error::NotAListing { name: name.to_owned(), chapter: chapter.to_owned(), kind });
            }
        })
    }
}

/// The experiment as markdown: the claim and the change, the two figures, the commands.
/// Markdown between blank lines inside the HTML, so that the inline code of the effect and the
/// change renders.
fn page(
    outcome: &Outcome,
    id: &str,
    [first, second]: [&String; 2],
    [run, print_first, print_second]: [&String; 3],
) -> String {
    let count = outcome.with.lines.len();
    let mut quoted: Vec<&str> = Vec::new();
    for line in &outcome.with.lines {
        if !quoted.contains(&line.text.as_str()) {
            quoted.push(&line.text);
        }
    }
    let quoted = quoted.iter().map(|text| code(text)).collect::<Vec<_>>().join(", ");
    let lines = if count == 1 { "1 line".to_owned() } else { format!("{count} lines") };
    format!(
        "<div class=\"experiment\" id=\"{id}\">\n<div class=\"experiment-claim\">\n\n\
         **Experiment:** {effect}. **The one change:** {change}.\n\n</div>\n\
         <div class=\"experiment-pair\">\n\
         <div class=\"experiment-side experiment-with\">\n<p class=\"experiment-label\">As it is: the effect, in {lines}</p>\n\n{first}\n</div>\n\
         <div class=\"experiment-side experiment-without\">\n<p class=\"experiment-label\">With the one change: in no line</p>\n\n{second}\n</div>\n\
         </div>\n<div class=\"experiment-commands\">\n\n\
         The effect: {quoted}. Run the experiment: {run}. Print the listings again: {print_first} and {print_second}.\n\n\
         </div>\n</div>\n",
        effect = outcome.effect,
        change = outcome.change,
        run = code(run),
        print_first = code(print_first),
        print_second = code(print_second),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ExperimentDirective, ArgumentError> {
        ExperimentDirective::parse(&Arguments::split(text))
    }

    #[test]
    fn an_experiment_is_named_by_chapter_and_name_and_takes_no_source_only() {
        assert_eq!(
            parse("ch08 yield_once_poll_is_called_at_z no-source"),
            Ok(ExperimentDirective {
                chapter: "ch08".into(),
                name: "yield_once_poll_is_called_at_z".into(),
                no_source: true
            })
        );
        assert_eq!(parse("ch08"), Err(ArgumentError::Usage));
        assert_eq!(
            parse("ch08 x part=y"),
            Err(ArgumentError::UnknownOption { option: "part=y".into(), options: "`no-source`" })
        );
    }
}
