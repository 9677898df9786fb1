//! Conversions between text, bytes and their encodings, as in DuckDB: `encode` / `decode`
//! (VARCHAR <-> BLOB as UTF-8), `to_base64` / `from_base64`, `hex` / `unhex`, `to_binary`
//! / `from_binary` (also of integers: their two's complement digits without leading
//! zeros), `url_encode` / `url_decode` (RFC 3986 percent-encoding) and `regexp_escape`
//! (a backslash before every ASCII character but letters, digits and `_`, as RE2's
//! `QuoteMeta`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder};
use arrow::datatypes::{DataType, Decimal128Type, Int64Type, UInt64Type};

use super::util::{add_all, arg, build_utf8, check_arity, string_target, Entry, Shape, Strs};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[
    ("encode", &[], sig_encode, invoke_encode),
    ("decode", &[], sig_decode, invoke_decode),
    (
        "to_base64",
        &["base64"],
        sig_bytes_to_text,
        invoke_to_base64,
    ),
    ("from_base64", &[], sig_text_to_bytes, invoke_from_base64),
    ("hex", &["to_hex"], sig_digits, invoke_hex),
    ("unhex", &["from_hex"], sig_text_to_bytes, invoke_unhex),
    ("to_binary", &["bin"], sig_digits, invoke_to_binary),
    (
        "from_binary",
        &["unbin"],
        sig_text_to_bytes,
        invoke_from_binary,
    ),
    ("url_encode", &[], sig_text, invoke_url_encode),
    ("url_decode", &[], sig_text, invoke_url_decode),
    ("regexp_escape", &[], sig_text, invoke_regexp_escape),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

fn is_binary(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
            | DataType::FixedSizeBinary(_)
    )
}

/// One argument of the given kinds.
fn one(name: &str, args: &[DataType], expected: &str) -> Result<()> {
    check_arity(name, args, 1, 1).map_err(|_| signature_error(name, expected, args))
}

fn sig_encode(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    one("encode", args, "(VARCHAR)")?;
    let t = string_target(&args[0]).ok_or_else(|| signature_error("encode", "(VARCHAR)", args))?;
    Ok(Signature {
        args: vec![t],
        ret: DataType::Binary,
    })
}

fn sig_decode(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(BLOB[, VARCHAR mode])";
    check_arity("decode", args, 1, 2).map_err(|_| signature_error("decode", expected, args))?;
    let mut cast = vec![DataType::Binary];
    if !is_binary(&args[0]) && args[0] != DataType::Null {
        return Err(signature_error("decode", expected, args));
    }
    if let Some(t) = args.get(1) {
        cast.push(string_target(t).ok_or_else(|| signature_error("decode", expected, args))?);
    }
    Ok(Signature {
        args: cast,
        ret: DataType::Utf8,
    })
}

/// A BLOB (or a VARCHAR, read as its UTF-8 bytes) in, text out.
fn sig_bytes_to_text(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    one("to_base64", args, "(BLOB)")?;
    if !is_binary(&args[0]) && string_target(&args[0]).is_none() {
        return Err(signature_error("to_base64", "(BLOB)", args));
    }
    Ok(Signature {
        args: vec![args[0].clone()],
        ret: DataType::Utf8,
    })
}

/// Text in, a BLOB out.
fn sig_text_to_bytes(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    one("from_base64 / unhex / from_binary", args, "(VARCHAR)")?;
    let t = string_target(&args[0])
        .ok_or_else(|| signature_error("from_base64 / unhex / from_binary", "(VARCHAR)", args))?;
    Ok(Signature {
        args: vec![t],
        ret: DataType::Binary,
    })
}

fn sig_text(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    one("url_encode / url_decode", args, "(VARCHAR)")?;
    let t = string_target(&args[0])
        .ok_or_else(|| signature_error("url_encode / url_decode", "(VARCHAR)", args))?;
    Ok(Signature {
        args: vec![t],
        ret: DataType::Utf8,
    })
}

/// `hex` and `to_binary`: text, bytes or an integer.
fn sig_digits(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(VARCHAR | BLOB | integer)";
    one("hex / to_binary", args, expected)?;
    let t = &args[0];
    let cast = if is_binary(t) || string_target(t).is_some() {
        t.clone()
    } else if t.is_signed_integer() || t.is_floating() {
        DataType::Int64
    } else if t.is_unsigned_integer() {
        DataType::UInt64
    } else if matches!(t, DataType::Decimal128(_, 0)) {
        DataType::Decimal128(38, 0)
    } else {
        return Err(signature_error("hex / to_binary", expected, args));
    };
    Ok(Signature {
        args: vec![cast],
        ret: DataType::Utf8,
    })
}

