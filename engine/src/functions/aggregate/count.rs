//! `count(*)`, `count(x)` and `count_if(cond)`.
//!
//! `count_star` counts rows and `count` counts non-NULL values; both return `Int64` and are
//! never NULL (0 for an empty group). `count_if` counts TRUE values; DuckDB returns it as a
//! HUGEINT that is NULL when a group saw no non-NULL input, and Quiver returns `Int64`
//! with the same NULL rule.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::DataType;

use super::util::{check_arg_count, check_inputs, check_map, downcast_other, grow};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "count_star",
        aliases: &[],
        signature: count_star_signature,
        create: |_| Ok(Box::new(CountAccumulator::new(CountKind::Rows))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "count",
        aliases: &[],
        signature: count_signature,
        create: |a: &AggregateArgs| {
            let kind = if a.arg_types.is_empty() {
                CountKind::Rows
            } else {
                CountKind::NonNull
            };
            Ok(Box::new(CountAccumulator::new(kind)))
        },
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "count_if",
        aliases: &["countif"],
        signature: count_if_signature,
        create: |_| Ok(Box::new(CountAccumulator::new(CountKind::True))),
    });
}

fn count_star_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arg_count("count_star", types, 0, 0, "no arguments")?;
    Ok(Signature::keep(types, DataType::Int64))
}

fn count_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arg_count("count", types, 0, 1, "one argument of any type")?;
    Ok(Signature::keep(types, DataType::Int64))
}

fn count_if_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arg_count("count_if", types, 1, 1, "one BOOLEAN argument")?;
    match &types[0] {
        DataType::Boolean => Ok(Signature::keep(types, DataType::Int64)),
        DataType::Null => Ok(Signature {
            args: vec![DataType::Boolean],
            ret: DataType::Int64,
        }),
        _ => Err(signature_error("count_if", "one BOOLEAN argument", types)),
    }
}

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountKind {
    /// Every row (`count(*)`).
    Rows,
    /// Non-NULL values of the first argument.
    NonNull,
    /// TRUE values of the first (boolean) argument; NULL for groups without input.
    True,
}

/// Counts per group.
#[derive(Debug)]
struct CountAccumulator {
    kind: CountKind,
    counts: Vec<i64>,
    /// For `count_if`: whether the group saw a non-NULL value.
    seen: Vec<bool>,
}

impl CountAccumulator {
    fn new(kind: CountKind) -> Self {
        Self {
            kind,
            counts: vec![],
            seen: vec![],
        }
    }

    fn name(&self) -> &'static str {
        match self.kind {
            CountKind::Rows => "count_star",
            CountKind::NonNull => "count",
            CountKind::True => "count_if",
        }
    }
}

