//! Step 2: read the `.s` file once into typed statements. Nothing after this step looks at
//! the text of a line again: labels and the symbols operands refer to are classified here, and a
//! line of no shape this parser knows, or a directive it does not know, is an error naming the
//! line rather than something guessed at or passed over.

use std::ops::Range;

use crate::error::{Expected, Format, ParseError};

/// One line of GNU assembler input, as LLVM writes it for x86-64 in Intel syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// `name:` — a function symbol, a basic block (`.LBB2_1`), a jump table, a constant.
    Label(Label),
    /// `mov rax, qword ptr [rdi]` — the mnemonic (with its prefix: `lock cmpxchg`) and operands.
    Instruction { mnemonic: String, operands: Operands },
    /// A directive that emits bytes: `.quad sym`, `.long .LBB2_1-.LJTI2_0`, `.ascii "…"`.
    Data { directive: String, value: Operands },
    /// `alias = target`: LLVM's function merging made `alias` another name of `target`'s code.
    Alias { alias: String, target: String },
    /// `#APP` / `#NO_APP`: the start and end of an inline-asm block (`std::hint::black_box`
    /// leaves an empty one).
    InlineAsm(InlineAsmMarker),
    /// Every other directive, kept only as far as a later step needs it.
    Directive(Directive),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineAsmMarker {
    Begin,
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `.file 2 "/rustc/…" "library/core/src/task/wake.rs"`: the path a `.loc` refers to.
    File { index: u32, path: String },
    /// `.loc 1 42 9`: the following instructions came from line 42 of file 1.
    Loc { file: u32, line: u32 },
    /// `.type sym,@function`
    FunctionType(String),
    /// `.size sym, .Lfunc_end2-sym`: where a function (or object) ends. `of_code` when the size
    /// is measured from the symbol (`END-sym`, GCC's `.-sym`), as only a function's is.
    Size { symbol: String, of_code: bool },
    /// `.section NAME,…`: the section what follows goes into.
    Section(String),
    /// `.p2align`, `.cfi_*`, `.globl`, `.type sym,@object` and the rest of the directives this
    /// parser knows, by name: nothing in a listing.
    Other(String),
}

/// A label and what kind of thing it names, decided once from its spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub name: String,
    pub kind: SymbolKind,
}

/// What a name in the assembly stands for. Local labels (`.L…`) are LLVM's own and numbered per
/// file; everything else is a symbol of the program or a word of an operand (a register).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// `.LBB2_1`: a basic block.
    Block,
    /// `.LJTI2_0`: a jump table.
    JumpTable,
    /// `.Ltmp3`, `.Lfunc_begin0`, `.Lfunc_end0`, `.Lexception0`, …: bookkeeping for debug
    /// information and unwinding, never shown.
    Temporary,
    /// `.L__unnamed_1`, `.Lanon.<hash>.3`, `.Lalloc_<hash>`, `.LCPI0_0`: an anonymous constant.
    Constant,
    /// `_ZN…E` or `_R…`: a Rust symbol, shown demangled.
    Mangled,
    /// Any other word: a C symbol (`memcpy`), a register, `ptr`.
    Plain,
}

const TEMPORARY_PREFIXES: &[&str] = &[
    ".Ltmp",
    ".Lfunc_begin",
    ".Lfunc_end",
    ".Lexception",
    ".Lcst_",
    ".Lttbase",
    ".Lsec_end",
    ".Ldebug_",
    ".Linfo_string",
    ".Lnames",
    ".Lline_table_start",
    ".Lcu_begin",
    ".Lset",
];

impl SymbolKind {
    /// The kind of a name, from its spelling alone.
    pub fn of(name: &str) -> SymbolKind {
        if let Some(local) = name.strip_prefix(".L") {
            if local.starts_with("BB") {
                SymbolKind::Block
            } else if local.starts_with("JTI") {
                SymbolKind::JumpTable
            } else if TEMPORARY_PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
                SymbolKind::Temporary
            } else {
                SymbolKind::Constant
            }
        } else if name.starts_with("_ZN") || name.starts_with("_R") {
            SymbolKind::Mangled
        } else {
            SymbolKind::Plain
        }
    }

    /// Whether LLVM numbers it per file, so that a listing must number it again.
    pub fn is_local(self) -> bool {
        matches!(self, SymbolKind::Block | SymbolKind::JumpTable | SymbolKind::Temporary | SymbolKind::Constant)
    }
}

