//! `{{#session CHAPTER NAME}}`: what a program, or gdb on a program, printed when a chapter's
//! test ran it (`listings::session`), from the snapshot
//! `chapters/<chapter>/tests/snapshots/<chapter>__session__<NAME>.snap`: its body as a block of
//! text — never insta's header — with a caption naming what it is of, the compiler, how the
//! program was built and run, and the command that runs it again.

use listings::{ListingKind, Origin};

use crate::directive::{ArgumentError, Arguments, Context, Expansion, Render, RenderError};
use crate::listing::{Error, ListingArguments, ListingName, Options, Snapshot, caption, escape, figure};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub listing: ListingName,
}

impl Session {
    pub fn parse(arguments: &Arguments<'_>) -> Result<Session, ArgumentError> {
        Ok(Session { listing: ListingArguments::parse(&arguments.words, Options::None)?.listing })
    }
}

impl Render for Session {
    fn render(&self, context: &Context<'_>) -> Result<Expansion, RenderError> {
        let Snapshot { chapter, name, stored } = self.listing.read(ListingKind::Session, context.workspace)?;
        if !matches!(stored.provenance.origin, Origin::Session { .. }) {
            return Err(Error::WrongKind { name, chapter: chapter.slug, expected: "a session" }.into());
        }
        let command = stored.command.as_deref().map(|c| format!(" · run again by <code>{}</code>", escape(c)));
        Ok(Expansion::Markdown(figure(
            "session",
            &format!("session-{}-{name}", chapter.slug),
            "text",
            stored.body.trim_end_matches('\n'),
            &format!("{}{}", caption(&stored), command.unwrap_or_default()),
        )))
    }
}
