//! Set operations between two lists: `list_intersect` (`array_intersect`), `list_has_any`
//! (`array_has_any`, the `&&` operator) and `list_has_all` (`array_has_all`, `@>`, `<@`).
//!
//! Both lists are cast to their common element type; elements are compared through
//! Arrow's row format, so any element type (nested ones included) works. NULL elements
//! never match (DuckDB: `list_has_any([NULL], [NULL])` is false), and a NULL list makes
//! the result NULL.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, ListArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::datatypes::{DataType, Field};
use arrow::row::{RowConverter, Rows, SortField};

use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{union_type, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    let defs: [(
        &'static str,
        &'static [&'static str],
        super::super::SignatureFn,
        fn(&[ColumnarValue], usize) -> Result<ColumnarValue>,
    ); 3] = [
        (
            "list_intersect",
            &["array_intersect"],
            intersect_signature,
            list_intersect,
        ),
        (
            "list_has_any",
            &["array_has_any"],
            has_signature,
            list_has_any,
        ),
        (
            "list_has_all",
            &["array_has_all"],
            has_signature,
            list_has_all,
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

/// The list type both arguments are cast to.
fn common_list(args: &[DataType], name: &str) -> Result<DataType> {
    let bad = || signature_error(name, "two lists of comparable element types", args);
    let [a, b] = args else { return Err(bad()) };
    let elem = |t: &DataType| match t {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            Some(f.data_type().clone())
        }
        DataType::Null => Some(DataType::Null),
        _ => None,
    };
    let (ea, eb) = (elem(a).ok_or_else(bad)?, elem(b).ok_or_else(bad)?);
    let t = union_type(&ea, &eb).ok_or_else(bad)?;
    // Strings mixing with numbers do not intersect (DuckDB refuses to bind them).
    if crate::types::is_string(&t) && ea != eb && ea != DataType::Null && eb != DataType::Null {
        return Err(bad());
    }
    let t = if t == DataType::Null {
        DataType::Int32
    } else {
        t
    };
    Ok(DataType::List(Arc::new(Field::new_list_field(t, true))))
}

fn intersect_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let l = common_list(args, "list_intersect")?;
    Ok(Signature {
        args: vec![l.clone(), l.clone()],
        ret: l,
    })
}

fn has_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let l = common_list(args, "list_has_any")?;
    Ok(Signature {
        args: vec![l.clone(), l],
        ret: DataType::Boolean,
    })
}

/// Both lists' elements in one row format, with the per-row element ranges.
struct Pair<'a> {
    rows: usize,
    scalar: bool,
    left: &'a ListArray,
    right: &'a ListArray,
    left_rows: Rows,
    right_rows: Rows,
    // Logical NULLs of the elements (a NULL-typed element array has no null buffer).
    left_nulls: Option<NullBuffer>,
    right_nulls: Option<NullBuffer>,
}

impl<'a> Pair<'a> {
    fn new(arrays: &'a [ArrayRef], rows: usize, scalar: bool) -> Result<Self> {
        let (left, right) = (arrays[0].as_list::<i32>(), arrays[1].as_list::<i32>());
        let conv = RowConverter::new(vec![SortField::new(left.value_type())])?;
        let left_rows = conv.convert_columns(std::slice::from_ref(left.values()))?;
        let right_rows = conv.convert_columns(std::slice::from_ref(right.values()))?;
        Ok(Self {
            rows,
            scalar,
            left,
            right,
            left_rows,
            right_rows,
            left_nulls: left.values().logical_nulls(),
            right_nulls: right.values().logical_nulls(),
        })
    }

    fn range(list: &ListArray, r: usize) -> std::ops::Range<usize> {
        let o = list.value_offsets();
        o[r] as usize..o[r + 1] as usize
    }

    /// The non-NULL elements of the left list in row `r`, as row-format bytes.
    fn left_set(&self, r: usize) -> HashSet<&[u8]> {
        Self::range(self.left, r)
            .filter(|&i| is_element(&self.left_nulls, i))
            .map(|i| self.left_rows.row(i).data())
            .collect()
    }

    fn finish(&self, out: ArrayRef) -> Result<ColumnarValue> {
        Ok(if self.scalar {
            ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
        } else {
            ColumnarValue::Array(out)
        })
    }
}