impl Label {
    pub fn new(name: &str) -> Label {
        Label { name: name.to_owned(), kind: SymbolKind::of(name) }
    }
}

/// An operand string, with the symbol-like words in it found and classified once:
/// `qword ptr [rip + .LJTI2_0]` has the words `qword`, `ptr`, `rip` (plain) and `.LJTI2_0`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Operands {
    text: String,
    words: Vec<Word>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    span: Range<usize>,
    kind: SymbolKind,
}

impl Operands {
    /// Operands whose words are symbols or registers.
    pub fn parse(text: &str) -> Operands {
        let is_word_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$');
        let bytes = text.as_bytes();
        let mut words = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            if !is_word_char(bytes[at]) {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && is_word_char(bytes[at]) {
                at += 1;
            }
            // A number (`4`, `0x10`) is no symbol.
            if !bytes[start].is_ascii_digit() {
                words.push(Word { span: start..at, kind: SymbolKind::of(&text[start..at]) });
            }
        }
        Operands { text: text.to_owned(), words }
    }

    /// A string literal's operands: one piece of text with no words in it.
    pub fn literal(text: &str) -> Operands {
        Operands { text: text.to_owned(), words: Vec::new() }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The words, in order, with their kinds.
    pub fn words(&self) -> impl Iterator<Item = (&str, SymbolKind)> {
        self.words.iter().map(|word| (&self.text[word.span.clone()], word.kind))
    }

    /// The text with each word replaced by what `rename` makes of it (`None` keeps it).
    pub fn render(&self, mut rename: impl FnMut(&str, SymbolKind) -> Option<String>) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut copied = 0;
        for word in &self.words {
            if let Some(renamed) = rename(&self.text[word.span.clone()], word.kind) {
                out.push_str(&self.text[copied..word.span.start]);
                out.push_str(&renamed);
                copied = word.span.end;
            }
        }
        out.push_str(&self.text[copied..]);
        out
    }
}

pub(crate) const PREFIXES: &[&str] = &["lock", "rep", "repe", "repne", "repz", "repnz", "notrack"];

const DATA_DIRECTIVES: &[&str] = &[
    ".quad", ".long", ".short", ".byte", ".ascii", ".asciz", ".string", ".zero", ".value", ".int", ".4byte", ".8byte",
    ".uleb128", ".sleb128",
];

const STRING_DIRECTIVES: &[&str] = &[".ascii", ".asciz", ".string"];

/// Directives that say nothing a listing shows, but that the parser must know by name: any
/// other is an error, since a misspelt `.type` or `.size` would otherwise lose a function.
const OTHER_DIRECTIVES: &[&str] = &[
    ".text",
    ".data",
    ".bss",
    ".previous",
    ".pushsection",
    ".popsection",
    ".p2align",
    ".align",
    ".balign",
    ".globl",
    ".global",
    ".local",
    ".weak",
    ".weak_definition",
    ".hidden",
    ".protected",
    ".internal",
    ".ident",
    ".intel_syntax",
    ".att_syntax",
    ".set",
    ".equ",
    ".equiv",
    ".comm",
    ".lcomm",
    ".addrsig",
    ".addrsig_sym",
    ".symver",
    ".reloc",
    ".nops",
    ".tbss",
    ".tdata",
    ".loc_mark_labels",
];

/// The symbol types `.type` may give: `@function` marks a function; the rest are data.
const SYMBOL_TYPES: &[&str] =
    &["@function", "@object", "@notype", "@gnu_indirect_function", "@tls_object", "@common", "@gnu_unique_object"];

/// Parses a whole assembly file. Blank lines and comments (`# %bb.0:`) produce nothing; the
/// inline-asm markers `#APP` and `#NO_APP` are kept. A line of no known shape is an error.
///
/// Half the lines of a large `.s` are DWARF (`.section .debug_info` and the like): data that no
/// listing shows or refers to, whose operands are therefore not scanned for symbols.
pub fn parse(text: &str) -> Result<Vec<Statement>, ParseError> {
    parse_numbered(text).map(|(statements, _)| statements)
}

