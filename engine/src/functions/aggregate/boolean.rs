//! `bool_and(b)` and `bool_or(b)`: whether all / any non-NULL values are TRUE.
//!
//! Both take a BOOLEAN and return one; a group without non-NULL values gives NULL. The
//! same accumulator serves `min` and `max` of booleans (FALSE < TRUE).

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::datatypes::DataType;

use super::util::{check_arg_count, check_inputs, check_map, downcast_other, grow};
use super::{AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "bool_and",
        aliases: &[],
        signature: |t, l| bool_signature("bool_and", t, l),
        create: |_| Ok(Box::new(BoolAccumulator::new(BoolOp::And, "bool_and"))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "bool_or",
        aliases: &[],
        signature: |t, l| bool_signature("bool_or", t, l),
        create: |_| Ok(Box::new(BoolAccumulator::new(BoolOp::Or, "bool_or"))),
    });
}

fn bool_signature(name: &str, types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arg_count(name, types, 1, 1, "one BOOLEAN argument")?;
    match types[0] {
        DataType::Boolean | DataType::Null => Ok(Signature {
            args: vec![DataType::Boolean],
            ret: DataType::Boolean,
        }),
        _ => Err(signature_error(name, "one BOOLEAN argument", types)),
    }
}

/// How the values of a group are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BoolOp {
    /// All TRUE (also `min`).
    And,
    /// Any TRUE (also `max`).
    Or,
}

/// Per-group AND / OR of booleans.
#[derive(Debug)]
pub(super) struct BoolAccumulator {
    op: BoolOp,
    name: &'static str,
    values: Vec<bool>,
    seen: Vec<bool>,
}

impl BoolAccumulator {
    /// An empty accumulator; `name` is the SQL function it serves, for errors.
    pub(super) fn new(op: BoolOp, name: &'static str) -> Self {
        Self {
            op,
            name,
            values: vec![],
            seen: vec![],
        }
    }

    fn grow(&mut self, n: usize) {
        grow(&mut self.values, n, self.op == BoolOp::And);
        grow(&mut self.seen, n, false);
    }
}

impl GroupsAccumulator for BoolAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        check_inputs(self.name, values, groups, 1)?;
        self.grow(num_groups);
        let arr = values[0].as_boolean_opt().ok_or_else(|| {
            crate::internal_err!(
                "`{}` expects BOOLEAN input, got {}",
                self.name,
                values[0].data_type()
            )
        })?;
        let bits = arr.values();
        let nulls = arr.nulls().filter(|n| n.null_count() > 0);
        for (i, &g) in groups.iter().enumerate() {
            if nulls.is_some_and(|n| n.is_null(i)) {
                continue;
            }
            let g = g as usize;
            let b = bits.value(i);
            match self.op {
                BoolOp::And => self.values[g] &= b,
                BoolOp::Or => self.values[g] |= b,
            }
            self.seen[g] = true;
        }
        Ok(())
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.name)?;
        check_map(self.name, group_map, other.values.len())?;
        self.grow(num_groups);
        for (g, (&v, &s)) in other.values.iter().zip(&other.seen).enumerate() {
            if !s {
                continue;
            }
            let t = group_map[g] as usize;
            match self.op {
                BoolOp::And => self.values[t] &= v,
                BoolOp::Or => self.values[t] |= v,
            }
            self.seen[t] = true;
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        self.grow(num_groups);
        let values = std::mem::take(&mut self.values);
        let seen = std::mem::take(&mut self.seen);
        let values = BooleanBuffer::from_iter(values.into_iter().take(num_groups));
        let nulls = NullBuffer::from_iter(seen.into_iter().take(num_groups));
        Ok(Arc::new(BooleanArray::new(values, Some(nulls))))
    }

    fn size(&self) -> usize {
        self.values.capacity() + self.seen.capacity() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::{registry, AggregateArgs};

    fn create(name: &str) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&[DataType::Boolean], &[None]).unwrap();
        assert_eq!(sig.ret, DataType::Boolean);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    fn bools(a: &ArrayRef) -> Vec<Option<bool>> {
        assert_eq!(a.data_type(), &DataType::Boolean);
        a.as_boolean().iter().collect()
    }

    #[test]
    fn and_or_skip_nulls() {
        let v: ArrayRef = Arc::new(BooleanArray::from(vec![
            Some(true),
            None,
            Some(false),
            Some(true),
            None,
        ]));
        let groups = [0, 0, 0, 1, 2];
        let mut and = create("bool_and");
        and.update(std::slice::from_ref(&v), &groups, 4).unwrap();
        assert_eq!(
            bools(&and.finish(4).unwrap()),
            vec![Some(false), Some(true), None, None]
        );
        let mut or = create("bool_or");
        or.update(&[v], &groups, 4).unwrap();
        assert_eq!(
            bools(&or.finish(4).unwrap()),
            vec![Some(true), Some(true), None, None]
        );
    }

    #[test]
    fn merge_combines_groups() {
        let mut a = create("bool_and");
        let v: ArrayRef = Arc::new(BooleanArray::from(vec![true, true]));
        a.update(&[v], &[0, 1], 2).unwrap();
        let mut b = create("bool_and");
        let w: ArrayRef = Arc::new(BooleanArray::from(vec![Some(false), None]));
        b.update(&[w], &[0, 1], 2).unwrap();
        a.merge(b, &[1, 2], 3).unwrap();
        assert_eq!(
            bools(&a.finish(3).unwrap()),
            vec![Some(true), Some(false), None]
        );
    }

    #[test]
    fn rejects_integers() {
        let def = registry().aggregate("bool_or").unwrap();
        assert!((def.signature)(&[DataType::Int32], &[None]).is_err());
    }
}
