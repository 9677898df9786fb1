//! Sizes and code points of text, as in DuckDB: `bit_length` (the bits of the UTF-8
//! bytes) and `unicode` / `ord` (the code point of the first character, -1 for the empty
//! string).

use std::sync::Arc;

use arrow::array::{Int32Array, Int64Array};
use arrow::datatypes::DataType;

use super::util::{add_all, arg, check_arity, string_target, Entry, Shape, Strs};
use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[
    ("bit_length", &[], sig_bit_length, invoke_bit_length),
    ("unicode", &["ord"], sig_unicode, invoke_unicode),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

fn text_arg(name: &str, args: &[DataType]) -> Result<DataType> {
    check_arity(name, args, 1, 1).map_err(|_| signature_error(name, "(VARCHAR)", args))?;
    string_target(&args[0]).ok_or_else(|| signature_error(name, "(VARCHAR)", args))
}

fn sig_bit_length(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    Ok(Signature {
        args: vec![text_arg("bit_length", args)?],
        ret: DataType::Int64,
    })
}

fn sig_unicode(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    Ok(Signature {
        args: vec![text_arg("unicode", args)?],
        ret: DataType::Int32,
    })
}

fn invoke_bit_length(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, "bit_length")?, "bit_length")?;
    let out: Int64Array = (0..shape.len)
        .map(|i| s.get(i).map(|v| v.len() as i64 * 8))
        .collect();
    shape.wrap(Arc::new(out))
}

fn invoke_unicode(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, "unicode")?, "unicode")?;
    let out: Int32Array = (0..shape.len)
        .map(|i| s.get(i).map(|v| v.chars().next().map_or(-1, |c| c as i32)))
        .collect();
    shape.wrap(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{lit, scalar};

    #[test]
    fn sizes_and_code_points() {
        assert_eq!(scalar("bit_length", vec![lit("€")]).as_i64(), Some(24));
        assert_eq!(scalar("unicode", vec![lit("𐍈")]).as_i64(), Some(66_376));
        assert_eq!(scalar("ord", vec![lit("")]).as_i64(), Some(-1));
    }
}
