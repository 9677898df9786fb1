//! Casts between strings and BLOBs with DuckDB's escapes.
//!
//! DuckDB writes a BLOB as text with printable ASCII kept and every other byte as `\xHH`
//! (`'\xAA\xFFa'::BLOB` is three bytes), and reads the same form back. Arrow's own cast
//! copies the UTF-8 bytes instead, so these two casts are done here.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder, StringBuilder};
use arrow::datatypes::DataType;

use crate::error::{Error, Result};

/// Whether `from -> to` is a cast this module does.
pub fn handles(from: &DataType, to: &DataType) -> bool {
    let blob = |t: &DataType| {
        matches!(
            t,
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView
        )
    };
    (crate::types::is_string(from) && blob(to)) || (blob(from) && crate::types::is_string(to))
}

/// Casts strings to BLOBs or BLOBs to strings; `try_cast` turns a bad string into NULL.
pub fn cast(input: &ArrayRef, to: &DataType, try_cast: bool) -> Result<ArrayRef> {
    if crate::types::is_string(input.data_type()) {
        let strings = arrow::compute::cast(input, &DataType::Utf8)?;
        let mut out = BinaryBuilder::new();
        for s in strings.as_string::<i32>().iter() {
            match s.map(parse_escaped) {
                None => out.append_null(),
                Some(Ok(bytes)) => out.append_value(bytes),
                Some(Err(_)) if try_cast => out.append_null(),
                Some(Err(e)) => return Err(e),
            }
        }
        let out: ArrayRef = Arc::new(out.finish());
        Ok(arrow::compute::cast(&out, to)?)
    } else {
        let bytes = arrow::compute::cast(input, &DataType::Binary)?;
        let mut out = StringBuilder::new();
        for b in bytes.as_binary::<i32>().iter() {
            match b {
                None => out.append_null(),
                Some(b) => out.append_value(escape(b)),
            }
        }
        let out: ArrayRef = Arc::new(out.finish());
        Ok(arrow::compute::cast(&out, to)?)
    }
}

/// The bytes of a BLOB literal: `\xHH` escapes, everything else ASCII.
pub fn parse_escaped(s: &str) -> Result<Vec<u8>> {
    let bad_escape = |why: &str| {
        Error::Conversion(format!(
            "Invalid hex escape code encountered in string -> blob conversion of string \"{s}\": {why}"
        ))
    };
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'x') || b.get(i + 1) == Some(&b'X') => {
                let hex = b
                    .get(i + 2..i + 4)
                    .ok_or_else(|| bad_escape("unterminated escape code at end of blob"))?;
                let hex = std::str::from_utf8(hex).map_err(|_| bad_escape("not a hex digit"))?;
                let v = u8::from_str_radix(hex, 16)
                    .map_err(|_| bad_escape(&format!("\\x{hex} is not a hex escape code")))?;
                out.push(v);
                i += 4;
            }
            c if c.is_ascii() => {
                out.push(c);
                i += 1;
            }
            _ => return Err(Error::Conversion(
                "Invalid byte encountered in STRING -> BLOB conversion. All non-ascii characters \
                     must be escaped with hex codes (e.g. \\xAA)"
                    .into(),
            )),
        }
    }
    Ok(out)
}

/// A BLOB's text: printable ASCII as is (a backslash too), other bytes as `\xHH`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &c in bytes {
        if (0x20..0x7f).contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("\\x{c:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use arrow::array::StringArray;

    use super::*;

    #[test]
    fn reads_and_writes_hex_escapes() {
        assert_eq!(
            parse_escaped("\\xAA\\xffa").unwrap(),
            vec![0xAA, 0xFF, b'a']
        );
        assert_eq!(escape(&[0xAA, 0xFF, b'a']), "\\xAA\\xFFa");
        let err = parse_escaped("\\x4").unwrap_err().to_string();
        assert!(err.contains("unterminated escape code"), "{err}");
        assert!(parse_escaped("é").is_err());
    }

    #[test]
    fn try_cast_gives_null() {
        let input: ArrayRef = Arc::new(StringArray::from(vec!["\\x4", "ok"]));
        let out = cast(&input, &DataType::Binary, true).unwrap();
        assert!(out.is_null(0));
        assert_eq!(out.as_binary::<i32>().value(1), b"ok");
    }
}
