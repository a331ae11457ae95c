//! An assembly listing as HTML that can be read at any width, and navigated by source line.
//!
//! highlight.js would colour a listing as a code block, but it only sees one block of text: a
//! long line either runs off the page or wraps back to the left margin, and nothing ties an
//! instruction to the `; src/lib.rs:N` line it came from. So the preprocessor renders assembly
//! itself:
//!
//! - one `<span class="line">` per line, which the stylesheet wraps with a hanging indent, so
//!   that the end of a long operand continues under the operands instead of disappearing;
//!   `<wbr>` after each `::` lets long paths break between their segments;
//! - the token classes highlight.js would have used (`hljs-keyword` for a mnemonic, `hljs-built_in`
//!   for a register, …), so every mdBook theme colours it; the `nohighlight` class keeps
//!   highlight.js from redoing it;
//! - `data-src-line="N"` on every line that belongs to source line N (the source comment and the
//!   instructions after it, until the next source comment), which `listings.js` uses to
//!   highlight a source line's instructions and the reverse;
//! - the lines that checked notes point at carry `listing-note` and the note's number
//!   ([`crate::notes`]).
//!
//! It renders the typed lines `listings` parsed the snapshot into, so that a line is an
//! instruction, a label or a source line because the listing says so, not because it looks so.

use std::collections::BTreeMap;

use listings::asm::Line;

/// The lines of a listing (or of a part of one) as the inside of a `<pre>`: one line per span,
/// no newline characters between them (the spans are blocks; a newline would add an empty
/// line). Each line is classified by its type, as the listing's parser read it, never by its
/// shape. `notes` maps a 0-based line index to the note's number.
pub fn render(lines: &[Line], notes: &BTreeMap<usize, usize>) -> String {
    let mut html = String::with_capacity(lines.len() * 120);
    let mut current_source: Option<u32> = None;
    for (index, line) in lines.iter().enumerate() {
        let source = match line {
            Line::Source { line, .. } => {
                current_source = Some(*line);
                Some(*line)
            }
            // A label in the code belongs to the source line it lies under.
            Line::Instruction { .. } | Line::Comment(_) | Line::Label(_) => current_source,
            // A jump table or a constant is not code of any source line.
            Line::Data { .. } | Line::DataLabel { .. } => None,
        };
        html.push_str("<span class=\"line");
        if notes.contains_key(&index) {
            html.push_str(" listing-note");
        }
        html.push('"');
        if let Some(number) = source {
            html.push_str(&format!(" data-src-line=\"{number}\""));
        }
        if matches!(line, Line::Source { .. }) {
            // Reachable from the keyboard: focusing a source line shows its instructions.
            html.push_str(" tabindex=\"0\"");
        }
        html.push('>');
        html.push_str(&highlight(line));
        if let Some(number) = notes.get(&index) {
            // The number is drawn by the stylesheet from `data-note`, so that copying the listing
            // copies the assembly alone.
            html.push_str(&format!(
                "<span class=\"note-mark\" data-note=\"{number}\" role=\"img\" aria-label=\"note {number}\"></span>"
            ));
        }
        html.push_str("</span>");
    }
    html
}

/// The line as the listing prints it, its parts in highlight.js's classes.
fn highlight(line: &Line) -> String {
    let printed = line.to_string();
    let indent_len = printed.len() - printed.trim_start().len();
    let (indent, rest) = printed.split_at(indent_len);
    // What follows a mnemonic or a directive: its padding and operands, as printed.
    let after = |head: &str| &rest[head.len()..];
    let body = match line {
        Line::Label(_) | Line::DataLabel { .. } => span("hljs-symbol", &breakable(rest)),
        Line::Source { .. } | Line::Comment(_) => span("hljs-comment", &escape(rest)),
        Line::Data { directive, .. } => {
            format!("{}{}", span("hljs-meta", &escape(directive)), operands(after(directive)))
        }
        Line::Instruction { mnemonic, .. } => {
            format!("{}{}", span("hljs-keyword", &escape(mnemonic)), operands(after(mnemonic)))
        }
    };
    format!("{indent}{body}")
}

/// Operands: registers, sizes, numbers and strings get their classes; symbols stay plain and
/// may break after each `::`.
fn operands(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            let end = string_end(rest);
            out.push_str(&span("hljs-string", &escape(&rest[..end])));
            rest = &rest[end..];
        } else if is_word_char(c) {
            let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            out.push_str(&token(&rest[..end]));
            rest = &rest[end..];
        } else {
            out.push_str(&escape(&rest[..c.len_utf8()]));
            if c == ',' {
                out.push_str("<wbr>");
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Characters of a register, a number, a label or a demangled symbol.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || "_.$@<>:{}#-".contains(c)
}

/// The length of a `"…"` string at the start of `text`, escapes included.
fn string_end(text: &str) -> usize {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return at + 1,
            _ => escaped = false,
        }
    }
    text.len()
}

fn token(word: &str) -> String {
    // g++ writes sizes in capitals (`WORD PTR`), LLVM in lower case.
    if is_register(word) || SIZES.contains(&word.to_ascii_lowercase().as_str()) {
        span("hljs-built_in", word)
    } else if is_number(word) {
        span("hljs-number", word)
    } else {
        breakable(word)
    }
}

const SIZES: &[&str] = &["byte", "word", "dword", "qword", "xmmword", "ymmword", "zmmword", "tbyte", "ptr"];

fn is_number(word: &str) -> bool {
    let digits = word.strip_prefix('-').unwrap_or(word);
    !digits.is_empty()
        && (digits.chars().all(|c| c.is_ascii_digit())
            || digits
                .strip_prefix("0x")
                .is_some_and(|hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit())))
}

