//! The `n`-argument forms of `min(x, n)`, `max(x, n)`, `arg_min(arg, val, n)` and
//! `arg_max(arg, val, n)`: a list of the `n` smallest / largest values (or of `arg` at
//! those `val`s), best first.
//!
//! As in DuckDB: rows with a NULL value (for `arg_*`, a NULL `arg` or `val`) are skipped, a
//! group without rows gives NULL, and `n` must be a constant in [1, 1000000). Among equal
//! values the earlier rows (in input or ORDER BY order) are kept, and they are listed
//! latest first, which is the order DuckDB's heap produces. Rows are collected per group
//! and ranked at finish through Arrow's row format, so any orderable type works.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, ListArray, StructArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::datatypes::{DataType, Field, Fields};
use arrow::row::{RowConverter, SortField};

use super::collect::Collected;
use super::util::{check_inputs, downcast_other, order_keys};
use super::{AggregateArgs, GroupsAccumulator};
use crate::error::{Error, Result};
use crate::functions::Signature;
use crate::types::ScalarValue;

/// Which family an `n`-form belongs to (for DuckDB's error texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    /// `min(x, n)` / `max(x, n)`.
    MinMax,
    /// `arg_min(arg, val, n)` / `arg_max(arg, val, n)`.
    Arg,
}

impl Family {
    fn label(self) -> &'static str {
        match self {
            Family::MinMax => "MIN/MAX",
            Family::Arg => "arg_min/arg_max",
        }
    }

    /// The number of value arguments before `n`.
    fn values(self) -> usize {
        match self {
            Family::MinMax => 1,
            Family::Arg => 2,
        }
    }
}

/// The constant `n` (the last argument), checked as DuckDB checks it.
pub(super) fn n_arg(family: Family, lits: &[Option<ScalarValue>]) -> Result<usize> {
    let invalid = |m: &str| Error::Compute(format!("Invalid input for {}: {m}", family.label()));
    let lit = lits
        .get(family.values())
        .and_then(|l| l.as_ref())
        .ok_or_else(|| {
            Error::Schema(format!(
                "the n argument of {} must be a constant",
                family.label()
            ))
        })?;
    if lit.is_null() {
        return Err(invalid("n value cannot be NULL"));
    }
    let n = lit
        .as_i64()
        .ok_or_else(|| invalid("n value must be an integer"))?;
    if n <= 0 {
        return Err(invalid("n value must be > 0"));
    }
    if n >= 1_000_000 {
        return Err(invalid("n value must be < 1000000"));
    }
    Ok(n as usize)
}

/// The signature of an `n`-form: the value arguments keep their types (already checked by
/// the caller), `n` is an integer, and the result is a list of the first argument's type.
pub(super) fn n_signature(
    family: Family,
    types: &[DataType],
    lits: &[Option<ScalarValue>],
) -> Result<Signature> {
    n_arg(family, lits)?;
    let mut args = types[..family.values()].to_vec();
    args.push(DataType::Int64);
    Ok(Signature {
        ret: DataType::List(Arc::new(Field::new_list_field(types[0].clone(), true))),
        args,
    })
}

/// Creates the accumulator of an `n`-form.
pub(super) fn create(
    family: Family,
    largest: bool,
    args: &AggregateArgs,
) -> Result<Box<dyn GroupsAccumulator>> {
    let n = n_arg(family, &args.literal_args)?;
    let value_types = &args.arg_types[..family.values().min(args.arg_types.len())];
    let arg_type = value_types
        .first()
        .cloned()
        .ok_or_else(|| crate::internal_err!("an n-form aggregate was created without arguments"))?;
    let val_type = value_types
        .last()
        .cloned()
        .unwrap_or_else(|| arg_type.clone());
    let fields = Fields::from(vec![
        Field::new("arg", arg_type, true),
        Field::new("val", val_type.clone(), true),
    ]);
    Ok(Box::new(TopN {
        family,
        largest,
        n,
        ordered: args.ordered,
        ret: args.return_type.clone(),
        collected: Collected::new(DataType::Struct(fields.clone()), args.ordered),
        fields,
        converter: RowConverter::new(vec![SortField::new(val_type)])?,
    }))
}

struct TopN {
    family: Family,
    largest: bool,
    n: usize,
    ordered: bool,
    ret: DataType,
    fields: Fields,
    /// (arg, val) pairs, NULL where the row is skipped.
    collected: Collected,
    converter: RowConverter,
}

impl TopN {
    fn name(&self) -> &'static str {
        match (self.family, self.largest) {
            (Family::MinMax, false) => "min",
            (Family::MinMax, true) => "max",
            (Family::Arg, false) => "arg_min",
            (Family::Arg, true) => "arg_max",
        }
    }
}

