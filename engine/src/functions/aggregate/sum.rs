//! `sum(x)`, and the typed per-group running sums that `avg` shares.
//!
//! Result types (DuckDB returns HUGEINT, a 128-bit integer, for the sum of any integer type,
//! which Arrow lacks):
//! - `Int8`..`Int32`, `UInt8`..`UInt32` and `Boolean` sum into `Int64`: it cannot overflow
//!   before 2^32 rows and stays the natural integer type for counts and small measures;
//! - `Int64` and `UInt64` sum into `Decimal128(38, 0)`, exact like DuckDB's HUGEINT;
//! - `DECIMAL(p, s)` sums into `DECIMAL(38, s)` (exact, as TPC-H needs);
//! - floats sum into `Float64` (plain summation, as DuckDB's `sum`, in ORDER BY order when
//!   the call has one).
//!
//! A group without non-NULL values gives NULL; overflow is an [`Error::Compute`].

use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, ArrowNativeTypeOp, AsArray, PrimitiveArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::*;

use super::collect::Collected;
use super::util::{check_arg_count, check_inputs, check_map, downcast_other, grow, order_keys};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::{Error, Result};
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "sum",
        aliases: &[],
        signature: sum_signature,
        create: create_sum,
    });
}

const EXPECTED: &str = "one numeric argument (integer, DECIMAL or floating point)";

/// The type `sum` and `avg` accumulate an input type in (after casts), with the input cast.
pub(super) fn sum_input_type(name: &str, types: &[DataType]) -> Result<(DataType, DataType)> {
    check_arg_count(name, types, 1, 1, EXPECTED)?;
    Ok(match &types[0] {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => (types[0].clone(), DataType::Int64),
        DataType::Null => (DataType::Int32, DataType::Int64),
        DataType::Int64 | DataType::UInt64 => (types[0].clone(), DataType::Decimal128(38, 0)),
        DataType::Decimal128(_, s) => (types[0].clone(), DataType::Decimal128(38, *s)),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => {
            (DataType::Decimal128(*p, *s), DataType::Decimal128(38, *s))
        }
        DataType::Float32 | DataType::Float64 => (types[0].clone(), DataType::Float64),
        DataType::Float16 => (DataType::Float64, DataType::Float64),
        DataType::Dictionary(_, v) => return sum_input_type(name, &[v.as_ref().clone()]),
        _ => return Err(signature_error(name, EXPECTED, types)),
    })
}

fn sum_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    if types.first() == Some(&DataType::Boolean) {
        // DuckDB sums booleans as 0/1 (sum of TRUE values).
        check_arg_count("sum", types, 1, 1, EXPECTED)?;
        return Ok(Signature {
            args: vec![DataType::Int32],
            ret: DataType::Int64,
        });
    }
    let (arg, ret) = sum_input_type("sum", types)?;
    Ok(Signature {
        args: vec![arg],
        ret,
    })
}

fn create_sum(args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
    let input = args.arg_types.first().cloned().unwrap_or(DataType::Null);
    let ret = args.return_type.clone();
    Ok(match (&input, &ret) {
        (DataType::Int8, _) => Box::new(SumAccumulator::<Int8Type, Int64Type>::new(ret)),
        (DataType::Int16, _) => Box::new(SumAccumulator::<Int16Type, Int64Type>::new(ret)),
        (DataType::Int32, _) => Box::new(SumAccumulator::<Int32Type, Int64Type>::new(ret)),
        (DataType::UInt8, _) => Box::new(SumAccumulator::<UInt8Type, Int64Type>::new(ret)),
        (DataType::UInt16, _) => Box::new(SumAccumulator::<UInt16Type, Int64Type>::new(ret)),
        (DataType::UInt32, _) => Box::new(SumAccumulator::<UInt32Type, Int64Type>::new(ret)),
        (DataType::Int64, _) => Box::new(SumAccumulator::<Int64Type, Decimal128Type>::new(ret)),
        (DataType::UInt64, _) => Box::new(SumAccumulator::<UInt64Type, Decimal128Type>::new(ret)),
        (DataType::Decimal128(_, _), _) => {
            Box::new(SumAccumulator::<Decimal128Type, Decimal128Type>::new(ret))
        }
        // A float sum depends on the order of its terms: honour an ORDER BY.
        (DataType::Float32 | DataType::Float64, _) if args.ordered => Box::new(OrderedFloatSum {
            collected: Collected::new(DataType::Float64, true),
        }),
        (DataType::Float32, _) => Box::new(SumAccumulator::<Float32Type, Float64Type>::new(ret)),
        (DataType::Float64, _) => Box::new(SumAccumulator::<Float64Type, Float64Type>::new(ret)),
        _ => {
            return Err(crate::internal_err!(
                "`sum` was created for input type {input}, which its signature does not accept"
            ))
        }
    })
}

