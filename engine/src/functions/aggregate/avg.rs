//! `avg(x)` (alias `mean`): the mean of the non-NULL values as `Float64` (for dates,
//! timestamps and times: a timestamp or time, as in DuckDB).
//!
//! Integers and decimals are summed exactly (in `i64` / `i128`, as `sum` does) and divided
//! only at finish, so the mean is correctly rounded even for large decimal sums; DuckDB
//! returns DOUBLE for the average of a DECIMAL and so does Quiver. Floats are summed in
//! `f64`. A group without non-NULL values gives NULL.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::*;

use super::sum::{sum_input_type, SumLimit, SumState, Widen};
use super::util::downcast_other;
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "avg",
        aliases: &["mean"],
        signature: avg_signature,
        create: create_avg,
    });
}

fn avg_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    // Dates, timestamps and times average as microseconds, like DuckDB (a date's average
    // is a timestamp).
    let temporal = match types {
        [DataType::Date32 | DataType::Date64] => {
            Some(DataType::Timestamp(TimeUnit::Microsecond, None))
        }
        [DataType::Timestamp(_, tz)] => {
            Some(DataType::Timestamp(TimeUnit::Microsecond, tz.clone()))
        }
        [DataType::Time32(_) | DataType::Time64(_)] => {
            Some(DataType::Time64(TimeUnit::Microsecond))
        }
        _ => None,
    };
    if let Some(t) = temporal {
        return Ok(Signature {
            args: vec![t.clone()],
            ret: t,
        });
    }
    let (arg, _) = sum_input_type("avg", types)?;
    Ok(Signature {
        args: vec![arg],
        ret: DataType::Float64,
    })
}

fn create_avg(args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
    let input = args.arg_types.first().cloned().unwrap_or(DataType::Null);
    Ok(match input {
        DataType::Timestamp(_, _) | DataType::Time64(_) => Box::new(TemporalAvg {
            ret: args.return_type.clone(),
            state: SumState::new(),
        }),
        DataType::Int8 => Box::new(AvgAccumulator::<Int8Type, Int64Type>::new(0)),
        DataType::Int16 => Box::new(AvgAccumulator::<Int16Type, Int64Type>::new(0)),
        DataType::Int32 => Box::new(AvgAccumulator::<Int32Type, Int64Type>::new(0)),
        DataType::UInt8 => Box::new(AvgAccumulator::<UInt8Type, Int64Type>::new(0)),
        DataType::UInt16 => Box::new(AvgAccumulator::<UInt16Type, Int64Type>::new(0)),
        DataType::UInt32 => Box::new(AvgAccumulator::<UInt32Type, Int64Type>::new(0)),
        DataType::Int64 => Box::new(AvgAccumulator::<Int64Type, Decimal128Type>::new(0)),
        DataType::UInt64 => Box::new(AvgAccumulator::<UInt64Type, Decimal128Type>::new(0)),
        DataType::Decimal128(_, s) => {
            Box::new(AvgAccumulator::<Decimal128Type, Decimal128Type>::new(s))
        }
        DataType::Float32 => Box::new(AvgAccumulator::<Float32Type, Float64Type>::new(0)),
        DataType::Float64 => Box::new(AvgAccumulator::<Float64Type, Float64Type>::new(0)),
        other => {
            return Err(crate::internal_err!(
                "`avg` was created for input type {other}, which its signature does not accept"
            ))
        }
    })
}

/// Division of an exact or floating sum by a count (and a decimal scale).
trait Mean: Copy {
    /// `self / (count * 10^scale)` as the nearest `f64`.
    fn mean(self, count: u64, scale: i8) -> f64;
}

impl Mean for i64 {
    fn mean(self, count: u64, scale: i8) -> f64 {
        i128::from(self).mean(count, scale)
    }
}

impl Mean for i128 {
    fn mean(self, count: u64, scale: i8) -> f64 {
        let divisor = u32::try_from(scale)
            .ok()
            .and_then(|s| 10i128.checked_pow(s))
            .and_then(|p| p.checked_mul(i128::from(count)));
        match divisor {
            // Split into quotient and remainder so the integral part is exact.
            Some(d) if d > 0 => (self / d) as f64 + (self % d) as f64 / d as f64,
            _ => self as f64 / count as f64 / 10f64.powi(i32::from(scale)),
        }
    }
}

impl Mean for f64 {
    fn mean(self, count: u64, _scale: i8) -> f64 {
        self / count as f64
    }
}

/// `avg` over one primitive input type.
#[derive(Debug)]
struct AvgAccumulator<I: ArrowPrimitiveType, O: ArrowPrimitiveType> {
    state: SumState<I, O>,
    scale: i8,
}

