//! Aggregates over how often each value occurs: `entropy(x)` and `approx_top_k(x, k)`.
//!
//! `entropy` is the Shannon entropy in bits of the non-NULL values' distribution, a
//! `Float64` that is 0 for no values, as in DuckDB. `approx_top_k` lists the `k` most
//! frequent non-NULL values, most frequent first (a list of `x`'s type, NULL for no
//! values). Both count values exactly (see `value_counts.rs`), so the "approximate" top
//! k is exact; ties go to the value seen first, as in DuckDB. `k` must be a constant in [1, 1000000), as DuckDB requires.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, ListArray};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::datatypes::{DataType, Field};

use super::min_max::is_orderable;
use super::util::{check_arg_count, check_inputs, downcast_other, value_type};
use super::value_counts::{Seen, ValueCounts};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::{Error, Result};
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "entropy",
        aliases: &[],
        signature: |t, _| {
            let expected = "one argument of a comparable type";
            check_arg_count("entropy", t, 1, 1, expected)?;
            let v = counted_type(&t[0]);
            if !is_orderable(&v) {
                return Err(signature_error("entropy", expected, t));
            }
            Ok(Signature {
                args: vec![v],
                ret: DataType::Float64,
            })
        },
        create: |a| Frequency::boxed(a, Output::Entropy),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "approx_top_k",
        aliases: &[],
        signature: top_k_signature,
        create: |a| {
            let k = top_k_arg(&a.literal_args)?;
            Frequency::boxed(a, Output::TopK(k))
        },
    });
}

/// The type values are counted at (a NULL literal counts as an integer).
fn counted_type(t: &DataType) -> DataType {
    match value_type(t) {
        DataType::Null => DataType::Int32,
        v => v,
    }
}

fn top_k_signature(types: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "a value of a comparable type and a constant integer k";
    check_arg_count("approx_top_k", types, 2, 2, expected)?;
    let v = counted_type(&types[0]);
    let k_ok = types[1].is_integer() || matches!(types[1], DataType::Null | DataType::Utf8);
    if !is_orderable(&v) || !k_ok {
        return Err(signature_error("approx_top_k", expected, types));
    }
    top_k_arg(lits)?;
    Ok(Signature {
        args: vec![v.clone(), DataType::Int64],
        ret: DataType::List(Arc::new(Field::new_list_field(v, true))),
    })
}

/// The constant `k` of `approx_top_k`, checked as DuckDB checks it.
fn top_k_arg(lits: &[Option<ScalarValue>]) -> Result<usize> {
    let Some(lit) = lits.get(1).and_then(|l| l.as_ref()) else {
        return Err(Error::Schema(
            "The \"col1\" argument in function \"approx_top_k\" must be a constant expression"
                .into(),
        ));
    };
    let invalid = |m: &str| Error::Compute(format!("Invalid input for approx_top_k: {m}"));
    if lit.is_null() {
        return Err(invalid("k value cannot be NULL"));
    }
    let k = lit
        .as_i64()
        .or_else(|| lit.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or_else(|| invalid("k value must be an integer"))?;
    if k <= 0 {
        return Err(invalid("k value must be > 0"));
    }
    if k >= 1_000_000 {
        return Err(invalid("k value must be < 1000000"));
    }
    Ok(k as usize)
}

/// What is reported from a group's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Entropy,
    TopK(usize),
}

impl Output {
    fn name(self) -> &'static str {
        match self {
            Output::Entropy => "entropy",
            Output::TopK(_) => "approx_top_k",
        }
    }
}

struct Frequency {
    output: Output,
    ret: DataType,
    counts: ValueCounts,
}

impl Frequency {
    fn boxed(args: &AggregateArgs, output: Output) -> Result<Box<dyn GroupsAccumulator>> {
        let t = args.arg_types.first().ok_or_else(|| {
            crate::internal_err!("`{}` was created without arguments", output.name())
        })?;
        Ok(Box::new(Frequency {
            output,
            ret: args.return_type.clone(),
            counts: ValueCounts::try_new(t)?,
        }))
    }
}

