//! `mad(x)`: the median absolute deviation, `median(|x − median(x)|)`, of the non-NULL
//! values of each group.
//!
//! Types follow DuckDB: integers give `Float64` (they are cast to DOUBLE), floats and
//! DECIMALs keep their type, and dates, times and timestamps give an INTERVAL (days and
//! sub-day time, no months). Both medians interpolate as DuckDB's do: fused `lo/2 + hi/2`
//! for floats, truncated toward zero for DECIMALs, and rounded to the microsecond for
//! temporal values, which are handled as exact microsecond counts. Values are collected
//! per group and sorted at finish.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, Float32Array, Float64Array,
    IntervalMonthDayNanoArray,
};
use arrow::datatypes::{
    DataType, Date32Type, Float32Type, Float64Type, IntervalMonthDayNano, IntervalUnit,
    Time64MicrosecondType, Time64NanosecondType, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};

use super::util::{check_arg_count, check_inputs, downcast_other, group_order, value_type};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "mad",
        aliases: &[],
        signature: |t, _| signature(t),
        create,
    });
}

const MICROS_PER_DAY: i128 = 86_400_000_000;

fn signature(types: &[DataType]) -> Result<Signature> {
    let expected = "one numeric, DATE, TIME or TIMESTAMP argument";
    check_arg_count("mad", types, 1, 1, expected)?;
    let t = value_type(&types[0]);
    let (arg, ret) = match &t {
        t if t.is_integer() => (DataType::Float64, DataType::Float64),
        DataType::Null | DataType::Float16 | DataType::Float64 => {
            (DataType::Float64, DataType::Float64)
        }
        DataType::Float32 => (DataType::Float32, DataType::Float32),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) | DataType::Decimal128(p, s) => {
            let d = DataType::Decimal128(*p, *s);
            (d.clone(), d)
        }
        DataType::Date32 | DataType::Timestamp(_, _) | DataType::Time64(_) => {
            (t.clone(), DataType::Interval(IntervalUnit::MonthDayNano))
        }
        DataType::Date64 | DataType::Time32(_) => (
            DataType::Timestamp(TimeUnit::Microsecond, None),
            DataType::Interval(IntervalUnit::MonthDayNano),
        ),
        _ => return Err(signature_error("mad", expected, types)),
    };
    Ok(Signature {
        args: vec![arg],
        ret,
    })
}

/// How values are held and interpolated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Domain {
    /// Floating point (`f64`), result `Float64` or `Float32`.
    Float,
    /// Unscaled DECIMAL integers, result of the same DECIMAL type.
    Decimal,
    /// Microseconds, result an INTERVAL.
    Micros,
}

fn create(args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
    let domain = match &args.return_type {
        DataType::Float32 | DataType::Float64 => Domain::Float,
        DataType::Decimal128(_, _) => Domain::Decimal,
        _ => Domain::Micros,
    };
    Ok(Box::new(Mad {
        ret: args.return_type.clone(),
        domain,
        floats: vec![],
        ints: vec![],
        groups: vec![],
    }))
}

struct Mad {
    ret: DataType,
    domain: Domain,
    floats: Vec<f64>,
    ints: Vec<i128>,
    groups: Vec<u32>,
}

/// Appends the valid values of a primitive array (mapped by `f`) with their groups.
fn push_valid<T, N>(
    arr: &arrow::array::PrimitiveArray<T>,
    groups: &[u32],
    out: &mut Vec<N>,
    out_groups: &mut Vec<u32>,
    f: impl Fn(T::Native) -> N,
) where
    T: arrow::datatypes::ArrowPrimitiveType,
{
    for (i, &g) in groups.iter().enumerate() {
        if arr.is_valid(i) {
            out.push(f(arr.value(i)));
            out_groups.push(g);
        }
    }
}

