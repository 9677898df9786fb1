//! `time_bucket(width, ts [, offset | origin])`: the start of the bucket of `width` that
//! holds a DATE or TIMESTAMP, as in DuckDB (and TimescaleDB).
//!
//! A width is either a number of months (no days or time part) or a fixed length (days
//! and time, no months). Buckets line up on an origin: by default 2000-01-03 (a Monday)
//! for fixed widths and 2000-01-01 for month widths; a third argument either shifts the
//! buckets by an INTERVAL offset or gives another origin. Infinite inputs stay as they
//! are, an infinite origin gives NULL, and results outside the type's range are errors.
//! A date is bucketed by fixed widths through its midnight timestamp (so it must lie in
//! TIMESTAMP's range) and by months on the calendar directly.

use std::sync::Arc;

use arrow::array::{Date32Array, TimestampMicrosecondArray};
use arrow::datatypes::{
    DataType, Date32Type, IntervalMonthDayNano, IntervalMonthDayNanoType, IntervalUnit, TimeUnit,
    TimestampMicrosecondType,
};

use super::util::{add_all, arg, check_arity, Entry, Prims, Shape};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::calendar::{
    add_interval_micros, add_months_days, checked_days, civil_from_days, date_to_micros,
    is_infinite_date, is_infinite_timestamp, micros_to_date, MICROS_PER_DAY,
};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[("time_bucket", &[], sig_time_bucket, invoke_time_bucket)];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

const NAME: &str = "time_bucket";

/// 2000-01-03 (a Monday), the default origin of fixed-width buckets.
const DEFAULT_ORIGIN_MICROS: i64 = 10_959 * MICROS_PER_DAY;
/// 2000-01-01 in months since 1970-01, the default origin of month buckets.
const DEFAULT_ORIGIN_MONTHS: i64 = 360;

const INTERVAL: DataType = DataType::Interval(IntervalUnit::MonthDayNano);

fn sig_time_bucket(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(INTERVAL, DATE | TIMESTAMP [, INTERVAL offset | DATE | TIMESTAMP origin])";
    check_arity(NAME, args, 2, 3).map_err(|_| signature_error(NAME, expected, args))?;
    let wrong = || signature_error(NAME, expected, args);
    if !matches!(args[0], DataType::Interval(_) | DataType::Null) {
        return Err(wrong());
    }
    let ts = match &args[1] {
        DataType::Date32 | DataType::Date64 => DataType::Date32,
        DataType::Timestamp(_, tz) => DataType::Timestamp(TimeUnit::Microsecond, tz.clone()),
        DataType::Null => DataType::Timestamp(TimeUnit::Microsecond, None),
        _ => return Err(wrong()),
    };
    let mut cast = vec![INTERVAL, ts.clone()];
    if let Some(third) = args.get(2) {
        cast.push(match third {
            DataType::Interval(_) | DataType::Null => INTERVAL,
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => ts.clone(),
            _ => return Err(wrong()),
        });
    }
    Ok(Signature {
        args: cast,
        ret: ts,
    })
}

/// A bucket width: whole months, or a fixed number of microseconds.
#[derive(Clone, Copy)]
enum Width {
    Months(i64),
    Micros(i64),
}

fn classify(w: IntervalMonthDayNano) -> Result<Width> {
    let not_positive = || Error::NotSupported("time_bucket: Period must be greater than 0".into());
    if w.months == 0 {
        let micros =
            i128::from(w.days) * i128::from(MICROS_PER_DAY) + i128::from(w.nanoseconds / 1000);
        if micros <= 0 {
            return Err(not_positive());
        }
        Ok(Width::Micros(
            i64::try_from(micros).map_err(|_| out_of_range())?,
        ))
    } else if w.days == 0 && w.nanoseconds == 0 {
        if w.months < 0 {
            return Err(not_positive());
        }
        Ok(Width::Months(i64::from(w.months)))
    } else {
        Err(Error::NotSupported(
            "time_bucket: Month intervals cannot have day or time component".into(),
        ))
    }
}

/// The bucket start of `ts` for a width, buckets aligned on `origin`, all in one unit;
/// `bound` is the largest magnitude the unit's storage holds (DuckDB keeps months in 32
/// bits and microseconds in 64).
fn bucket_start(width: i64, ts: i64, origin: i64, bound: i64) -> Result<i64> {
    let fits = |v: i64| v.abs() <= bound;
    let origin = origin % width;
    let ts = ts
        .checked_sub(origin)
        .filter(|v| fits(*v))
        .ok_or_else(|| overflow_in("subtraction"))?;
    let mut start = (ts / width) * width;
    if ts < 0 && ts % width != 0 {
        start = start
            .checked_sub(width)
            .filter(|v| fits(*v))
            .ok_or_else(|| overflow_in("subtraction"))?;
    }
    start
        .checked_add(origin)
        .filter(|v| fits(*v))
        .ok_or_else(|| overflow_in("addition"))
}

fn overflow_in(op: &str) -> Error {
    crate::compute_err!("Overflow in {op}")
}

