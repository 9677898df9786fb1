//! Quantiles: `median(x)`, `quantile_cont(x, q)` and `quantile_disc(x, q)` (alias
//! `quantile`), with `q` a constant in [-1, 1] (a negative `q` counts from the top, as in
//! DuckDB) or a constant list of them (the result is then a list, one value per `q`).
//! `percentile_cont` / `percentile_disc ... WITHIN GROUP` are planned onto these.
//!
//! Types follow DuckDB: `quantile_cont` / `median` of an integer (HUGEINT included, which
//! Quiver holds as DECIMAL(38, 0)) is `Float64` (the input is cast to DOUBLE), of
//! `Float32` / `Float64` / DECIMAL / TIME / TIMESTAMP / INTERVAL the input type, and of a
//! DATE a `Timestamp(µs)`; intervals interpolate on their length with 30-day months; for other orderable types (strings, booleans, ...)
//! they fall back to the discrete quantile. `quantile_disc` returns a value of the input.
//! Interpolation is DuckDB's: `lo·(1−d) + hi·d` (fused) for floats, truncated
//! `lo + (hi−lo)·d` for decimals, rounded for times and timestamps. The discrete
//! quantile is the value at `⌈n·q⌉ − 1` of the sorted non-NULL values.
//!
//! Primitive types keep every non-NULL value with its group id in two flat vectors, then at
//! finish order them by group (counting sort) and select in place
//! (`select_nth_unstable`). Other types collect their rows and sort indices per group
//! with Arrow's comparator.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{
    make_comparator, Array, ArrayRef, ArrowNativeTypeOp, AsArray, IntervalMonthDayNanoArray,
    ListArray, PrimitiveArray, UInt32Array,
};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::SortOptions;
use arrow::datatypes::{
    i256, ArrowPrimitiveType, DataType, Field, IntervalMonthDayNano, IntervalMonthDayNanoType,
    IntervalUnit, TimeUnit,
};

use super::collect::Collected;
use super::min_max::is_orderable;
use super::util::{
    check_arg_count, check_inputs, dispatch_primitive, downcast_other, group_order, value_type,
};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::{Error, Result};
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "median",
        aliases: &[],
        signature: |t, _| signature("median", true, t, None),
        create: |a| create("median", true, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "quantile_cont",
        aliases: &[],
        signature: |t, l| signature("quantile_cont", true, t, Some(l)),
        create: |a| create("quantile_cont", true, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "quantile_disc",
        aliases: &["quantile"],
        signature: |t, l| signature("quantile_disc", false, t, Some(l)),
        create: |a| create("quantile_disc", false, a),
    });
}

/// The quantile argument: a constant number in [-1, 1], or a list of them (then the
/// result is a list). Returns the quantiles and whether a list was given.
fn quantile_arg(name: &str, lits: &[Option<ScalarValue>]) -> Result<(Vec<f64>, bool)> {
    let lit = lits.get(1).and_then(|l| l.as_ref()).ok_or_else(|| {
        crate::schema_err!(
            "the quantile of `{name}` must be a constant number in [-1, 1], such as 0.9"
        )
    })?;
    let check = |q: Option<f64>, shown: &dyn Fn() -> String| -> Result<f64> {
        let q = q.ok_or_else(|| {
            crate::schema_err!(
                "the quantile of `{name}` must be a number in [-1, 1], got {}",
                shown()
            )
        })?;
        if !(-1.0..=1.0).contains(&q) {
            return Err(crate::schema_err!(
                "the quantile of `{name}` must be in the range [-1, 1], got {q}"
            ));
        }
        Ok(q)
    };
    if let DataType::List(_) = lit.data_type() {
        let list = lit.as_array().as_list::<i32>();
        if list.is_null(0) {
            return Err(crate::schema_err!(
                "the quantiles of `{name}` must not be NULL"
            ));
        }
        let items = list.value(0);
        let floats = arrow::compute::cast(&items, &DataType::Float64).map_err(|_| {
            crate::schema_err!(
                "the quantiles of `{name}` must be numbers in [-1, 1], got {}",
                lit.to_display_string()
            )
        })?;
        let floats = floats.as_primitive::<arrow::datatypes::Float64Type>();
        let qs = floats
            .iter()
            .map(|q| check(q, &|| lit.to_display_string()))
            .collect::<Result<Vec<_>>>()?;
        return Ok((qs, true));
    }
    Ok((
        vec![check(lit.as_f64(), &|| lit.to_display_string())?],
        false,
    ))
}