impl Mad {
    fn add(&mut self, a: &ArrayRef, groups: &[u32]) -> Result<()> {
        let bad = || crate::internal_err!("`mad` got a {} array", a.data_type());
        let (floats, ints, gs) = (&mut self.floats, &mut self.ints, &mut self.groups);
        match a.data_type() {
            DataType::Float64 => {
                let arr = a.as_primitive_opt::<Float64Type>().ok_or_else(bad)?;
                push_valid(arr, groups, floats, gs, |v| v);
            }
            DataType::Float32 => {
                let arr = a.as_primitive_opt::<Float32Type>().ok_or_else(bad)?;
                push_valid(arr, groups, floats, gs, f64::from);
            }
            DataType::Decimal128(_, _) => {
                let arr = a
                    .as_primitive_opt::<arrow::datatypes::Decimal128Type>()
                    .ok_or_else(bad)?;
                push_valid(arr, groups, ints, gs, |v| v);
            }
            DataType::Date32 => {
                let arr = a.as_primitive_opt::<Date32Type>().ok_or_else(bad)?;
                push_valid(arr, groups, ints, gs, |d| i128::from(d) * MICROS_PER_DAY);
            }
            DataType::Timestamp(unit, _) => match unit {
                TimeUnit::Second => {
                    let arr = a
                        .as_primitive_opt::<TimestampSecondType>()
                        .ok_or_else(bad)?;
                    push_valid(arr, groups, ints, gs, |v| i128::from(v) * 1_000_000);
                }
                TimeUnit::Millisecond => {
                    let arr = a
                        .as_primitive_opt::<TimestampMillisecondType>()
                        .ok_or_else(bad)?;
                    push_valid(arr, groups, ints, gs, |v| i128::from(v) * 1_000);
                }
                TimeUnit::Microsecond => {
                    let arr = a
                        .as_primitive_opt::<TimestampMicrosecondType>()
                        .ok_or_else(bad)?;
                    push_valid(arr, groups, ints, gs, i128::from);
                }
                TimeUnit::Nanosecond => {
                    let arr = a
                        .as_primitive_opt::<TimestampNanosecondType>()
                        .ok_or_else(bad)?;
                    push_valid(arr, groups, ints, gs, |v| i128::from(v) / 1_000);
                }
            },
            DataType::Time64(TimeUnit::Microsecond) => {
                let arr = a
                    .as_primitive_opt::<Time64MicrosecondType>()
                    .ok_or_else(bad)?;
                push_valid(arr, groups, ints, gs, i128::from);
            }
            DataType::Time64(TimeUnit::Nanosecond) => {
                let arr = a
                    .as_primitive_opt::<Time64NanosecondType>()
                    .ok_or_else(bad)?;
                push_valid(arr, groups, ints, gs, |v| i128::from(v) / 1_000);
            }
            _ => return Err(bad()),
        }
        Ok(())
    }
}

/// The median of sorted floats: the middle value, or the fused mean of the two middle ones.
fn median_f64(s: &[f64]) -> f64 {
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        let (lo, hi) = (s[n / 2 - 1], s[n / 2]);
        lo.mul_add(0.5, hi * 0.5)
    }
}

/// The median of sorted integers: truncated (DECIMAL) or rounded half away from zero.
fn median_i128(s: &[i128], round: bool) -> i128 {
    let n = s.len();
    if n % 2 == 1 {
        return s[n / 2];
    }
    let (lo, hi) = (s[n / 2 - 1], s[n / 2]);
    if round {
        let sum = lo + hi;
        if sum >= 0 {
            (sum + 1) / 2
        } else {
            (sum - 1) / 2
        }
    } else {
        lo + (hi - lo) / 2
    }
}