/// The bucket start of `ts` for a fixed width in microseconds.
fn micros_bucket(width: i64, ts: i64, origin: i64) -> Result<i64> {
    bucket_start(width, ts, origin, i64::MAX)
}

/// Months since 1970-01 of a date.
fn epoch_months(days: i64) -> i64 {
    let (y, m, _) = civil_from_days(days);
    (y - 1970) * 12 + i64::from(m) - 1
}

/// The first day of the month bucket of `ts_months`, buckets aligned on `origin_months`.
fn months_bucket(width: i64, ts_months: i64, origin_months: i64) -> Result<i64> {
    let start = bucket_start(width, ts_months, origin_months, i64::from(i32::MAX))?;
    checked_days(
        1970 + start.div_euclid(12),
        start.rem_euclid(12) as u32 + 1,
        1,
    )
    .ok_or_else(out_of_range)
}

fn out_of_range() -> Error {
    crate::compute_err!("`{NAME}`: the bucket is out of the type's range (overflow)")
}

/// A date plus an interval, the time part in whole days (truncated), as DuckDB adds one.
fn date_plus(days: i64, iv: IntervalMonthDayNano, sign: i64) -> Option<i64> {
    let micros = iv.nanoseconds / 1000;
    add_months_days(
        days,
        sign * i64::from(iv.months),
        sign * (i64::from(iv.days) + micros / MICROS_PER_DAY),
    )
}

fn ts_plus(ts: i64, iv: IntervalMonthDayNano, sign: i64) -> Option<i64> {
    add_interval_micros(
        ts,
        sign * i64::from(iv.months),
        sign * i64::from(iv.days),
        sign * (iv.nanoseconds / 1000),
    )
}

