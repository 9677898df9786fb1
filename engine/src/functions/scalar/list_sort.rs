//! `list_sort(l [, 'ASC'|'DESC' [, 'NULLS FIRST'|'NULLS LAST']])` (`array_sort`) and
//! `list_reverse_sort(l [, 'NULLS FIRST'|'NULLS LAST'])` (`array_reverse_sort`).
//!
//! Each list is sorted on its own, stably, by the elements' row-format encoding (so any
//! element type sorts the way ORDER BY sorts it). DuckDB's default is ascending with NULLs
//! last; the order arguments must be constants.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, ListArray, UInt32Array};
use arrow::buffer::OffsetBuffer;
use arrow::compute::SortOptions;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};

use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "list_sort",
        aliases: &["array_sort"],
        signature: sort_signature,
        invoke: list_sort,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "list_reverse_sort",
        aliases: &["array_reverse_sort"],
        signature: reverse_sort_signature,
        invoke: list_reverse_sort,
        volatile: false,
    });
}

fn check(
    args: &[DataType],
    lits: &[Option<ScalarValue>],
    max: usize,
    name: &str,
) -> Result<Signature> {
    let ok_list = matches!(args.first(), Some(DataType::List(_) | DataType::Null));
    if !ok_list || args.is_empty() || args.len() > max {
        return Err(signature_error(
            name,
            "a list and constant sort order strings",
            args,
        ));
    }
    for (i, l) in lits.iter().enumerate().skip(1) {
        if l.is_none() {
            return Err(Error::Schema(format!(
                "the sort order arguments of `{name}` must be constants (argument {} is not)",
                i + 1
            )));
        }
    }
    let mut cast = args.to_vec();
    for t in cast.iter_mut().skip(1) {
        *t = DataType::Utf8;
    }
    Ok(Signature {
        ret: args[0].clone(),
        args: cast,
    })
}

fn sort_signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    check(args, lits, 3, "list_sort")
}

fn reverse_sort_signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    check(args, lits, 2, "list_reverse_sort")
}

fn word(v: &ColumnarValue) -> Option<String> {
    v.as_scalar()
        .and_then(|s| s.as_str())
        .map(|s| s.trim().to_uppercase())
}

fn descending(v: &ColumnarValue) -> Result<bool> {
    match word(v).as_deref() {
        Some("ASC" | "ASCENDING") => Ok(false),
        Some("DESC" | "DESCENDING") => Ok(true),
        other => Err(Error::NotSupported(format!(
            "the sort order `{}`; use 'ASC' or 'DESC'",
            other.unwrap_or("NULL")
        ))),
    }
}

fn nulls_first(v: &ColumnarValue) -> Result<bool> {
    match word(v).as_deref() {
        Some("NULLS FIRST") => Ok(true),
        Some("NULLS LAST") => Ok(false),
        other => Err(Error::NotSupported(format!(
            "the NULL order `{}`; use 'NULLS FIRST' or 'NULLS LAST'",
            other.unwrap_or("NULL")
        ))),
    }
}

fn list_sort(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let desc = args.get(1).map(descending).transpose()?.unwrap_or(false);
    let nf = args.get(2).map(nulls_first).transpose()?.unwrap_or(false);
    sort(&args[0], num_rows, desc, nf)
}

fn list_reverse_sort(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let nf = args.get(1).map(nulls_first).transpose()?.unwrap_or(false);
    sort(&args[0], num_rows, true, nf)
}

fn sort(
    list: &ColumnarValue,
    num_rows: usize,
    descending: bool,
    nulls_first: bool,
) -> Result<ColumnarValue> {
    if list.data_type() == DataType::Null {
        return Ok(list.clone());
    }
    let scalar = list.as_scalar().is_some();
    let a = list.to_array(if scalar { 1 } else { num_rows })?;
    let l = a.as_list::<i32>();
    let options = SortOptions {
        descending,
        nulls_first,
    };
    let conv = RowConverter::new(vec![SortField::new_with_options(l.value_type(), options)])?;
    let keys = conv.convert_columns(std::slice::from_ref(l.values()))?;
    let o = l.value_offsets();
    let mut take: Vec<u32> = Vec::with_capacity(l.values().len());
    for r in 0..l.len() {
        let mut idx: Vec<u32> = (o[r] as u32..o[r + 1] as u32).collect();
        idx.sort_by(|x, y| keys.row(*x as usize).cmp(&keys.row(*y as usize)));
        take.extend(idx);
    }
    let values = arrow::compute::take(l.values().as_ref(), &UInt32Array::from(take), None)?;
    let field = match a.data_type() {
        DataType::List(f) => f.clone(),
        other => return Err(crate::internal_err!("list_sort got {other}")),
    };
    // Offsets are rebased: the taken values start at 0.
    let lengths = (0..l.len()).map(|r| (o[r + 1] - o[r]) as usize);
    let out: ArrayRef = Arc::new(ListArray::try_new(
        field,
        OffsetBuffer::from_lengths(lengths),
        values,
        l.nulls().cloned(),
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
    fn sorts_each_list_with_nulls_last_by_default() {
        let l = ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            vec![Some(vec![Some(3), None, Some(1)]), None],
        )));
        let out = list_sort(std::slice::from_ref(&l), 2)
            .unwrap()
            .into_array(2)
            .unwrap();
        let out = out.as_list::<i32>();
        let first: Vec<Option<i32>> = out.value(0).as_primitive::<Int32Type>().iter().collect();
        assert_eq!(first, vec![Some(1), Some(3), None]);
        assert!(out.is_null(1));
        let desc = list_reverse_sort(&[l], 2).unwrap().into_array(2).unwrap();
        let desc: Vec<Option<i32>> = desc
            .as_list::<i32>()
            .value(0)
            .as_primitive::<Int32Type>()
            .iter()
            .collect();
        assert_eq!(desc, vec![Some(3), Some(1), None]);
    }
}