/// [`parse`], with the 1-based line number each statement came from, for the errors a later
/// step finds (a function that never ends, an alias of nothing).
pub(crate) fn parse_numbered(text: &str) -> Result<(Vec<Statement>, Vec<u32>), ParseError> {
    let mut in_debug_section = false;
    let mut statements = Vec::with_capacity(text.len() / 24);
    let mut numbers = Vec::with_capacity(text.len() / 24);
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let error = |expected| ParseError::quoting(Format::Assembly, number, line, expected);
        let Some(statement) = parse_line(line, in_debug_section).map_err(error)? else { continue };
        match &statement {
            Statement::Directive(Directive::Section(name)) => in_debug_section = name.starts_with(".debug"),
            Statement::Directive(Directive::Other(name)) if name == ".text" => in_debug_section = false,
            _ => {}
        }
        statements.push(statement);
        numbers.push(u32::try_from(number).unwrap_or(u32::MAX));
    }
    Ok((statements, numbers))
}

/// The `.note.GNU-stack` section is what LLVM and GCC declare last before the debug
/// information (LLVM) or at the very end (GCC): a file without it was cut short, and whatever
/// came after the cut (a function, a jump table, a constant) would be missing without a word.
pub(crate) fn check_complete(statements: &[Statement], text: &str) -> Result<(), ParseError> {
    let ends = statements
        .iter()
        .any(|s| matches!(s, Statement::Directive(Directive::Section(name)) if name == ".note.GNU-stack"));
    match ends {
        true => Ok(()),
        false => Err(ParseError::at_end(Format::Assembly, text, Expected::AssemblyEnd)),
    }
}

fn parse_line(line: &str, in_debug_section: bool) -> Result<Option<Statement>, Expected> {
    let trimmed = line.trim();
    match trimmed {
        "#APP" => return Ok(Some(Statement::InlineAsm(InlineAsmMarker::Begin))),
        "#NO_APP" => return Ok(Some(Statement::InlineAsm(InlineAsmMarker::End))),
        _ => {}
    }
    let line = strip_comment(trimmed).trim_end();
    if line.is_empty() {
        return Ok(None);
    }
    if let Some(label) = line.strip_suffix(':').filter(|l| !l.contains(char::is_whitespace) || l.starts_with('"')) {
        return match is_symbol(label) {
            true => Ok(Some(Statement::Label(Label::new(unquote(label))))),
            false => Err(Expected::AsmLine),
        };
    }
    let (head, rest) = match line.split_once(char::is_whitespace) {
        Some((head, rest)) => (head, rest.trim()),
        None => (line, ""),
    };
    // Operands never hold a tab, which separates a line's parts: one there is a second line run
    // into this one (string data, whose text may hold anything, aside).
    let tab_inside = |operands: &str| operands.contains('\t') && !STRING_DIRECTIVES.contains(&head);
    if let Some(target) = rest.strip_prefix('=') {
        return match is_symbol(head) && is_symbol(target.trim()) {
            true => Ok(Some(Statement::Alias {
                alias: unquote(head).to_owned(),
                target: unquote(target.trim()).to_owned(),
            })),
            false => Err(Expected::AsmLine),
        };
    }
    if head.starts_with('.') {
        if tab_inside(rest) {
            return Err(Expected::OneLine);
        }
        return Ok(Some(match DATA_DIRECTIVES.contains(&head) {
            true if in_debug_section || STRING_DIRECTIVES.contains(&head) => {
                Statement::Data { directive: head.to_owned(), value: Operands::literal(rest) }
            }
            true => Statement::Data { directive: head.to_owned(), value: Operands::parse(rest) },
            false => Statement::Directive(parse_directive(head, rest)?),
        }));
    }
    if !is_mnemonic(head) {
        return Err(Expected::AsmLine);
    }
    let (mnemonic, operands) = split_prefixed(head, rest);
    if tab_inside(operands) {
        return Err(Expected::OneLine);
    }
    Ok(Some(Statement::Instruction { mnemonic: mnemonic.into_owned(), operands: Operands::parse(operands) }))
}

/// The mnemonic and the operands of an instruction whose first word is `head`: a prefix
/// belongs to the mnemonic that follows it (`lock inc qword ptr [rax]`, `rep stosq`, `notrack
/// jmp rax`). The listing's parser reads its lines back by the same rule.
pub(crate) fn split_prefixed<'a>(head: &'a str, rest: &'a str) -> (std::borrow::Cow<'a, str>, &'a str) {
    if PREFIXES.contains(&head)
        && let Some((instruction, operands)) = split_instruction(rest)
        && is_mnemonic(instruction)
    {
        return (format!("{head} {instruction}").into(), operands);
    }
    (head.into(), rest)
}