/// Lossless conversion of an input value into the accumulation type.
pub(super) trait Widen<O>: Copy {
    /// The value in the wider type.
    fn widen(self) -> O;
    /// The value's magnitude, roughly (for overflow headroom).
    fn magnitude(self) -> f64;
}

/// How large a sum's magnitude may grow while wrapping additions are certainly exact.
pub(super) trait SumLimit {
    /// The bound, with a wide safety margin below the type's maximum.
    const LIMIT: f64;
}

impl SumLimit for i64 {
    const LIMIT: f64 = 4.0e18;
}
impl SumLimit for i128 {
    const LIMIT: f64 = 1.0e37;
}
impl SumLimit for f64 {
    // Float sums never fail; they reach infinity as they would with checks.
    const LIMIT: f64 = f64::INFINITY;
}

macro_rules! widen {
    ($to:ty: $($from:ty),*) => {
        $(impl Widen<$to> for $from {
            #[inline(always)]
            fn widen(self) -> $to {
                self as $to
            }
            #[inline(always)]
            fn magnitude(self) -> f64 {
                (self as f64).abs()
            }
        })*
    };
}
widen!(i64: i8, i16, i32, u8, u16, u32);
widen!(i128: i64, u64, i128);
widen!(f64: f32, f64);

/// Per-group sums of `I` values in `O`'s native type, with the count of summed values.
/// Group counts up to which [`sum_few_groups`] keeps per-lane sums in local arrays.
const SMALL_GROUPS: usize = 16;
const LANES: usize = 4;

/// Sums into at most [`SMALL_GROUPS`] groups with four independent lanes of partial sums.
/// With few groups, consecutive rows update the same sum, and a single accumulator per
/// group makes every addition wait for the previous one through memory; four lanes let
/// them overlap. The caller has checked that wrapping additions are exact.
fn sum_few_groups<I, O>(
    values: &[I::Native],
    groups: &[u32],
    sums: &mut [O::Native],
    counts: &mut [u64],
) where
    I: ArrowPrimitiveType,
    O: ArrowPrimitiveType,
    I::Native: Widen<O::Native>,
{
    let mut lane_sums = [[O::Native::default(); SMALL_GROUPS]; LANES];
    let mut lane_counts = [[0u64; SMALL_GROUPS]; LANES];
    let chunks = values.len() / LANES;
    for c in 0..chunks {
        for l in 0..LANES {
            let i = c * LANES + l;
            let g = groups[i] as usize % SMALL_GROUPS;
            lane_sums[l][g] = lane_sums[l][g].add_wrapping(values[i].widen());
            lane_counts[l][g] += 1;
        }
    }
    for i in chunks * LANES..values.len() {
        let g = groups[i] as usize % SMALL_GROUPS;
        lane_sums[0][g] = lane_sums[0][g].add_wrapping(values[i].widen());
        lane_counts[0][g] += 1;
    }
    for (g, (sum, count)) in sums.iter_mut().zip(counts.iter_mut()).enumerate() {
        for l in 0..LANES {
            *sum = sum.add_wrapping(lane_sums[l][g]);
            *count += lane_counts[l][g];
        }
    }
}

#[derive(Debug)]
pub(super) struct SumState<I: ArrowPrimitiveType, O: ArrowPrimitiveType> {
    pub sums: Vec<O::Native>,
    pub counts: Vec<u64>,
    /// An upper bound of every sum's magnitude so far: while it stays below the output
    /// type's [`SumLimit`], additions skip their overflow checks.
    headroom_used: f64,
    _input: PhantomData<fn() -> I>,
}