/// What the third argument is.
enum Third<'a, T: arrow::datatypes::ArrowPrimitiveType> {
    None,
    Offset(Prims<'a, IntervalMonthDayNanoType>),
    Origin(Prims<'a, T>),
}

impl<'a, T: arrow::datatypes::ArrowPrimitiveType> Third<'a, T> {
    fn new(args: &'a [ColumnarValue]) -> Result<Self> {
        Ok(match args.get(2) {
            None => Third::None,
            Some(v) if matches!(v.data_type(), DataType::Interval(_)) => {
                Third::Offset(Prims::new(v, NAME)?)
            }
            Some(v) => Third::Origin(Prims::new(v, NAME)?),
        })
    }
}

/// One row over dates: `None` for a NULL result.
fn bucket_date(
    w: IntervalMonthDayNano,
    d: i32,
    third: Option<Result<IntervalMonthDayNano, i32>>,
) -> Result<Option<i32>> {
    if let Some(Err(origin)) = third {
        if is_infinite_date(origin) {
            return Ok(None);
        }
    }
    let width = classify(w)?;
    if is_infinite_date(d) {
        return Ok(Some(d));
    }
    let day = i64::from(d);
    let to_micros = |d: i64| date_to_micros(d).ok_or_else(out_of_range);
    let plus = |d: i64, iv, sign| date_plus(d, iv, sign).ok_or_else(out_of_range);
    let ts_add = |t: i64, iv, sign| ts_plus(t, iv, sign).ok_or_else(out_of_range);
    let out = match (width, third) {
        (Width::Micros(w), None) => {
            micros_to_date(micros_bucket(w, to_micros(day)?, DEFAULT_ORIGIN_MICROS)?)
        }
        (Width::Micros(w), Some(Ok(off))) => {
            let shifted = ts_add(to_micros(day)?, off, -1)?;
            micros_to_date(ts_add(
                micros_bucket(w, shifted, DEFAULT_ORIGIN_MICROS)?,
                off,
                1,
            )?)
        }
        (Width::Micros(w), Some(Err(origin))) => micros_to_date(micros_bucket(
            w,
            to_micros(day)?,
            to_micros(i64::from(origin))?,
        )?),
        (Width::Months(w), None) => months_bucket(w, epoch_months(day), DEFAULT_ORIGIN_MONTHS)?,
        (Width::Months(w), Some(Ok(off))) => {
            let shifted = plus(day, off, -1)?;
            plus(
                months_bucket(w, epoch_months(shifted), DEFAULT_ORIGIN_MONTHS)?,
                off,
                1,
            )?
        }
        (Width::Months(w), Some(Err(origin))) => {
            months_bucket(w, epoch_months(day), epoch_months(i64::from(origin)))?
        }
    };
    i32::try_from(out).map(Some).map_err(|_| out_of_range())
}

/// One row over microsecond timestamps: `None` for a NULL result.
fn bucket_timestamp(
    w: IntervalMonthDayNano,
    ts: i64,
    third: Option<Result<IntervalMonthDayNano, i64>>,
) -> Result<Option<i64>> {
    if let Some(Err(origin)) = third {
        if is_infinite_timestamp(origin) {
            return Ok(None);
        }
    }
    let width = classify(w)?;
    if is_infinite_timestamp(ts) {
        return Ok(Some(ts));
    }
    let ts_add = |t: i64, iv, sign| ts_plus(t, iv, sign).ok_or_else(out_of_range);
    let month_start = |w: i64, t: i64, origin_months: i64| -> Result<i64> {
        date_to_micros(months_bucket(
            w,
            epoch_months(micros_to_date(t)),
            origin_months,
        )?)
        .ok_or_else(out_of_range)
    };
    let out = match (width, third) {
        (Width::Micros(w), None) => micros_bucket(w, ts, DEFAULT_ORIGIN_MICROS)?,
        (Width::Micros(w), Some(Ok(off))) => ts_add(
            micros_bucket(w, ts_add(ts, off, -1)?, DEFAULT_ORIGIN_MICROS)?,
            off,
            1,
        )?,
        (Width::Micros(w), Some(Err(origin))) => micros_bucket(w, ts, origin)?,
        (Width::Months(w), None) => month_start(w, ts, DEFAULT_ORIGIN_MONTHS)?,
        (Width::Months(w), Some(Ok(off))) => ts_add(
            month_start(w, ts_add(ts, off, -1)?, DEFAULT_ORIGIN_MONTHS)?,
            off,
            1,
        )?,
        (Width::Months(w), Some(Err(origin))) => {
            month_start(w, ts, epoch_months(micros_to_date(origin)))?
        }
    };
    if is_infinite_timestamp(out) {
        return Err(out_of_range());
    }
    Ok(Some(out))
}

fn invoke_time_bucket(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let width = Prims::<IntervalMonthDayNanoType>::new(arg(args, 0, NAME)?, NAME)?;
    let ts = arg(args, 1, NAME)?;
    match ts.data_type() {
        DataType::Date32 => {
            let d = Prims::<Date32Type>::new(ts, NAME)?;
            let third = Third::<Date32Type>::new(args)?;
            let out = (0..shape.len)
                .map(|i| {
                    let (Some(w), Some(v)) = (width.get(i), d.get(i)) else {
                        return Ok(None);
                    };
                    let t = match &third {
                        Third::None => None,
                        Third::Offset(o) => match o.get(i) {
                            Some(o) => Some(Ok(o)),
                            None => return Ok(None),
                        },
                        Third::Origin(o) => match o.get(i) {
                            Some(o) => Some(Err(o)),
                            None => return Ok(None),
                        },
                    };
                    bucket_date(w, v, t)
                })
                .collect::<Result<Date32Array>>()?;
            shape.wrap(Arc::new(out))
        }
        DataType::Timestamp(_, tz) => {
            let t = Prims::<TimestampMicrosecondType>::new(ts, NAME)?;
            let third = Third::<TimestampMicrosecondType>::new(args)?;
            let out = (0..shape.len)
                .map(|i| {
                    let (Some(w), Some(v)) = (width.get(i), t.get(i)) else {
                        return Ok(None);
                    };
                    let x = match &third {
                        Third::None => None,
                        Third::Offset(o) => match o.get(i) {
                            Some(o) => Some(Ok(o)),
                            None => return Ok(None),
                        },
                        Third::Origin(o) => match o.get(i) {
                            Some(o) => Some(Err(o)),
                            None => return Ok(None),
                        },
                    };
                    bucket_timestamp(w, v, x)
                })
                .collect::<Result<TimestampMicrosecondArray>>()?
                .with_timezone_opt(tz);
            shape.wrap(Arc::new(out))
        }
        other => Err(crate::internal_err!("`{NAME}` was called on {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{lit, scalar};
    use super::*;
    use crate::types::datetime_parse::parse_date;

    fn iv(months: i32, days: i32, micros: i64) -> ColumnarValue {
        lit(ScalarValue::interval(months, days, micros * 1000))
    }

    fn date(s: &str) -> ColumnarValue {
        lit(ScalarValue::date32(parse_date(s).unwrap()))
    }

    fn text(v: ScalarValue) -> String {
        v.to_display_string()
    }

    #[test]
    fn buckets_dates_like_duckdb() {
        let days = scalar("time_bucket", vec![iv(0, 10, 0), date("2019-04-05")]);
        // 2000-01-03 + k * 10 days: 2019-04-03 starts a bucket.
        assert_eq!(text(days), "2019-04-03");
        let months = scalar("time_bucket", vec![iv(3, 0, 0), date("2019-05-05")]);
        assert_eq!(text(months), "2019-04-01");
        let origin = scalar(
            "time_bucket",
            vec![iv(0, 5, 0), date("2019-05-05"), date("1970-01-04")],
        );
        assert_eq!(text(origin), "2019-05-02");
        let infinite = scalar("time_bucket", vec![iv(0, 5, 0), date("infinity")]);
        assert_eq!(infinite, ScalarValue::date32(i32::MAX));
    }

    #[test]
    fn rejects_bad_widths() {
        let call =
            |w| super::super::util::testing::call("time_bucket", vec![w, date("2019-04-05")]);
        assert!(call(iv(-1, 0, 0)).is_err());
        assert!(call(iv(1, 1, 0)).is_err());
        assert!(call(iv(0, 0, -3_600_000_000)).is_err());
    }
}
