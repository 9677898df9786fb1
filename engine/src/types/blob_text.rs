//! DuckDB's text form of BLOB values: `'a\x41'::BLOB` is the two bytes `aA`, and a BLOB
//! cast to VARCHAR writes printable ASCII as it is and every other byte (and `'`, `\`) as
//! `\xHH`. Arrow's own casts copy the text's bytes and require UTF-8 instead.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, BinaryArray, StringArray};
use arrow::datatypes::DataType;

use crate::error::{Error, Result};

/// The bytes a string stands for as a BLOB literal: `\xHH` escapes become their byte, other
/// ASCII characters themselves; anything else is an error, as in DuckDB.
pub fn parse_blob(s: &str) -> Result<Vec<u8>> {
    let bad = |why: &str| {
        Error::Compute(format!(
            "could not convert string \"{s}\" to BLOB: Invalid hex escape code encountered in string -> blob conversion of string \"{s}\": {why}"
        ))
    };
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if i + 4 > b.len() {
                    return Err(bad("unterminated escape code at end of blob"));
                }
                let hex = |c: u8| (c as char).to_digit(16);
                match (b[i + 1], hex(b[i + 2]), hex(b[i + 3])) {
                    (b'x' | b'X', Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                    _ => return Err(bad(&s[i..(i + 4).min(s.len())])),
                }
                i += 4;
            }
            c if c.is_ascii() => {
                out.push(c);
                i += 1;
            }
            _ => {
                return Err(Error::Compute(format!(
                    "could not convert string \"{s}\" to BLOB: Invalid byte encountered in STRING -> BLOB conversion. All non-ascii characters must be escaped with hex codes (e.g. \\xAA)"
                )))
            }
        }
    }
    Ok(out)
}

/// A BLOB as DuckDB writes it.
pub fn format_blob(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..=0x7e).contains(&b) && b != b'\\' && b != b'\'' {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Strings to BLOBs (`to` a binary type) or BLOBs to strings (`to` a string type) in
/// DuckDB's text form; `None` for other casts. Under `try_cast` a bad literal is NULL.
pub fn cast_blob_text(a: &ArrayRef, to: &DataType, try_cast: bool) -> Result<Option<ArrayRef>> {
    let from = a.data_type();
    let is_str =
        |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    let is_bin = |t: &DataType| {
        matches!(
            t,
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView
        )
    };
    if is_str(from) && is_bin(to) {
        let s = arrow::compute::cast(a, &DataType::Utf8)?;
        let out = s
            .as_string::<i32>()
            .iter()
            .map(|v| match v.map(parse_blob) {
                None => Ok(None),
                Some(Ok(b)) => Ok(Some(b)),
                Some(Err(_)) if try_cast => Ok(None),
                Some(Err(e)) => Err(e),
            })
            .collect::<Result<Vec<_>>>()?;
        let out: ArrayRef = Arc::new(BinaryArray::from_iter(out));
        return Ok(Some(arrow::compute::cast(&out, to)?));
    }
    if is_bin(from) && is_str(to) {
        let b = arrow::compute::cast(a, &DataType::Binary)?;
        let out: StringArray = b
            .as_binary::<i32>()
            .iter()
            .map(|v| v.map(format_blob))
            .collect();
        let out: ArrayRef = Arc::new(out);
        return Ok(Some(arrow::compute::cast(&out, to)?));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_literals_round_trip() {
        assert_eq!(parse_blob(r"a\x41b").unwrap(), b"aAb");
        assert_eq!(parse_blob(r"\xff\xFF").unwrap(), vec![0xff, 0xff]);
        assert!(parse_blob(r"\x4").is_err());
        assert!(parse_blob(r"\x4G").is_err());
        assert!(parse_blob("ü").is_err());
        assert_eq!(format_blob(&[0, b'a', b'\'', 0x7f]), r"\x00a\x27\x7F");
    }
}