/// Row access to bytes: a binary argument, or a string argument's UTF-8.
enum Bytes<'a> {
    Bin(ArrayRef),
    Text(Strs<'a>),
}

impl<'a> Bytes<'a> {
    fn new(v: &'a ColumnarValue, func: &str, len: usize) -> Result<Self> {
        let t = v.data_type();
        if is_binary(&t) {
            let a = arrow::compute::cast(&v.to_array(len)?, &DataType::Binary)?;
            Ok(Bytes::Bin(a))
        } else {
            Ok(Bytes::Text(Strs::new(v, func)?))
        }
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        match self {
            Bytes::Bin(a) => {
                let a = a.as_binary::<i32>();
                let i = if a.len() == 1 { 0 } else { i };
                a.is_valid(i).then(|| a.value(i))
            }
            Bytes::Text(s) => s.get(i).map(str::as_bytes),
        }
    }
}

/// Builds a BLOB result row by row.
fn build_binary(
    len: usize,
    mut row: impl FnMut(usize, &mut Vec<u8>) -> Result<bool>,
) -> Result<ArrayRef> {
    let mut b = BinaryBuilder::with_capacity(len, len * 8);
    let mut buf = Vec::new();
    for i in 0..len {
        buf.clear();
        if row(i, &mut buf)? {
            b.append_value(&buf);
        } else {
            b.append_null();
        }
    }
    Ok(Arc::new(b.finish()))
}

fn invoke_encode(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, "encode")?, "encode")?;
    let out = build_binary(shape.len, |i, buf| match s.get(i) {
        Some(v) => {
            buf.extend_from_slice(v.as_bytes());
            Ok(true)
        }
        None => Ok(false),
    })?;
    shape.wrap(out)
}

/// The length of the UTF-8 sequence a lead byte starts, for invalid input (1 when the byte
/// cannot start a sequence).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

