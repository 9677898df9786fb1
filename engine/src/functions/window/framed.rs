//! Aggregates over window frames: `sum(x) OVER (ORDER BY t ROWS 2 PRECEDING)` and friends.
//!
//! Any aggregate of the registry works over any frame through the generic path, which
//! feeds each row's frame to a [`GroupsAccumulator`] whose group id is the row (work in
//! proportion to the total frame size; fine for bounded sliding frames). Common cases get
//! linear-time paths:
//!
//! - a frame covering the whole partition: one accumulator, one group per partition
//!   ([`evaluate_per_group`]), the value then broadcast by the caller;
//! - `count(*)`, `count(x)`, and `sum` / `avg` of integers and decimals, over any frame:
//!   exact prefix sums, so each row costs two subtractions;
//! - `sum` / `avg` of floats over running frames (starting at the partition start, the
//!   SQL default with ORDER BY) or frames ending at the partition end: one cumulative pass
//!   in frame order, so results equal plain sequential summation;
//! - `min` / `max` over any frame whose bounds only move forward (every frame Quiver
//!   builds): a monotonic deque, comparing values with Arrow's comparators, for any
//!   orderable type.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::{
    make_comparator, Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array,
    UInt32Array,
};
use arrow::compute::SortOptions;
use arrow::datatypes::{DataType, Decimal128Type, Float64Type};
use rayon::prelude::*;

use super::FrameBounds;
use crate::error::Result;
use crate::functions::aggregate::distinct_accumulator;
use crate::functions::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::physical::expr::cast_array;

/// An aggregate function applied over a window.
#[derive(Debug, Clone, Copy)]
pub struct WindowAggregate<'a> {
    /// The aggregate.
    pub def: &'a AggregateFunctionDef,
    /// Its creation arguments (argument types after casts, return type).
    pub args: &'a AggregateArgs,
    /// `DISTINCT`: each distinct argument value counts once per frame.
    pub distinct: bool,
}

impl WindowAggregate<'_> {
    fn accumulator(&self) -> Result<Box<dyn GroupsAccumulator>> {
        let acc = (self.def.create)(self.args)?;
        if self.distinct {
            distinct_accumulator(acc, &self.args.arg_types)
        } else {
            Ok(acc)
        }
    }
}

/// Rows per accumulator update in the generic path.
const FLUSH_ROWS: usize = 64 * 1024;

/// Inputs at least this large are aggregated in parallel chunks.
const PARALLEL_ROWS: usize = 256 * 1024;

/// One value per group: `values` (the argument arrays) are aggregated by `groups`, which
/// are below `num_groups`. Rows reach the accumulator in the order given, so
/// order-sensitive aggregates (`list`, `first`, `string_agg`) see window order. Large
/// inputs are split into chunks aggregated in parallel and merged in order.
pub fn evaluate_per_group(
    agg: &WindowAggregate<'_>,
    values: &[ArrayRef],
    groups: &[u32],
    num_groups: usize,
) -> Result<ArrayRef> {
    let n = groups.len();
    let threads = rayon::current_num_threads().max(1);
    if n < PARALLEL_ROWS || threads == 1 {
        let mut acc = agg.accumulator()?;
        acc.update(values, groups, num_groups)?;
        return acc.finish(num_groups);
    }
    let chunk = n.div_ceil(threads);
    let accs: Vec<Box<dyn GroupsAccumulator>> = (0..n.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            let (lo, hi) = (c * chunk, ((c + 1) * chunk).min(n));
            let vals: Vec<ArrayRef> = values.iter().map(|v| v.slice(lo, hi - lo)).collect();
            let mut acc = agg.accumulator()?;
            acc.update(&vals, &groups[lo..hi], num_groups)?;
            Ok(acc)
        })
        .collect::<Result<_>>()?;
    let identity: Vec<u32> = (0..num_groups as u32).collect();
    let mut iter = accs.into_iter();
    let mut first = iter
        .next()
        .ok_or_else(|| crate::internal_err!("no accumulator chunks for {n} rows"))?;
    for other in iter {
        first.merge(other, &identity, num_groups)?;
    }
    first.finish(num_groups)
}

