//! Step 2: read the `.s` file once into typed statements. Nothing after this step looks at
//! the text of a line again.

/// One line of GNU assembler input, as LLVM writes it for x86-64 in Intel syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// `name:` — a function symbol, a basic block (`.LBB2_1`), a jump table, a constant.
    Label(String),
    /// `mov rax, qword ptr [rdi]` — mnemonic and operands, operands as one string.
    Instruction { mnemonic: String, operands: String },
    /// A directive that emits bytes: `.quad sym`, `.long .LBB2_1-.LJTI2_0`, `.ascii "…"`.
    Data { directive: String, value: String },
    /// Every other directive, kept only as far as a later step needs it.
    Directive(Directive),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `.file 2 "/rustc/…" "library/core/src/task/wake.rs"`: the path a `.loc` refers to.
    File { index: u32, path: String },
    /// `.loc 1 42 9`: the following instructions came from line 42 of file 1.
    Loc { file: u32, line: u32 },
    /// `.type sym,@function`
    FunctionType(String),
    /// `.size sym, .Lfunc_end2-sym`: where a function (or object) ends.
    Size(String),
    /// `.section`, `.p2align`, `.cfi_*`, `.globl` and the rest: nothing in a listing.
    Other(String),
}

const PREFIXES: &[&str] = &["lock", "rep", "repe", "repne", "repz", "repnz", "notrack"];

const DATA_DIRECTIVES: &[&str] = &[
    ".quad", ".long", ".short", ".byte", ".ascii", ".asciz", ".string", ".zero", ".value", ".int", ".4byte", ".8byte",
    ".uleb128", ".sleb128",
];

/// Parses a whole assembly file. Blank lines and comments (`#APP`, `# %bb.0:`) produce nothing.
pub fn parse(text: &str) -> Vec<Statement> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Statement> {
    let line = strip_comment(line).trim();
    if line.is_empty() {
        return None;
    }
    if let Some(label) = line.strip_suffix(':').filter(|l| !l.contains(char::is_whitespace) || l.starts_with('"')) {
        return Some(Statement::Label(unquote(label).to_owned()));
    }
    let (head, rest) = match line.split_once(char::is_whitespace) {
        Some((head, rest)) => (head, rest.trim()),
        None => (line, ""),
    };
    if !head.starts_with('.') {
        // A prefix belongs to the mnemonic: `lock inc qword ptr [rax]`, `rep stosq`.
        if PREFIXES.contains(&head) && !rest.is_empty() {
            let (instruction, operands) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            return Some(Statement::Instruction {
                mnemonic: format!("{head} {instruction}"),
                operands: operands.trim().to_owned(),
            });
        }
        return Some(Statement::Instruction { mnemonic: head.to_owned(), operands: rest.to_owned() });
    }
    if DATA_DIRECTIVES.contains(&head) {
        return Some(Statement::Data { directive: head.to_owned(), value: rest.to_owned() });
    }
    Some(Statement::Directive(parse_directive(head, rest)))
}

fn parse_directive(head: &str, rest: &str) -> Directive {
    let other = || Directive::Other(format!("{head} {rest}").trim_end().to_owned());
    match head {
        ".file" => parse_file(rest).unwrap_or_else(other),
        ".loc" => {
            let mut fields = rest.split_whitespace().map(str::parse::<u32>);
            match (fields.next(), fields.next()) {
                (Some(Ok(file)), Some(Ok(line))) => Directive::Loc { file, line },
                _ => other(),
            }
        }
        // LLVM writes `.type sym,@function`, GCC `.type sym, @function`.
        ".type" => match rest.split_once(',') {
            Some((symbol, kind)) if kind.trim() == "@function" => {
                Directive::FunctionType(unquote(symbol.trim()).to_owned())
            }
            _ => other(),
        },
        ".size" => match rest.split_once(',') {
            Some((symbol, _)) => Directive::Size(unquote(symbol.trim()).to_owned()),
            None => other(),
        },
        _ => other(),
    }
}

/// `.file 1 "dir" "name" [md5 0x…]` → the file's path; the compilation unit's own
/// `.file "name"` has no index and is of no use.
fn parse_file(rest: &str) -> Option<Directive> {
    let (index, rest) = rest.split_once(char::is_whitespace)?;
    let index = index.parse().ok()?;
    let strings: Vec<&str> = rest.split('"').skip(1).step_by(2).collect();
    let path = match strings.as_slice() {
        [".", name, ..] | ["", name, ..] | [name] => (*name).to_owned(),
        [dir, name, ..] if name.starts_with('/') => {
            let _ = dir;
            (*name).to_owned()
        }
        [dir, name, ..] => format!("{dir}/{name}"),
        [] => return None,
    };
    Some(Directive::File { index, path })
}

fn unquote(symbol: &str) -> &str {
    symbol.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(symbol)
}

/// Drops a `#` comment, but not a `#` inside a string literal.
fn strip_comment(line: &str) -> &str {
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
        let mut statements = parse(line);
        assert_eq!(statements.len(), 1, "{line:?} gave {statements:?}");
        statements.remove(0)
    }

    #[test]
    fn an_instruction_is_split_into_mnemonic_and_operands() {
        assert_eq!(
            one("\tmovzx\teax, byte ptr [rdi]"),
            Statement::Instruction { mnemonic: "movzx".into(), operands: "eax, byte ptr [rdi]".into() }
        );
        assert_eq!(one("\tret"), Statement::Instruction { mnemonic: "ret".into(), operands: String::new() });
    }

    #[test]
    fn a_prefix_is_part_of_the_mnemonic() {
        assert_eq!(
            one("\tlock\t\tinc\tqword ptr [rax]"),
            Statement::Instruction { mnemonic: "lock inc".into(), operands: "qword ptr [rax]".into() }
        );
        assert_eq!(
            one("\trep\t\tstosq"),
            Statement::Instruction { mnemonic: "rep stosq".into(), operands: String::new() }
        );
    }

    #[test]
    fn labels_plain_and_quoted() {
        assert_eq!(one(".LBB2_1:"), Statement::Label(".LBB2_1".into()));
        assert_eq!(one("\"weird name\":"), Statement::Label("weird name".into()));
    }

    #[test]
    fn data_directives_keep_their_value() {
        assert_eq!(
            one("\t.quad\t_ZN4noop17hE"),
            Statement::Data { directive: ".quad".into(), value: "_ZN4noop17hE".into() }
        );
        assert_eq!(
            one("\t.ascii\t\"hello, # world!\\n\""),
            Statement::Data { directive: ".ascii".into(), value: "\"hello, # world!\\n\"".into() }
        );
    }

    #[test]
    fn comments_and_blank_lines_produce_nothing() {
        assert!(parse("\t#APP\n\n\t#NO_APP\n# %bb.0:\n").is_empty());
        assert_eq!(
            one("\tret # kill: something"),
            Statement::Instruction { mnemonic: "ret".into(), operands: String::new() }
        );
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
    }

    #[test]
    fn function_boundaries_are_typed() {
        assert_eq!(one("\t.type\tfoo,@function"), Statement::Directive(Directive::FunctionType("foo".into())));
        assert_eq!(one("\t.type\tfoo, @function"), Statement::Directive(Directive::FunctionType("foo".into())));
        assert!(matches!(one("\t.type\tbar,@object"), Statement::Directive(Directive::Other(_))));
        assert_eq!(one("\t.size\tfoo, .Lfunc_end0-foo"), Statement::Directive(Directive::Size("foo".into())));
    }
}
