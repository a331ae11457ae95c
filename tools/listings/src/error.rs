use std::fmt::Write as _;

/// Everything that can go wrong between a chapter name and a listing.
///
/// Each message names what was asked for and what exists instead, because the reader of it is
/// usually someone who mistyped a name in a directive or on the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(
        "the listings are pinned to rustc {pinned} (rust-toolchain.toml) but this run uses {found}.\n\
         Listings are only compared on the pinned compiler: run with `rustup run {pinned} …`, or drop \
         the `+toolchain` / RUSTUP_TOOLCHAIN override that selected {found_release}."
    )]
    ToolchainMismatch { pinned: String, found: String, found_release: String },

    #[error(
        "the C++ listings are pinned to g++ {pinned} (gxx-toolchain.toml) but `{command} -dumpfullversion` says {found}. To get g++ {pinned}: {install}; or change the pin and review every C++ snapshot"
    )]
    GxxMismatch { pinned: String, command: String, found: String, install: String },

    #[error(
        "the debugger sessions are pinned to gdb {pinned} but `gdb --version` says {found}. To get gdb {pinned}: {install}; or change the pin (tools/listings/src/session.rs) and review every session snapshot"
    )]
    GdbMismatch { pinned: String, found: String, install: String },

    #[error("could not run `{program}`: {reason}")]
    Spawn { program: String, reason: String },

    #[error("unknown chapter `{given}`{}; the chapters are: {}", closest_hint(closest), known.join(", "))]
    UnknownChapter { given: String, known: Vec<String>, closest: Vec<String> },

    /// `listed_by` is the command that lists the functions again (`cargo xtask asm ch01
    /// --list`, `cargo xtask asm --manifest-path PATH --list`), where there is one.
    #[error("{}", unknown_function_message(given, chapter, closest, known, listed_by.as_deref()))]
    UnknownFunction {
        given: String,
        chapter: String,
        closest: Vec<String>,
        known: Vec<String>,
        listed_by: Option<Box<str>>,
    },

    /// A chapter has hundreds of types: the message names the closest few of the `known`, and
    /// the command that lists them all.
    /// `named_by` is how `cargo xtask` names the crate: `ch01`, `--manifest-path PATH` (a
    /// `Box<str>`, which keeps every `Result` of the project's small).
    #[error(
        "no {} `{given}` in {chapter}{}; `cargo xtask {} {named_by} --list` lists all {}",
        stage.row().noun,
        closest_hint(closest),
        stage.name(),
        known.len()
    )]
    UnknownSubject {
        given: String,
        chapter: String,
        named_by: Box<str>,
        stage: crate::Stage,
        closest: Vec<String>,
        known: Vec<String>,
    },

    #[error(
        "no async fn `{given}` in {chapter}{}; its async fns the report takes are: {}",
        closest_hint(closest),
        known.join(", ")
    )]
    UnknownAsyncFn { given: String, chapter: String, closest: Vec<String>, known: Vec<String> },

    #[error(
        "`{given}` in {chapter} is a fn but not an async fn: it returns `{returns}`, not a future; its async fns the report takes are: {}",
        known.join(", ")
    )]
    NotAsync { given: String, chapter: String, returns: String, known: Vec<String> },

    /// An async fn the future report does not take (a generic one): `reason` says why and what
    /// there is instead; `known` are the async fns it takes.
    #[error("`{given}` in {chapter} is not reportable: {reason}; its async fns the report takes are: {}", known.join(", "))]
    NotReportable { given: String, chapter: String, reason: String, known: Vec<String> },

    /// `what` is plural: `functions`, `MIR bodies`. Each candidate is spelled as it may be
    /// asked for.
    #[error("{}", ambiguous_message(given, chapter, what, candidates))]
    Ambiguous { given: String, chapter: String, what: String, candidates: Vec<String> },

    #[error("compiling {chapter} for its listings failed:\n{stderr}")]
    Build { chapter: String, stderr: String },

    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },

    #[error("{object}: {reason}")]
    ObjectFile { object: String, reason: String },

    #[error(
        "this {program} was built from the checkout {built_from} but runs for {run_for}: the two share the \
         target directory {target_dir}, where cargo keeps one {program} for both and runs the one built last \
         (rust-lang/cargo#7740). Make cargo build this checkout's (`touch tools/xtask/src/main.rs`, or the \
         program's own main.rs), or give each checkout a target directory of its own"
    )]
    AnotherCheckout { program: String, built_from: String, run_for: String, target_dir: String },

    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },

    /// A command line that names too much or too little (`cargo xtask`'s own check).
    #[error("{message}")]
    Usage { message: String },

    /// `folder` is set when `path` is a folder with a `Cargo.toml` in it.
    #[error(
        "no Cargo.toml at {path}: `--manifest-path` names the Cargo.toml of the crate to compile{}",
        folder.as_ref().map(|manifest| format!(" ({path} is a folder: its manifest is {manifest})")).unwrap_or_default()
    )]
    NoManifest { path: String, folder: Option<String> },

    #[error(
        "{path} is a workspace's manifest, not a package's: give the Cargo.toml of one of its packages{}",
        members_hint(members)
    )]
    NotAPackage { path: String, members: Vec<String> },

    #[error("the package {package} ({path}) has no library: the tools compile a crate's library, `src/lib.rs`")]
    NoLibrary { path: String, package: String },

    #[error("{path} is not a manifest this tool can read: {reason}")]
    Manifest { path: String, reason: String },

    #[error("no C++ source `{given}` in {chapter}; its sources are: {}", known.join(", "))]
    UnknownCppSource { given: String, chapter: String, known: Vec<String> },

    /// Text the pipeline wrote or read back (an assembler file, a print-out, a snapshot) that
    /// does not have the shape its parser knows: never guessed at.
    #[error(transparent)]
    Parse(Box<ParseError>),

    /// A type's layout table that would misstate the type: checked by the stage that renders it.
    #[error("the layout of `{type_name}`: {problem}")]
    Layout { type_name: String, problem: Box<LayoutProblem> },
}