/// How the continuous quantile interpolates between two neighbours (DuckDB's rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lerp {
    /// Discrete: no interpolation, the lower neighbour.
    None,
    /// `lo·(1−d) + hi·d`, fused, in `f64`.
    Float,
    /// `lo + (hi−lo)·d` in `f64`, truncated toward zero (decimals of up to 18 digits).
    Truncate,
    /// `lo + trunc((hi−lo)·d)`, exact integer base (wide decimals).
    Wide,
    /// `lo·(1−d) + hi·d` rounded to the nearest integer (times, timestamps, durations).
    Round,
}

/// The interpolation for continuous quantiles of `t` (after the signature's casts).
fn lerp_for(t: &DataType) -> Lerp {
    match t {
        DataType::Float32 | DataType::Float64 => Lerp::Float,
        DataType::Decimal32(_, _) | DataType::Decimal64(_, _) => Lerp::Truncate,
        DataType::Decimal128(p, _) if *p <= 18 => Lerp::Truncate,
        DataType::Decimal128(_, _) => Lerp::Wide,
        DataType::Timestamp(_, _)
        | DataType::Time32(_)
        | DataType::Time64(_)
        | DataType::Duration(_) => Lerp::Round,
        _ => Lerp::None,
    }
}

fn signature(
    name: &str,
    cont: bool,
    types: &[DataType],
    lits: Option<&[Option<ScalarValue>]>,
) -> Result<Signature> {
    let expected = if lits.is_some() {
        "a value of an orderable type and a constant quantile in [-1, 1]"
    } else {
        "one argument of an orderable type"
    };
    let n = if lits.is_some() { 2 } else { 1 };
    check_arg_count(name, types, n, n, expected)?;
    let list = match lits {
        Some(lits) => quantile_arg(name, lits)?.1,
        None => false,
    };
    let t = value_type(&types[0]);
    if !is_orderable(&t) {
        return Err(signature_error(name, expected, types));
    }
    let arg = if cont {
        match &t {
            t if t.is_integer() => DataType::Float64,
            DataType::Float16 | DataType::Null => DataType::Float64,
            // HUGEINT (which Quiver holds as DECIMAL(38, 0)) interpolates as DOUBLE.
            DataType::Decimal128(38, 0) => DataType::Float64,
            DataType::Date32 | DataType::Date64 => DataType::Timestamp(TimeUnit::Microsecond, None),
            _ => t,
        }
    } else {
        t
    };
    let mut args = vec![arg.clone()];
    args.extend(types.iter().skip(1).cloned());
    let ret = if list {
        DataType::List(Arc::new(Field::new_list_field(arg, true)))
    } else {
        arg
    };
    Ok(Signature { args, ret })
}

fn create(
    name: &'static str,
    cont: bool,
    args: &AggregateArgs,
) -> Result<Box<dyn GroupsAccumulator>> {
    let (qs, list) = if name == "median" {
        (vec![0.5], false)
    } else {
        quantile_arg(name, &args.literal_args)?
    };
    let t = args
        .arg_types
        .first()
        .cloned()
        .ok_or_else(|| crate::internal_err!("`{name}` was created without arguments"))?;
    let lerp = if cont { lerp_for(&t) } else { Lerp::None };
    let spec = Spec {
        name,
        qs: qs
            .iter()
            .map(|&q| Quantile {
                q: q.abs(),
                desc: q < 0.0,
            })
            .collect(),
        lerp,
        list: list.then(|| args.return_type.clone()),
    };
    if cont && matches!(t, DataType::Interval(IntervalUnit::MonthDayNano)) {
        return Ok(Box::new(QuantileInterval {
            spec,
            values: vec![],
            groups: vec![],
        }));
    }
    let generic = || -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(QuantileGeneric {
            spec: spec.clone(),
            collected: Collected::new(t.clone(), false),
        }))
    };
    match &t {
        // Orders that are not the native one, or natives without interpolation support.
        DataType::Decimal256(_, _) => generic(),
        _ => dispatch_primitive!(&t, primitive(spec.clone(), t.clone()), generic()),
    }
}