impl<I, O> AvgAccumulator<I, O>
where
    I: ArrowPrimitiveType,
    O: ArrowPrimitiveType,
    I::Native: Widen<O::Native>,
    O::Native: SumLimit,
{
    fn new(scale: i8) -> Self {
        Self {
            state: SumState::new(),
            scale,
        }
    }
}

impl<I, O> GroupsAccumulator for AvgAccumulator<I, O>
where
    I: ArrowPrimitiveType,
    O: ArrowPrimitiveType,
    I::Native: Widen<O::Native>,
    O::Native: SumLimit,
    O::Native: Mean,
{
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        self.state.update("avg", values, groups, num_groups)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "avg")?;
        self.state.merge("avg", &other.state, group_map, num_groups)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let (sums, counts) = self.state.take(num_groups);
        let means: Vec<f64> = sums
            .iter()
            .zip(&counts)
            .map(|(&s, &c)| if c == 0 { 0.0 } else { s.mean(c, self.scale) })
            .collect();
        let nulls = NullBuffer::from(counts.iter().map(|&c| c > 0).collect::<Vec<bool>>());
        Ok(Arc::new(Float64Array::new(means.into(), Some(nulls))))
    }

    fn size(&self) -> usize {
        self.state.size() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// `avg` of timestamps or times: the mean of their microsecond counts (truncated), of the
/// same type.
#[derive(Debug)]
struct TemporalAvg {
    ret: DataType,
    state: SumState<Int64Type, Decimal128Type>,
}

impl GroupsAccumulator for TemporalAvg {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        let micros: Vec<ArrayRef> = values
            .iter()
            .take(1)
            .map(|v| arrow::compute::cast(v, &DataType::Int64))
            .collect::<std::result::Result<_, _>>()?;
        self.state.update("avg", &micros, groups, num_groups)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "avg")?;
        self.state.merge("avg", &other.state, group_map, num_groups)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let (sums, counts) = self.state.take(num_groups);
        let means: Int64Array = sums
            .iter()
            .zip(&counts)
            .map(|(&s, &c)| (c > 0).then(|| (s / i128::from(c)) as i64))
            .collect();
        Ok(arrow::compute::cast(
            &(Arc::new(means) as ArrayRef),
            &self.ret,
        )?)
    }

    fn size(&self) -> usize {
        self.state.size() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, AsArray, Decimal128Array, Float64Array, Int32Array, Int64Array};

    use super::*;
    use crate::functions::registry;

    fn create(types: &[DataType]) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate("mean").unwrap();
        let sig = (def.signature)(types, &[None]).unwrap();
        assert_eq!(sig.ret, DataType::Float64);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    fn floats(a: &ArrayRef) -> Vec<Option<f64>> {
        assert_eq!(a.data_type(), &DataType::Float64);
        a.as_primitive::<Float64Type>().iter().collect()
    }

    #[test]
    fn averages_ints_skipping_nulls() {
        let mut acc = create(&[DataType::Int32]);
        let v: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(2), Some(7)]));
        acc.update(&[v], &[0, 0, 0, 1], 3).unwrap();
        assert_eq!(
            floats(&acc.finish(3).unwrap()),
            vec![Some(1.5), Some(7.0), None]
        );
    }

    #[test]
    fn averages_decimals_exactly_and_merges() {
        let t = DataType::Decimal128(15, 2);
        let mut a = create(std::slice::from_ref(&t));
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![100, 200])
                .with_precision_and_scale(15, 2)
                .unwrap(),
        );
        a.update(&[v], &[0, 0], 1).unwrap();
        let mut b = create(&[t]);
        let w: ArrayRef = Arc::new(
            Decimal128Array::from(vec![400])
                .with_precision_and_scale(15, 2)
                .unwrap(),
        );
        b.update(&[w], &[0], 1).unwrap();
        a.merge(b, &[0], 1).unwrap();
        assert_eq!(floats(&a.finish(1).unwrap()), vec![Some(7.0 / 3.0)]);
    }

    #[test]
    fn averages_large_bigints_without_overflow() {
        let mut acc = create(&[DataType::Int64]);
        let v: ArrayRef = Arc::new(Int64Array::from(vec![i64::MAX, i64::MAX - 2]));
        acc.update(&[v], &[0, 0], 1).unwrap();
        assert_eq!(
            floats(&acc.finish(1).unwrap()),
            vec![Some((i64::MAX - 1) as f64)]
        );
    }

    #[test]
    fn averages_doubles() {
        let mut acc = create(&[DataType::Float64]);
        let v: ArrayRef = Arc::new(Float64Array::from(vec![0.5, 1.0]));
        acc.update(&[v], &[0, 0], 1).unwrap();
        assert_eq!(floats(&acc.finish(1).unwrap()), vec![Some(0.75)]);
    }

    #[test]
    fn rejects_booleans() {
        let def = registry().aggregate("avg").unwrap();
        assert!((def.signature)(&[DataType::Boolean], &[None]).is_err());
    }
}