impl Error {
    /// The same error; for a function the assembly does not have, saying that `command` lists
    /// those it has.
    pub(crate) fn listed_by(self, command: String) -> Error {
        match self {
            Error::UnknownFunction { given, chapter, closest, known, .. } => {
                Error::UnknownFunction { given, chapter, closest, known, listed_by: Some(command.into()) }
            }
            other => other,
        }
    }
}

impl From<ParseError> for Error {
    fn from(error: ParseError) -> Error {
        Error::Parse(Box::new(error))
    }
}

/// One line a parser could not read: where, what it says, and what the parser expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub format: Format,
    /// The file the text was read from, where the caller knows it ([`ParseError::in_file`]).
    pub file: Option<String>,
    /// 1-based; one past the last line where the input ended too soon.
    pub line: usize,
    /// The line as it reads (at most 160 characters of it); empty where the input ended.
    pub text: String,
    pub expected: Expected,
}

impl ParseError {
    /// The error at line `line` (1-based) of `input`, whose text it quotes.
    pub fn at(format: Format, input: &str, line: usize, expected: Expected) -> ParseError {
        let text = input.lines().nth(line.wrapping_sub(1)).unwrap_or_default();
        ParseError::quoting(format, line, text, expected)
    }

    /// The error at line `line` (1-based), whose text is `text`.
    pub fn quoting(format: Format, line: usize, text: &str, expected: Expected) -> ParseError {
        const LONGEST: usize = 160;
        let text = match text.char_indices().nth(LONGEST) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        };
        ParseError { format, file: None, line, text, expected }
    }

    /// The error where `input` ends (one past its last line).
    pub fn at_end(format: Format, input: &str, expected: Expected) -> ParseError {
        ParseError { format, file: None, line: input.lines().count() + 1, text: String::new(), expected }
    }

    /// The same error, naming the file the text came from.
    pub fn in_file(mut self, path: impl std::fmt::Display) -> ParseError {
        self.file = Some(path.to_string());
        self
    }
}

impl std::error::Error for ParseError {}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file}:{} ({}): ", self.line, self.format)?,
            None => write!(f, "{}, line {}: ", self.format, self.line)?,
        }
        write!(f, "expected {}, ", self.expected)?;
        match self.text.is_empty() && self.line > 0 {
            true => write!(f, "found the end of the input"),
            false => write!(f, "found `{}`", self.text),
        }
    }
}

