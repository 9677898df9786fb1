//! `equi_width_bins(min, max, bin_count, nice_rounding)`: the upper boundaries of
//! `bin_count` equal-width bins covering `[min, max]`, as DuckDB computes them (for
//! `histogram(x, equi_width_bins(...))`).
//!
//! Integers, floating-point numbers and timestamps (dates too) are binned; the list has
//! the type of `max` (decimals become DOUBLE). With `nice_rounding` the step and the last
//! boundary are rounded to "nice" numbers (multiples of 1, 2 or 5 times a power of ten;
//! whole months, days, hours, quarter hours, ... for timestamps) and up to twice as many
//! bins may come out. The last boundary is always at least `max`.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Builder, Int64Builder, ListBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{
    DataType, Field, Float64Type, Int64Type, TimeUnit, TimestampMicrosecondType,
};

use super::util::{add_all, arg, check_arity, Entry, Prims, Shape};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::calendar::{
    add_interval_micros, checked_days, civil_from_days, date_to_micros, days_in_month,
    is_infinite_timestamp, micros_to_date, MICROS_PER_DAY,
};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[("equi_width_bins", &[], sig_bins, invoke_bins)];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

const NAME: &str = "equi_width_bins";
/// DuckDB's limit on the number of bins.
const MAX_BIN_COUNT: i64 = 1_000_000;

const MICROS_PER_SEC: i64 = 1_000_000;
const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SEC;
const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;

/// Integers, and decimals without a fraction (how Quiver holds HUGEINT literals such as
/// `-9223372036854775808`).
fn is_int(t: &DataType) -> bool {
    t.is_integer() || matches!(t, DataType::Null | DataType::Decimal128(_, 0))
}

fn is_temporal(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) | DataType::Null
    )
}

fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(t, true)))
}

fn sig_bins(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(min, max, BIGINT bin_count, BOOLEAN nice_rounding)";
    check_arity(NAME, args, 4, 4).map_err(|_| signature_error(NAME, expected, args))?;
    if !is_int(&args[2]) || !matches!(args[3], DataType::Boolean | DataType::Null) {
        return Err(signature_error(NAME, expected, args));
    }
    let (min, max) = (&args[0], &args[1]);
    let (min_t, max_t) = if is_int(min) && is_int(max) {
        let max_t = if max.is_integer() {
            max.clone()
        } else {
            DataType::Int64
        };
        (DataType::Int64, max_t)
    } else if (min.is_numeric() || is_int(min)) && (max.is_numeric() || is_int(max)) {
        let max_t = match max {
            DataType::Float32 | DataType::Float64 => max.clone(),
            _ => DataType::Float64,
        };
        (DataType::Float64, max_t)
    } else if is_temporal(min) && is_temporal(max) {
        let max_t = match max {
            DataType::Date32 | DataType::Date64 => DataType::Date32,
            DataType::Timestamp(_, tz) => DataType::Timestamp(TimeUnit::Microsecond, tz.clone()),
            _ => DataType::Timestamp(TimeUnit::Microsecond, None),
        };
        (DataType::Timestamp(TimeUnit::Microsecond, None), max_t)
    } else {
        let bad = if is_int(min) || min.is_numeric() || is_temporal(min) {
            max
        } else {
            min
        };
        return Err(Error::Schema(format!(
            "Unsupported type \"{}\" for {NAME}",
            super::conditional::duckdb_type_name(bad)
        )));
    };
    Ok(Signature {
        args: vec![min_t, max_t.clone(), DataType::Int64, DataType::Boolean],
        ret: list_of(max_t),
    })
}

fn invalid(what: &str) -> Error {
    Error::Compute(format!("Invalid input for bin function - {what}"))
}

fn not_finite() -> Error {
    Error::Compute("equi_width_bucket does not support infinite or nan as min/max value".into())
}

// ---------------------------------------------------------------------------------------
// Nice numbers
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Rounding {
    Ceiling,
    Round,
}

/// The power of ten just below `v` (10 for 67).
fn previous_power_of_ten_int(v: i128) -> i128 {
    let mut p: i128 = 1;
    while p < v {
        p *= 10;
    }
    p / 10
}

fn round_to_int(v: i128, num: i128, r: Rounding) -> i128 {
    if num == 0 {
        return 0;
    }
    match r {
        Rounding::Round => (v + num / 2) / num * num,
        Rounding::Ceiling => (v + (num - 1)) / num * num,
    }
}

