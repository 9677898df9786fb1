//! List functions: membership, position, concatenation, reversal, flattening and
//! de-duplication.
//!
//! Elements are compared through Arrow's row format, so every element type (numbers,
//! strings, nested values) works the same way and NULLs compare as values.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, ListArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};

use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{comparison_type, union_type, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    let defs: [(
        &'static str,
        &'static [&'static str],
        super::super::SignatureFn,
        fn(&[ColumnarValue], usize) -> Result<ColumnarValue>,
    ); 7] = [
        (
            "list_reverse",
            &["array_reverse"],
            unary_list_signature,
            list_reverse,
        ),
        ("flatten", &[], flatten_signature, flatten),
        (
            "list_contains",
            &["list_has", "array_contains", "array_has"],
            needle_signature_bool,
            list_contains,
        ),
        (
            "list_position",
            &["list_indexof", "array_position", "array_indexof"],
            needle_signature_int,
            list_position,
        ),
        (
            "list_concat",
            &["list_cat", "array_concat", "array_cat"],
            concat_signature,
            list_concat,
        ),
        (
            "list_distinct",
            &["array_distinct"],
            unary_list_signature,
            list_distinct,
        ),
        (
            "list_unique",
            &["array_unique"],
            unique_signature,
            list_unique,
        ),
    ];
    for (name, aliases, signature, invoke) in defs {
        r.add_scalar(ScalarFunctionDef {
            name,
            aliases,
            signature,
            invoke,
            volatile: false,
        });
    }
}

fn needle_signature(args: &[DataType], ret: DataType, name: &str) -> Result<Signature> {
    match args {
        [DataType::List(f), needle] => {
            let t = comparison_type(f.data_type(), needle).ok_or_else(|| {
                signature_error(name, "a list and a value of its element type", args)
            })?;
            let list = DataType::List(Arc::new(arrow::datatypes::Field::new_list_field(
                t.clone(),
                true,
            )));
            Ok(Signature {
                args: vec![list, t],
                ret,
            })
        }
        _ => Err(signature_error(name, "a list and a value", args)),
    }
}

fn needle_signature_bool(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    needle_signature(args, DataType::Boolean, "list_contains")
}

fn needle_signature_int(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    needle_signature(args, DataType::Int64, "list_position")
}

fn unary_list_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args {
        [l @ DataType::List(_)] => Ok(Signature::keep(args, l.clone())),
        _ => Err(signature_error("list_distinct", "a list", args)),
    }
}

fn unique_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args {
        [DataType::List(_)] => Ok(Signature::keep(args, DataType::Int64)),
        _ => Err(signature_error("list_unique", "a list", args)),
    }
}

fn concat_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let mut t = DataType::Null;
    for a in args {
        match a {
            DataType::List(f) => {
                t = union_type(&t, f.data_type()).ok_or_else(|| {
                    signature_error("list_concat", "lists of one element type", args)
                })?
            }
            DataType::Null => {}
            _ => return Err(signature_error("list_concat", "lists", args)),
        }
    }
    let t = if t == DataType::Null {
        DataType::Int32
    } else {
        t
    };
    let list = DataType::List(Arc::new(arrow::datatypes::Field::new_list_field(t, true)));
    Ok(Signature {
        args: vec![list.clone(); args.len()],
        ret: list,
    })
}

struct Prepared {
    rows: usize,
    scalar: bool,
    arrays: Vec<ArrayRef>,
}

fn prepare(args: &[ColumnarValue], num_rows: usize) -> Result<Prepared> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let arrays = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    Ok(Prepared {
        rows,
        scalar,
        arrays,
    })
}

