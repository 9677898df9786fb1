//! `__row_in(row, rows)`: whether the row value `row` (a struct) is among `rows` (a list
//! of structs of the same width) with SQL's three-valued logic, for `(a, b) IN (SELECT x,
//! y ...)` and `<> ALL`, which the planner turns into this call over the subquery's rows
//! gathered into one list.
//!
//! Two rows are equal when every field is; a field pair with a NULL is unknown. So the
//! answer is true when some row matches exactly, else NULL when some row differs in no
//! field decisively (only through NULLs), else false (also for no rows at all).

use std::sync::Arc;

use arrow::array::{make_comparator, Array, ArrayRef, AsArray, BooleanBuilder};
use arrow::compute::SortOptions;
use arrow::datatypes::{DataType, Field, Fields};

use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::{comparison_type, ScalarValue};

use super::ScalarFunctionDef;

/// The planner's name for it (not meant to be called from SQL).
pub const ROW_IN: &str = "__row_in";

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: ROW_IN,
        aliases: &[],
        signature: row_in_signature,
        invoke: row_in,
        volatile: false,
    });
}

fn struct_fields(t: &DataType) -> Option<&Fields> {
    match t {
        DataType::Struct(f) => Some(f),
        _ => None,
    }
}

/// Both sides cast field by field to common comparison types (names kept).
fn row_in_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let mismatch = || {
        Error::Schema(format!(
            "a row IN subquery compares a row with the subquery's rows, found {:?}",
            args
        ))
    };
    let [probe, rows] = args else {
        return Err(mismatch());
    };
    let probe_fields = struct_fields(probe).ok_or_else(mismatch)?;
    let element = match rows {
        DataType::List(e) | DataType::LargeList(e) => e.data_type().clone(),
        DataType::Null => DataType::Struct(probe_fields.clone()),
        _ => return Err(mismatch()),
    };
    let row_fields = struct_fields(&element).ok_or_else(mismatch)?;
    if row_fields.len() != probe_fields.len() {
        return Err(Error::Plan(format!(
            "the row has {} values, but the subquery returns {} columns",
            probe_fields.len(),
            row_fields.len()
        )));
    }
    let mut left = vec![];
    let mut right = vec![];
    for (l, r) in probe_fields.iter().zip(row_fields) {
        let t = comparison_type(l.data_type(), r.data_type()).ok_or_else(|| {
            Error::Schema(format!(
                "cannot compare {} with {} in a row IN subquery",
                l.data_type(),
                r.data_type()
            ))
        })?;
        left.push(Field::new(l.name(), t.clone(), true));
        right.push(Field::new(r.name(), t, true));
    }
    let list = DataType::List(Arc::new(Field::new(
        "item",
        DataType::Struct(right.into()),
        true,
    )));
    Ok(Signature {
        args: vec![DataType::Struct(left.into()), list],
        ret: DataType::Boolean,
    })
}

fn row_in(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let probe = args[0].to_array(rows)?;
    let lists = args[1].to_array(rows)?;
    let probe = probe.as_struct();
    let lists = lists.as_list::<i32>();
    let elements = lists.values().as_struct();
    // Field pairs compared by position; the struct's own NULL counts as NULL fields.
    let comparators = probe
        .columns()
        .iter()
        .zip(elements.columns())
        .map(|(l, r)| make_comparator(l.as_ref(), r.as_ref(), SortOptions::default()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let is_null = |a: &ArrayRef, outer: Option<&arrow::buffer::NullBuffer>, i: usize| {
        a.is_null(i) || outer.is_some_and(|n| n.is_null(i))
    };
    let mut out = BooleanBuilder::with_capacity(rows);
    for i in 0..rows {
        if lists.is_null(i) {
            out.append_value(false);
            continue;
        }
        let (start, end) = (
            lists.value_offsets()[i] as usize,
            lists.value_offsets()[i + 1] as usize,
        );
        let mut unknown = false;
        let mut found = false;
        for j in start..end {
            let mut row_unknown = false;
            let mut differs = false;
            for (f, cmp) in comparators.iter().enumerate() {
                if is_null(probe.column(f), probe.nulls(), i)
                    || is_null(elements.column(f), elements.nulls(), j)
                {
                    row_unknown = true;
                } else if cmp(i, j).is_ne() {
                    differs = true;
                    break;
                }
            }
            if !differs && !row_unknown {
                found = true;
                break;
            }
            unknown |= !differs;
        }
        if found {
            out.append_value(true);
        } else if unknown {
            out.append_null();
        } else {
            out.append_value(false);
        }
    }
    let out: ArrayRef = Arc::new(out.finish());
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}