fn is_element(nulls: &Option<NullBuffer>, i: usize) -> bool {
    nulls.as_ref().is_none_or(|n| n.is_valid(i))
}

fn prepare(args: &[ColumnarValue], num_rows: usize) -> Result<(Vec<ArrayRef>, usize, bool)> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let arrays = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    Ok((arrays, rows, scalar))
}

/// The distinct non-NULL elements of the right list that the left list holds, in the
/// right list's order.
fn list_intersect(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (arrays, rows, scalar) = prepare(args, num_rows)?;
    let p = Pair::new(&arrays, rows, scalar)?;
    let mut take: Vec<u32> = vec![];
    let mut lengths = Vec::with_capacity(rows);
    let mut valid = Vec::with_capacity(rows);
    for r in 0..p.rows {
        if p.left.is_null(r) || p.right.is_null(r) {
            lengths.push(0);
            valid.push(false);
            continue;
        }
        let left = p.left_set(r);
        let mut seen: HashSet<&[u8]> = HashSet::new();
        let before = take.len();
        for i in Pair::range(p.right, r) {
            let key = p.right_rows.row(i).data();
            if is_element(&p.right_nulls, i) && left.contains(key) && seen.insert(key) {
                take.push(i as u32);
            }
        }
        lengths.push(take.len() - before);
        valid.push(true);
    }
    let values = arrow::compute::take(p.right.values().as_ref(), &UInt32Array::from(take), None)?;
    let field = match arrays[1].data_type() {
        DataType::List(f) => f.clone(),
        other => return Err(crate::internal_err!("list_intersect got {other}")),
    };
    let out = ListArray::try_new(
        field,
        OffsetBuffer::from_lengths(lengths),
        values,
        Some(valid.into()),
    )?;
    p.finish(Arc::new(out))
}

/// Whether any (`all == false`) or every (`all == true`) non-NULL element of the right
/// list is in the left list.
fn has(args: &[ColumnarValue], num_rows: usize, all: bool) -> Result<ColumnarValue> {
    let (arrays, rows, scalar) = prepare(args, num_rows)?;
    let p = Pair::new(&arrays, rows, scalar)?;
    let out: BooleanArray = (0..p.rows)
        .map(|r| {
            if p.left.is_null(r) || p.right.is_null(r) {
                return None;
            }
            let left = p.left_set(r);
            let mut wanted = Pair::range(p.right, r)
                .filter(|&i| is_element(&p.right_nulls, i))
                .map(|i| left.contains(p.right_rows.row(i).data()));
            Some(if all {
                wanted.all(|x| x)
            } else {
                wanted.any(|x| x)
            })
        })
        .collect();
    p.finish(Arc::new(out))
}

fn list_has_any(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    has(args, num_rows, false)
}

fn list_has_all(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    has(args, num_rows, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::Int32Type;

    fn list(v: Vec<Option<Vec<Option<i32>>>>) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            v,
        )))
    }

    #[test]
    fn intersect_and_membership() {
        let a = list(vec![
            Some(vec![Some(1), Some(2), Some(2), None]),
            Some(vec![Some(1)]),
            None,
        ]);
        let b = list(vec![
            Some(vec![Some(2), None, Some(2)]),
            Some(vec![None]),
            Some(vec![]),
        ]);
        let i = list_intersect(&[a.clone(), b.clone()], 3)
            .unwrap()
            .into_array(3)
            .unwrap();
        let i = i.as_list::<i32>();
        assert_eq!(
            i.value(0).as_primitive::<Int32Type>().values().to_vec(),
            vec![2]
        );
        assert_eq!(i.value(1).len(), 0);
        assert!(i.is_null(2));
        let any = list_has_any(&[a.clone(), b.clone()], 3)
            .unwrap()
            .into_array(3)
            .unwrap();
        assert_eq!(
            any.as_boolean().iter().collect::<Vec<_>>(),
            vec![Some(true), Some(false), None]
        );
        let all = list_has_all(&[a, b], 3).unwrap().into_array(3).unwrap();
        assert_eq!(
            all.as_boolean().iter().collect::<Vec<_>>(),
            vec![Some(true), Some(true), None]
        );
    }
}