fn primitive<T: ArrowPrimitiveType>(
    spec: Spec,
    data_type: DataType,
) -> Result<Box<dyn GroupsAccumulator>>
where
    T::Native: Interpolate,
{
    Ok(Box::new(QuantilePrimitive::<T> {
        spec,
        data_type,
        values: vec![],
        groups: vec![],
    }))
}

/// What to compute.
#[derive(Debug, Clone)]
struct Spec {
    name: &'static str,
    qs: Vec<Quantile>,
    lerp: Lerp,
    /// The list type of the result when a list of quantiles was asked for.
    list: Option<DataType>,
}

/// One quantile to find.
#[derive(Debug, Clone, Copy)]
struct Quantile {
    /// |q|.
    q: f64,
    /// Whether q was negative (count from the top).
    desc: bool,
}

/// Where the answer lies among `n` sorted values.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Position {
    /// The value at this (ascending) index.
    At(usize),
    /// Interpolate from `lo` toward `hi` (adjacent ascending indices) by `d`.
    Between { lo: usize, hi: usize, d: f64 },
}

impl Spec {
    /// Shapes the results: `values` holds one value per quantile for each group where
    /// `present` is set (none for the others, which give NULL); the result is a list per
    /// group when a list of quantiles was asked for, else one value.
    fn shape(&self, values: ArrayRef, present: &[bool]) -> Result<ArrayRef> {
        let nq = self.qs.len();
        if let Some(DataType::List(field)) = &self.list {
            let mut offsets = Vec::with_capacity(present.len() + 1);
            offsets.push(0i32);
            let mut end = 0usize;
            for &p in present {
                if p {
                    end += nq;
                }
                offsets.push(i32::try_from(end).map_err(|_| {
                    Error::Compute(format!("`{}` produced more than 2^31 values", self.name))
                })?);
            }
            return Ok(Arc::new(ListArray::try_new(
                field.clone(),
                OffsetBuffer::new(offsets.into()),
                values,
                Some(NullBuffer::from(present.to_vec())),
            )?));
        }
        if present.iter().all(|&p| p) {
            return Ok(values);
        }
        let mut next = 0u32;
        let idx: UInt32Array = present
            .iter()
            .map(|&p| {
                p.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        Ok(arrow::compute::take(values.as_ref(), &idx, None)?)
    }
}

impl Quantile {
    fn position(&self, n: usize, lerp: Lerp) -> Position {
        let flip = |i: usize| if self.desc { n - 1 - i } else { i };
        if lerp == Lerp::None {
            let idx = ((n as f64 * self.q).ceil() as usize).clamp(1, n) - 1;
            return Position::At(flip(idx));
        }
        let rn = (n - 1) as f64 * self.q;
        let frn = (rn.floor() as usize).min(n - 1);
        let crn = (rn.ceil() as usize).min(n - 1);
        if frn == crn {
            Position::At(flip(frn))
        } else {
            Position::Between {
                lo: flip(frn),
                hi: flip(crn),
                d: rn - frn as f64,
            }
        }
    }
}

/// Interpolation on a native value type.
trait Interpolate: Copy {
    /// The value `d` of the way from `lo` to `hi` under `how`.
    fn interpolate(lo: Self, hi: Self, d: f64, how: Lerp) -> Self;
}

/// Shared integer interpolation through `f64`.
fn lerp_int(lo: f64, hi: f64, d: f64, how: Lerp) -> f64 {
    match how {
        Lerp::Round => lo.mul_add(1.0 - d, hi * d).round(),
        _ => (hi - lo).mul_add(d, lo).trunc(),
    }
}

impl Interpolate for f64 {
    fn interpolate(lo: Self, hi: Self, d: f64, how: Lerp) -> Self {
        match how {
            Lerp::None => lo,
            _ => lo.mul_add(1.0 - d, hi * d),
        }
    }
}

impl Interpolate for f32 {
    fn interpolate(lo: Self, hi: Self, d: f64, how: Lerp) -> Self {
        match how {
            Lerp::None => lo,
            _ => (f64::from(hi) - f64::from(lo)).mul_add(d, f64::from(lo)) as f32,
        }
    }
}

impl Interpolate for i32 {
    fn interpolate(lo: Self, hi: Self, d: f64, how: Lerp) -> Self {
        match how {
            Lerp::None => lo,
            _ => lerp_int(f64::from(lo), f64::from(hi), d, how) as i32,
        }
    }
}

impl Interpolate for i64 {
    fn interpolate(lo: Self, hi: Self, d: f64, how: Lerp) -> Self {
        match how {
            Lerp::None => lo,
            _ => lerp_int(lo as f64, hi as f64, d, how) as i64,
        }
    }
}

impl Interpolate for i128 {
    fn interpolate(lo: Self, hi: Self, d: f64, how: Lerp) -> Self {
        match how {
            Lerp::None => lo,
            Lerp::Wide => match hi.checked_sub(lo) {
                Some(delta) => lo.saturating_add((delta as f64 * d).trunc() as i128),
                None => lerp_int(lo as f64, hi as f64, d, Lerp::Truncate) as i128,
            },
            _ => lerp_int(lo as f64, hi as f64, d, how) as i128,
        }
    }
}

macro_rules! no_interpolation {
    ($($t:ty),*) => {
        $(impl Interpolate for $t {
            fn interpolate(lo: Self, _hi: Self, _d: f64, _how: Lerp) -> Self {
                lo
            }
        })*
    };
}
no_interpolation!(i8, i16, u8, u16, u32, u64, i256);

/// The `k`-th and `k+1`-th smallest of `s` (`k + 1 < s.len()`).
fn select_pair<N: ArrowNativeTypeOp>(s: &mut [N], k: usize) -> (N, N) {
    let (_, &mut a, rest) = s.select_nth_unstable_by(k, |x, y| x.compare(*y));
    let b = rest
        .iter()
        .copied()
        .reduce(|m, x| if x.is_lt(m) { x } else { m })
        .unwrap_or(a);
    (a, b)
}

/// Quantiles of a primitive type.
struct QuantilePrimitive<T: ArrowPrimitiveType> {
    spec: Spec,
    data_type: DataType,
    values: Vec<T::Native>,
    groups: Vec<u32>,
}

impl<T: ArrowPrimitiveType> GroupsAccumulator for QuantilePrimitive<T>
where
    T::Native: Interpolate,
{
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        let name = self.spec.name;
        check_inputs(name, values, groups, 1)?;
        let arr = values[0].as_primitive_opt::<T>().ok_or_else(|| {
            crate::internal_err!(
                "`{name}` expects {} input, got {}",
                self.data_type,
                values[0].data_type()
            )
        })?;
        match arr.nulls().filter(|n| n.null_count() > 0) {
            None => {
                self.values.extend_from_slice(arr.values());
                self.groups.extend_from_slice(groups);
            }
            Some(nulls) => {
                for i in nulls.valid_indices() {
                    self.values.push(arr.values()[i]);
                    self.groups.push(groups[i]);
                }
            }
        }
        Ok(())
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.spec.name)?;
        for &g in &other.groups {
            let t = *group_map.get(g as usize).ok_or_else(|| {
                crate::internal_err!("`{}` merge map has no entry for group {g}", self.spec.name)
            })?;
            self.groups.push(t);
        }
        self.values.extend_from_slice(&other.values);
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let values = std::mem::take(&mut self.values);
        let groups = std::mem::take(&mut self.groups);
        let (order, offsets) = group_order(&groups, num_groups)?;
        drop(groups);
        let mut sorted: Vec<T::Native> = order.iter().map(|&i| values[i as usize]).collect();
        drop(values);
        let mut out = Vec::with_capacity(num_groups * self.spec.qs.len());
        let mut present = Vec::with_capacity(num_groups);
        for g in 0..num_groups {
            let s = &mut sorted[offsets[g]..offsets[g + 1]];
            present.push(!s.is_empty());
            if s.is_empty() {
                continue;
            }
            for q in &self.spec.qs {
                out.push(match q.position(s.len(), self.spec.lerp) {
                    Position::At(i) => *s.select_nth_unstable_by(i, |x, y| x.compare(*y)).1,
                    Position::Between { lo, hi, d } => {
                        let (a, b) = select_pair(s, lo.min(hi));
                        let (lo_v, hi_v) = if lo < hi { (a, b) } else { (b, a) };
                        T::Native::interpolate(lo_v, hi_v, d, self.spec.lerp)
                    }
                });
            }
        }
        let arr = PrimitiveArray::<T>::new(out.into(), None).with_data_type(self.data_type.clone());
        self.spec.shape(Arc::new(arr), &present)
    }

