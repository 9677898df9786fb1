//! Cryptographic digests of text or bytes, as DuckDB writes them: `md5`, `sha1` and
//! `sha256` as lower-case hex, and `md5_number_upper` / `md5_number_lower` as the two
//! halves of the MD5 digest read as little-endian UBIGINTs. (`md5_number`, the whole
//! digest as a UHUGEINT, is left out: Quiver has no 128-bit unsigned type.)

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, UInt64Array};
use arrow::datatypes::DataType;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::util::{add_all, arg, build_utf8, check_arity, string_target, Entry, Shape, Strs};
use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[
    ("md5", &[], sig_hex, invoke_md5),
    ("sha1", &[], sig_hex, invoke_sha1),
    ("sha256", &[], sig_hex, invoke_sha256),
    ("md5_number_upper", &[], sig_number, invoke_md5_upper),
    ("md5_number_lower", &[], sig_number, invoke_md5_lower),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

fn input_type(name: &str, args: &[DataType]) -> Result<DataType> {
    check_arity(name, args, 1, 1).map_err(|_| signature_error(name, "(VARCHAR | BLOB)", args))?;
    match &args[0] {
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => Ok(DataType::Binary),
        t => string_target(t).ok_or_else(|| signature_error(name, "(VARCHAR | BLOB)", args)),
    }
}

fn sig_hex(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    Ok(Signature {
        args: vec![input_type("md5 / sha1 / sha256", args)?],
        ret: DataType::Utf8,
    })
}

fn sig_number(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    Ok(Signature {
        args: vec![input_type("md5_number_upper / md5_number_lower", args)?],
        ret: DataType::UInt64,
    })
}

/// Row access to the bytes of a text or BLOB argument.
enum Input<'a> {
    Text(Strs<'a>),
    Bytes(ArrayRef),
}

impl<'a> Input<'a> {
    fn new(v: &'a ColumnarValue, func: &str, len: usize) -> Result<Self> {
        if v.data_type() == DataType::Binary {
            Ok(Input::Bytes(v.to_array(len)?))
        } else {
            Ok(Input::Text(Strs::new(v, func)?))
        }
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        match self {
            Input::Text(s) => s.get(i).map(str::as_bytes),
            Input::Bytes(a) => {
                let a = a.as_binary::<i32>();
                a.is_valid(i).then(|| a.value(i))
            }
        }
    }
}

fn hex_digest<D: Digest>(args: &[ColumnarValue], func: &str) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let input = Input::new(arg(args, 0, func)?, func, shape.len)?;
    let out = build_utf8(func, shape.len, |i, buf| {
        let Some(v) = input.get(i) else {
            return Ok(false);
        };
        for b in D::digest(v) {
            buf.push_str(&format!("{b:02x}"));
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_md5(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    hex_digest::<Md5>(args, "md5")
}

fn invoke_sha1(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    hex_digest::<Sha1>(args, "sha1")
}

fn invoke_sha256(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    hex_digest::<Sha256>(args, "sha256")
}

/// Half of the MD5 digest (bytes 0-7 or 8-15) as a little-endian number.
fn md5_half(args: &[ColumnarValue], func: &str, upper: bool) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let input = Input::new(arg(args, 0, func)?, func, shape.len)?;
    let out: UInt64Array = (0..shape.len)
        .map(|i| {
            input.get(i).map(|v| {
                let d = Md5::digest(v);
                let half = if upper { &d[..8] } else { &d[8..] };
                let mut le = [0u8; 8];
                le.copy_from_slice(half);
                u64::from_le_bytes(le)
            })
        })
        .collect();
    shape.wrap(Arc::new(out))
}

fn invoke_md5_upper(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    md5_half(args, "md5_number_upper", true)
}

fn invoke_md5_lower(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    md5_half(args, "md5_number_lower", false)
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{lit, scalar};

    #[test]
    fn digests_match_duckdb() {
        let text = |f: &str, v: &str| scalar(f, vec![lit(v)]).as_str().unwrap().to_string();
        assert_eq!(text("md5", "hello"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(text("sha1", ""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            text("sha256", "hello"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let num = |f: &str| scalar(f, vec![lit("hello")]).to_display_string();
        assert_eq!(num("md5_number_upper"), "8514701317032132957");
        assert_eq!(num("md5_number_lower"), "10575884659879408057");
    }
}