/// `v` rounded to a multiple of 2 or 5 times the power of ten below `step` (whichever is
/// closer): 122 -> 120, 153 -> 150.
fn make_nice_int(v: i128, step: i128, r: Rounding) -> i128 {
    let p = previous_power_of_ten_int(step);
    let mut two = p * 2;
    let mut five = p;
    if p * 3 <= step {
        two *= 5;
    }
    if p * 2 <= step {
        five *= 5;
    }
    let (a, b) = (round_to_int(v, two, r), round_to_int(v, five, r));
    if (v - a).abs() < (v - b).abs() {
        a
    } else {
        b
    }
}

fn previous_power_of_ten(v: f64) -> f64 {
    let mut p = 1.0;
    if v < 1.0 {
        while p > v && p > 0.0 {
            p /= 10.0;
        }
        return p;
    }
    while p < v {
        p *= 10.0;
    }
    p / 10.0
}

fn round_to(v: f64, num: f64, r: Rounding) -> f64 {
    let out = match r {
        Rounding::Round => (v / num).round() * num,
        Rounding::Ceiling => (v / num).ceil() * num,
    };
    if out.is_finite() {
        out
    } else {
        v
    }
}

fn make_nice(v: f64, step: f64, r: Rounding) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let p = previous_power_of_ten(step);
    let mut two = p * 2.0;
    let mut five = p;
    if p * 3.0 <= step {
        two *= 5.0;
    }
    if p * 2.0 <= step {
        five *= 5.0;
    }
    let (a, b) = (round_to(v, two, r), round_to(v, five, r));
    if (v - a).abs() < (v - b).abs() {
        a
    } else {
        b
    }
}

// ---------------------------------------------------------------------------------------
// The three binning rules (boundaries from the top down, as DuckDB generates them)
// ---------------------------------------------------------------------------------------

fn bins_int(input_min: i64, input_max: i64, bins: usize, nice: bool) -> Vec<i64> {
    // Work at 1000x so integer division does not skew the boundaries.
    const FACTOR: i128 = 1000;
    let min = i128::from(input_min) * FACTOR;
    let mut max = i128::from(input_max) * FACTOR;
    let mut step = (max - min) / bins as i128;
    let mut bins = bins;
    if nice {
        let new_step = make_nice_int(step, step, Rounding::Round);
        let new_max = round_to_int(max, new_step, Rounding::Ceiling);
        if new_max != min && new_step != 0 {
            max = new_max;
            step = new_step;
        }
        bins *= 2;
    }
    let mut out: Vec<i64> = Vec::new();
    let mut b = max;
    while b > min {
        // A boundary past BIGINT wraps, as DuckDB's cast does; only the first can, and the
        // caller replaces it with `max`.
        let real = (b / FACTOR) as i64;
        if let Some(&last) = out.last() {
            if real < input_min || out.len() >= bins {
                break;
            }
            if real == last {
                b -= step.max(1);
                continue;
            }
        }
        out.push(real);
        b -= step.max(1);
    }
    out
}

fn bins_float(min: f64, input_max: f64, bins: usize, nice: bool) -> Result<Vec<f64>> {
    if !min.is_finite() || !input_max.is_finite() {
        return Err(not_finite());
    }
    let mut max = input_max;
    let span = max - min;
    let mut step = if span.is_finite() {
        span / bins as f64
    } else {
        max / bins as f64 - min / bins as f64
    };
    let step_power = previous_power_of_ten(step);
    let mut bins = bins;
    if nice {
        step = make_nice(step, step, Rounding::Round);
        max = round_to(input_max, step, Rounding::Ceiling);
        bins *= 2;
    }
    if step <= 0.0 || !step.is_finite() || step_power == 0.0 {
        return Err(crate::internal_err!("`{NAME}`: the bin width is zero"));
    }
    let scale = 10.0 / step_power;
    let mut out: Vec<f64> = Vec::new();
    let mut b = max;
    while b > min {
        let real = if nice { (b * scale).round() / scale } else { b };
        if out.last() == Some(&real) {
            b -= step;
            continue;
        }
        if real <= min || out.len() >= bins {
            break;
        }
        out.push(real);
        b -= step;
    }
    Ok(out)
}

