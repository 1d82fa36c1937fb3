//! Which text encoding a statement is in, decided from its first bytes:
//! a BOM says UTF-8 / UTF-16 LE / UTF-16 BE; without one, UTF-8 if the
//! first 64 KiB are valid UTF-8, else Windows-1252 (a superset of Latin-1,
//! what Excel on Windows writes). Everything downstream sees UTF-8.
//!
//! UTF-8 without BOM is passed through untouched (the fast path: no copy,
//! no transcoding). Should a byte sequence that is not UTF-8 appear after
//! the sniffed prefix, only text cells (store, country names) are affected,
//! and those are compared bytewise or decoded lossily.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::io::Read;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Decides the encoding from the first bytes of the (decompressed) file;
/// `Err` says why the bytes are not a text statement.
pub fn sniff(prefix: &[u8], at_eof: bool) -> Result<TextEncoding, String> {
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        return Ok(TextEncoding::Utf8Bom);
    }
    if prefix.starts_with(b"\xFF\xFE") {
        return Ok(TextEncoding::Utf16Le);
    }
    if prefix.starts_with(b"\xFE\xFF") {
        return Ok(TextEncoding::Utf16Be);
    }
    let sample = &prefix[..prefix.len().min(4096)];
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        // Text in UTF-16 has a NUL in every other byte for ASCII characters.
        let odd = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let half = sample.len() / 2;
        if half > 0 && (odd * 10 >= half * 8 || even * 10 >= half * 8) {
            return Err(
                "the file looks like UTF-16 without a byte order mark (BOM); \
                        save it as UTF-8, or as UTF-16 with a BOM"
                    .into(),
            );
        }
        return Err(
            "the file is not text (it contains NUL bytes): is it a statement export?".into(),
        );
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if controls * 20 > sample.len().max(1) {
        return Err(
            "the file is not text (it is full of control bytes): is it a statement export?".into(),
        );
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => Ok(TextEncoding::Utf8),
        // A character cut by the end of the sniffed prefix is not an error.
        Err(e) if e.error_len().is_none() && !at_eof => Ok(TextEncoding::Utf8),
        Err(_) => Ok(TextEncoding::Windows1252),
    }
}

/// Wraps `r` (positioned at the very first byte) so it yields UTF-8.
pub fn decode<'a>(enc: TextEncoding, r: impl Read + 'a) -> Box<dyn Read + 'a> {
    fn transcode<'a>(e: &'static encoding_rs::Encoding, r: impl Read + 'a) -> Box<dyn Read + 'a> {
        Box::new(
            DecodeReaderBytesBuilder::new()
                .encoding(Some(e))
                .bom_override(true)
                .build(r),
        )
    }
    match enc {
        TextEncoding::Utf8 => Box::new(r),
        TextEncoding::Utf8Bom => {
            let mut r = r;
            let mut bom = [0u8; 3];
            // The BOM is known to be there: skip exactly its 3 bytes.
            let _ = r.read_exact(&mut bom);
            Box::new(r)
        }
        TextEncoding::Utf16Le => transcode(UTF_16LE, r),
        TextEncoding::Utf16Be => transcode(UTF_16BE, r),
        TextEncoding::Windows1252 => transcode(WINDOWS_1252, r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(enc: TextEncoding, b: &[u8]) -> String {
        let mut s = String::new();
        decode(enc, b).read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn encodings() {
        assert_eq!(sniff(b"a,b\n", true), Ok(TextEncoding::Utf8));
        assert_eq!(sniff(b"caf\xE9\n", true), Ok(TextEncoding::Windows1252));
        assert_eq!(all(TextEncoding::Windows1252, b"caf\xE9"), "café");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a\tb".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(sniff(&le, true), Ok(TextEncoding::Utf16Le));
        assert_eq!(all(TextEncoding::Utf16Le, &le), "a\tb");
        assert!(sniff(&le[2..], true)
            .unwrap_err()
            .contains("without a byte order mark"));
        assert_eq!(all(TextEncoding::Utf8Bom, b"\xEF\xBB\xBFx"), "x");
        assert!(sniff(b"\x00\x01\x02\x03binary", true)
            .unwrap_err()
            .contains("not text"));
    }
}