fn invoke_decode(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "decode";
    let shape = Shape::of(args);
    let b = Bytes::new(arg(args, 0, F)?, F, shape.len)?;
    let mode = args.get(1).map(|m| Strs::new(m, F)).transpose()?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let Some(mut v) = b.get(i) else {
            return Ok(false);
        };
        let mode = match &mode {
            Some(m) => match m.get(i) {
                Some(m) => m.to_ascii_lowercase(),
                None => return Ok(false),
            },
            None => "strict".to_string(),
        };
        // Valid runs are copied; each invalid sequence is an error, `?` per byte
        // ('replace') or dropped ('ignore').
        loop {
            match std::str::from_utf8(v) {
                Ok(s) => {
                    buf.push_str(s);
                    return Ok(true);
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    buf.push_str(std::str::from_utf8(&v[..good]).unwrap_or_default());
                    let bad = sequence_len(v[good]).min(v.len() - good);
                    match mode.as_str() {
                        "replace" => buf.extend(std::iter::repeat_n('?', bad)),
                        "ignore" => {}
                        _ => {
                            return Err(Error::Compute(
                                "could not convert BLOB to VARCHAR: Failure in decode: could not convert blob to UTF8 string, the blob contained invalid UTF8 characters".into(),
                            ))
                        }
                    }
                    v = &v[good + bad..];
                }
            }
        }
    })?;
    shape.wrap(out)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= n {
                out.push(BASE64[(v >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

fn base64_decode(s: &str, out: &mut Vec<u8>) -> Result<()> {
    let bad =
        |why: &str| Error::Compute(format!("Could not decode string \"{s}\" as base64: {why}"));
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return Err(bad("length must be a multiple of 4"));
    }
    let value = |c: u8| BASE64.iter().position(|&x| x == c).map(|p| p as u32);
    for (k, chunk) in b.chunks(4).enumerate() {
        let last = k == b.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err(bad("invalid padding"));
        }
        let mut v = 0u32;
        for &c in &chunk[..4 - pad] {
            v = (v << 6)
                | value(c).ok_or_else(|| bad(&format!("invalid byte value '{}'", c as char)))?;
        }
        v <<= 6 * pad as u32;
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Ok(())
}

fn invoke_to_base64(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "to_base64";
    let shape = Shape::of(args);
    let b = Bytes::new(arg(args, 0, F)?, F, shape.len)?;
    let out = build_utf8(F, shape.len, |i, buf| match b.get(i) {
        Some(v) => {
            base64_encode(v, buf);
            Ok(true)
        }
        None => Ok(false),
    })?;
    shape.wrap(out)
}

fn invoke_from_base64(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "from_base64";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let out = build_binary(shape.len, |i, buf| match s.get(i) {
        Some(v) => base64_decode(v, buf).map(|_| true),
        None => Ok(false),
    })?;
    shape.wrap(out)
}

/// Digits of an integer argument or of every byte, per row.
fn digits(
    args: &[ColumnarValue],
    func: &str,
    of_int: fn(u128, u32) -> String,
    of_byte: fn(u8, &mut String),
) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let v = arg(args, 0, func)?;
    let t = v.data_type();
    let text = |a: &ArrayRef, row: fn(&ArrayRef, usize) -> Option<(u128, u32)>| {
        build_utf8(func, shape.len, |i, buf| match row(a, i) {
            Some((x, bits)) => {
                buf.push_str(&of_int(x, bits));
                Ok(true)
            }
            None => Ok(false),
        })
    };
    let out = match t {
        DataType::Int64 => {
            let a = v.to_array(shape.len)?;
            text(&a, |a, i| {
                let i = if a.len() == 1 { 0 } else { i };
                let p = a.as_primitive::<Int64Type>();
                p.is_valid(i).then(|| (u128::from(p.value(i) as u64), 64))
            })?
        }
        DataType::UInt64 => {
            let a = v.to_array(shape.len)?;
            text(&a, |a, i| {
                let i = if a.len() == 1 { 0 } else { i };
                let p = a.as_primitive::<UInt64Type>();
                p.is_valid(i).then(|| (u128::from(p.value(i)), 64))
            })?
        }
        DataType::Decimal128(_, _) => {
            let a = v.to_array(shape.len)?;
            text(&a, |a, i| {
                let i = if a.len() == 1 { 0 } else { i };
                let p = a.as_primitive::<Decimal128Type>();
                p.is_valid(i).then(|| (p.value(i) as u128, 128))
            })?
        }
        _ => {
            let b = Bytes::new(v, func, shape.len)?;
            build_utf8(func, shape.len, |i, buf| match b.get(i) {
                Some(bytes) => {
                    for &x in bytes {
                        of_byte(x, buf);
                    }
                    Ok(true)
                }
                None => Ok(false),
            })?
        }
    };
    shape.wrap(out)
}

/// The two's complement digits of a value of `bits` bits, without leading zeros.
fn int_hex(v: u128, bits: u32) -> String {
    let v = if bits < 128 {
        v & ((1u128 << bits) - 1)
    } else {
        v
    };
    format!("{v:X}")
}

fn int_bin(v: u128, bits: u32) -> String {
    let v = if bits < 128 {
        v & ((1u128 << bits) - 1)
    } else {
        v
    };
    format!("{v:b}")
}

fn invoke_hex(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    digits(args, "hex", int_hex, |b, out| {
        out.push_str(&format!("{b:02X}"))
    })
}

fn invoke_to_binary(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    digits(args, "to_binary", int_bin, |b, out| {
        out.push_str(&format!("{b:08b}"))
    })
}

/// Bytes from digits of `bits_per_digit` bits (4 for hex, 1 for binary), the first byte
/// taking the leftover digits when the count does not divide evenly.
fn parse_digits(s: &str, radix: u32, out: &mut Vec<u8>) -> Result<()> {
    let per_byte = if radix == 16 { 2 } else { 8 };
    let name = if radix == 16 { "hex" } else { "binary" };
    let digits: Vec<u32> = s
        .chars()
        .map(|c| {
            c.to_digit(radix)
                .ok_or_else(|| Error::Compute(format!("Invalid input for {name} digit: {c}")))
        })
        .collect::<Result<_>>()?;
    let first = digits.len() % per_byte;
    let mut chunks: Vec<&[u32]> = Vec::new();
    if first > 0 {
        chunks.push(&digits[..first]);
    }
    chunks.extend(digits[first..].chunks(per_byte));
    for c in chunks {
        out.push(c.iter().fold(0u32, |acc, d| acc * radix + d) as u8);
    }
    Ok(())
}

fn invoke_unhex(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, "unhex")?, "unhex")?;
    let out = build_binary(shape.len, |i, buf| match s.get(i) {
        Some(v) => parse_digits(v, 16, buf).map(|_| true),
        None => Ok(false),
    })?;
    shape.wrap(out)
}