/// Calendar fields of a microsecond timestamp.
#[derive(Clone, Copy)]
struct Fields {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    sec: i64,
    micros: i64,
}

fn fields(ts: i64) -> Fields {
    let days = micros_to_date(ts);
    let (year, month, day) = civil_from_days(days);
    let t = ts - days * MICROS_PER_DAY;
    Fields {
        year,
        month,
        day,
        hour: t / MICROS_PER_HOUR,
        minute: t / MICROS_PER_MINUTE % 60,
        sec: t / MICROS_PER_SEC % 60,
        micros: t % MICROS_PER_SEC,
    }
}

/// A step of months, days and microseconds.
#[derive(Clone, Copy)]
struct Step {
    months: i64,
    days: i64,
    micros: i64,
}

fn next_month(f: &mut Fields) {
    f.month += 1;
    if f.month == 13 {
        f.year += 1;
        f.month = 1;
    }
}

fn next_day(f: &mut Fields) {
    f.day += 1;
    if f.day > days_in_month(f.year, f.month) {
        next_month(f);
        f.day = 1;
    }
}

fn next_hour(f: &mut Fields) {
    f.hour += 1;
    if f.hour >= 24 {
        next_day(f);
        f.hour = 0;
    }
}

fn next_minute(f: &mut Fields) {
    f.minute += 1;
    if f.minute >= 60 {
        next_hour(f);
        f.minute = 0;
    }
}

fn next_second(f: &mut Fields) {
    f.sec += 1;
    if f.sec >= 60 {
        next_minute(f);
        f.sec = 0;
    }
}

/// Rounds the top boundary up to the step's unit (month, day, hour, minute or second).
fn nice_timestamp(mut f: Fields, step: Step) -> Option<i64> {
    let time_zero = |f: &Fields| f.hour == 0 && f.minute == 0 && f.sec == 0 && f.micros == 0;
    if step.months >= 12 {
        if f.day > 1 || !time_zero(&f) {
            next_month(&mut f);
            f.day = 1;
            (f.hour, f.minute, f.sec, f.micros) = (0, 0, 0, 0);
        }
    } else if step.months > 0 || step.days >= 1 {
        if !time_zero(&f) {
            next_day(&mut f);
            (f.hour, f.minute, f.sec, f.micros) = (0, 0, 0, 0);
        }
    } else if step.micros >= MICROS_PER_HOUR {
        if f.minute > 0 || f.sec > 0 || f.micros > 0 {
            next_hour(&mut f);
            (f.minute, f.sec, f.micros) = (0, 0, 0);
        }
    } else if step.micros >= MICROS_PER_MINUTE {
        if f.sec > 0 || f.micros > 0 {
            next_minute(&mut f);
            (f.sec, f.micros) = (0, 0);
        }
    } else if step.micros >= MICROS_PER_SEC && f.micros > 0 {
        next_second(&mut f);
        f.micros = 0;
    }
    let days = checked_days(f.year, f.month, f.day)?;
    date_to_micros(days)?.checked_add(
        f.hour * MICROS_PER_HOUR + f.minute * MICROS_PER_MINUTE + f.sec * MICROS_PER_SEC + f.micros,
    )
}

fn round_to_divisor(v: i64, d: i64) -> i64 {
    (v + d / 2) / d * d
}

/// Drops the step's insignificant parts and rounds the rest (whole hours, quarter hours,
/// minutes, quarter minutes or seconds, by size).
fn nice_step(mut s: Step) -> Step {
    if s.months >= 6 {
        s.days = 0;
        s.micros = 0;
    } else if s.months > 0 || s.days >= 5 {
        s.micros = 0;
    } else if s.days > 0 || s.micros >= 6 * MICROS_PER_HOUR {
        s.micros = round_to_divisor(s.micros, MICROS_PER_HOUR);
    } else if s.micros >= MICROS_PER_HOUR {
        s.micros = round_to_divisor(s.micros, 15 * MICROS_PER_MINUTE);
    } else if s.micros >= 10 * MICROS_PER_MINUTE {
        s.micros = round_to_divisor(s.micros, MICROS_PER_MINUTE);
    } else if s.micros >= MICROS_PER_MINUTE {
        s.micros = round_to_divisor(s.micros, 15 * MICROS_PER_SEC);
    } else if s.micros >= 10 * MICROS_PER_SEC {
        s.micros = round_to_divisor(s.micros, MICROS_PER_SEC);
    }
    s
}

