//! `translate`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::DataType;

use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "translate",
        aliases: &[],
        signature: translate_signature,
        invoke: translate,
        volatile: false,
    });
}

fn strings(args: &[DataType], n: usize) -> bool {
    args.len() == n && args.iter().all(|t| is_string(t) || *t == DataType::Null)
}

fn translate_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    if strings(args, 3) {
        return Ok(Signature {
            args: vec![DataType::Utf8; 3],
            ret: DataType::Utf8,
        });
    }
    Err(signature_error("translate", "three strings", args))
}

fn arrays(args: &[ColumnarValue], num_rows: usize) -> Result<(usize, bool, Vec<ArrayRef>)> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    Ok((
        rows,
        scalar,
        args.iter()
            .map(|a| a.to_array(rows))
            .collect::<Result<_>>()?,
    ))
}

fn done(out: ArrayRef, scalar: bool) -> Result<ColumnarValue> {
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

/// Replaces each character of `from` by the character at the same place in `to`, or
/// deletes it when `to` is shorter.
fn translate(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (rows, scalar, a) = arrays(args, num_rows)?;
    let (s, f, t) = (
        a[0].as_string::<i32>(),
        a[1].as_string::<i32>(),
        a[2].as_string::<i32>(),
    );
    let out: StringArray = (0..rows)
        .map(|r| {
            if s.is_null(r) || f.is_null(r) || t.is_null(r) {
                return None;
            }
            let from: Vec<char> = f.value(r).chars().collect();
            let to: Vec<char> = t.value(r).chars().collect();
            Some(
                s.value(r)
                    .chars()
                    .filter_map(|c| match from.iter().position(|x| *x == c) {
                        Some(i) => to.get(i).copied(),
                        None => Some(c),
                    })
                    .collect::<String>(),
            )
        })
        .collect();
    done(Arc::new(out), scalar)
}