/// One value per row: the aggregate over each row's frame. `values` are the argument
/// arrays in window order; `partitions` are the partition boundaries (frames stay inside
/// their partition).
///
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, AsArray, Int32Array};
/// use arrow::datatypes::{DataType, Int64Type};
/// use quiver_engine::functions::window::framed::{evaluate_framed, WindowAggregate};
/// use quiver_engine::functions::window::FrameBounds;
/// use quiver_engine::functions::{registry, AggregateArgs};
///
/// // sum(x) OVER (ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) over one partition.
/// let def = registry().aggregate("sum").unwrap();
/// let args = AggregateArgs {
///     arg_types: vec![DataType::Int32],
///     literal_args: vec![None],
///     return_type: DataType::Int64,
///     ordered: false,
/// };
/// let agg = WindowAggregate { def, args: &args, distinct: false };
/// let x: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3]));
/// let frame = FrameBounds { start: &[0, 0, 1], end: &[1, 2, 3] };
/// let out = evaluate_framed(&agg, &[x], &[0, 3], frame).unwrap();
/// assert_eq!(out.as_primitive::<Int64Type>().values().to_vec(), vec![1, 3, 5]);
/// ```
pub fn evaluate_framed(
    agg: &WindowAggregate<'_>,
    values: &[ArrayRef],
    partitions: &[u32],
    frame: FrameBounds<'_>,
) -> Result<ArrayRef> {
    let n = frame.start.len();
    if !agg.distinct {
        match agg.def.name {
            "count_star" => return Ok(count_prefix(None, frame)),
            "count" => return Ok(count_prefix(values.first(), frame)),
            "sum" | "avg" => {
                if let Some(out) = sum_fast(agg, values, partitions, frame)? {
                    return Ok(out);
                }
            }
            _ => {}
        }
    }
    if matches!(agg.def.name, "min" | "max") && values.len() == 1 {
        if let Some(out) = min_max_sliding(agg.def.name == "max", &values[0], partitions, frame)? {
            return cast_array(&out, &agg.args.return_type, false);
        }
    }
    generic(agg, values, frame, n)
}

/// `count(x)` (non-NULL values of `x`) or `count(*)` (`x` absent) over each frame.
fn count_prefix(x: Option<&ArrayRef>, frame: FrameBounds<'_>) -> ArrayRef {
    let nulls = x
        .and_then(|a| a.logical_nulls())
        .filter(|b| b.null_count() > 0);
    let counts: Vec<i64> = match nulls {
        None => frame
            .start
            .iter()
            .zip(frame.end)
            .map(|(&s, &e)| i64::from(e.saturating_sub(s)))
            .collect(),
        Some(nulls) => {
            let mut prefix = Vec::with_capacity(nulls.len() + 1);
            let mut c = 0i64;
            prefix.push(0);
            for v in nulls.iter() {
                c += i64::from(v);
                prefix.push(c);
            }
            frame
                .start
                .iter()
                .zip(frame.end)
                .map(|(&s, &e)| prefix[e.max(s) as usize] - prefix[s as usize])
                .collect()
        }
    };
    Arc::new(Int64Array::from(counts))
}

/// The mean of an exact sum with `count` values and a decimal `scale`, rounded as `avg`
/// rounds it (the integral part exactly).
fn exact_mean(sum: i128, count: i64, scale: i8) -> f64 {
    let divisor = u32::try_from(scale)
        .ok()
        .and_then(|s| 10i128.checked_pow(s))
        .and_then(|p| p.checked_mul(i128::from(count)));
    match divisor {
        Some(d) if d > 0 => (sum / d) as f64 + (sum % d) as f64 / d as f64,
        _ => sum as f64 / count as f64 / 10f64.powi(i32::from(scale)),
    }
}