impl GroupsAccumulator for Frequency {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        check_inputs(self.output.name(), values, groups, 1)?;
        self.counts.add(&values[0], groups, num_groups)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.output.name())?;
        self.counts.merge(other.counts, group_map, num_groups)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let groups = self.counts.take(num_groups);
        match self.output {
            Output::Entropy => {
                let out: Float64Array = groups
                    .iter()
                    .map(|m| {
                        let n: u64 = m.values().map(|s| s.count).sum();
                        let n = n as f64;
                        Some(m.values().fold(0.0, |acc, s| {
                            let p = s.count as f64 / n;
                            acc - p * p.log2()
                        }))
                    })
                    .collect();
                Ok(Arc::new(out))
            }
            Output::TopK(k) => {
                let mut offsets = vec![0i32];
                let mut valid = Vec::with_capacity(num_groups);
                let mut picked: Vec<&[u8]> = vec![];
                for m in &groups {
                    let mut top: Vec<(&[u8], Seen)> =
                        m.iter().map(|(key, &s)| (key.as_ref(), s)).collect();
                    top.sort_unstable_by(|a, b| {
                        b.1.count.cmp(&a.1.count).then(a.1.first.cmp(&b.1.first))
                    });
                    picked.extend(top.iter().take(k).map(|(key, _)| *key));
                    valid.push(!m.is_empty());
                    offsets.push(i32::try_from(picked.len()).map_err(|_| {
                        Error::Compute("approx_top_k produced more than 2^31 values".into())
                    })?);
                }
                let values = self.counts.decode(picked)?;
                let DataType::List(field) = &self.ret else {
                    return Err(crate::internal_err!("approx_top_k result is not a list"));
                };
                Ok(Arc::new(ListArray::try_new(
                    field.clone(),
                    OffsetBuffer::new(offsets.into()),
                    values,
                    Some(NullBuffer::from(valid)),
                )?))
            }
        }
    }

    fn size(&self) -> usize {
        self.counts.size() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, AsArray, Int64Array, StringArray};
    use arrow::datatypes::{Float64Type, Int64Type};

    use super::*;
    use crate::functions::registry;

    fn lit_k(k: i64) -> Option<ScalarValue> {
        Some(ScalarValue::try_from_array(Arc::new(Int64Array::from(vec![k]))).unwrap())
    }

    fn create(
        name: &str,
        types: &[DataType],
        lits: Vec<Option<ScalarValue>>,
    ) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(types, &lits).unwrap();
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: lits,
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    #[test]
    fn entropy_matches_duckdb() {
        let mut acc = create("entropy", &[DataType::Utf8], vec![None]);
        let names: ArrayRef = Arc::new(StringArray::from(vec![
            Some("pedro"),
            Some("pedro"),
            Some("pedro"),
            Some("hannes"),
            Some("hannes"),
            Some("mark"),
            None,
        ]));
        acc.update(&[names], &[0, 0, 0, 0, 0, 0, 1], 3).unwrap();
        let out = acc.finish(3).unwrap();
        let got: Vec<Option<f64>> = out.as_primitive::<Float64Type>().iter().collect();
        assert!((got[0].unwrap() - 1.459148).abs() < 1e-6, "{got:?}");
        assert_eq!(got[1], Some(0.0));
        assert_eq!(got[2], Some(0.0));
    }

    #[test]
    fn top_k_by_count_then_first_seen() {
        let types = [DataType::Int64, DataType::Int64];
        let mut a = create("approx_top_k", &types, vec![None, lit_k(2)]);
        let v: ArrayRef = Arc::new(Int64Array::from(vec![5, 9, 3, 3, 9, 1]));
        let k: ArrayRef = Arc::new(Int64Array::from(vec![2; 6]));
        a.update(&[v, k], &[0; 6], 2).unwrap();
        let out = a.finish(2).unwrap();
        let l = out.as_list::<i32>();
        let first: Vec<i64> = l.value(0).as_primitive::<Int64Type>().values().to_vec();
        assert_eq!(first, vec![9, 3]);
        assert!(l.is_null(1));
    }

    #[test]
    fn top_k_checks_k() {
        let def = registry().aggregate("approx_top_k").unwrap();
        let types = [DataType::Int64, DataType::Int64];
        let msg =
            |lits: &[Option<ScalarValue>]| (def.signature)(&types, lits).unwrap_err().to_string();
        assert!(msg(&[None, lit_k(0)]).contains("k value must be > 0"));
        assert!(msg(&[None, lit_k(1_000_000)]).contains("k value must be < 1000000"));
        assert!(msg(&[None, None]).contains("must be a constant expression"));
    }
}
