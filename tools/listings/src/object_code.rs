//! The bytes of machine code behind a listing.
//!
//! A `.s` file does not say how many bytes its instructions take: that is decided when they are
//! encoded. The compile step (`compile.rs`) asks rustc for the object file in the same
//! compilation that writes the `.s` (`--emit=asm=… --emit=obj=…`), so the function's symbol in
//! that object has the real size of exactly the code the listing shows. The function's bytes are
//! decoded again (iced-x86) to count its instructions, so that a test can check that the object
//! and the listing are the same code.

use object::{Object, ObjectSection, ObjectSymbol};

use crate::Error;

/// One function's machine code, as the object file holds it (relocations not applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineCode {
    /// The mangled symbol.
    pub symbol: String,
    pub bytes: Vec<u8>,
}

impl MachineCode {
    /// How many x86-64 instructions the bytes decode to, not counting `nop`s: the assembler
    /// fills the gap before an aligned loop header (`.p2align 4, 0x90`, a directive the listings
    /// drop) with them, so they are bytes of the function but no instruction of its listing.
    pub fn instruction_count(&self) -> usize {
        iced_x86::Decoder::new(64, &self.bytes, iced_x86::DecoderOptions::NONE)
            .into_iter()
            .filter(|instruction| instruction.mnemonic() != iced_x86::Mnemonic::Nop)
            .count()
    }
}

/// The code of `symbol` in the ELF object `data` (`object`, for messages, says which it is).
pub fn read(data: &[u8], object: &str, symbol: &str) -> Result<MachineCode, Error> {
    let problem = |reason: String| Error::ObjectFile { object: object.to_owned(), reason };
    let file = object::File::parse(data).map_err(|e| problem(e.to_string()))?;
    let found = file
        .symbols()
        .find(|s| s.name() == Ok(symbol) && s.kind() == object::SymbolKind::Text)
        .ok_or_else(|| problem(format!("no function symbol {symbol}")))?;
    let section = found
        .section_index()
        .and_then(|index| file.section_by_index(index).ok())
        .ok_or_else(|| problem(format!("{symbol} is in no section")))?;
    let contents = section.data().map_err(|e| problem(e.to_string()))?;
    let start = (found.address() - section.address()) as usize;
    let bytes = contents
        .get(start..start + found.size() as usize)
        .ok_or_else(|| problem(format!("{symbol} runs past the end of its section")))?;
    Ok(MachineCode { symbol: symbol.to_owned(), bytes: bytes.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_counted_by_decoding_the_bytes_and_padding_is_not_an_instruction() {
        // push rbx; mov rbx, rdi; movzx eax, byte ptr [rdi + 24]; a 3-byte nop (padding); pop rbx; ret
        let code = MachineCode {
            symbol: "f".into(),
            bytes: vec![0x53, 0x48, 0x89, 0xfb, 0x0f, 0xb6, 0x47, 0x18, 0x0f, 0x1f, 0x00, 0x5b, 0xc3],
        };
        assert_eq!(code.instruction_count(), 5);
    }

    #[test]
    fn an_object_that_is_not_one_is_an_error_naming_it() {
        let error = read(b"not an ELF file", "the object file of ch01", "f").unwrap_err().to_string();
        assert!(error.starts_with("the object file of ch01: "), "{error}");
    }
}