fn finish(p: &Prepared, out: ArrayRef) -> Result<ColumnarValue> {
    Ok(if p.scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

/// For each row: the 1-based position of the needle in the list, 0 if absent, NULL for a
/// NULL list. A NULL needle gives NULL, or with `null_matches` the first NULL element's
/// position (DuckDB: `list_contains([NULL], NULL)` is NULL, `list_position` finds it).
fn positions(p: &Prepared, null_matches: bool) -> Result<Vec<Option<i64>>> {
    let list = p.arrays[0].as_list::<i32>();
    let needle = &p.arrays[1];
    let conv = RowConverter::new(vec![SortField::new(needle.data_type().clone())])?;
    let values = conv.convert_columns(std::slice::from_ref(list.values()))?;
    let needles = conv.convert_columns(std::slice::from_ref(needle))?;
    let offsets = list.value_offsets();
    let (list_nulls, needle_nulls) = (list.logical_nulls(), needle.logical_nulls());
    let element_nulls = list.values().logical_nulls();
    let null_at =
        |n: &Option<arrow::buffer::NullBuffer>, i: usize| n.as_ref().is_some_and(|n| n.is_null(i));
    Ok((0..p.rows)
        .map(|r| {
            if null_at(&list_nulls, r) {
                return None;
            }
            if null_at(&needle_nulls, r) {
                if !null_matches {
                    return None;
                }
                let (s, e) = (offsets[r] as usize, offsets[r + 1] as usize);
                return Some(
                    (s..e)
                        .position(|i| null_at(&element_nulls, i))
                        .map_or(0, |k| k as i64 + 1),
                );
            }
            let (s, e) = (offsets[r] as usize, offsets[r + 1] as usize);
            Some(
                (s..e)
                    .position(|i| values.row(i) == needles.row(r))
                    .map_or(0, |k| k as i64 + 1),
            )
        })
        .collect())
}

fn list_contains(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let p = prepare(args, num_rows)?;
    let out: BooleanArray = positions(&p, false)?
        .into_iter()
        .map(|x| x.map(|k| k > 0))
        .collect();
    finish(&p, Arc::new(out))
}

fn list_position(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let p = prepare(args, num_rows)?;
    // DuckDB: NULL when the element is not found.
    let out: Int64Array = positions(&p, true)?
        .into_iter()
        .map(|x| x.filter(|k| *k > 0))
        .collect();
    finish(&p, Arc::new(out))
}

fn list_concat(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let p = prepare(args, num_rows)?;
    let lists: Vec<&ListArray> = p.arrays.iter().map(|a| a.as_list::<i32>()).collect();
    let field = match p.arrays[0].data_type() {
        DataType::List(f) => f.clone(),
        other => return Err(crate::internal_err!("list_concat got {other}")),
    };
    let values: Vec<&dyn Array> = lists.iter().map(|l| l.values().as_ref()).collect();
    let mut indices: Vec<(usize, usize)> = vec![];
    let mut lengths = Vec::with_capacity(p.rows);
    let mut valid = Vec::with_capacity(p.rows);
    for r in 0..p.rows {
        let mut n = 0;
        let mut any = false;
        for (k, l) in lists.iter().enumerate() {
            if l.is_null(r) {
                continue;
            }
            any = true;
            let o = l.value_offsets();
            for i in o[r] as usize..o[r + 1] as usize {
                indices.push((k, i));
                n += 1;
            }
        }
        lengths.push(n);
        valid.push(any);
    }
    let v = if indices.is_empty() {
        arrow::array::new_empty_array(field.data_type())
    } else {
        arrow::compute::interleave(&values, &indices)?
    };
    let out = ListArray::try_new(
        field,
        OffsetBuffer::from_lengths(lengths),
        v,
        Some(valid.into()),
    )?;
    finish(&p, Arc::new(out))
}

/// Per row, the indices of the list's distinct non-NULL elements (first occurrences).
fn distinct_indices(list: &ListArray, rows: usize) -> Result<Vec<Option<Vec<usize>>>> {
    let conv = RowConverter::new(vec![SortField::new(list.value_type())])?;
    let values = conv.convert_columns(std::slice::from_ref(list.values()))?;
    let o = list.value_offsets();
    // Logical NULLs: a NULL-typed element array has no null buffer.
    let nulls = list.values().logical_nulls();
    Ok((0..rows)
        .map(|r| {
            if list.is_null(r) {
                return None;
            }
            let mut seen: Vec<usize> = vec![];
            for i in o[r] as usize..o[r + 1] as usize {
                if nulls.as_ref().is_none_or(|n| n.is_valid(i))
                    && !seen.iter().any(|j| values.row(*j) == values.row(i))
                {
                    seen.push(i);
                }
            }
            Some(seen)
        })
        .collect())
}

fn list_distinct(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let p = prepare(args, num_rows)?;
    let list = p.arrays[0].as_list::<i32>();
    let field = match p.arrays[0].data_type() {
        DataType::List(f) => f.clone(),
        other => return Err(crate::internal_err!("list_distinct got {other}")),
    };
    let picked = distinct_indices(list, p.rows)?;
    let lengths: Vec<usize> = picked
        .iter()
        .map(|x| x.as_ref().map_or(0, Vec::len))
        .collect();
    let valid: Vec<bool> = picked.iter().map(Option::is_some).collect();
    let take: Vec<u32> = picked
        .into_iter()
        .flatten()
        .flatten()
        .map(|i| i as u32)
        .collect();
    let v = arrow::compute::take(
        list.values().as_ref(),
        &arrow::array::UInt32Array::from(take),
        None,
    )?;
    let out = ListArray::try_new(
        field,
        OffsetBuffer::from_lengths(lengths),
        v,
        Some(valid.into()),
    )?;
    finish(&p, Arc::new(out))
}

fn list_unique(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let p = prepare(args, num_rows)?;
    let list = p.arrays[0].as_list::<i32>();
    let out: Int64Array = distinct_indices(list, p.rows)?
        .into_iter()
        .map(|x| x.map(|v| v.len() as i64))
        .collect();
    finish(&p, Arc::new(out))
}

fn flatten_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args {
        [DataType::List(inner)] if matches!(inner.data_type(), DataType::List(_)) => {
            Ok(Signature::keep(args, inner.data_type().clone()))
        }
        _ => Err(signature_error("flatten", "a list of lists", args)),
    }
}

/// Rebuilds a list array from per-row element index lists (`None` = NULL row).
fn from_indices(list: &ListArray, picked: Vec<Option<Vec<usize>>>) -> Result<ArrayRef> {
    let field = match list.data_type() {
        DataType::List(f) => f.clone(),
        other => return Err(crate::internal_err!("expected a list, got {other}")),
    };
    let lengths: Vec<usize> = picked
        .iter()
        .map(|x| x.as_ref().map_or(0, Vec::len))
        .collect();
    let valid: Vec<bool> = picked.iter().map(Option::is_some).collect();
    let take: Vec<u32> = picked
        .into_iter()
        .flatten()
        .flatten()
        .map(|i| i as u32)
        .collect();
    let v = arrow::compute::take(
        list.values().as_ref(),
        &arrow::array::UInt32Array::from(take),
        None,
    )?;
    Ok(Arc::new(ListArray::try_new(
        field,
        OffsetBuffer::from_lengths(lengths),
        v,
        Some(valid.into()),
    )?))
}

fn list_reverse(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let p = prepare(args, num_rows)?;
    let list = p.arrays[0].as_list::<i32>();
    let o = list.value_offsets();
    let picked = (0..p.rows)
        .map(|r| (!list.is_null(r)).then(|| (o[r] as usize..o[r + 1] as usize).rev().collect()))
        .collect();
    finish(&p, from_indices(list, picked)?)
}

fn flatten(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let p = prepare(args, num_rows)?;
    let outer = p.arrays[0].as_list::<i32>();
    let inner = outer.values().as_list::<i32>();
    let (oo, io) = (outer.value_offsets(), inner.value_offsets());
    let picked = (0..p.rows)
        .map(|r| {
            (!outer.is_null(r)).then(|| {
                (oo[r] as usize..oo[r + 1] as usize)
                    .filter(|j| inner.is_valid(*j))
                    .flat_map(|j| io[j] as usize..io[j + 1] as usize)
                    .collect()
            })
        })
        .collect();
    finish(&p, from_indices(inner, picked)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: Vec<Option<Vec<Option<i32>>>>) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<
            arrow::datatypes::Int32Type,
            _,
            _,
        >(v)))
    }

    #[test]
    fn membership_position_and_distinct() {
        let l = list(vec![Some(vec![Some(1), Some(2), Some(2), None]), None]);
        let x = ColumnarValue::Scalar(ScalarValue::from(2i32));
        let c = list_contains(&[l.clone(), x.clone()], 2)
            .unwrap()
            .into_array(2)
            .unwrap();
        assert_eq!(
            c.as_boolean().iter().collect::<Vec<_>>(),
            vec![Some(true), None]
        );
        let p = list_position(&[l.clone(), x], 2)
            .unwrap()
            .into_array(2)
            .unwrap();
        assert_eq!(
            p.as_primitive::<arrow::datatypes::Int64Type>()
                .iter()
                .collect::<Vec<_>>(),
            vec![Some(2), None]
        );
        let u = list_unique(std::slice::from_ref(&l), 2)
            .unwrap()
            .into_array(2)
            .unwrap();
        assert_eq!(
            u.as_primitive::<arrow::datatypes::Int64Type>()
                .iter()
                .collect::<Vec<_>>(),
            vec![Some(2), None]
        );
        let cat = list_concat(&[l.clone(), l], 2)
            .unwrap()
            .into_array(2)
            .unwrap();
        assert_eq!(cat.as_list::<i32>().value(0).len(), 8);
        assert!(cat.is_null(1));
    }
}