/// The formats the pipeline reads: what the compilers write, and what the snapshots store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An assembler file as LLVM or GCC writes it (`.s`).
    Assembly,
    /// An assembly listing as a snapshot stores it: [`Listing`](crate::Listing)'s `Display`.
    AsmListing,
    /// `-Zprint-type-sizes`'s print-out.
    TypeSizes,
    /// A type-sizes listing as a snapshot stores it: the print-out of one type, a blank line,
    /// its table.
    TypeSizesListing,
    /// What a type-sizes snapshot's header records besides its text: the tag's place, the states.
    TagAndStates,
    /// MIR as `--emit=mir` and `-Zdump-mir` print it.
    Mir,
    /// HIR as `-Zunpretty=hir` prints it.
    Hir,
    /// LLVM IR as `--emit=llvm-ir` writes it (`.ll`).
    LlvmIr,
    /// The debug information of LLVM IR (`!DI…` metadata).
    DebugInfo,
    /// An insta snapshot: its header, then its body.
    Snapshot,
    /// A listing's provenance, as a snapshot's header records it.
    Provenance,
    /// A why-experiment's snapshot body (`experiment.rs`).
    Experiment,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Assembly => "assembly",
            Format::AsmListing => "assembly listing",
            Format::TypeSizes => "-Zprint-type-sizes print-out",
            Format::TypeSizesListing => "type-sizes listing",
            Format::TagAndStates => "a type-sizes snapshot's tag and states",
            Format::Mir => "MIR",
            Format::Hir => "HIR",
            Format::LlvmIr => "LLVM IR",
            Format::DebugInfo => "LLVM IR debug information",
            Format::Snapshot => "snapshot",
            Format::Provenance => "provenance",
            Format::Experiment => "experiment",
        })
    }
}