impl GroupsAccumulator for Mad {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs("mad", values, groups, 1)?;
        self.add(&values[0], groups)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "mad")?;
        for &g in &other.groups {
            let t = *group_map.get(g as usize).ok_or_else(|| {
                crate::internal_err!("`mad` merge map has no entry for group {g}")
            })?;
            self.groups.push(t);
        }
        self.floats.extend_from_slice(&other.floats);
        self.ints.extend_from_slice(&other.ints);
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let groups = std::mem::take(&mut self.groups);
        let (order, offsets) = group_order(&groups, num_groups)?;
        let ranges = (0..num_groups).map(|g| offsets[g]..offsets[g + 1]);
        if self.domain == Domain::Float {
            let values = std::mem::take(&mut self.floats);
            let mut sorted: Vec<f64> = order.iter().map(|&i| values[i as usize]).collect();
            let out: Vec<Option<f64>> = ranges
                .map(|r| {
                    let s = &mut sorted[r];
                    if s.is_empty() {
                        return None;
                    }
                    s.sort_unstable_by(f64::total_cmp);
                    let m = median_f64(s);
                    for v in s.iter_mut() {
                        *v = (*v - m).abs();
                    }
                    s.sort_unstable_by(f64::total_cmp);
                    Some(median_f64(s))
                })
                .collect();
            return Ok(if self.ret == DataType::Float32 {
                Arc::new(
                    out.into_iter()
                        .map(|v| v.map(|v| v as f32))
                        .collect::<Float32Array>(),
                )
            } else {
                Arc::new(Float64Array::from(out))
            });
        }
        let values = std::mem::take(&mut self.ints);
        let mut sorted: Vec<i128> = order.iter().map(|&i| values[i as usize]).collect();
        let round = self.domain == Domain::Micros;
        let out: Vec<Option<i128>> = ranges
            .map(|r| {
                let s = &mut sorted[r];
                if s.is_empty() {
                    return None;
                }
                s.sort_unstable();
                let m = median_i128(s, round);
                for v in s.iter_mut() {
                    *v = (*v - m).abs();
                }
                s.sort_unstable();
                Some(median_i128(s, round))
            })
            .collect();
        if self.domain == Domain::Decimal {
            let arr = Decimal128Array::from(out).with_data_type(self.ret.clone());
            return Ok(Arc::new(arr));
        }
        Ok(Arc::new(
            out.into_iter()
                .map(|v| v.map(interval_from_micros))
                .collect::<IntervalMonthDayNanoArray>(),
        ))
    }

    fn size(&self) -> usize {
        self.floats.capacity() * 8
            + self.ints.capacity() * 16
            + self.groups.capacity() * 4
            + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// An interval of whole days and the remaining microseconds (DuckDB's `FromMicro`).
pub(super) fn interval_from_micros(micros: i128) -> IntervalMonthDayNano {
    let days = micros / MICROS_PER_DAY;
    let rest = micros % MICROS_PER_DAY;
    IntervalMonthDayNano::new(
        0,
        i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX }),
        (rest * 1_000) as i64,
    )
}

#[cfg(test)]
mod tests {
    use arrow::array::{Date32Array, Int32Array, TimestampMicrosecondArray};
    use arrow::datatypes::{Decimal128Type, IntervalMonthDayNanoType};

    use super::*;
    use crate::functions::registry;

    fn run(values: ArrayRef, groups: &[u32], n: usize) -> ArrayRef {
        let def = registry().aggregate("mad").unwrap();
        let sig = (def.signature)(&[values.data_type().clone()], &[None]).unwrap();
        let mut acc = (def.create)(&AggregateArgs {
            arg_types: sig.args.clone(),
            literal_args: vec![None],
            return_type: sig.ret.clone(),
            ordered: false,
        })
        .unwrap();
        let values = arrow::compute::cast(&values, &sig.args[0]).unwrap();
        acc.update(&[values], groups, n).unwrap();
        let out = acc.finish(n).unwrap();
        assert_eq!(out.data_type(), &sig.ret);
        out
    }

    #[test]
    fn integers_give_doubles() {
        let v: ArrayRef = Arc::new(Int32Array::from((0..100).collect::<Vec<i32>>()));
        let out = run(v, &[0; 100], 2);
        let got: Vec<Option<f64>> = out.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(got, vec![Some(25.0), None]);
    }

    #[test]
    fn decimals_keep_their_type() {
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![10, 20, 40, 100])
                .with_precision_and_scale(4, 1)
                .unwrap(),
        );
        let out = run(v, &[0; 4], 1);
        assert_eq!(out.as_primitive::<Decimal128Type>().value(0), 15);
    }

    #[test]
    fn temporal_values_give_intervals() {
        let days: ArrayRef = Arc::new(Date32Array::from((0..10000).collect::<Vec<i32>>()));
        let out = run(days, &vec![0; 10000], 1);
        let iv = out.as_primitive::<IntervalMonthDayNanoType>().value(0);
        assert_eq!((iv.months, iv.days, iv.nanoseconds), (0, 2500, 0));
        // DuckDB: 106751991 days 02:00:27.387903 for the extreme timestamps.
        let ts: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![
            9223372036854775806,
            -9223372022400000000,
        ]));
        let iv = run(ts, &[0, 0], 1)
            .as_primitive::<IntervalMonthDayNanoType>()
            .value(0);
        assert_eq!(iv.days, 106751991);
        assert_eq!(iv.nanoseconds, 7_227_387_903_000);
    }
}
