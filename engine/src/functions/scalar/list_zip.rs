//! `list_zip(l1, l2, ... [, truncate])` (`array_zip`): a list of unnamed structs pairing
//! the lists' elements position by position.
//!
//! DuckDB's rules: the result is as long as the longest list, shorter (or NULL) lists
//! giving NULL fields; with a final boolean `true` it is as long as the shortest list
//! instead (a NULL list counting as empty). The result itself is never NULL.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, ListArray, StructArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Fields};

use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "list_zip",
        aliases: &["array_zip"],
        signature: zip_signature,
        invoke: list_zip,
        volatile: false,
    });
}

fn element(t: &DataType) -> Option<DataType> {
    match t {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            Some(f.data_type().clone())
        }
        DataType::Null => Some(DataType::Null),
        _ => None,
    }
}

fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(t, true)))
}

fn zip_fields(elements: &[DataType]) -> Fields {
    elements
        .iter()
        .map(|t| Field::new("", t.clone(), true))
        .collect::<Vec<_>>()
        .into()
}

fn zip_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let bad = || signature_error("list_zip", "lists and an optional boolean", args);
    let has_flag = args.len() > 1 && args.last() == Some(&DataType::Boolean);
    let lists = if has_flag {
        &args[..args.len() - 1]
    } else {
        args
    };
    if lists.is_empty() {
        return Err(bad());
    }
    let elements = lists
        .iter()
        .map(element)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(bad)?;
    let mut cast: Vec<DataType> = elements
        .iter()
        .map(|e| match e {
            DataType::Null => DataType::Null,
            e => list_of(e.clone()),
        })
        .collect();
    if has_flag {
        cast.push(DataType::Boolean);
    }
    Ok(Signature {
        args: cast,
        ret: list_of(DataType::Struct(zip_fields(&elements))),
    })
}

fn list_zip(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let has_flag =
        args.len() > 1 && args.last().map(ColumnarValue::data_type) == Some(DataType::Boolean);
    let n = args.len() - usize::from(has_flag);
    let arrays: Vec<ArrayRef> = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    let truncate: Option<&BooleanArray> = has_flag.then(|| arrays[n].as_boolean());
    // Each list's (offsets, values) or None for a NULL-typed argument.
    let lists: Vec<Option<&ListArray>> = arrays[..n]
        .iter()
        .map(|a| (a.data_type() != &DataType::Null).then(|| a.as_list::<i32>()))
        .collect();
    let len_of = |l: &Option<&ListArray>, r: usize| match l {
        Some(l) if l.is_valid(r) => l.value_length(r) as usize,
        _ => 0,
    };
    let mut lengths = Vec::with_capacity(rows);
    // Per output field: the indices into its list's values (None = NULL field).
    let mut takes: Vec<Vec<Option<u32>>> = vec![vec![]; n];
    for r in 0..rows {
        let lens: Vec<usize> = lists.iter().map(|l| len_of(l, r)).collect();
        let cut = truncate.is_some_and(|t| t.is_valid(r) && t.value(r));
        let len = if cut {
            lens.iter().copied().min().unwrap_or(0)
        } else {
            lens.iter().copied().max().unwrap_or(0)
        };
        for (k, l) in lists.iter().enumerate() {
            let start = l.map_or(0, |l| l.value_offsets()[r] as u32);
            takes[k].extend((0..len).map(|i| (i < lens[k]).then(|| start + i as u32)));
        }
        lengths.push(len);
    }
    let total: usize = lengths.iter().sum();
    let mut columns = Vec::with_capacity(n);
    for (k, l) in lists.iter().enumerate() {
        columns.push(match l {
            Some(l) => arrow::compute::take(
                l.values().as_ref(),
                &arrow::array::UInt32Array::from(std::mem::take(&mut takes[k])),
                None,
            )?,
            None => arrow::array::new_null_array(&DataType::Null, total),
        });
    }
    let elements: Vec<DataType> = columns.iter().map(|c| c.data_type().clone()).collect();
    let fields = zip_fields(&elements);
    let structs = StructArray::try_new_with_length(fields.clone(), columns, None, total)?;
    let out: ArrayRef = Arc::new(ListArray::try_new(
        Arc::new(Field::new_list_field(DataType::Struct(fields), true)),
        OffsetBuffer::from_lengths(lengths),
        Arc::new(structs),
        None,
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
    fn pads_or_truncates() {
        let a = ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            vec![Some(vec![Some(1), Some(2), Some(3)])],
        )));
        let b = ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            vec![Some(vec![Some(9)])],
        )));
        let out = list_zip(&[a.clone(), b.clone()], 1)
            .unwrap()
            .into_array(1)
            .unwrap();
        let l = out.as_list::<i32>();
        assert_eq!(l.value_length(0), 3);
        let s = l.value(0);
        let second = s.as_struct().column(1).as_primitive::<Int32Type>().clone();
        assert_eq!(second.iter().collect::<Vec<_>>(), vec![Some(9), None, None]);
        let t = ColumnarValue::Scalar(ScalarValue::from(true));
        let out = list_zip(&[a, b, t], 1).unwrap().into_array(1).unwrap();
        assert_eq!(out.as_list::<i32>().value_length(0), 1);
    }
}