/// What a parser expected where it found something else: one case for each way a format can be
/// broken, so that a test can name the case it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    // ---- assembly (`asm/parse.rs`, `asm/select.rs`, `cpp/filter.rs`)
    /// A line of one of the shapes LLVM and GCC write.
    AsmLine,
    /// A directive the parser knows (a misspelt one would be ignored, and what it says lost).
    KnownDirective,
    /// `.type SYMBOL, @KIND` with a kind the assembler knows.
    SymbolType,
    /// `.size SYMBOL, SIZE`.
    SizeDirective,
    /// `.loc FILE LINE [COLUMN] …` with numbers.
    LocDirective,
    /// `.file INDEX "DIR" "NAME"` or `.file "NAME"`.
    FileDirective,
    /// The `.size` that ends a function whose label and `.type … @function` came before.
    FunctionEnd { symbol: String },
    /// The code of the function a `.type … @function` declares: its label, or an alias.
    FunctionCode { symbol: String },
    /// `.type SYMBOL, @function` before the code a `.size SYMBOL, END-SYMBOL` measures.
    FunctionType { symbol: String },
    /// `.section NAME[,"FLAGS",@TYPE…]`, each part quoted or a word without white space.
    SectionDirective,
    /// A function (`.type … @function`, its label, its `.size`) around the end `label` marks.
    FunctionAround { label: String },
    /// Operands without a tab: a tab inside them is another line run into this one.
    OneLine,
    /// A label of this name somewhere in the file, since an operand refers to it.
    DefinedLabel { label: String },
    /// An alias whose chain of targets ends at a function's code.
    AliasOfCode { alias: String },
    /// An alias chain that ends: `alias` is reached again from its own target.
    AliasWithoutCycle { alias: String },
    /// The `.note.GNU-stack` section LLVM and GCC declare at the end of every assembler file.
    AssemblyEnd,

    // ---- assembly listings (`asm/listing.rs`)
    /// The listing's title: the function's name and a colon.
    ListingTitle,
    /// A line as `Listing` prints it: a label at column 0; an instruction, a data directive or a
    /// `;` comment after 8 spaces, operands in column 16 (one space after a longer mnemonic).
    ListingLine,
    /// A newline after the last line.
    FinalNewline,

    // ---- `-Zprint-type-sizes` (`lowering/type_sizes.rs`)
    /// `print-type-size ` before every line of rustc's print-out.
    TypeSizesPrefix,
    /// `type: `NAME`: N bytes, alignment: N bytes` (the closing backtick included).
    TypeLine,
    /// A type's line before its discriminant, variants and fields.
    TypeBeforeItsParts,
    /// A discriminant, variant, field, `padding` or `end padding` line, indented as rustc does.
    TypeSizesLine,
    /// A whole number of bytes (at most `u64::MAX`) for `what`.
    Bytes { what: &'static str },
    /// A field that ends within its type's `size` bytes.
    FieldWithinType { size: u64 },
    /// The rest of a type, or of a variant, that the print-out ends (or the next type begins)
    /// before: its fields reach `reached` of the `size` bytes its line gives.
    CompleteType { part: String, reached: u64, size: u64 },
    /// A blank line between a listing's print-out and its table.
    BlankBeforeTable,
    /// The print-out of exactly one type in a type-sizes listing.
    OneType,
    /// The table's line as the layout draws it: the table is drawn from the print-out and the
    /// header, never read.
    TableLine { line: String },
    /// `tag …; states …` as [`TagAndStates`](crate::lowering::type_sizes::TagAndStates) prints it.
    TagAndStates,

    // ---- MIR (`lowering/mir.rs`, `lowering/drop_glue.rs`)
    /// A body (`fn`, `const`, `static`), an allocation, a comment or a blank line at column 0.
    MirItem,
    /// The `}` at column 0 that closes the body `name`.
    BodyEnd { name: String },
    /// `    bbN: {` or `    bbN (cleanup): {`, a declaration or a scope, in a body.
    BodyLine,
    /// A statement indented by 8 spaces, or `    }` to close the block `block`.
    BlockLine { block: String },
    /// `fn drop_in_place(_1: *mut T) -> () {`: the signature of drop glue.
    DropGlueSignature,
    /// A coroutine's layout as `{:#?}` prints rustc's `CoroutineLayout`: its `field_tys`, each
    /// `_sN: CoroutineSavedTy` with its type, span, scope and `ignore_for_traits`, its
    /// `variant_fields` and its `storage_conflicts`.
    CoroutineLayout,
    /// A dump of `-Zdump-mir=StateTransform`: `// MIR for `NAME` before StateTransform` (or
    /// `after`), a coroutine's layout in `/* … */`, then the one body so named.
    StateTransformDump,

    // ---- HIR (`lowering/hir.rs`)
    /// The braces of the item begun at line `from` closed before the print-out ends.
    ItemEnd { from: usize },

    // ---- LLVM IR (`lowering/llvm_ir.rs`)
    /// A line of a module at column 0: a comment, a global, a declaration, a definition, an
    /// attribute group, metadata, or the module's header.
    LlvmIrItem,
    /// `define … @name(…) … {`.
    LlvmIrDefine,
    /// In a function: a label, an instruction two spaces in, a comment, a blank line, or `}`.
    LlvmIrLine,

    // ---- debug information (`lowering/debuginfo.rs`)
    /// A number in the field `field` of a metadata node.
    MetadataNumber { field: &'static str },
    /// A state's member whose base type names its variant (`Suspend0`).
    MetadataVariant,

    // ---- snapshots (`snapshot.rs`, `provenance.rs`)
    /// `---`, insta's header with a `description:`, `---`, then the body.
    SnapshotHeader,
    /// A YAML string in double quotes, with JSON's escapes.
    QuotedString,
    /// `SUBJECT · COMPILER · FLAGS[ · OPTION]…[ · lines A–B of N]`.
    Provenance,
    /// After an assembly listing's flags, only its options: `option` is none of them.
    AsmOption { option: String },
    /// Flags that describe a stage of the compiler, or the listings' code generation.
    KnownFlags { flags: String },

    // ---- experiments (`experiment.rs`)
    /// `change: …`, `effect in the first, N lines:`, N lines `LINE: text`, `effect in the
    /// second: none`; in the header, an experiment's provenance.
    ExperimentBody,
    /// An experiment's header: `experiment: A#DIGEST against B#DIGEST` after the effect and the
    /// compiler.
    ExperimentHeader,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::AsmLine => f.write_str("a label, an instruction, a directive, an alias or a comment"),
            Expected::KnownDirective => f.write_str("a directive this parser knows"),
            Expected::SymbolType => f.write_str("`.type SYMBOL, @KIND` with KIND `function`, `object` or another the assembler knows"),
            Expected::SizeDirective => f.write_str("`.size SYMBOL, SIZE`"),
            Expected::LocDirective => f.write_str("`.loc FILE LINE …` with numbers"),
            Expected::FileDirective => f.write_str("`.file INDEX \"DIRECTORY\" \"NAME\"` or `.file \"NAME\"`"),
            Expected::FunctionEnd { symbol } => write!(f, "`.size {symbol}, …` to end that function's code before the file ends (is the file cut short?)"),
            Expected::FunctionType { symbol } => write!(f, "`.type {symbol},@function` before the code whose size this line gives"),
            Expected::FunctionAround { label } => write!(f, "a function around `{label}`, which LLVM writes where a function's code ends (its `.type`, label or `.size` is gone)"),
            Expected::OneLine => f.write_str("operands without a tab (a tab inside them is another line run into this one)"),
            Expected::SectionDirective => f.write_str("`.section NAME[,\"FLAGS\",@TYPE…]`, each part quoted or a word without white space"),
            Expected::FunctionCode { symbol } => write!(f, "the label `{symbol}:` or an alias of that name, for the function `.type` declares"),
            Expected::DefinedLabel { label } => write!(f, "a label `{label}:` somewhere in the file, since an operand refers to it"),
            Expected::AliasOfCode { alias } => write!(f, "the alias `{alias}` to name, through its targets, a function's code"),
            Expected::AliasWithoutCycle { alias } => write!(f, "the targets of the alias `{alias}` to end at code, not come back to it"),
            Expected::AssemblyEnd => f.write_str("the `.section .note.GNU-stack` that LLVM and GCC write at the end of an assembler file (is the file cut short?)"),
            Expected::ListingTitle => f.write_str("the function's name and a colon, as a listing's first line"),
            Expected::ListingLine => f.write_str("a label at column 0, or after 8 spaces an instruction, a data directive or a `;` comment, operands in column 16 or one space after a longer mnemonic"),
            Expected::FinalNewline => f.write_str("a newline after the last line"),
            Expected::TypeSizesPrefix => f.write_str("`print-type-size ` at the start of every line"),
            Expected::TypeLine => f.write_str("`type: `NAME`: N bytes, alignment: N bytes`"),
            Expected::TypeBeforeItsParts => f.write_str("a `type:` line before any discriminant, variant or field"),
            Expected::TypeSizesLine => f.write_str("a `discriminant:`, `variant`, field, `padding:` or `end padding:` line, indented under its type as rustc prints it"),
            Expected::Bytes { what } => write!(f, "a whole number of bytes (at most {}) for {what}", u64::MAX),
            Expected::FieldWithinType { size } => write!(f, "a field that ends within its type's {size} bytes"),
            Expected::CompleteType { part, reached, size } => write!(f, "the rest of {part}: its fields reach {reached} of the {size} bytes its line gives (is the print-out cut short?)"),
            Expected::BlankBeforeTable => f.write_str("a blank line between the print-out and the table"),
            Expected::OneType => f.write_str("the print-out of one type"),
            Expected::TableLine { line } => write!(f, "the table's line `{line}`, as the print-out and the header draw it"),
            Expected::TagAndStates => f.write_str("`tag first`, `tag at N (debug information)`, `tag unplaced` or `no tag`, then `; no states` or `; states VALUE VARIANT[ line N], …`"),
            Expected::MirItem => f.write_str("a body (`fn`, `const`, `static`), an allocation, a comment or a blank line"),
            Expected::BodyEnd { name } => write!(f, "the `}}` at column 0 that closes the body `{name}` (is the output cut short?)"),
            Expected::BodyLine => f.write_str("a declaration, a scope or a basic block (`    bbN: {` or `    bbN (cleanup): {`)"),
            Expected::BlockLine { block } => write!(f, "a statement after 8 spaces, or `    }}` to close the block {block}"),
            Expected::DropGlueSignature => f.write_str("`fn drop_in_place(_1: *mut T) -> () {`"),
            Expected::CoroutineLayout => f.write_str("a line of a coroutine's layout: `field_tys` (each `_sN: CoroutineSavedTy` with its `ty`, `source_info` and `ignore_for_traits`), `variant_fields` (`NAME (N): [_s0, …]`), `storage_conflicts`, then `} */`"),
            Expected::StateTransformDump => f.write_str("a dump of one body: `// MIR for `NAME` before StateTransform` (or `after`), a `/* coroutine_layout = … */` that ends, then the body NAME"),
            Expected::ItemEnd { from } => write!(f, "the braces of the item that begins at line {from} to close (is the print-out cut short?)"),
            Expected::LlvmIrItem => f.write_str("a comment, a global, a declaration, a `define`, an attribute group, metadata or the module's header"),
            Expected::LlvmIrDefine => f.write_str("`define … @NAME(…) … {`"),
            Expected::LlvmIrLine => f.write_str("a label, an instruction two spaces in, a comment, a blank line, or `}` to end the function"),
            Expected::MetadataNumber { field } => write!(f, "a number in the field `{field}`"),
            Expected::MetadataVariant => f.write_str("a `baseType` that names the state's variant"),
            Expected::SnapshotHeader => f.write_str("`---`, insta's header with a `description:`, `---`, then the body"),
            Expected::QuotedString => f.write_str("a string in double quotes, with JSON's escapes"),
            Expected::Provenance => f.write_str("`SUBJECT · COMPILER · FLAGS`, then options and `lines A–B of N`, as a listing's provenance reads"),
            Expected::AsmOption { option } => write!(f, "`with the constants it refers to` or `with source lines`, not `{option}`"),
            Expected::KnownFlags { flags } => write!(f, "the flags of a stage or of the listings' code generation, not `{flags}`"),
            Expected::ExperimentBody => f.write_str("an experiment: `change: …`, `effect in the first, N line(s):`, N lines `LINE: text`, then `effect in the second: none`, under an experiment's provenance"),
            Expected::ExperimentHeader => f.write_str("an experiment's header: `EFFECT · COMPILER · experiment: A#DIGEST against B#DIGEST`"),
        }
    }
}

