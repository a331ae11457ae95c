//! Markdown that goes inside HTML the preprocessor writes (quiz texts), rendered here because
//! mdBook does not render markdown inside an HTML block.

use pulldown_cmark::{Event, Parser, Tag, html};

use super::Error;
use crate::links::markdown_options;

/// `text` as HTML; `inline` drops the paragraph around a one-paragraph text (for a choice).
/// Links are refused: a quiz text is rendered outside mdBook, whose link checks and `.md`
/// rewriting would not see them.
pub fn to_html(text: &str, inline: bool) -> Result<String, Error> {
    let events: Vec<Event<'_>> = Parser::new_ext(text, markdown_options()).collect();
    if events.iter().any(|e| matches!(e, Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }))) {
        return Err(Error::LinkInQuizText { text: text.to_owned() });
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    let out = out.trim_end();
    Ok(match (inline, out.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"))) {
        (true, Some(inner)) if !inner.contains("<p>") => inner.to_owned(),
        _ => out.to_owned(),
    })
}

/// For attribute values and text built here.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_loses_its_paragraph_and_links_are_refused() {
        assert_eq!(to_html("slot `24`", true).unwrap(), "slot <code>24</code>");
        assert_eq!(to_html("One.\n\nTwo.", false).unwrap(), "<p>One.</p>\n<p>Two.</p>");
        assert_eq!(
            to_html("see [here](a.md)", false).unwrap_err().to_string(),
            "a quiz text or an aside's summary cannot hold a link (name the section instead): \"see [here](a.md)\""
        );
    }
}