/// `sum` and `avg` without an accumulator, when a linear-time path applies.
fn sum_fast(
    agg: &WindowAggregate<'_>,
    values: &[ArrayRef],
    partitions: &[u32],
    frame: FrameBounds<'_>,
) -> Result<Option<ArrayRef>> {
    let (Some(x), [arg_type]) = (values.first(), agg.args.arg_types.as_slice()) else {
        return Ok(None);
    };
    let is_avg = agg.def.name == "avg";
    let ret = &agg.args.return_type;
    let scale = match arg_type {
        t if t.is_integer() => 0,
        DataType::Decimal128(_, s) => *s,
        DataType::Float32 | DataType::Float64 if ret == &DataType::Float64 => {
            let x = cast_array(x, &DataType::Float64, false)?;
            return Ok(float_sum_cumulative(
                is_avg,
                x.as_primitive::<Float64Type>(),
                partitions,
                frame,
            ));
        }
        _ => return Ok(None),
    };
    let exact_ret = match ret {
        DataType::Float64 if is_avg => true,
        DataType::Int64 if !is_avg && scale == 0 => true,
        DataType::Decimal128(38, s) if !is_avg && *s == scale => true,
        _ => false,
    };
    if !exact_ret {
        return Ok(None);
    }
    let x = cast_array(x, &DataType::Decimal128(38, scale), false)?;
    let x = x.as_primitive::<Decimal128Type>();
    let n = x.len();
    let mut sums = Vec::with_capacity(n + 1);
    let mut counts = Vec::with_capacity(n + 1);
    let (mut s, mut c) = (0i128, 0i64);
    sums.push(0i128);
    counts.push(0i64);
    for v in x.iter() {
        if let Some(v) = v {
            let Some(next) = s.checked_add(v) else {
                // The prefix left i128; the generic path reports overflow per frame.
                return Ok(None);
            };
            s = next;
            c += 1;
        }
        sums.push(s);
        counts.push(c);
    }
    let pairs = frame.start.iter().zip(frame.end).map(|(&s, &e)| {
        let (s, e) = (s as usize, e.max(s) as usize);
        (sums[e].checked_sub(sums[s]), counts[e] - counts[s])
    });
    let name = agg.def.name;
    let overflow = || {
        crate::compute_err!("`{name}` over a window overflowed {ret}; cast the argument to a wider type or to DOUBLE")
    };
    Ok(Some(match ret {
        DataType::Float64 => {
            let out: Vec<Option<f64>> = pairs
                .map(|(sum, count)| match (sum, count) {
                    (_, 0) => Ok(None),
                    (Some(sum), count) => Ok(Some(exact_mean(sum, count, scale))),
                    (None, _) => Err(overflow()),
                })
                .collect::<Result<_>>()?;
            Arc::new(Float64Array::from(out))
        }
        DataType::Int64 => {
            let out: Vec<Option<i64>> = pairs
                .map(|(sum, count)| match (sum, count) {
                    (_, 0) => Ok(None),
                    (Some(sum), _) => i64::try_from(sum).map(Some).map_err(|_| overflow()),
                    (None, _) => Err(overflow()),
                })
                .collect::<Result<_>>()?;
            Arc::new(Int64Array::from(out))
        }
        _ => {
            const MAX: i128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;
            let out: Vec<Option<i128>> = pairs
                .map(|(sum, count)| match (sum, count) {
                    (_, 0) => Ok(None),
                    (Some(sum), _) if (-MAX..=MAX).contains(&sum) => Ok(Some(sum)),
                    _ => Err(overflow()),
                })
                .collect::<Result<_>>()?;
            Arc::new(Decimal128Array::from(out).with_precision_and_scale(38, scale)?)
        }
    }))
}

/// Float `sum` / `avg` in one cumulative pass, when every frame starts at its partition's
/// start (summing forward) or every frame ends at its partition's end (summing backward).
fn float_sum_cumulative(
    is_avg: bool,
    x: &arrow::array::Float64Array,
    partitions: &[u32],
    frame: FrameBounds<'_>,
) -> Option<ArrayRef> {
    let ranges = || {
        partitions
            .windows(2)
            .map(|w| (w[0] as usize, w[1] as usize))
    };
    let forward = ranges().all(|(ps, pe)| frame.start[ps..pe].iter().all(|&s| s as usize == ps));
    let backward =
        !forward && ranges().all(|(ps, pe)| frame.end[ps..pe].iter().all(|&e| e as usize == pe));
    if !forward && !backward {
        return None;
    }
    let n = x.len();
    let mut out: Vec<Option<f64>> = vec![None; n];
    let value = |sum: f64, count: u64| match count {
        0 => None,
        c if is_avg => Some(sum / c as f64),
        _ => Some(sum),
    };
    for (ps, pe) in ranges() {
        let (mut sum, mut count) = (0f64, 0u64);
        if forward {
            let mut next = ps;
            for (slot, &e) in out[ps..pe].iter_mut().zip(&frame.end[ps..pe]) {
                let e = e as usize;
                while next < e {
                    if x.is_valid(next) {
                        sum += x.value(next);
                        count += 1;
                    }
                    next += 1;
                }
                *slot = value(sum, count);
            }
        } else {
            let mut next = pe;
            for i in (ps..pe).rev() {
                let s = frame.start[i] as usize;
                while next > s {
                    next -= 1;
                    if x.is_valid(next) {
                        sum += x.value(next);
                        count += 1;
                    }
                }
                out[i] = value(sum, count);
            }
        }
    }
    Some(Arc::new(Float64Array::from(out)))
}

