//! `list(x)` (alias `array_agg`): the group's values gathered into a `List<x's type>`.
//!
//! As in DuckDB, NULL values are kept as list elements, the order is the input order (or
//! the ORDER BY order), and a group without rows gives a NULL list.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{ArrayRef, ListArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{DataType, Field, FieldRef};

use super::collect::Collected;
use super::util::{check_arg_count, check_inputs, downcast_other, order_keys};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::{Error, Result};
use crate::functions::{FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "list",
        aliases: &["array_agg"],
        signature: list_signature,
        create: ListAccumulator::try_new,
    });
}

fn list_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arg_count("list", types, 1, 1, "one argument of any type")?;
    let item = Field::new_list_field(types[0].clone(), true);
    Ok(Signature::keep(types, DataType::List(Arc::new(item))))
}

/// Gathers every value per group.
struct ListAccumulator {
    field: FieldRef,
    ordered: bool,
    collected: Collected,
}

impl ListAccumulator {
    fn try_new(args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
        let DataType::List(field) = &args.return_type else {
            return Err(crate::internal_err!(
                "`list` must return a List type, not {}",
                args.return_type
            ));
        };
        Ok(Box::new(ListAccumulator {
            field: field.clone(),
            ordered: args.ordered,
            collected: Collected::new(field.data_type().clone(), args.ordered),
        }))
    }
}

impl GroupsAccumulator for ListAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs("list", values, groups, 1)?;
        let keys = order_keys("list", values, self.ordered)?;
        self.collected.push(&values[0], groups, keys, false)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "list")?;
        self.collected.merge(other.collected, group_map)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let g = self.collected.finish(num_groups)?;
        let values = arrow::compute::take(g.values.as_ref(), &UInt32Array::from(g.order), None)?;
        let offsets = g
            .offsets
            .iter()
            .map(|&o| i32::try_from(o))
            .collect::<std::result::Result<Vec<i32>, _>>()
            .map_err(|_| {
                Error::Compute(
                    "`list` gathered more than 2^31 values; filter the input first".into(),
                )
            })?;
        let nulls = NullBuffer::from_iter(offsets.windows(2).map(|w| w[0] != w[1]));
        let list = ListArray::try_new(
            self.field.clone(),
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            values,
            Some(nulls),
        )?;
        Ok(Arc::new(list))
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
    use arrow::array::{Array, AsArray, BinaryArray, Int32Array, StringArray};
    use arrow::datatypes::Int32Type;

    use super::*;
    use crate::functions::registry;

    fn create(t: DataType, ordered: bool) -> (Box<dyn GroupsAccumulator>, DataType) {
        let def = registry().aggregate("array_agg").unwrap();
        let sig = (def.signature)(&[t], &[None]).unwrap();
        let acc = (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret.clone(),
            ordered,
        })
        .unwrap();
        (acc, sig.ret)
    }

    fn lists(a: &ArrayRef) -> Vec<Option<Vec<Option<i32>>>> {
        a.as_list::<i32>()
            .iter()
            .map(|l| l.map(|l| l.as_primitive::<Int32Type>().iter().collect()))
            .collect()
    }

    #[test]
    fn keeps_nulls_in_input_order_and_merges_after() {
        let (mut a, ret) = create(DataType::Int32, false);
        let v: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(3)]));
        a.update(&[v], &[0, 0, 1], 2).unwrap();
        let (mut b, _) = create(DataType::Int32, false);
        let w: ArrayRef = Arc::new(Int32Array::from(vec![4, 5]));
        b.update(&[w], &[0, 1], 2).unwrap();
        a.merge(b, &[1, 0], 2).unwrap();
        let out = a.finish(3).unwrap();
        assert_eq!(out.data_type(), &ret);
        assert_eq!(
            lists(&out),
            vec![
                Some(vec![Some(1), None, Some(5)]),
                Some(vec![Some(3), Some(4)]),
                None
            ]
        );
    }

    #[test]
    fn follows_order_by_keys() {
        let (mut a, _) = create(DataType::Int32, true);
        let v: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3, 4]));
        // ORDER BY y DESC over y = 1, 3, 2, 3, encoded so bytes sort descending.
        let keys: ArrayRef = Arc::new(BinaryArray::from(vec![&[3u8][..], &[1], &[2], &[1]]));
        a.update(&[v, keys], &[0, 0, 0, 0], 1).unwrap();
        assert_eq!(
            lists(&a.finish(1).unwrap()),
            vec![Some(vec![Some(2), Some(4), Some(3), Some(1)])]
        );
    }

    #[test]
    fn lists_strings() {
        let (mut a, ret) = create(DataType::Utf8, false);
        let v: ArrayRef = Arc::new(StringArray::from(vec!["x", "y"]));
        a.update(&[v], &[0, 0], 1).unwrap();
        let out = a.finish(1).unwrap();
        assert_eq!(out.data_type(), &ret);
        let l = out.as_list::<i32>().value(0);
        assert_eq!(
            l.as_string::<i32>().iter().collect::<Vec<_>>(),
            vec![Some("x"), Some("y")]
        );
    }
}