fn invoke_from_binary(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, "from_binary")?, "from_binary")?;
    let out = build_binary(shape.len, |i, buf| match s.get(i) {
        Some(v) => parse_digits(v, 2, buf).map(|_| true),
        None => Ok(false),
    })?;
    shape.wrap(out)
}

fn invoke_url_encode(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "url_encode";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let Some(v) = s.get(i) else { return Ok(false) };
        for &b in v.as_bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                buf.push(b as char);
            } else {
                buf.push_str(&format!("%{b:02X}"));
            }
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_url_decode(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "url_decode";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let mut bytes = Vec::new();
    let out = build_utf8(F, shape.len, |i, buf| {
        let Some(v) = s.get(i) else { return Ok(false) };
        bytes.clear();
        let b = v.as_bytes();
        let hex = |c: u8| (c as char).to_digit(16);
        let mut k = 0;
        while k < b.len() {
            // `%HH` is a byte; a `%` without two hex digits stays as it is.
            if b[k] == b'%' && k + 2 < b.len() {
                if let (Some(h), Some(l)) = (hex(b[k + 1]), hex(b[k + 2])) {
                    bytes.push((h * 16 + l) as u8);
                    k += 3;
                    continue;
                }
            }
            bytes.push(b[k]);
            k += 1;
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            Error::Compute(format!(
                "Failed to decode string \"{v}\" using URL decoding: decoded value is invalid UTF8"
            ))
        })?;
        buf.push_str(text);
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_regexp_escape(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "regexp_escape";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let Some(v) = s.get(i) else { return Ok(false) };
        for c in v.chars() {
            match c {
                '\0' => buf.push_str("\\x00"),
                c if !c.is_ascii() || c.is_ascii_alphanumeric() || c == '_' => buf.push(c),
                c => {
                    buf.push('\\');
                    buf.push(c);
                }
            }
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{call, lit, scalar};
    use super::*;

    fn text(name: &str, v: ColumnarValue) -> String {
        scalar(name, vec![v]).as_str().unwrap().to_string()
    }

    fn blob(name: &str, v: &str) -> Vec<u8> {
        let s = scalar(name, vec![lit(v)]);
        s.as_array().as_binary::<i32>().value(0).to_vec()
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(text("to_base64", lit("a")), "YQ==");
        assert_eq!(text("base64", lit("ab")), "YWI=");
        assert_eq!(text("to_base64", lit("abc")), "YWJj");
        assert_eq!(blob("from_base64", "AAAA"), vec![0, 0, 0]);
        assert_eq!(blob("from_base64", "YWI="), b"ab");
        assert!(call("from_base64", vec![lit("ab")]).is_err());
    }

    #[test]
    fn hex_and_binary_digits() {
        assert_eq!(text("hex", lit("duckdb")), "6475636B6462");
        assert_eq!(text("hex", lit(-1i64)), "FFFFFFFFFFFFFFFF");
        assert_eq!(text("to_binary", lit(0i64)), "0");
        assert_eq!(text("to_binary", lit(5i64)), "101");
        assert_eq!(blob("unhex", "5"), vec![5]);
        assert_eq!(blob("from_binary", "1"), vec![1]);
        assert_eq!(blob("from_hex", "6475636B6462"), b"duckdb");
        assert!(call("unhex", vec![lit("duckdb")]).is_err());
    }

    #[test]
    fn url_and_utf8() {
        assert_eq!(text("url_encode", lit("a b/é")), "a%20b%2F%C3%A9");
        assert_eq!(text("url_decode", lit("%%5%X%41")), "%%5%XA");
        assert!(call("url_decode", vec![lit("%FF")]).is_err());
        assert_eq!(
            text("regexp_escape", lit("a.b[c]* é_")),
            "a\\.b\\[c\\]\\*\\ é_"
        );
        let bad = ColumnarValue::Scalar(
            ScalarValue::try_from_array(Arc::new(arrow::array::BinaryArray::from(vec![
                b"a\xC0\xC0b".as_ref(),
            ])))
            .unwrap(),
        );
        assert_eq!(
            scalar("decode", vec![bad.clone(), lit("replace")]).as_str(),
            Some("a??b")
        );
        assert!(call("decode", vec![bad]).is_err());
    }
}