impl GroupsAccumulator for TopN {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        let k = self.family.values();
        check_inputs(self.name(), values, groups, k)?;
        let keys = order_keys(self.name(), values, self.ordered)?;
        let arg = values[0].clone();
        let val = values[k - 1].clone();
        let nulls = NullBuffer::union(arg.logical_nulls().as_ref(), val.logical_nulls().as_ref());
        let pairs: ArrayRef = Arc::new(StructArray::try_new(
            self.fields.clone(),
            vec![arg, val],
            nulls,
        )?);
        self.collected.push(&pairs, groups, keys, true)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.name())?;
        self.collected.merge(other.collected, group_map)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let g = self.collected.finish(num_groups)?;
        let pairs = g.values.as_struct_opt().ok_or_else(|| {
            crate::internal_err!("`{}` collected a non-struct array", self.name())
        })?;
        let rows = self
            .converter
            .convert_columns(std::slice::from_ref(pairs.column(1)))?;
        let mut picks: Vec<u32> = vec![];
        let mut offsets = vec![0i32];
        let mut valid = Vec::with_capacity(num_groups);
        for grp in 0..num_groups {
            // (row, position in the group's order)
            let mut cands: Vec<(u32, usize)> = g
                .rows(grp)
                .iter()
                .enumerate()
                .map(|(p, &r)| (r, p))
                .collect();
            valid.push(!cands.is_empty());
            let by_value = |a: &(u32, usize), b: &(u32, usize)| {
                let (ra, rb) = (rows.row(a.0 as usize), rows.row(b.0 as usize));
                if self.largest {
                    rb.cmp(&ra)
                } else {
                    ra.cmp(&rb)
                }
            };
            // Keep the n best, earlier rows winning ties ...
            cands.sort_by(|a, b| by_value(a, b).then(a.1.cmp(&b.1)));
            cands.truncate(self.n);
            // ... and list equal values latest first.
            cands.sort_by(|a, b| by_value(a, b).then(b.1.cmp(&a.1)));
            picks.extend(cands.iter().map(|c| c.0));
            offsets.push(i32::try_from(picks.len()).map_err(|_| {
                Error::Compute(format!("`{}` produced more than 2^31 values", self.name()))
            })?);
        }
        let values =
            arrow::compute::take(pairs.column(0).as_ref(), &UInt32Array::from(picks), None)?;
        let DataType::List(field) = &self.ret else {
            return Err(crate::internal_err!(
                "`{}` result is not a list",
                self.name()
            ));
        };
        Ok(Arc::new(ListArray::try_new(
            field.clone(),
            OffsetBuffer::new(offsets.into()),
            values,
            Some(NullBuffer::from(valid)),
        )?))
    }

    fn size(&self) -> usize {
        self.collected.size() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Int32Array, Int64Array};
    use arrow::datatypes::Int32Type;

    use super::*;
    use crate::functions::registry;

    fn lit(n: i64) -> Option<ScalarValue> {
        Some(ScalarValue::try_from_array(Arc::new(Int64Array::from(vec![n]))).unwrap())
    }

    fn run(name: &str, cols: Vec<ArrayRef>, n: i64, groups: &[u32], ng: usize) -> ArrayRef {
        let def = registry().aggregate(name).unwrap();
        let mut types: Vec<DataType> = cols.iter().map(|c| c.data_type().clone()).collect();
        types.push(DataType::Int64);
        let mut lits = vec![None; cols.len()];
        lits.push(lit(n));
        let sig = (def.signature)(&types, &lits).unwrap();
        let mut acc = (def.create)(&AggregateArgs {
            arg_types: sig.args.clone(),
            literal_args: lits,
            return_type: sig.ret.clone(),
            ordered: false,
        })
        .unwrap();
        let mut values = cols;
        values.push(Arc::new(Int64Array::from(vec![n; groups.len()])));
        acc.update(&values, groups, ng).unwrap();
        let out = acc.finish(ng).unwrap();
        assert_eq!(out.data_type(), &sig.ret);
        out
    }

    fn ints(l: &ArrayRef, i: usize) -> Vec<i32> {
        l.as_list::<i32>()
            .value(i)
            .as_primitive::<Int32Type>()
            .values()
            .to_vec()
    }

    #[test]
    fn min_max_n() {
        let v: ArrayRef = Arc::new(Int32Array::from(vec![
            Some(5),
            None,
            Some(1),
            Some(3),
            Some(9),
        ]));
        assert_eq!(
            ints(&run("min", vec![v.clone()], 2, &[0; 5], 1), 0),
            vec![1, 3]
        );
        assert_eq!(ints(&run("max", vec![v], 3, &[0; 5], 1), 0), vec![9, 5, 3]);
    }

    #[test]
    fn arg_n_ties_match_duckdb() {
        // arg_min(a, b, 2) over (1, NULL), (2, 5), (3, 6), (4, 5) is [4, 2] in DuckDB.
        let a: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3, 4]));
        let b: ArrayRef = Arc::new(Int32Array::from(vec![None, Some(5), Some(6), Some(5)]));
        let out = run("arg_min", vec![a, b], 2, &[0; 4], 2);
        assert_eq!(ints(&out, 0), vec![4, 2]);
        assert!(out.is_null(1));
    }

    #[test]
    fn checks_n() {
        let def = registry().aggregate("arg_max").unwrap();
        let types = [DataType::Utf8, DataType::Int32, DataType::Int64];
        let err = (def.signature)(&types, &[None, None, lit(0)]).unwrap_err();
        assert!(
            err.to_string()
                .contains("arg_min/arg_max: n value must be > 0"),
            "{err}"
        );
    }
}