    fn size(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<T::Native>()
            + self.groups.capacity() * 4
            + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// Discrete quantiles of any orderable type.
struct QuantileGeneric {
    spec: Spec,
    collected: Collected,
}

impl GroupsAccumulator for QuantileGeneric {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs(self.spec.name, values, groups, 1)?;
        self.collected.push(&values[0], groups, None, true)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.spec.name)?;
        self.collected.merge(other.collected, group_map)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut g = self.collected.finish(num_groups)?;
        let cmp = make_comparator(g.values.as_ref(), g.values.as_ref(), SortOptions::default())?;
        let mut picks: Vec<u32> = Vec::with_capacity(num_groups * self.spec.qs.len());
        let mut present = Vec::with_capacity(num_groups);
        for grp in 0..num_groups {
            let rows = &mut g.order[g.offsets[grp]..g.offsets[grp + 1]];
            present.push(!rows.is_empty());
            if rows.is_empty() {
                continue;
            }
            for q in &self.spec.qs {
                let Position::At(i) = q.position(rows.len(), Lerp::None) else {
                    return Err(crate::internal_err!(
                        "a discrete quantile asked to interpolate"
                    ));
                };
                let (_, &mut pick, _) =
                    rows.select_nth_unstable_by(i, |&a, &b| cmp(a as usize, b as usize));
                picks.push(pick);
            }
        }
        let values = arrow::compute::take(g.values.as_ref(), &UInt32Array::from(picks), None)?;
        self.spec.shape(values, &present)
    }