fn bins_timestamp(min: i64, max: i64, bins: usize, nice: bool) -> Result<Vec<i64>> {
    if is_infinite_timestamp(min) || is_infinite_timestamp(max) {
        return Err(not_finite());
    }
    if !nice {
        return Ok(bins_int(min, max, bins, false));
    }
    let (lo, hi) = (fields(min), fields(max));
    let diff_months = (hi.year - lo.year) * 12 + i64::from(hi.month) - i64::from(lo.month);
    let diff_days = i64::from(hi.day) - i64::from(lo.day);
    let diff_micros = (hi.hour - lo.hour) * MICROS_PER_HOUR
        + (hi.minute - lo.minute) * MICROS_PER_MINUTE
        + (hi.sec - lo.sec) * MICROS_PER_SEC
        + (hi.micros - lo.micros);
    let n = bins as f64;
    let step_months = diff_months as f64 / n;
    let mut step_days = diff_days as f64 / n;
    let mut step_micros = diff_micros as f64 / n;
    // Carry the fractions of truncated months and days to the unit below.
    if step_months > 0.0 {
        step_days += (step_months - step_months.floor()) * 30.0;
    }
    if step_days > 0.0 {
        step_micros += (step_days - step_days.floor()) * MICROS_PER_DAY as f64;
    }
    let mut step = nice_step(Step {
        months: step_months as i64,
        days: step_days as i64,
        micros: step_micros as i64,
    });
    let overflow = || crate::compute_err!("`{NAME}`: overflow computing the bin boundaries");
    let mut ts = nice_timestamp(hi, step).ok_or_else(overflow)?;
    if step.months <= 0 && step.days <= 0 && step.micros <= 0 {
        step = Step {
            months: 0,
            days: 0,
            micros: 1,
        };
    }
    let mut out = Vec::new();
    while ts >= min && out.len() < bins {
        out.push(ts);
        ts =
            add_interval_micros(ts, -step.months, -step.days, -step.micros).ok_or_else(overflow)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Invocation
// ---------------------------------------------------------------------------------------

/// Checks the row's arguments: `None` when the min/max order or bin count is invalid.
fn check_row<T: PartialOrd>(min: &T, max: &T, bins: i64) -> Result<usize> {
    if max < min {
        return Err(invalid("max value is smaller than min value"));
    }
    if bins <= 0 {
        return Err(invalid("there must be > 0 bins"));
    }
    if bins > MAX_BIN_COUNT {
        return Err(invalid(&format!(
            "max bin count of {MAX_BIN_COUNT} exceeded"
        )));
    }
    Ok(bins as usize)
}

/// The boundaries in DuckDB's order: ascending, the last raised to `max` if below it.
fn finish<T: PartialOrd + Copy>(mut v: Vec<T>, max: T) -> Vec<T> {
    match v.first_mut() {
        Some(first) if *first < max => *first = max,
        None => v.push(max),
        _ => {}
    }
    v.reverse();
    v
}

fn invoke_bins(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let max_arg = arg(args, 1, NAME)?;
    let ret_elem = max_arg.data_type();
    let bins = Prims::<Int64Type>::new(arg(args, 2, NAME)?, NAME)?;
    let nice_arr = arg(args, 3, NAME)?.to_array(shape.len)?;
    let nice_arr = arrow::compute::cast(&nice_arr, &DataType::Boolean)?;
    let nice: &BooleanArray = arrow::array::AsArray::as_boolean(&nice_arr);
    let nice_at = |i: usize| {
        let i = if nice.len() == 1 { 0 } else { i };
        nice.is_valid(i).then(|| nice.value(i))
    };
    // Both bounds in the type the bins are computed in.
    let work = match arg(args, 0, NAME)?.data_type() {
        DataType::Timestamp(_, _) => DataType::Timestamp(TimeUnit::Microsecond, None),
        t => t,
    };
    let as_work = |v: &ColumnarValue| -> Result<ArrayRef> {
        crate::physical::expr::cast_array(&v.to_array(shape.len)?, &work, false)
    };
    let (min_a, max_a) = (as_work(arg(args, 0, NAME)?)?, as_work(max_arg)?);
    let out: ArrayRef = match &work {
        DataType::Int64 => {
            let (lo, hi) = (rows::<Int64Type>(&min_a), rows::<Int64Type>(&max_a));
            let mut b = ListBuilder::new(Int64Builder::new());
            for i in 0..shape.len {
                match (lo.get(i), hi.get(i), bins.get(i), nice_at(i)) {
                    (Some(lo), Some(hi), Some(n), Some(nice)) => {
                        let n = check_row(&lo, &hi, n)?;
                        let v = if lo == hi {
                            vec![hi]
                        } else {
                            finish(bins_int(lo, hi, n, nice), hi)
                        };
                        b.append_value(v.into_iter().map(Some));
                    }
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        DataType::Float64 => {
            let (lo, hi) = (rows::<Float64Type>(&min_a), rows::<Float64Type>(&max_a));
            let mut b = ListBuilder::new(Float64Builder::new());
            for i in 0..shape.len {
                match (lo.get(i), hi.get(i), bins.get(i), nice_at(i)) {
                    (Some(lo), Some(hi), Some(n), Some(nice)) => {
                        let n = check_row(&lo, &hi, n)?;
                        let v = if lo == hi {
                            vec![hi]
                        } else {
                            finish(bins_float(lo, hi, n, nice)?, hi)
                        };
                        b.append_value(v.into_iter().map(Some));
                    }
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        _ => {
            let (lo, hi) = (
                rows::<TimestampMicrosecondType>(&min_a),
                rows::<TimestampMicrosecondType>(&max_a),
            );
            let mut b = ListBuilder::new(TimestampMicrosecondBuilder::new());
            for i in 0..shape.len {
                match (lo.get(i), hi.get(i), bins.get(i), nice_at(i)) {
                    (Some(lo), Some(hi), Some(n), Some(nice)) => {
                        let n = check_row(&lo, &hi, n)?;
                        let v = if lo == hi {
                            vec![hi]
                        } else {
                            finish(bins_timestamp(lo, hi, n, nice)?, hi)
                        };
                        b.append_value(v.into_iter().map(Some));
                    }
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
    };
    let out = arrow::compute::cast(&out, &list_of(ret_elem))?;
    shape.wrap(out)
}

/// Row access to a primitive array of type `T` (all NULL if it has another type).
fn rows<T: arrow::datatypes::ArrowPrimitiveType>(a: &ArrayRef) -> Prims<'_, T> {
    match arrow::array::AsArray::as_primitive_opt::<T>(a.as_ref()) {
        Some(a) => Prims::Arr(a),
        None => Prims::Const(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_bins_are_nice() {
        assert_eq!(finish(bins_int(0, 10, 2, true), 10), vec![5, 10]);
        assert_eq!(
            finish(bins_int(0, 1734, 10, true), 1734),
            vec![200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]
        );
        assert_eq!(
            finish(bins_int(0, 1734, 10, false), 1734),
            vec![173, 346, 520, 693, 867, 1040, 1213, 1387, 1560, 1734]
        );
        assert_eq!(
            finish(bins_int(i64::MIN, i64::MAX, 5, true), i64::MAX),
            vec![
                -5_000_000_000_000_000_000,
                0,
                5_000_000_000_000_000_000,
                i64::MAX
            ]
        );
        assert_eq!(finish(bins_int(0, 10, 5999, true), 10).len(), 11);
    }

    #[test]
    fn float_bins_are_nice() {
        assert_eq!(
            finish(bins_float(0.0, 1.0, 5, true).unwrap(), 1.0),
            vec![0.2, 0.4, 0.6, 0.8, 1.0]
        );
        assert_eq!(
            finish(bins_float(-1.0, 1.0, 5, true).unwrap(), 1.0),
            vec![-0.5, 0.0, 0.5, 1.0]
        );
        assert!(bins_float(0.0, f64::INFINITY, 5, true).is_err());
    }

    #[test]
    fn timestamp_bins_round_to_calendar_units() {
        let day = |y, m, d| date_to_micros(checked_days(y, m, d).unwrap()).unwrap();
        let out = finish(
            bins_timestamp(day(1992, 1, 1), day(2000, 1, 1), 2, true).unwrap(),
            day(2000, 1, 1),
        );
        assert_eq!(out, vec![day(1996, 1, 1), day(2000, 1, 1)]);
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(check_row(&1, &0, 5).is_err());
        assert!(check_row(&0, &1, 0).is_err());
        assert!(check_row(&0, &1, 99_999_999).is_err());
    }
}