/// `min` / `max` with a monotonic deque of candidate positions. `None` when the type has
/// no comparator or frame bounds move backwards (then the generic path runs).
fn min_max_sliding(
    is_max: bool,
    x: &ArrayRef,
    partitions: &[u32],
    frame: FrameBounds<'_>,
) -> Result<Option<ArrayRef>> {
    let Ok(cmp) = make_comparator(x.as_ref(), x.as_ref(), SortOptions::default()) else {
        return Ok(None);
    };
    let nulls = x.logical_nulls();
    let valid = |i: usize| nulls.as_ref().is_none_or(|b| b.is_valid(i));
    // Whether the value at `a` makes the value at `b` useless as a candidate.
    let dominates = |a: usize, b: usize| {
        let o = cmp(a, b);
        if is_max {
            o.is_ge()
        } else {
            o.is_le()
        }
    };
    let mut picks: Vec<Option<u32>> = Vec::with_capacity(x.len());
    let mut deque: VecDeque<usize> = VecDeque::new();
    for w in partitions.windows(2) {
        let (ps, pe) = (w[0] as usize, w[1] as usize);
        deque.clear();
        let mut next = ps;
        let (mut prev_s, mut prev_e) = (ps, ps);
        for i in ps..pe {
            let (s, e) = (frame.start[i] as usize, frame.end[i] as usize);
            if s < prev_s || e < prev_e {
                return Ok(None);
            }
            (prev_s, prev_e) = (s, e);
            next = next.max(s);
            while next < e {
                if valid(next) {
                    while deque.back().is_some_and(|&b| dominates(next, b)) {
                        deque.pop_back();
                    }
                    deque.push_back(next);
                }
                next += 1;
            }
            while deque.front().is_some_and(|&f| f < s) {
                deque.pop_front();
            }
            picks.push(deque.front().map(|&f| f as u32));
        }
    }
    let idx = UInt32Array::from(picks);
    Ok(Some(arrow::compute::take(x.as_ref(), &idx, None)?))
}