fn split_instruction(text: &str) -> Option<(&str, &str)> {
    match text.split_once(char::is_whitespace) {
        Some((instruction, operands)) => Some((instruction, operands.trim())),
        None if !text.is_empty() => Some((text, "")),
        None => None,
    }
}

/// `mov`, `cvtsi2sd`, `data16`: lower-case letters and digits, starting with a letter.
pub(crate) fn is_mnemonic(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_lowercase())
        && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A symbol name as the assembler reads it, bare or quoted.
fn is_symbol(word: &str) -> bool {
    if let Some(quoted) = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        return !quoted.is_empty() && !quoted.contains('"');
    }
    !word.is_empty()
        && !word.starts_with(|c: char| c.is_ascii_digit())
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$'))
}

fn parse_directive(head: &str, rest: &str) -> Result<Directive, Expected> {
    Ok(match head {
        ".file" => parse_file(rest).ok_or(Expected::FileDirective)?,
        ".loc" => {
            let mut fields = rest.split_whitespace().map(str::parse::<u32>);
            match (fields.next(), fields.next()) {
                (Some(Ok(file)), Some(Ok(line))) => Directive::Loc { file, line },
                _ => return Err(Expected::LocDirective),
            }
        }
        // LLVM writes `.type sym,@function`, GCC `.type sym, @function`.
        ".type" => match rest.split_once(',') {
            Some((symbol, kind)) if is_symbol(symbol.trim()) && SYMBOL_TYPES.contains(&kind.trim()) => {
                match kind.trim() {
                    "@function" => Directive::FunctionType(unquote(symbol.trim()).to_owned()),
                    _ => Directive::Other(head.to_owned()),
                }
            }
            _ => return Err(Expected::SymbolType),
        },
        ".size" => match rest.split_once(',') {
            Some((symbol, size)) if is_symbol(symbol.trim()) && !size.trim().is_empty() => {
                let symbol = symbol.trim();
                let of_code = size.trim().ends_with(&format!("-{symbol}"));
                Directive::Size { symbol: unquote(symbol).to_owned(), of_code }
            }
            _ => return Err(Expected::SizeDirective),
        },
        // `.section NAME[,"FLAGS",@TYPE[,…]]`: each part quoted, or a word without white space.
        ".section" => {
            let parts = split_outside_quotes(rest, ',').ok_or(Expected::SectionDirective)?;
            let well_formed = parts.iter().all(|part| {
                let part = part.trim();
                !part.is_empty() && (part.starts_with('"') || !part.contains(char::is_whitespace))
            });
            match (well_formed, parts.first()) {
                (true, Some(name)) => Directive::Section(name.trim().trim_matches('"').to_owned()),
                _ => return Err(Expected::SectionDirective),
            }
        }
        _ if head.starts_with(".cfi_") || OTHER_DIRECTIVES.contains(&head) => Directive::Other(head.to_owned()),
        _ => return Err(Expected::KnownDirective),
    })
}

/// `.file 1 "dir" "name" [md5 0x…]` → the file's path; the compilation unit's own
/// `.file "name"` has no index and is of no use.
fn parse_file(rest: &str) -> Option<Directive> {
    if !rest.matches('"').count().is_multiple_of(2) {
        return None;
    }
    // The compilation unit's own name, with no index: of no use to a listing.
    if rest.starts_with('"') && rest.ends_with('"') && rest.len() > 1 && rest.matches('"').count() == 2 {
        return Some(Directive::Other(".file".to_owned()));
    }
    let (index, rest) = rest.split_once(char::is_whitespace)?;
    let index = index.parse().ok()?;
    let strings: Vec<&str> = rest.split('"').skip(1).step_by(2).collect();
    let path = match strings.as_slice() {
        [".", name, ..] | ["", name, ..] | [name] => (*name).to_owned(),
        // An absolute name does not depend on the directory.
        [_, name, ..] if name.starts_with('/') => (*name).to_owned(),
        [dir, name, ..] => format!("{dir}/{name}"),
        [] => return None,
    };
    Some(Directive::File { index, path })
}

