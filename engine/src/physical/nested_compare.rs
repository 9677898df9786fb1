//! Comparisons between nested values (lists, fixed-size arrays, structs, maps).
//!
//! Arrow's vectorised `cmp` kernels reject nested types, so `=`, `<>`, `<`, `<=`, `>`,
//! `>=` and `IS [NOT] DISTINCT FROM` on them go through `arrow_ord`'s `make_comparator`,
//! which orders lists lexicographically (a shorter prefix first) and structs field by
//! field. DuckDB's rules: a NULL operand makes an ordinary comparison NULL, while NULLs
//! *inside* the values compare equal to each other and greater than any value
//! (`[1, NULL] = [1, NULL]` is true, `[1, 2] < [1, NULL]` is true).

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{make_comparator, Array, ArrayRef, BooleanArray};
use arrow::compute::SortOptions;
use arrow::datatypes::DataType;

use crate::error::Result;
use crate::expr::Operator;
use crate::functions::ColumnarValue;

/// Whether values of this type need the nested comparison path.
pub fn is_nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::ListView(_)
            | DataType::LargeListView(_)
            | DataType::Struct(_)
            | DataType::Map(_, _)
    )
}

/// Compares two nested operands row by row. A scalar operand stands for every row and is
/// not expanded. Returns one value per row (`rows`), or one value when both are scalars.
pub fn compare_nested(
    l: &ColumnarValue,
    op: Operator,
    r: &ColumnarValue,
    rows: usize,
) -> Result<ArrayRef> {
    let (ls, rs) = (l.as_scalar().is_some(), r.as_scalar().is_some());
    let n = if ls && rs { 1 } else { rows };
    let la = l.to_array(if ls { 1 } else { n })?;
    let ra = r.to_array(if rs { 1 } else { n })?;
    let idx = |scalar: bool, i: usize| if scalar { 0 } else { i };
    // Both operands have one type after coercion; a NULL-typed side is all NULL.
    if la.data_type() == &DataType::Null || ra.data_type() == &DataType::Null {
        return Ok(Arc::new(
            (0..n)
                .map(|i| null_result(op, la.is_null(idx(ls, i)), ra.is_null(idx(rs, i))))
                .collect::<BooleanArray>(),
        ));
    }
    let opts = SortOptions {
        descending: false,
        nulls_first: false,
    };
    let cmp = make_comparator(la.as_ref(), ra.as_ref(), opts)?;
    let out: BooleanArray = (0..n)
        .map(|i| {
            let (li, ri) = (idx(ls, i), idx(rs, i));
            let (ln, rn) = (la.is_null(li), ra.is_null(ri));
            if ln || rn {
                return null_result(op, ln, rn);
            }
            Some(apply(op, cmp(li, ri)))
        })
        .collect();
    Ok(Arc::new(out))
}

/// The result when at least one operand is NULL: unknown, except for the DISTINCT forms.
fn null_result(op: Operator, l_null: bool, r_null: bool) -> Option<bool> {
    match op {
        Operator::IsDistinctFrom => Some(l_null != r_null),
        Operator::IsNotDistinctFrom => Some(l_null == r_null),
        _ => None,
    }
}

fn apply(op: Operator, o: Ordering) -> bool {
    match op {
        Operator::Eq | Operator::IsNotDistinctFrom => o == Ordering::Equal,
        Operator::NotEq | Operator::IsDistinctFrom => o != Ordering::Equal,
        Operator::Lt => o == Ordering::Less,
        Operator::LtEq => o != Ordering::Greater,
        Operator::Gt => o == Ordering::Greater,
        Operator::GtEq => o != Ordering::Less,
        // Only comparisons reach here (the caller checks `is_comparison`).
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ScalarValue;
    use arrow::array::{AsArray, ListArray, StructArray};
    use arrow::datatypes::{Field, Int32Type};

    fn lists(v: Vec<Option<Vec<Option<i32>>>>) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            v,
        )))
    }

    fn run(l: &ColumnarValue, op: Operator, r: &ColumnarValue, n: usize) -> Vec<Option<bool>> {
        compare_nested(l, op, r, n)
            .unwrap()
            .as_boolean()
            .iter()
            .collect()
    }

    #[test]
    fn lists_compare_lexicographically_with_nulls_last() {
        let l = lists(vec![
            Some(vec![Some(1), None]),
            Some(vec![Some(1)]),
            Some(vec![Some(1), Some(2)]),
            None,
        ]);
        let r = lists(vec![
            Some(vec![Some(1), None]),
            Some(vec![Some(1), Some(2)]),
            Some(vec![Some(1), None]),
            Some(vec![]),
        ]);
        assert_eq!(
            run(&l, Operator::Eq, &r, 4),
            vec![Some(true), Some(false), Some(false), None]
        );
        assert_eq!(
            run(&l, Operator::Lt, &r, 4),
            vec![Some(false), Some(true), Some(true), None]
        );
        assert_eq!(
            run(&l, Operator::IsDistinctFrom, &r, 4),
            vec![Some(false), Some(true), Some(true), Some(true)]
        );
    }

    #[test]
    fn scalar_side_is_not_expanded() {
        let l = lists(vec![Some(vec![Some(1)]), Some(vec![Some(3)])]);
        let two = lists(vec![Some(vec![Some(2)])]).into_array(1).unwrap();
        let r = ColumnarValue::Scalar(ScalarValue::try_from_array(two).unwrap());
        assert_eq!(
            run(&l, Operator::GtEq, &r, 2),
            vec![Some(false), Some(true)]
        );
    }

    #[test]
    fn structs_compare_field_by_field() {
        let s = |a: Vec<Option<i32>>, b: Vec<Option<i32>>| {
            ColumnarValue::Array(Arc::new(StructArray::from(vec![
                (
                    Arc::new(Field::new("a", DataType::Int32, true)),
                    Arc::new(arrow::array::Int32Array::from(a)) as ArrayRef,
                ),
                (
                    Arc::new(Field::new("b", DataType::Int32, true)),
                    Arc::new(arrow::array::Int32Array::from(b)) as ArrayRef,
                ),
            ])))
        };
        let l = s(vec![Some(1), Some(1)], vec![None, Some(2)]);
        let r = s(vec![Some(1), Some(1)], vec![Some(2), None]);
        // NULL fields are greater than values.
        assert_eq!(run(&l, Operator::Gt, &r, 2), vec![Some(true), Some(false)]);
    }
}