impl<I, O> SumState<I, O>
where
    I: ArrowPrimitiveType,
    O: ArrowPrimitiveType,
    I::Native: Widen<O::Native>,
    O::Native: SumLimit,
{
    pub fn new() -> Self {
        Self {
            sums: vec![],
            counts: vec![],
            headroom_used: 0.0,
            _input: PhantomData,
        }
    }

    fn grow(&mut self, n: usize) {
        grow(&mut self.sums, n, O::Native::default());
        grow(&mut self.counts, n, 0);
    }

    /// Adds a batch (`name` is for errors).
    pub fn update(
        &mut self,
        name: &str,
        values: &[ArrayRef],
        groups: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        check_inputs(name, values, groups, 1)?;
        self.grow(num_groups);
        let arr = values[0].as_primitive_opt::<I>().ok_or_else(|| {
            crate::internal_err!(
                "`{name}` expects {} input, got {}",
                I::DATA_TYPE,
                values[0].data_type()
            )
        })?;
        let sums = &mut self.sums;
        let counts = &mut self.counts;
        let overflow = |_| overflow_error(name);
        // Bound this batch's contribution; if every sum provably stays in range, add
        // without checks (a checked i128 add per row was Q1's hottest loop).
        let limit = <O::Native as SumLimit>::LIMIT;
        // The declared type often bounds the values well enough (DECIMAL(15,2) < 10^15);
        // otherwise look at the batch's actual minimum and maximum.
        let type_bound = match arr.data_type() {
            DataType::Decimal128(p, _) => 10f64.powi(i32::from(*p)),
            DataType::Int8 | DataType::UInt8 => 256.0,
            DataType::Int16 | DataType::UInt16 => 65536.0,
            DataType::Int32 | DataType::UInt32 => 4.3e9,
            DataType::Int64 | DataType::UInt64 => 1.9e19,
            _ => f64::INFINITY,
        } * arr.len() as f64;
        let bound = if limit.is_infinite() || self.headroom_used + type_bound < limit {
            type_bound
        } else {
            match (arrow::compute::min(arr), arrow::compute::max(arr)) {
                (Some(lo), Some(hi)) => lo.magnitude().max(hi.magnitude()) * arr.len() as f64,
                _ => 0.0,
            }
        };
        self.headroom_used += bound;
        let unchecked = limit.is_infinite() || self.headroom_used < limit;
        match arr.nulls().filter(|n| n.null_count() > 0) {
            None if unchecked && num_groups <= SMALL_GROUPS => {
                sum_few_groups::<I, O>(arr.values(), groups, sums, counts);
            }
            None if unchecked => {
                for (&g, &v) in groups.iter().zip(arr.values().iter()) {
                    let g = g as usize;
                    sums[g] = sums[g].add_wrapping(v.widen());
                    counts[g] += 1;
                }
            }
            None => {
                for (&g, &v) in groups.iter().zip(arr.values().iter()) {
                    let g = g as usize;
                    sums[g] = sums[g].add_checked(v.widen()).map_err(overflow)?;
                    counts[g] += 1;
                }
            }
            Some(nulls) => {
                for (i, (&g, &v)) in groups.iter().zip(arr.values().iter()).enumerate() {
                    if nulls.is_valid(i) {
                        let g = g as usize;
                        sums[g] = sums[g].add_checked(v.widen()).map_err(overflow)?;
                        counts[g] += 1;
                    }
                }
            }
        }
        Ok(())
    }

    /// Folds in another state.
    pub fn merge(
        &mut self,
        name: &str,
        other: &Self,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        check_map(name, group_map, other.sums.len())?;
        self.grow(num_groups);
        self.headroom_used += other.headroom_used;
        for (g, (&s, &c)) in other.sums.iter().zip(&other.counts).enumerate() {
            let t = group_map[g] as usize;
            self.sums[t] = self.sums[t]
                .add_checked(s)
                .map_err(|_| overflow_error(name))?;
            self.counts[t] += c;
        }
        Ok(())
    }

    /// Takes the sums and counts, `num_groups` of each, resetting the state.
    pub fn take(&mut self, num_groups: usize) -> (Vec<O::Native>, Vec<u64>) {
        let mut sums = std::mem::take(&mut self.sums);
        let mut counts = std::mem::take(&mut self.counts);
        sums.resize(num_groups, O::Native::default());
        counts.resize(num_groups, 0);
        (sums, counts)
    }

    pub fn size(&self) -> usize {
        self.sums.capacity() * std::mem::size_of::<O::Native>() + self.counts.capacity() * 8
    }
}

