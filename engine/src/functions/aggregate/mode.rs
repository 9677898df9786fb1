//! `mode(x)`: the most frequent non-NULL value of each group, of `x`'s type.
//!
//! Ties go to the value that appeared first (in input order, or in ORDER BY order when the
//! call has one), as in DuckDB. Rows are collected per group; at finish the values are
//! row-encoded once and counted per group in a hash map keyed by the encoded bytes.

use std::any::Any;

use arrow::array::{ArrayRef, UInt32Array};
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use hashbrown::HashMap;

use super::collect::Collected;
use super::min_max::is_orderable;
use super::util::{check_arg_count, check_inputs, downcast_other, order_keys, value_type};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "mode",
        aliases: &[],
        signature: mode_signature,
        create: ModeAccumulator::try_new,
    });
}

fn mode_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "one argument of a comparable type";
    check_arg_count("mode", types, 1, 1, expected)?;
    let t = value_type(&types[0]);
    if !is_orderable(&t) {
        return Err(signature_error("mode", expected, types));
    }
    Ok(Signature {
        args: vec![t.clone()],
        ret: t,
    })
}

/// The most frequent value per group.
struct ModeAccumulator {
    data_type: DataType,
    ordered: bool,
    collected: Collected,
}

impl ModeAccumulator {
    fn try_new(args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(ModeAccumulator {
            data_type: args.return_type.clone(),
            ordered: args.ordered,
            collected: Collected::new(args.return_type.clone(), args.ordered),
        }))
    }
}

impl GroupsAccumulator for ModeAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs("mode", values, groups, 1)?;
        let keys = order_keys("mode", values, self.ordered)?;
        self.collected.push(&values[0], groups, keys, true)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "mode")?;
        self.collected.merge(other.collected, group_map)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let g = self.collected.finish(num_groups)?;
        let converter = RowConverter::new(vec![SortField::new(self.data_type.clone())])?;
        let rows = converter.convert_columns(std::slice::from_ref(&g.values))?;
        // value bytes -> (count, position of first occurrence in the group's order)
        let mut counts: HashMap<&[u8], (u32, u32)> = HashMap::new();
        let mut picks: Vec<Option<u32>> = Vec::with_capacity(num_groups);
        for grp in 0..num_groups {
            counts.clear();
            let group_rows = g.rows(grp);
            for (pos, &i) in group_rows.iter().enumerate() {
                let e = counts
                    .entry(rows.row(i as usize).data())
                    .or_insert((0, pos as u32));
                e.0 += 1;
            }
            let best = counts
                .values()
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                .map(|&(_, pos)| group_rows[pos as usize]);
            picks.push(best);
        }
        Ok(arrow::compute::take(
            g.values.as_ref(),
            &UInt32Array::from(picks),
            None,
        )?)
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
    use std::sync::Arc;

    use arrow::array::{Array, AsArray, BinaryArray, Int32Array, StringArray};
    use arrow::datatypes::Int32Type;

    use super::*;
    use crate::functions::registry;

    fn create(t: DataType, ordered: bool) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate("mode").unwrap();
        let sig = (def.signature)(std::slice::from_ref(&t), &[None]).unwrap();
        assert_eq!(sig.ret, t);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered,
        })
        .unwrap()
    }

    fn ints(a: &ArrayRef) -> Vec<Option<i32>> {
        assert_eq!(a.data_type(), &DataType::Int32);
        a.as_primitive::<Int32Type>().iter().collect()
    }

    #[test]
    fn most_frequent_skipping_nulls_first_seen_wins_ties() {
        let mut a = create(DataType::Int32, false);
        let v: ArrayRef = Arc::new(Int32Array::from(vec![
            Some(1),
            Some(2),
            Some(2),
            None,
            None,
            None,
            Some(3),
            Some(1),
            Some(3),
            None,
        ]));
        a.update(&[v], &[0, 0, 0, 0, 0, 0, 1, 1, 1, 2], 4).unwrap();
        assert_eq!(
            ints(&a.finish(4).unwrap()),
            vec![Some(2), Some(3), None, None]
        );
    }

    #[test]
    fn merge_and_order_by_decide_ties() {
        let mut a = create(DataType::Utf8, true);
        let v: ArrayRef = Arc::new(StringArray::from(vec!["x", "y"]));
        let k: ArrayRef = Arc::new(BinaryArray::from(vec![&b"2"[..], &b"1"[..]]));
        a.update(&[v, k], &[0, 0], 1).unwrap();
        let mut b = create(DataType::Utf8, true);
        let w: ArrayRef = Arc::new(StringArray::from(vec!["x", "y"]));
        let k2: ArrayRef = Arc::new(BinaryArray::from(vec![&b"3"[..], &b"4"[..]]));
        b.update(&[w, k2], &[0, 0], 1).unwrap();
        a.merge(b, &[0], 1).unwrap();
        let out = a.finish(1).unwrap();
        // x and y both twice; y comes first in ORDER BY order.
        assert_eq!(out.as_string::<i32>().value(0), "y");
    }
}