/// `text` split at each `separator` outside double quotes; `None` if a quote is left open.
fn split_outside_quotes(text: &str, separator: char) -> Option<Vec<&str>> {
    let (mut parts, mut start, mut quoted) = (Vec::new(), 0, false);
    for (at, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    (!quoted).then_some(parts)
}

fn unquote(symbol: &str) -> &str {
    symbol.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(symbol)
}

/// Drops a `#` comment, but not a `#` inside a string literal.
fn strip_comment(line: &str) -> &str {
    if !line.contains('#') {
        return line;
    }
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..at],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Statement {
        let mut statements = parse(line).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(statements.len(), 1, "{line:?} gave {statements:?}");
        statements.remove(0)
    }

    fn instruction(mnemonic: &str, operands: &str) -> Statement {
        Statement::Instruction { mnemonic: mnemonic.into(), operands: Operands::parse(operands) }
    }

    #[test]
    fn an_instruction_is_split_into_mnemonic_and_operands() {
        assert_eq!(one("\tmovzx\teax, byte ptr [rdi]"), instruction("movzx", "eax, byte ptr [rdi]"));
        assert_eq!(one("\tret"), instruction("ret", ""));
        assert_eq!(one("\tdata16"), instruction("data16", ""), "a lone prefix, as LLVM prints it");
    }

    #[test]
    fn a_prefix_is_part_of_the_mnemonic() {
        assert_eq!(one("\tlock\t\tinc\tqword ptr [rax]"), instruction("lock inc", "qword ptr [rax]"));
        assert_eq!(one("\trep\t\tstosq"), instruction("rep stosq", ""));
        assert_eq!(one("\tnotrack\tjmp\trax"), instruction("notrack jmp", "rax"));
    }

    #[test]
    fn labels_are_classified_once_by_their_spelling() {
        assert_eq!(one(".LBB2_1:"), Statement::Label(Label { name: ".LBB2_1".into(), kind: SymbolKind::Block }));
        assert_eq!(
            one("\"weird name\":"),
            Statement::Label(Label { name: "weird name".into(), kind: SymbolKind::Plain })
        );
        for (name, kind) in [
            (".LJTI0_0", SymbolKind::JumpTable),
            (".Ltmp3", SymbolKind::Temporary),
            (".Lfunc_end0", SymbolKind::Temporary),
            (".L__unnamed_2", SymbolKind::Constant),
            (".Lanon.f9c5085501816999961f2ee8bfceb2b5.2", SymbolKind::Constant),
            ("_ZN4tiny4noop17h1111111111111111E", SymbolKind::Mangled),
            ("_RNvNtNtCsjrHSEGnQ3l9_3std2io5stdio6__print", SymbolKind::Mangled),
            ("memcpy", SymbolKind::Plain),
        ] {
            assert_eq!(SymbolKind::of(name), kind, "{name}");
        }
    }

    #[test]
    fn operand_words_are_found_and_classified_and_numbers_are_not_words() {
        let operands = Operands::parse("qword ptr [rip + .LJTI2_0] .LBB2_1-.LJTI2_0 _ZN1a17hE@GOTPCREL [rcx + 4*rax]");
        let words: Vec<(&str, SymbolKind)> = operands.words().collect();
        assert_eq!(
            words,
            [
                ("qword", SymbolKind::Plain),
                ("ptr", SymbolKind::Plain),
                ("rip", SymbolKind::Plain),
                (".LJTI2_0", SymbolKind::JumpTable),
                (".LBB2_1", SymbolKind::Block),
                (".LJTI2_0", SymbolKind::JumpTable),
                ("_ZN1a17hE", SymbolKind::Mangled),
                ("GOTPCREL", SymbolKind::Plain),
                ("rcx", SymbolKind::Plain),
                ("rax", SymbolKind::Plain),
            ]
        );
        let renamed = operands.render(|word, kind| kind.is_local().then(|| format!("<{word}>")));
        assert_eq!(renamed, "qword ptr [rip + <.LJTI2_0>] <.LBB2_1>-<.LJTI2_0> _ZN1a17hE@GOTPCREL [rcx + 4*rax]");
    }

    #[test]
    fn data_directives_keep_their_value_and_strings_have_no_words() {
        assert_eq!(
            one("\t.quad\t_ZN4noop17hE"),
            Statement::Data { directive: ".quad".into(), value: Operands::parse("_ZN4noop17hE") }
        );
        let Statement::Data { value, .. } = one("\t.ascii\t\"hello, # world!\\n\"") else { panic!() };
        assert_eq!(value.as_str(), "\"hello, # world!\\n\"");
        assert_eq!(value.words().count(), 0);
    }

    #[test]
    fn comments_and_blank_lines_produce_nothing_but_inline_asm_markers_are_kept() {
        assert_eq!(
            parse("\t#APP\n\n\t#NO_APP\n# %bb.0:\n").unwrap(),
            [Statement::InlineAsm(InlineAsmMarker::Begin), Statement::InlineAsm(InlineAsmMarker::End)]
        );
        assert_eq!(one("\tret # kill: something"), instruction("ret", ""));
    }

    #[test]
    fn an_alias_line_names_its_target() {
        assert_eq!(
            one("_ZN3new17h1E = _ZN7builder17h2E"),
            Statement::Alias { alias: "_ZN3new17h1E".into(), target: "_ZN7builder17h2E".into() }
        );
    }

    fn error(text: &str) -> ParseError {
        parse(text).expect_err(text)
    }

    #[test]
    fn a_line_of_no_known_shape_is_an_error_naming_it_not_an_instruction() {
        for line in ["_ZN3foo17h1E bar", "MOV rax, rbx", "x = 1 + 2", "= nothing", "1x:"] {
            let text = format!("\tret\n{line}\n");
            assert_eq!(error(&text), ParseError::quoting(Format::Assembly, 2, line, Expected::AsmLine), "{line}");
        }
    }

    #[test]
    fn a_directive_the_parser_does_not_know_is_an_error_not_passed_over() {
        // `.tyep` would have made a function's label a plain one, and the function vanish.
        assert_eq!(error("\t.tyep\tf,@function\n").expected, Expected::KnownDirective);
        assert_eq!(error("\t.type\tf,@fnuction\n").expected, Expected::SymbolType);
        assert_eq!(error("\t.size\tf\n").expected, Expected::SizeDirective);
        assert_eq!(error("\t.loc\t1 forty\n").expected, Expected::LocDirective);
        assert_eq!(error("\t.file\t1 \"src/lib.rs\n").expected, Expected::FileDirective);
        assert_eq!(error("\t.p2align\t4\n\t.frobnicate\n").line, 2);
        // Two lines run together: the second must not hide in the first's flags.
        assert_eq!(error("\t.section\t.text.f,\"ax\",@progbits\t.type\tf,@function\n").expected, Expected::OneLine);
        assert_eq!(error("\tmov\trax, 1\tret\n").expected, Expected::OneLine);
        assert_eq!(error("\t.section\t.text.f,\"ax\",@progbits .type f\n").expected, Expected::SectionDirective);
    }

    #[test]
    fn file_and_loc_directives_are_typed() {
        assert_eq!(
            one("\t.file\t1 \".\" \"src/lib.rs\""),
            Statement::Directive(Directive::File { index: 1, path: "src/lib.rs".into() })
        );
        assert_eq!(
            one("\t.file\t2 \"/rustc/abc\" \"library/core/src/task/wake.rs\" md5 0x00"),
            Statement::Directive(Directive::File { index: 2, path: "/rustc/abc/library/core/src/task/wake.rs".into() })
        );
        assert_eq!(one("\t.loc\t1 42 9 prologue_end"), Statement::Directive(Directive::Loc { file: 1, line: 42 }));
        assert!(matches!(one("\t.file\t\"crate.cgu.0\""), Statement::Directive(Directive::Other(_))));
        assert_eq!(
            one("\t.section\t\".note.GNU-stack\",\"\",@progbits"),
            Statement::Directive(Directive::Section(".note.GNU-stack".into()))
        );
    }

    #[test]
    fn function_boundaries_are_typed() {
        assert_eq!(one("\t.type\tfoo,@function"), Statement::Directive(Directive::FunctionType("foo".into())));
        assert_eq!(one("\t.type\tfoo, @function"), Statement::Directive(Directive::FunctionType("foo".into())));
        assert!(matches!(one("\t.type\tbar,@object"), Statement::Directive(Directive::Other(_))));
        assert_eq!(
            one("\t.size\tfoo, .Lfunc_end0-foo"),
            Statement::Directive(Directive::Size { symbol: "foo".into(), of_code: true })
        );
        assert_eq!(
            one("\t.size\tfoo, .-foo"),
            Statement::Directive(Directive::Size { symbol: "foo".into(), of_code: true })
        );
        assert_eq!(
            one("\t.size\tbar, 8"),
            Statement::Directive(Directive::Size { symbol: "bar".into(), of_code: false })
        );
    }
}