fn overflow_error(name: &str) -> Error {
    Error::Compute(format!(
        "`{name}` overflowed its result type; CAST the argument to a wider type (DOUBLE or DECIMAL(38, s))"
    ))
}

/// `sum` over one primitive input type.
#[derive(Debug)]
struct SumAccumulator<I: ArrowPrimitiveType, O: ArrowPrimitiveType> {
    state: SumState<I, O>,
    return_type: DataType,
}

impl<I, O> SumAccumulator<I, O>
where
    I: ArrowPrimitiveType,
    O: ArrowPrimitiveType,
    I::Native: Widen<O::Native>,
    O::Native: SumLimit,
{
    fn new(return_type: DataType) -> Self {
        Self {
            state: SumState::new(),
            return_type,
        }
    }
}

impl<I, O> GroupsAccumulator for SumAccumulator<I, O>
where
    I: ArrowPrimitiveType,
    O: ArrowPrimitiveType,
    I::Native: Widen<O::Native>,
    O::Native: SumLimit,
{
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        self.state.update("sum", values, groups, num_groups)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "sum")?;
        self.state.merge("sum", &other.state, group_map, num_groups)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let (sums, counts) = self.state.take(num_groups);
        let nulls = NullBuffer::from(counts.iter().map(|&c| c > 0).collect::<Vec<bool>>());
        let out = PrimitiveArray::<O>::new(sums.into(), Some(nulls))
            .with_data_type(self.return_type.clone());
        if let DataType::Decimal128(p, _) = self.return_type {
            // A DECIMAL(38, s) sum must fit 38 digits (i128 itself reaches ~1.7e38).
            let out = out
                .as_any()
                .downcast_ref::<PrimitiveArray<Decimal128Type>>()
                .ok_or_else(|| {
                    crate::internal_err!("`sum` built a non-decimal array for {}", self.return_type)
                })?;
            out.validate_decimal_precision(p)
                .map_err(|_| overflow_error("sum"))?;
        }
        Ok(Arc::new(out))
    }

    fn size(&self) -> usize {
        self.state.size() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// `sum(x ORDER BY ...)` of floats: the terms are collected and added in that order.
struct OrderedFloatSum {
    collected: Collected,
}

impl GroupsAccumulator for OrderedFloatSum {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs("sum", values, groups, 1)?;
        let keys = order_keys("sum", values, true)?;
        let x = arrow::compute::cast(&values[0], &DataType::Float64)?;
        self.collected.push(&x, groups, keys, true)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "sum")?;
        self.collected.merge(other.collected, group_map)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let g = self.collected.finish(num_groups)?;
        let values = g.values.as_primitive_opt::<Float64Type>().ok_or_else(|| {
            crate::internal_err!("`sum` collected a {} array", g.values.data_type())
        })?;
        let out: PrimitiveArray<Float64Type> = (0..num_groups)
            .map(|grp| {
                let rows = g.rows(grp);
                (!rows.is_empty()).then(|| {
                    rows.iter()
                        .fold(0.0, |acc, &i| acc + values.value(i as usize))
                })
            })
            .collect();
        Ok(Arc::new(out))
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
    use arrow::array::{Decimal128Array, Float32Array, Int32Array, Int64Array};

    use super::*;
    use crate::functions::registry;

    fn create(types: &[DataType]) -> (Box<dyn GroupsAccumulator>, DataType) {
        let def = registry().aggregate("sum").unwrap();
        let sig = (def.signature)(types, &[None]).unwrap();
        let acc = (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret.clone(),
            ordered: false,
        })
        .unwrap();
        (acc, sig.ret)
    }

    #[test]
    fn sums_ints_with_nulls_and_empty_groups() {
        let (mut acc, ret) = create(&[DataType::Int32]);
        assert_eq!(ret, DataType::Int64);
        let v: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(3), None]));
        acc.update(&[v], &[0, 0, 0, 1], 3).unwrap();
        let out = acc.finish(3).unwrap();
        assert_eq!(out.data_type(), &DataType::Int64);
        let got: Vec<Option<i64>> = out.as_primitive::<Int64Type>().iter().collect();
        assert_eq!(got, vec![Some(4), None, None]);
    }

    #[test]
    fn sums_bigint_exactly_as_decimal() {
        let (mut acc, ret) = create(&[DataType::Int64]);
        assert_eq!(ret, DataType::Decimal128(38, 0));
        let v: ArrayRef = Arc::new(Int64Array::from(vec![i64::MAX, i64::MAX]));
        acc.update(&[v], &[0, 0], 1).unwrap();
        let out = acc.finish(1).unwrap();
        assert_eq!(out.data_type(), &ret);
        assert_eq!(
            out.as_primitive::<Decimal128Type>().value(0),
            2 * i64::MAX as i128
        );
    }

    #[test]
    fn sums_decimals_to_precision_38_and_merges() {
        let (mut a, ret) = create(&[DataType::Decimal128(15, 2)]);
        assert_eq!(ret, DataType::Decimal128(38, 2));
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![150, 275])
                .with_precision_and_scale(15, 2)
                .unwrap(),
        );
        a.update(&[v], &[0, 1], 2).unwrap();
        let (mut b, _) = create(&[DataType::Decimal128(15, 2)]);
        let w: ArrayRef = Arc::new(
            Decimal128Array::from(vec![Some(5), None])
                .with_precision_and_scale(15, 2)
                .unwrap(),
        );
        b.update(&[w], &[0, 1], 2).unwrap();
        a.merge(b, &[1, 2], 3).unwrap();
        let out = a.finish(3).unwrap();
        assert_eq!(out.data_type(), &ret);
        let got: Vec<Option<i128>> = out.as_primitive::<Decimal128Type>().iter().collect();
        assert_eq!(got, vec![Some(150), Some(280), None]);
    }

    #[test]
    fn decimal_overflow_is_an_error() {
        // Beyond 38 digits: caught at finish.
        let (mut acc, _) = create(&[DataType::Decimal128(38, 0)]);
        let big = 6 * 10i128.pow(37);
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![big, big])
                .with_precision_and_scale(38, 0)
                .unwrap(),
        );
        acc.update(&[v], &[0, 0], 1).unwrap();
        let err = acc.finish(1).unwrap_err();
        assert!(matches!(err, Error::Compute(_)), "{err}");
        assert!(err.to_string().contains("sum"));
        // Beyond i128: caught while adding.
        let (mut acc, _) = create(&[DataType::Decimal128(38, 0)]);
        let big = 10i128.pow(38) - 1;
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![big, big])
                .with_precision_and_scale(38, 0)
                .unwrap(),
        );
        assert!(matches!(
            acc.update(&[v], &[0, 0], 1),
            Err(Error::Compute(_))
        ));
    }

    #[test]
    fn sums_floats_to_double() {
        let (mut acc, ret) = create(&[DataType::Float32]);
        assert_eq!(ret, DataType::Float64);
        let v: ArrayRef = Arc::new(Float32Array::from(vec![0.5, 1.25]));
        acc.update(&[v], &[0, 0], 1).unwrap();
        assert_eq!(
            acc.finish(1)
                .unwrap()
                .as_primitive::<Float64Type>()
                .value(0),
            1.75
        );
    }

    #[test]
    fn rejects_strings_and_maps_booleans() {
        let def = registry().aggregate("sum").unwrap();
        let err = (def.signature)(&[DataType::Utf8], &[None]).unwrap_err();
        assert!(err.to_string().contains("`sum`"));
        let sig = (def.signature)(&[DataType::Boolean], &[None]).unwrap();
        assert_eq!(sig.ret, DataType::Int64);
    }
}