impl GroupsAccumulator for CountAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        grow(&mut self.counts, num_groups, 0);
        let counts = &mut self.counts;
        match self.kind {
            CountKind::Rows => {
                for &g in groups {
                    counts[g as usize] += 1;
                }
            }
            CountKind::NonNull => {
                check_inputs("count", values, groups, 1)?;
                match values[0].logical_nulls().filter(|n| n.null_count() > 0) {
                    None => {
                        for &g in groups {
                            counts[g as usize] += 1;
                        }
                    }
                    Some(nulls) => {
                        for (i, &g) in groups.iter().enumerate() {
                            counts[g as usize] += i64::from(nulls.is_valid(i));
                        }
                    }
                }
            }
            CountKind::True => {
                check_inputs("count_if", values, groups, 1)?;
                grow(&mut self.seen, num_groups, false);
                let b = values[0].as_boolean_opt().ok_or_else(|| {
                    crate::internal_err!(
                        "count_if expects BOOLEAN input, got {}",
                        values[0].data_type()
                    )
                })?;
                let bits = b.values();
                match b.nulls().filter(|n| n.null_count() > 0) {
                    None => {
                        for (i, &g) in groups.iter().enumerate() {
                            counts[g as usize] += i64::from(bits.value(i));
                            self.seen[g as usize] = true;
                        }
                    }
                    Some(nulls) => {
                        for (i, &g) in groups.iter().enumerate() {
                            if nulls.is_valid(i) {
                                counts[g as usize] += i64::from(bits.value(i));
                                self.seen[g as usize] = true;
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.name())?;
        check_map(self.name(), group_map, other.counts.len())?;
        grow(&mut self.counts, num_groups, 0);
        for (g, c) in other.counts.iter().enumerate() {
            self.counts[group_map[g] as usize] += c;
        }
        if self.kind == CountKind::True {
            grow(&mut self.seen, num_groups, false);
            for (g, s) in other.seen.iter().enumerate() {
                if *s {
                    self.seen[group_map[g] as usize] = true;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut counts = std::mem::take(&mut self.counts);
        counts.resize(num_groups, 0);
        let nulls = if self.kind == CountKind::True {
            let mut seen = std::mem::take(&mut self.seen);
            seen.resize(num_groups, false);
            Some(NullBuffer::from(seen))
        } else {
            None
        };
        Ok(Arc::new(Int64Array::new(counts.into(), nulls)))
    }

    fn size(&self) -> usize {
        self.counts.capacity() * 8 + self.seen.capacity() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{BooleanArray, Int32Array, NullArray, StringArray};
    use arrow::datatypes::Int64Type;

    use super::*;
    use crate::functions::registry;

    fn create(name: &str, types: &[DataType]) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(types, &vec![None; types.len()]).unwrap();
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None; types.len()],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    fn ints(a: &ArrayRef) -> Vec<Option<i64>> {
        a.as_primitive::<Int64Type>().iter().collect()
    }

    #[test]
    fn count_star_counts_rows_and_zero_for_empty_groups() {
        let mut acc = create("count_star", &[]);
        acc.update(&[], &[0, 1, 0, 0], 3).unwrap();
        let out = acc.finish(3).unwrap();
        assert_eq!(out.data_type(), &DataType::Int64);
        assert_eq!(ints(&out), vec![Some(3), Some(1), Some(0)]);
    }

    #[test]
    fn count_skips_nulls_and_merges() {
        let mut a = create("count", &[DataType::Utf8]);
        let v: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None, Some("c")]));
        a.update(&[v], &[0, 0, 1], 2).unwrap();
        let mut b = create("count", &[DataType::Utf8]);
        let w: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), Some("y")]));
        b.update(&[w], &[0, 1], 2).unwrap();
        // b's group 0 is a's group 1, b's group 1 is a new group 2.
        a.merge(b, &[1, 2], 3).unwrap();
        assert_eq!(
            ints(&a.finish(4).unwrap()),
            vec![Some(1), Some(2), Some(1), Some(0)]
        );
    }

    #[test]
    fn count_of_null_literal_is_zero() {
        let mut a = create("count", &[DataType::Null]);
        let v: ArrayRef = Arc::new(NullArray::new(3));
        a.update(&[v], &[0, 0, 0], 1).unwrap();
        assert_eq!(ints(&a.finish(1).unwrap()), vec![Some(0)]);
    }

    #[test]
    fn count_if_counts_true_and_is_null_without_input() {
        let mut a = create("count_if", &[DataType::Boolean]);
        let v: ArrayRef = Arc::new(BooleanArray::from(vec![
            Some(true),
            None,
            Some(false),
            None,
            Some(true),
        ]));
        a.update(&[v], &[0, 0, 0, 1, 0], 3).unwrap();
        assert_eq!(ints(&a.finish(3).unwrap()), vec![Some(2), None, None]);
        assert!(
            (registry().aggregate("count_if").unwrap().signature)(&[DataType::Int32], &[None])
                .is_err()
        );
    }

    #[test]
    fn count_ignores_order_key_argument() {
        let def = registry().aggregate("count").unwrap();
        let mut a = (def.create)(&AggregateArgs {
            arg_types: vec![DataType::Int32],
            literal_args: vec![None],
            return_type: DataType::Int64,
            ordered: true,
        })
        .unwrap();
        let v: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None]));
        let k: ArrayRef = Arc::new(arrow::array::BinaryArray::from(vec![&b"a"[..], &b"b"[..]]));
        a.update(&[v, k], &[0, 0], 1).unwrap();
        assert_eq!(ints(&a.finish(1).unwrap()), vec![Some(1)]);
    }
}