/// What [`LayoutTable::check`](crate::lowering::type_sizes::LayoutTable::check) found wrong with
/// a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutProblem {
    #[error("bytes {from}..{to} are in no row, or in two")]
    BytesInNoRowOrTwo { from: u64, to: u64 },
    #[error("the rows end at {rows_end}, the type at {size}")]
    RowsEnd { rows_end: u64, size: u64 },
    #[error("`{field}` starts in {cells} cell(s), not {fields}")]
    FieldCells { field: String, cells: usize, fields: usize },
    #[error("`{field}` ends at byte {end}, past the type's {size} bytes")]
    FieldPastEnd { field: String, end: u128, size: u64 },
}

/// At most five of a workspace's members.
fn members_hint(members: &[String]) -> String {
    const SHOWN: usize = 5;
    match members {
        [] => String::new(),
        members if members.len() <= SHOWN => format!(": {}", members.join(", ")),
        members => format!(": {} and {} more", members[..SHOWN].join(", "), members.len() - SHOWN),
    }
}

fn closest_hint(closest: &[String]) -> String {
    match closest {
        [] => String::new(),
        names => format!(" (did you mean {}?)", names.join(" or ")),
    }
}

fn ambiguous_message(given: &str, chapter: &str, what: &str, candidates: &[String]) -> String {
    let mut message = format!("`{given}` names {} {what} in {chapter}; ask for one of them:", candidates.len());
    for candidate in candidates {
        let _ = write!(message, "\n  {candidate}");
    }
    message
}

fn unknown_function_message(
    given: &str,
    chapter: &str,
    closest: &[String],
    known: &[String],
    listed_by: Option<&str>,
) -> String {
    let mut message = format!("no function `{given}` in the assembly of {chapter}{}", closest_hint(closest));
    message.push_str("\nits functions are:");
    for name in known {
        let _ = write!(message, "\n  {name}");
    }
    message.push_str("\n(a function that is inlined everywhere has no code of its own, so it is not among them");
    if let Some(command) = listed_by {
        let _ = write!(message, "; `{command}` lists them again");
    }
    message.push(')');
    message
}
