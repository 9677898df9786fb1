//! `list_slice(x, begin, end [, step])` / `array_slice` (with `array_pop_back` and
//! `array_pop_front`), and the `x[begin:end:step]`
//! syntax the SQL planner lowers to it, on lists, fixed-size arrays, strings and blobs.
//!
//! DuckDB's rules: positions are 1-based and inclusive, a negative position counts from
//! the end (-1 is the last), positions outside the value are clamped, and a NULL position
//! or step makes the result NULL. A positive step takes every step-th element from `begin`
//! up to `end`; a negative one walks from `begin` down to `end`. Strings slice by
//! characters and blobs by bytes; neither takes a step.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, Int64Array, ListArray, StringArray, UInt32Array,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Int64Type};

use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "list_slice",
        aliases: &["array_slice"],
        signature: slice_signature,
        invoke: list_slice,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "array_pop_back",
        aliases: &[],
        signature: pop_signature,
        invoke: array_pop_back,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "array_pop_front",
        aliases: &[],
        signature: pop_signature,
        invoke: array_pop_front,
        volatile: false,
    });
}

/// `array_pop_back(l)` / `array_pop_front(l)`: the list without its last / first element.
fn pop_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args {
        [l @ DataType::List(_)] => Ok(Signature::keep(args, l.clone())),
        [DataType::FixedSizeList(f, _) | DataType::LargeList(f)] => {
            let l = DataType::List(f.clone());
            Ok(Signature {
                args: vec![l.clone()],
                ret: l,
            })
        }
        [DataType::Null] => Ok(Signature::keep(args, DataType::Null)),
        _ => Err(signature_error("array_pop_back", "a list", args)),
    }
}

fn pop(args: &[ColumnarValue], num_rows: usize, begin: i64, end: i64) -> Result<ColumnarValue> {
    let b = ColumnarValue::Scalar(ScalarValue::from(begin));
    let e = ColumnarValue::Scalar(ScalarValue::from(end));
    list_slice(&[args[0].clone(), b, e], num_rows)
}

fn array_pop_back(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    pop(args, num_rows, 1, -2)
}

fn array_pop_front(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    pop(args, num_rows, 2, -1)
}

fn is_position(t: &DataType) -> bool {
    t.is_integer()
        || *t == DataType::Null
        || matches!(t, DataType::Decimal128(_, 0) | DataType::Decimal256(_, 0))
}

fn slice_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let bad = || {
        signature_error(
            "list_slice",
            "a list (or string or blob), a begin and an end index, and an optional step",
            args,
        )
    };
    if !(3..=4).contains(&args.len()) || !args[1..].iter().all(is_position) {
        return Err(bad());
    }
    let value = match &args[0] {
        l @ DataType::List(_) => l.clone(),
        DataType::FixedSizeList(f, _) | DataType::LargeList(f) => DataType::List(f.clone()),
        s if is_string(s) => DataType::Utf8,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => DataType::Binary,
        DataType::Null => DataType::Null,
        other => {
            return Err(Error::Schema(format!(
                "ARRAY_SLICE can only operate on LISTs and VARCHARs, but was called with {other}"
            )))
        }
    };
    if args.len() == 4 && matches!(value, DataType::Utf8 | DataType::Binary) {
        return Err(Error::NotSupported(
            "Slice with steps has not been implemented for string types; \
             use array_to_string(string_split(s, '')[begin:end:step], '') instead"
                .into(),
        ));
    }
    let mut cast = vec![value.clone()];
    cast.extend(std::iter::repeat_n(DataType::Int64, args.len() - 1));
    Ok(Signature {
        args: cast,
        ret: value,
    })
}

/// The 0-based positions a slice takes from a value of `len` elements.
fn positions(len: i64, begin: i64, end: i64, step: i64) -> Vec<usize> {
    // -1 is the last element; 0 and anything before the start clamp to the first.
    let norm = |i: i64| {
        if i < 0 {
            len.saturating_add(i).saturating_add(1)
        } else {
            i
        }
    };
    let (b, e) = (norm(begin), norm(end));
    if step > 0 {
        let (from, to) = (b.max(1), e.min(len));
        if from > to {
            return vec![];
        }
        (from..=to)
            .step_by(step as usize)
            .map(|i| (i - 1) as usize)
            .collect()
    } else {
        let (from, to) = (b.min(len), e.max(1));
        if from < to {
            return vec![];
        }
        (to..=from)
            .rev()
            .step_by(step.unsigned_abs() as usize)
            .map(|i| (i - 1) as usize)
            .collect()
    }
}