fn is_register(word: &str) -> bool {
    const LEGACY: &[&str] = &[
        "rax", "eax", "ax", "al", "ah", "rbx", "ebx", "bx", "bl", "bh", "rcx", "ecx", "cx", "cl", "ch", "rdx", "edx",
        "dx", "dl", "dh", "rsi", "esi", "si", "sil", "rdi", "edi", "di", "dil", "rbp", "ebp", "bp", "bpl", "rsp",
        "esp", "sp", "spl", "rip", "eip", "fs", "gs", "cs", "ds", "es", "ss",
    ];
    if LEGACY.contains(&word) {
        return true;
    }
    let numbered = |prefix: &str, max: u32, suffixes: &[&str]| {
        word.strip_prefix(prefix).is_some_and(|rest| {
            let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let (digits, suffix) = rest.split_at(digits_end);
            digits.parse::<u32>().is_ok_and(|n| n <= max && !(prefix == "r" && n < 8)) && suffixes.contains(&suffix)
        })
    };
    numbered("r", 15, &["", "d", "w", "b"])
        || numbered("xmm", 31, &[""])
        || numbered("ymm", 31, &[""])
        || numbered("zmm", 31, &[""])
        || numbered("k", 7, &[""])
}

/// Text that may break after `::`, `<` and `,` (long demangled paths), escaped.
fn breakable(text: &str) -> String {
    escape(text).replace("::", "::<wbr>").replace("&lt;", "&lt;<wbr>")
}

fn span(class: &str, html: &str) -> String {
    format!("<span class=\"{class}\">{html}</span>")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(body: &str) -> String {
        render(&listings::asm::parse_lines(&format!("{body}\n")).unwrap(), &BTreeMap::new())
    }

    #[test]
    fn every_line_is_a_span_and_no_newline_separates_them() {
        let html = rendered("f:\n        ret");
        assert_eq!(html.matches("<span class=\"line").count(), 2);
        assert!(!html.contains('\n'), "{html}");
    }

    #[test]
    fn mnemonics_registers_sizes_and_numbers_get_highlight_js_classes() {
        let html = rendered("        movzx   eax, byte ptr [rdi + 16]");
        assert!(html.contains("<span class=\"hljs-keyword\">movzx</span>"), "{html}");
        assert!(html.contains("<span class=\"hljs-built_in\">eax</span>"), "{html}");
        assert!(html.contains("<span class=\"hljs-built_in\">byte</span>"), "{html}");
        assert!(html.contains("<span class=\"hljs-built_in\">rdi</span>"), "{html}");
        assert!(html.contains("<span class=\"hljs-number\">16</span>"), "{html}");
        assert!(html.contains("        <span"), "the indentation is kept: {html}");
    }

    #[test]
    fn a_prefix_stays_with_its_mnemonic() {
        let html = rendered("        lock inc qword ptr [rdi - 16]");
        assert!(html.contains("<span class=\"hljs-keyword\">lock inc</span>"), "{html}");
        assert!(html.contains("<span class=\"hljs-number\">16</span>"), "{html}");
        // The assembly parser's prefixes, `notrack` among them: one list, in `listings`.
        let html = rendered("        notrack jmp rax");
        assert!(html.contains("<span class=\"hljs-keyword\">notrack jmp</span>"), "{html}");
    }

    #[test]
    fn long_paths_may_break_after_each_segment_and_are_escaped() {
        let html = rendered("        call    qword ptr [rip + <a::B as c::D>::poll@GOTPCREL]");
        assert!(html.contains("&lt;<wbr>a::<wbr>B as c::<wbr>D&gt;::<wbr>poll@GOTPCREL"), "{html}");
        assert!(!html.contains("<a::"), "{html}");
    }

    #[test]
    fn instructions_belong_to_the_source_line_above_them_and_data_to_none() {
        let body = "f:\n        ; src/lib.rs:93  pub async fn f() {\n        push    rbp\n.LBB0_1:\n        ret\n.LJTI0_0:\n        .long   .LBB0_1-.LJTI0_0";
        let html = rendered(body);
        let lines: Vec<&str> = html.split("<span class=\"line").skip(1).collect();
        assert!(!lines[0].contains("data-src-line"), "the function's label: {}", lines[0]);
        assert!(lines[1].starts_with("\" data-src-line=\"93\" tabindex=\"0\">"), "{}", lines[1]);
        assert!(lines[2].starts_with("\" data-src-line=\"93\">"), "{}", lines[2]);
        assert!(lines[3].starts_with("\" data-src-line=\"93\">"), "a block label inside the code: {}", lines[3]);
        assert!(lines[4].starts_with("\" data-src-line=\"93\">"), "{}", lines[4]);
        assert!(!lines[5].contains("data-src-line") && !lines[6].contains("data-src-line"), "{html}");
    }

    #[test]
    fn a_noted_line_is_marked_and_numbered() {
        let notes = BTreeMap::from([(1, 2)]);
        let lines = listings::asm::parse_lines("f:\n        ret\n").unwrap();
        let html = render(&lines, &notes);
        assert!(html.contains("<span class=\"line listing-note\">        <span class=\"hljs-keyword\">ret</span><span class=\"note-mark\" data-note=\"2\" role=\"img\" aria-label=\"note 2\"></span></span>"), "{html}");
    }

    #[test]
    fn strings_in_data_are_strings() {
        let html = rendered(".L__unnamed_1:\n        .asciz  \"\\002\\000\"");
        assert!(html.contains("<span class=\"hljs-meta\">.asciz</span>"), "{html}");
        assert!(html.contains("<span class=\"hljs-string\">\"\\002\\000\"</span>"), "{html}");
    }
}