    fn size(&self) -> usize {
        self.collected.size() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// Continuous quantiles (DuckDB: the median) of intervals, which interpolate on their
/// length with a month counted as 30 days; the result has days and time, no months.
struct QuantileInterval {
    spec: Spec,
    /// Each value's length in microseconds.
    values: Vec<i128>,
    groups: Vec<u32>,
}

const MICROS_PER_DAY: i128 = 86_400_000_000;

impl GroupsAccumulator for QuantileInterval {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs(self.spec.name, values, groups, 1)?;
        let arr = values[0]
            .as_primitive_opt::<IntervalMonthDayNanoType>()
            .ok_or_else(|| {
                crate::internal_err!("`{}` got a {} array", self.spec.name, values[0].data_type())
            })?;
        for (i, &g) in groups.iter().enumerate() {
            if arr.is_valid(i) {
                let v = arr.value(i);
                let days = i128::from(v.months) * 30 + i128::from(v.days);
                self.values
                    .push(days * MICROS_PER_DAY + i128::from(v.nanoseconds) / 1_000);
                self.groups.push(g);
            }
        }
        Ok(())
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.spec.name)?;
        for &g in &other.groups {
            let t = *group_map.get(g as usize).ok_or_else(|| {
                crate::internal_err!("`{}` merge map has no entry for group {g}", self.spec.name)
            })?;
            self.groups.push(t);
        }
        self.values.extend_from_slice(&other.values);
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let values = std::mem::take(&mut self.values);
        let groups = std::mem::take(&mut self.groups);
        let (order, offsets) = group_order(&groups, num_groups)?;
        let mut sorted: Vec<i128> = order.iter().map(|&i| values[i as usize]).collect();
        let mut out = vec![];
        let mut present = Vec::with_capacity(num_groups);
        for g in 0..num_groups {
            let s = &mut sorted[offsets[g]..offsets[g + 1]];
            present.push(!s.is_empty());
            if s.is_empty() {
                continue;
            }
            s.sort_unstable();
            for q in &self.spec.qs {
                let micros = match q.position(s.len(), Lerp::Round) {
                    Position::At(i) => s[i],
                    Position::Between { lo, hi, d } => {
                        let (lo, hi) = (s[lo], s[hi]);
                        lo + ((hi - lo) as f64 * d).round() as i128
                    }
                };
                let days = micros / MICROS_PER_DAY;
                out.push(IntervalMonthDayNano::new(
                    0,
                    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX }),
                    ((micros % MICROS_PER_DAY) * 1_000) as i64,
                ));
            }
        }
        self.spec
            .shape(Arc::new(IntervalMonthDayNanoArray::from(out)), &present)
    }

    fn size(&self) -> usize {
        self.values.capacity() * 16 + self.groups.capacity() * 4 + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{
        Date32Array, Decimal128Array, Float32Array, Float64Array, Int32Array, Int64Array,
        StringArray,
    };
    use arrow::datatypes::{Decimal128Type, Float64Type, Int64Type, TimestampMicrosecondType};

    use super::*;
    use crate::functions::registry;

    fn create(name: &str, t: DataType, q: Option<f64>) -> (Box<dyn GroupsAccumulator>, Signature) {
        let def = registry().aggregate(name).unwrap();
        let (types, lits) = match q {
            Some(q) => (
                vec![t, DataType::Float64],
                vec![
                    None,
                    Some(
                        ScalarValue::try_from_array(Arc::new(Float64Array::from(vec![q]))).unwrap(),
                    ),
                ],
            ),
            None => (vec![t], vec![None]),
        };
        let sig = (def.signature)(&types, &lits).unwrap();
        let acc = (def.create)(&AggregateArgs {
            arg_types: sig.args.clone(),
            literal_args: lits,
            return_type: sig.ret.clone(),
            ordered: false,
        })
        .unwrap();
        (acc, sig)
    }

    fn run(name: &str, q: Option<f64>, values: ArrayRef, groups: &[u32], n: usize) -> ArrayRef {
        let (mut acc, sig) = create(name, values.data_type().clone(), q);
        let values = arrow::compute::cast(&values, &sig.args[0]).unwrap();
        acc.update(&[values], groups, n).unwrap();
        let out = acc.finish(n).unwrap();
        assert_eq!(out.data_type(), &sig.ret);
        out
    }

    fn floats(a: &ArrayRef) -> Vec<Option<f64>> {
        a.as_primitive::<Float64Type>().iter().collect()
    }

    #[test]
    fn median_of_ints_is_double_with_nulls_and_empty_groups() {
        let v: ArrayRef = Arc::new(Int32Array::from(vec![
            Some(1),
            Some(4),
            None,
            Some(2),
            Some(7),
            Some(3),
        ]));
        let out = run("median", None, v, &[0, 0, 0, 0, 1, 1], 3);
        assert_eq!(out.data_type(), &DataType::Float64);
        assert_eq!(floats(&out), vec![Some(2.0), Some(5.0), None]);
    }

    #[test]
    fn quantile_cont_matches_duckdb_including_negative_q() {
        let v: ArrayRef = Arc::new(Int64Array::from((0..10).collect::<Vec<i64>>()));
        let g = [0u32; 10];
        assert_eq!(
            floats(&run("quantile_cont", Some(0.3), v.clone(), &g, 1)),
            vec![Some(2.6999999999999997)]
        );
        assert_eq!(
            floats(&run("quantile_cont", Some(-0.3), v.clone(), &g, 1)),
            vec![Some(6.300000000000001)]
        );
        assert_eq!(
            floats(&run("quantile_cont", Some(1.0), v, &g, 1)),
            vec![Some(9.0)]
        );
    }

    #[test]
    fn quantile_disc_keeps_type_and_matches_duckdb() {
        let v: ArrayRef = Arc::new(Int64Array::from((0..10).collect::<Vec<i64>>()));
        let g = [0u32; 10];
        let pick = |q: f64| {
            run("quantile", Some(q), v.clone(), &g, 1)
                .as_primitive::<Int64Type>()
                .value(0)
        };
        assert_eq!(pick(0.3), 2);
        assert_eq!(pick(0.7), 6);
        assert_eq!(pick(0.9), 8);
        assert_eq!(pick(0.0), 0);
        assert_eq!(pick(1.0), 9);
        assert_eq!(pick(-0.3), 7);
    }

    #[test]
    fn decimal_median_truncates_like_duckdb() {
        let t = DataType::Decimal128(10, 2);
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![1, 2, -1, -2])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        );
        let out = run("median", None, v, &[0, 0, 1, 1], 2);
        assert_eq!(out.data_type(), &t);
        let got: Vec<Option<i128>> = out.as_primitive::<Decimal128Type>().iter().collect();
        assert_eq!(got, vec![Some(1), Some(-1)]);
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![0, 100, 200, 300])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        );
        let out = run("quantile_cont", Some(0.3), v, &[0; 4], 1);
        assert_eq!(out.as_primitive::<Decimal128Type>().value(0), 89);
    }

    #[test]
    fn median_of_dates_is_a_timestamp() {
        let v: ArrayRef = Arc::new(Date32Array::from(vec![18262, 18263]));
        let out = run("median", None, v, &[0, 0], 1);
        assert_eq!(
            out.data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, None)
        );
        let noon = (18262i64 * 86_400 + 43_200) * 1_000_000;
        assert_eq!(
            out.as_primitive::<TimestampMicrosecondType>().value(0),
            noon
        );
    }

    #[test]
    fn median_of_floats_keeps_float32() {
        let v: ArrayRef = Arc::new(Float32Array::from(vec![1.0, 2.0]));
        let out = run("median", None, v, &[0, 0], 1);
        assert_eq!(out.data_type(), &DataType::Float32);
    }

    #[test]
    fn median_of_strings_is_discrete_and_merges() {
        let (mut a, sig) = create("median", DataType::Utf8, None);
        assert_eq!(sig.ret, DataType::Utf8);
        let v: ArrayRef = Arc::new(StringArray::from(vec![Some("d"), None, Some("a")]));
        a.update(&[v], &[0, 0, 0], 2).unwrap();
        let (mut b, _) = create("median", DataType::Utf8, None);
        let w: ArrayRef = Arc::new(StringArray::from(vec!["c", "b"]));
        b.update(&[w], &[0, 0], 1).unwrap();
        a.merge(b, &[0], 2).unwrap();
        let out = a.finish(2).unwrap();
        let got: Vec<Option<&str>> = out.as_string::<i32>().iter().collect();
        assert_eq!(got, vec![Some("b"), None]);
    }

    #[test]
    fn primitive_merge_combines_groups() {
        let (mut a, _) = create("median", DataType::Int32, None);
        a.update(&[Arc::new(Float64Array::from(vec![1.0, 10.0]))], &[0, 1], 2)
            .unwrap();
        let (mut b, _) = create("median", DataType::Int32, None);
        b.update(&[Arc::new(Float64Array::from(vec![3.0, 20.0]))], &[0, 1], 2)
            .unwrap();
        a.merge(b, &[1, 0], 2).unwrap();
        // group 0 holds 1 and 20, group 1 holds 10 and 3.
        assert_eq!(floats(&a.finish(2).unwrap()), vec![Some(10.5), Some(6.5)]);
    }

    #[test]
    fn rejects_bad_quantiles() {
        let def = registry().aggregate("quantile_cont").unwrap();
        let lit = |q: f64| {
            Some(ScalarValue::try_from_array(Arc::new(Float64Array::from(vec![q]))).unwrap())
        };
        let t = [DataType::Int32, DataType::Float64];
        assert!((def.signature)(&t, &[None, lit(1.5)]).is_err());
        assert!((def.signature)(&t, &[None, None]).is_err());
        assert!((def.signature)(&t, &[None, lit(-1.0)]).is_ok());
    }
}
