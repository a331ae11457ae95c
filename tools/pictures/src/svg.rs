//! A small SVG writer with the conventions every picture shares.
//!
//! - Colours come from the book's stylesheet (`book/theme/pictures.css`), which maps the classes
//!   below to mdBook's theme variables, so a picture follows the light and dark themes. The
//!   presentation attributes written here (`fill="none"`, `stroke="currentColor"`) are only
//!   the fallback for the SVG on its own, as its snapshot shows it.
//! - Every label is a `<text>` element (read by screen readers and by mdBook's search index),
//!   in a monospace font whose advance is 0.6 em, which is how widths are measured here: the
//!   same picture on every machine, with no font metrics involved.
//! - The root has a `<title>` and a `<desc>` (the picture in words), and `role="img"` naming
//!   them; ids are prefixed with the picture's id, so that several pictures share a page.

use std::fmt::Write as _;

/// The size of label text, in the picture's units.
pub const FONT: f64 = 12.0;
/// The size of small text: offsets on a ruler, notes.
pub const SMALL: f64 = 10.0;

/// The width of `text` in a monospace font of size `size`.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// A number as SVG writes it: at most one decimal, none when it is whole.
pub fn number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{}", rounded as i64) } else { format!("{rounded:.1}") }
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A box in the picture's units: where a geometry puts something, before it is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
}

/// A line of text, placed: at (`x`, `y`), which is its start and its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// Where a text's `x` lies.
#[derive(Debug, Clone, Copy)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

pub struct Svg {
    id: String,
    class: String,
    body: String,
}

impl Svg {
    /// `id` is unique on a page (`picture-ch05-lowering-layout_hello_world`); `class` names the
    /// kind of picture (`picture-layout`).
    pub fn new(id: &str, class: &str) -> Svg {
        Svg { id: id.to_owned(), class: class.to_owned(), body: String::new() }
    }

    /// `#ID-NAME`, for a marker or a pattern of this picture.
    pub fn reference(&self, name: &str) -> String {
        format!("url(#{}-{name})", self.id)
    }

    pub fn rect(&mut self, rect: Rect, class: &str, tooltip: Option<&str>) {
        let _ = write!(
            self.body,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"none\" stroke=\"currentColor\"",
            number(rect.x),
            number(rect.y),
            number(rect.width),
            number(rect.height)
        );
        match tooltip {
            Some(text) => {
                let _ = writeln!(self.body, "><title>{}</title></rect>", escape(text));
            }
            None => self.body.push_str("/>\n"),
        }
    }

    /// A rectangle filled with the picture's hatching.
    pub fn hatched(&mut self, rect: Rect, class: &str, tooltip: &str) {
        let _ = writeln!(
            self.body,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"currentColor\"><title>{}</title></rect>",
            number(rect.x),
            number(rect.y),
            number(rect.width),
            number(rect.height),
            self.reference("hatch"),
            escape(tooltip)
        );
    }

    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, content: &str) {
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let _ = writeln!(
            self.body,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            number(x),
            number(y),
            escape(content)
        );
    }

    /// A placed label, starting at its point.
    pub fn label(&mut self, label: &Label, class: &str) {
        self.text(label.x, label.y, Anchor::Start, class, &label.text);
    }

    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), class: &str) {
        let _ = writeln!(
            self.body,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\"/>",
            number(from.0),
            number(from.1),
            number(to.0),
            number(to.1)
        );
    }

    /// A path ending in an arrowhead, with what it means as its tooltip.
    pub fn arrow(&mut self, d: &str, class: &str, tooltip: &str) {
        let _ = writeln!(
            self.body,
            "<path class=\"{class}\" d=\"{d}\" fill=\"none\" stroke=\"currentColor\" marker-end=\"{}\"><title>{}</title></path>",
            self.reference("arrow"),
            escape(tooltip)
        );
    }

    /// The whole document: `title` and `description` become its `<title>` and `<desc>`.
    pub fn finish(self, width: f64, height: f64, title: &str, description: &str) -> String {
        let id = &self.id;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"picture-svg {}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"monospace\" font-size=\"{}\">",
            self.class,
            number(FONT),
            w = number(width),
            h = number(height),
        );
        let _ = writeln!(svg, "<title id=\"{id}-title\">{}</title>", escape(title));
        let _ = writeln!(svg, "<desc id=\"{id}-desc\">{}</desc>", escape(description));
        let _ = writeln!(
            svg,
            "<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" \
             orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"currentColor\"/></marker>\
             <pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"currentColor\" stroke-width=\"1.5\" opacity=\"0.45\"/></pattern></defs>"
        );
        svg.push_str(&self.body);
        svg.push_str("</svg>\n");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_one_decimal_and_none_when_whole() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.04), "12");
        assert_eq!(number(7.25), "7.3");
        assert_eq!(number(-3.5), "-3.5");
    }

    #[test]
    fn a_label_is_measured_at_six_tenths_of_an_em_a_character() {
        assert_eq!(text_width("__awaitee", 10.0), 54.0);
    }

    #[test]
    fn the_document_names_its_title_and_description_for_screen_readers_and_escapes_text() {
        let mut svg = Svg::new("p", "picture-test");
        svg.text(1.0, 2.0, Anchor::Start, "label", "Pin<&mut F>");
        let text = svg.finish(10.0, 20.0, "A <title>", "What it shows");
        assert!(text.contains("role=\"img\" aria-labelledby=\"p-title p-desc\""), "{text}");
        assert!(text.contains("<title id=\"p-title\">A &lt;title&gt;</title>"), "{text}");
        assert!(text.contains(">Pin&lt;&amp;mut F&gt;</text>"), "{text}");
        assert!(text.ends_with("</svg>\n"));
    }
}
