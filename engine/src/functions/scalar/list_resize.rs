//! `list_resize(l, size [, value])` (`array_resize`): the list cut or padded to `size`
//! elements, padding with `value` (NULL when not given).
//!
//! DuckDB's rules: a NULL list stays NULL, a NULL size means 0, a negative size is an
//! error, and the padding value is cast to the list's element type.

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, AsArray, ListArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Float64Type, Int64Type};

use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_numeric, ScalarValue};

use super::ScalarFunctionDef;

/// The most elements one resize may produce (DuckDB's limit is its maximum vector size).
const MAX_LEN: u64 = u32::MAX as u64;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "list_resize",
        aliases: &["array_resize"],
        signature: resize_signature,
        invoke: list_resize,
        volatile: false,
    });
}

fn resize_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let bad = || signature_error("list_resize", "a list, a size and an optional value", args);
    if !(2..=3).contains(&args.len()) {
        return Err(bad());
    }
    let list = match &args[0] {
        l @ DataType::List(_) => l.clone(),
        DataType::LargeList(f) | DataType::FixedSizeList(f, _) => DataType::List(f.clone()),
        DataType::Null => DataType::Null,
        _ => return Err(bad()),
    };
    let size = match &args[1] {
        t if t.is_integer() || *t == DataType::Null => DataType::Int64,
        t if is_numeric(t) => DataType::Float64,
        _ => return Err(bad()),
    };
    let mut cast = vec![list.clone(), size];
    if args.len() == 3 {
        cast.push(match &list {
            DataType::List(f) => f.data_type().clone(),
            _ => args[2].clone(),
        });
    }
    Ok(Signature {
        args: cast,
        ret: list,
    })
}

/// Row `r`'s new length: sizes are rounded like DuckDB's cast to UBIGINT.
fn size_at(sizes: &ArrayRef, r: usize) -> Result<usize> {
    if sizes.is_null(r) {
        return Ok(0);
    }
    let v = match sizes.data_type() {
        DataType::Float64 => {
            let f = sizes.as_primitive::<Float64Type>().value(r).round();
            if f < 0.0 {
                return Err(negative(f));
            }
            if f >= MAX_LEN as f64 {
                return Err(too_long());
            }
            f as u64
        }
        _ => {
            let i = sizes.as_primitive::<Int64Type>().value(r);
            u64::try_from(i).map_err(|_| negative(i as f64))?
        }
    };
    if v > MAX_LEN {
        return Err(too_long());
    }
    Ok(v as usize)
}

fn negative(v: f64) -> Error {
    Error::Compute(format!(
        "list_resize: the new size {v} is negative; the value is out of range for the destination type UINT64"
    ))
}

fn too_long() -> Error {
    Error::Compute(format!(
        "list_resize: the new size exceeds the maximum allowed vector size ({MAX_LEN})"
    ))
}

fn list_resize(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    if args[0].data_type() == DataType::Null {
        return Ok(ColumnarValue::Scalar(ScalarValue::null(&DataType::Null)));
    }
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let list_array = args[0].to_array(rows)?;
    let list = list_array.as_list::<i32>();
    let sizes = args[1].to_array(rows)?;
    let elem = list.value_type();
    let pad = match args.get(2) {
        Some(v) => v.to_array(rows)?,
        None => new_null_array(&elem, rows),
    };
    // Sources for interleave: 0 = the list's values, 1 = the padding values.
    let sources: [&dyn Array; 2] = [list.values().as_ref(), pad.as_ref()];
    let mut indices: Vec<(usize, usize)> = vec![];
    let mut lengths = Vec::with_capacity(rows);
    let mut total: u64 = 0;
    for r in 0..rows {
        if list.is_null(r) {
            lengths.push(0);
            continue;
        }
        let n = size_at(&sizes, r)?;
        total += n as u64;
        if total > MAX_LEN {
            return Err(too_long());
        }
        let start = list.value_offsets()[r] as usize;
        let have = list.value_length(r) as usize;
        indices.extend((0..n).map(|i| if i < have { (0, start + i) } else { (1, r) }));
        lengths.push(n);
    }
    let values = if indices.is_empty() {
        arrow::array::new_empty_array(&elem)
    } else {
        arrow::compute::interleave(&sources, &indices)?
    };
    let field = match list_array.data_type() {
        DataType::List(f) => f.clone(),
        other => return Err(crate::internal_err!("list_resize got {other}")),
    };
    let out: ArrayRef = Arc::new(ListArray::try_new(
        Arc::<Field>::clone(&field),
        OffsetBuffer::from_lengths(lengths),
        values,
        list.nulls().cloned(),
    )?);
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::Int32Type;

    #[test]
    fn cuts_and_pads() {
        let l = ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            vec![Some(vec![Some(1), Some(2), Some(3)]), None, Some(vec![])],
        )));
        let n = ColumnarValue::Scalar(ScalarValue::from(2i64));
        let v = ColumnarValue::Scalar(ScalarValue::from(7i32));
        let out = list_resize(&[l.clone(), n], 3)
            .unwrap()
            .into_array(3)
            .unwrap();
        let out = out.as_list::<i32>();
        assert_eq!(
            out.value(0).as_primitive::<Int32Type>().values().to_vec(),
            vec![1, 2]
        );
        assert!(out.is_null(1));
        assert_eq!(out.value(2).null_count(), 2);
        let five = ColumnarValue::Scalar(ScalarValue::from(5i64));
        let out = list_resize(&[l, five, v], 3)
            .unwrap()
            .into_array(3)
            .unwrap();
        let first: Vec<Option<i32>> = out
            .as_list::<i32>()
            .value(0)
            .as_primitive::<Int32Type>()
            .iter()
            .collect();
        assert_eq!(first, vec![Some(1), Some(2), Some(3), Some(7), Some(7)]);
    }
}