fn list_slice(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    if args[0].data_type() == DataType::Null {
        return Ok(ColumnarValue::Scalar(ScalarValue::null(&DataType::Null)));
    }
    let arrays: Vec<ArrayRef> = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    let ints: Vec<&Int64Array> = arrays[1..]
        .iter()
        .map(|a| a.as_primitive::<Int64Type>())
        .collect();
    // Per row: the (begin, end, step) of the slice, or None for a NULL result.
    let mut bounds = Vec::with_capacity(rows);
    for r in 0..rows {
        if arrays[0].is_null(r) || ints.iter().any(|a| a.is_null(r)) {
            bounds.push(None);
            continue;
        }
        let step = ints.get(2).map_or(1, |s| s.value(r));
        if step == 0 {
            return Err(Error::Compute("Slice step cannot be zero".into()));
        }
        bounds.push(Some((ints[0].value(r), ints[1].value(r), step)));
    }
    let out: ArrayRef = match arrays[0].data_type() {
        DataType::Utf8 => {
            let s = arrays[0].as_string::<i32>();
            let v: StringArray = (0..rows)
                .map(|r| {
                    let (b, e, st) = bounds[r]?;
                    let chars: Vec<char> = s.value(r).chars().collect();
                    Some(
                        positions(chars.len() as i64, b, e, st)
                            .into_iter()
                            .map(|i| chars[i])
                            .collect::<String>(),
                    )
                })
                .collect();
            Arc::new(v)
        }
        DataType::Binary => {
            let s = arrays[0].as_binary::<i32>();
            let v: BinaryArray = (0..rows)
                .map(|r| {
                    let (b, e, st) = bounds[r]?;
                    let bytes = s.value(r);
                    Some(
                        positions(bytes.len() as i64, b, e, st)
                            .into_iter()
                            .map(|i| bytes[i])
                            .collect::<Vec<u8>>(),
                    )
                })
                .collect();
            Arc::new(v)
        }
        DataType::List(field) => {
            let list = arrays[0].as_list::<i32>();
            let o = list.value_offsets();
            let mut take: Vec<u32> = vec![];
            let mut lengths = Vec::with_capacity(rows);
            for (r, bound) in bounds.iter().enumerate() {
                let Some((b, e, st)) = *bound else {
                    lengths.push(0);
                    continue;
                };
                let start = o[r] as usize;
                let picked = positions(i64::from(o[r + 1] - o[r]), b, e, st);
                lengths.push(picked.len());
                take.extend(picked.into_iter().map(|i| (start + i) as u32));
            }
            let values =
                arrow::compute::take(list.values().as_ref(), &UInt32Array::from(take), None)?;
            let valid: Vec<bool> = bounds.iter().map(Option::is_some).collect();
            Arc::new(ListArray::try_new(
                Arc::<Field>::clone(field),
                OffsetBuffer::from_lengths(lengths),
                values,
                Some(valid.into()),
            )?)
        }
        other => return Err(crate::internal_err!("list_slice got {other}")),
    };
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_duckdb() {
        let p = |b, e, s| positions(5, b, e, s);
        assert_eq!(p(2, 3, 1), vec![1, 2]);
        assert_eq!(p(0, 2, 1), vec![0, 1]);
        assert_eq!(p(-2, -1, 1), vec![3, 4]);
        assert_eq!(p(-10, 10, 1), vec![0, 1, 2, 3, 4]);
        assert_eq!(p(3, 2, 1), Vec::<usize>::new());
        assert_eq!(p(1, 5, 2), vec![0, 2, 4]);
        assert_eq!(p(5, 1, -2), vec![4, 2, 0]);
        assert_eq!(p(-1, 3, -1), vec![4, 3, 2]);
        assert_eq!(p(0, 3, -1), Vec::<usize>::new());
        assert_eq!(p(7, -7, -1), vec![4, 3, 2, 1, 0]);
        assert_eq!(positions(0, -1, i64::MIN, 1), Vec::<usize>::new());
    }

    #[test]
    fn strings_slice_by_characters() {
        let s = ColumnarValue::Scalar(ScalarValue::utf8("MotörHead"));
        let i = |v: i64| ColumnarValue::Scalar(ScalarValue::from(v));
        let out = list_slice(&[s, i(1), i(5)], 1).unwrap();
        assert_eq!(out.as_scalar().and_then(|v| v.as_str()), Some("Motör"));
    }
}