/// Any aggregate over any frames: each row is a group fed its frame's rows. Rows are
/// split into chunks computed in parallel.
fn generic(
    agg: &WindowAggregate<'_>,
    values: &[ArrayRef],
    frame: FrameBounds<'_>,
    n: usize,
) -> Result<ArrayRef> {
    if n == 0 {
        return Ok(arrow::array::new_empty_array(&agg.args.return_type));
    }
    let threads = rayon::current_num_threads().max(1);
    let chunk = n.div_ceil(threads * 4).max(4096);
    let parts: Vec<ArrayRef> = (0..n.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            let (lo, hi) = (c * chunk, ((c + 1) * chunk).min(n));
            let rows = hi - lo;
            let mut acc = agg.accumulator()?;
            let mut idx: Vec<u32> = Vec::new();
            let mut groups: Vec<u32> = Vec::new();
            let mut flush = |idx: &mut Vec<u32>, groups: &mut Vec<u32>| -> Result<()> {
                let take = UInt32Array::from(std::mem::take(idx));
                let vals = values
                    .iter()
                    .map(|v| Ok(arrow::compute::take(v.as_ref(), &take, None)?))
                    .collect::<Result<Vec<ArrayRef>>>()?;
                acc.update(&vals, groups, rows)?;
                groups.clear();
                Ok(())
            };
            for i in lo..hi {
                let g = (i - lo) as u32;
                for j in frame.start[i]..frame.end[i] {
                    idx.push(j);
                    groups.push(g);
                }
                if idx.len() >= FLUSH_ROWS {
                    flush(&mut idx, &mut groups)?;
                }
            }
            // Always at least one update, so every group exists even if all frames are empty.
            flush(&mut idx, &mut groups)?;
            acc.finish(rows)
        })
        .collect::<Result<_>>()?;
    let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
    Ok(arrow::compute::concat(&refs)?)
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, Int32Array, StringArray};
    use arrow::datatypes::Int64Type;

    use super::*;
    use crate::functions::registry;

    fn agg_args(name: &str, types: Vec<DataType>) -> AggregateArgs {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&types, &vec![None; types.len()]).unwrap();
        AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None; types.len()],
            return_type: sig.ret,
            ordered: false,
        }
    }

    fn run(
        name: &str,
        x: ArrayRef,
        partitions: &[u32],
        start: &[u32],
        end: &[u32],
        distinct: bool,
    ) -> ArrayRef {
        let args = agg_args(
            name,
            if name == "count_star" {
                vec![]
            } else {
                vec![x.data_type().clone()]
            },
        );
        let def = registry().aggregate(name).unwrap();
        let agg = WindowAggregate {
            def,
            args: &args,
            distinct,
        };
        let values = if name == "count_star" {
            vec![]
        } else {
            vec![x]
        };
        let frame = FrameBounds { start, end };
        evaluate_framed(&agg, &values, partitions, frame).unwrap()
    }

    /// Runs the generic path too and checks both agree.
    fn run_both(
        name: &str,
        x: ArrayRef,
        partitions: &[u32],
        start: &[u32],
        end: &[u32],
    ) -> ArrayRef {
        let fast = run(name, x.clone(), partitions, start, end, false);
        let args = agg_args(name, vec![x.data_type().clone()]);
        let def = registry().aggregate(name).unwrap();
        let agg = WindowAggregate {
            def,
            args: &args,
            distinct: false,
        };
        let slow = generic(&agg, &[x], FrameBounds { start, end }, start.len()).unwrap();
        assert_eq!(
            fast.as_ref(),
            slow.as_ref(),
            "{name}: fast path and generic path differ"
        );
        fast
    }

    // x = [1, NULL, 3, 4, 5 | 10, 20], two partitions; ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING.
    const PARTS: [u32; 3] = [0, 5, 7];
    const START: [u32; 7] = [0, 0, 1, 2, 3, 5, 5];
    const END: [u32; 7] = [2, 3, 4, 5, 5, 7, 7];

    fn xs() -> ArrayRef {
        Arc::new(Int32Array::from(vec![
            Some(1),
            None,
            Some(3),
            Some(4),
            Some(5),
            Some(10),
            Some(20),
        ]))
    }

    #[test]
    fn sliding_sum_count_avg() {
        let sum = run_both("sum", xs(), &PARTS, &START, &END);
        let sum: Vec<Option<i64>> = sum.as_primitive::<Int64Type>().iter().collect();
        assert_eq!(
            sum,
            vec![
                Some(1),
                Some(4),
                Some(7),
                Some(12),
                Some(9),
                Some(30),
                Some(30)
            ]
        );
        let count = run_both("count", xs(), &PARTS, &START, &END);
        assert_eq!(
            count.as_primitive::<Int64Type>().values().to_vec(),
            vec![1, 2, 2, 3, 2, 2, 2]
        );
        let star = run("count_star", xs(), &PARTS, &START, &END, false);
        assert_eq!(
            star.as_primitive::<Int64Type>().values().to_vec(),
            vec![2, 3, 3, 3, 2, 2, 2]
        );
        let avg = run_both("avg", xs(), &PARTS, &START, &END);
        let avg: Vec<Option<f64>> = avg.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(
            avg,
            vec![
                Some(1.0),
                Some(2.0),
                Some(3.5),
                Some(4.0),
                Some(4.5),
                Some(15.0),
                Some(15.0)
            ]
        );
    }

    #[test]
    fn empty_frames_give_null_sums_and_zero_counts() {
        let (start, end) = ([1u32, 2, 3, 4, 5, 6, 7], [1u32, 2, 3, 4, 5, 6, 7]);
        let sum = run_both("sum", xs(), &PARTS, &start, &end);
        assert_eq!(sum.null_count(), 7);
        let count = run_both("count", xs(), &PARTS, &start, &end);
        assert_eq!(
            count.as_primitive::<Int64Type>().values().to_vec(),
            vec![0; 7]
        );
    }

    #[test]
    fn sliding_min_max_strings() {
        let s: ArrayRef = Arc::new(StringArray::from(vec![
            Some("b"),
            None,
            Some("a"),
            Some("d"),
            Some("c"),
            Some("z"),
            Some("y"),
        ]));
        let min = run_both("min", s.clone(), &PARTS, &START, &END);
        let min: Vec<Option<&str>> = min.as_string::<i32>().iter().collect();
        assert_eq!(
            min,
            vec![
                Some("b"),
                Some("a"),
                Some("a"),
                Some("a"),
                Some("c"),
                Some("y"),
                Some("y")
            ]
        );
        let max = run_both("max", s, &PARTS, &START, &END);
        let max: Vec<Option<&str>> = max.as_string::<i32>().iter().collect();
        assert_eq!(
            max,
            vec![
                Some("b"),
                Some("b"),
                Some("d"),
                Some("d"),
                Some("d"),
                Some("z"),
                Some("z")
            ]
        );
    }

    #[test]
    fn running_float_sum_forward_and_backward() {
        let x: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(0.5),
            None,
            Some(1.5),
            Some(2.0),
        ]));
        let parts = [0u32, 4];
        // ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
        let fwd = run_both("sum", x.clone(), &parts, &[0, 0, 0, 0], &[1, 2, 3, 4]);
        let fwd: Vec<Option<f64>> = fwd.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(fwd, vec![Some(0.5), Some(0.5), Some(2.0), Some(4.0)]);
        // ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING.
        let bwd = run_both("avg", x.clone(), &parts, &[0, 1, 2, 3], &[4, 4, 4, 4]);
        let bwd: Vec<Option<f64>> = bwd.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(
            bwd,
            vec![Some(4.0 / 3.0), Some(1.75), Some(1.75), Some(2.0)]
        );
        // A sliding float frame goes through the generic path.
        let sliding = run("sum", x, &parts, &[0, 0, 1, 2], &[2, 3, 4, 4], false);
        let sliding: Vec<Option<f64>> = sliding.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(sliding, vec![Some(0.5), Some(2.0), Some(3.5), Some(3.5)]);
    }

    #[test]
    fn decimal_sum_keeps_scale() {
        let x: ArrayRef = Arc::new(
            Decimal128Array::from(vec![Some(105), Some(-5), None])
                .with_precision_and_scale(5, 1)
                .unwrap(),
        );
        let sum = run_both("sum", x, &[0, 3], &[0, 0, 0], &[1, 2, 3]);
        assert_eq!(sum.data_type(), &DataType::Decimal128(38, 1));
        let v: Vec<Option<i128>> = sum.as_primitive::<Decimal128Type>().iter().collect();
        assert_eq!(v, vec![Some(105), Some(100), Some(100)]);
    }

    #[test]
    fn distinct_count_uses_generic_path() {
        let x: ArrayRef = Arc::new(Int32Array::from(vec![1, 1, 2, 2, 3]));
        let c = run(
            "count",
            x,
            &[0, 5],
            &[0, 0, 0, 0, 0],
            &[1, 2, 3, 4, 5],
            true,
        );
        assert_eq!(
            c.as_primitive::<Int64Type>().values().to_vec(),
            vec![1, 1, 2, 2, 3]
        );
    }

    #[test]
    fn per_group_parallel_merge_matches_serial() {
        let n = PARALLEL_ROWS + 1000;
        let x: ArrayRef = Arc::new(arrow::array::Int64Array::from(
            (0..n as i64).collect::<Vec<_>>(),
        ));
        let groups: Vec<u32> = (0..n as u32).map(|i| i % 3).collect();
        let args = agg_args("sum", vec![DataType::Int64]);
        let def = registry().aggregate("sum").unwrap();
        let agg = WindowAggregate {
            def,
            args: &args,
            distinct: false,
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let out = pool
            .install(|| evaluate_per_group(&agg, &[x], &groups, 3))
            .unwrap();
        let v: Vec<Option<i128>> = out.as_primitive::<Decimal128Type>().iter().collect();
        let expect: Vec<Option<i128>> = (0..3)
            .map(|g| Some((0..n as i128).filter(|i| i % 3 == g).sum()))
            .collect();
        assert_eq!(v, expect);
    }
}
