//! Scalar functions: the date and time family (`date_part` / `extract` and the one-part
//! shorthands like `year`, `date_trunc`, `date_diff`, `date_add`, `strftime`, `strptime`,
//! `make_date`, `epoch_ms`, `to_timestamp`, `now`, ...), with DuckDB's semantics.
//!
//! Inputs may be `Date32`, `Date64` or `Timestamp` of any unit, with or without a time
//! zone; where one working type is needed it is `Timestamp(Microsecond, tz)` (DuckDB's
//! `TIMESTAMP` / `TIMESTAMPTZ`). Calendar fields of a zoned timestamp are read in its own
//! zone (Arrow's convention; DuckDB uses the session zone, which Quiver does not have).
//! Parts are literal strings, case-insensitive, singular or plural (`'years'`).
//! Extraction uses Arrow's `date_part` kernel; truncation, differences and formatting work
//! on chrono values row by row.

use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;

use arrow::array::timezone::Tz;
use arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Float64Array, Int32Array, Int64Array,
    TimestampMicrosecondArray,
};
use arrow::compute::{binary, cast, date_part as arrow_date_part, DatePart};
use arrow::datatypes::{
    DataType, Date32Type, Float64Type, Int32Type, Int64Type, IntervalMonthDayNano, IntervalUnit,
    TimeUnit, TimestampMicrosecondType,
};
use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday,
};

use super::util::{
    add_all, arg, check_arity, datum, int_target, string_target, volatile, wrap_like, Entry, Prims,
    Shape, Strs,
};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

/// The family's functions: name, aliases, signature, implementation.
const FUNCTIONS: &[Entry] = &[
    (
        "date_part",
        &["datepart", "extract"],
        sig_date_part,
        invoke_date_part,
    ),
    ("year", &[], year::sig, year::invoke),
    ("quarter", &[], quarter::sig, quarter::invoke),
    ("month", &[], month::sig, month::invoke),
    ("week", &["weekofyear"], week::sig, week::invoke),
    ("day", &["dayofmonth"], day::sig, day::invoke),
    ("dayofweek", &["weekday"], dayofweek::sig, dayofweek::invoke),
    ("isodow", &[], isodow::sig, isodow::invoke),
    ("dayofyear", &[], dayofyear::sig, dayofyear::invoke),
    ("hour", &[], hour::sig, hour::invoke),
    ("minute", &[], minute::sig, minute::invoke),
    ("second", &[], second::sig, second::invoke),
    ("millisecond", &[], millisecond::sig, millisecond::invoke),
    ("microsecond", &[], microsecond::sig, microsecond::invoke),
    ("isoyear", &[], isoyear::sig, isoyear::invoke),
    ("yearweek", &[], yearweek::sig, yearweek::invoke),
    ("decade", &[], decade::sig, decade::invoke),
    ("century", &[], century::sig, century::invoke),
    ("millennium", &[], millennium::sig, millennium::invoke),
    ("era", &[], era::sig, era::invoke),
    ("epoch", &[], epoch::sig, epoch::invoke),
    ("epoch_ms", &[], sig_epoch_ms, invoke_epoch_ms),
    ("epoch_us", &[], sig_epoch_us, invoke_epoch_us),
    (
        "date_trunc",
        &["datetrunc"],
        sig_date_trunc,
        invoke_date_trunc,
    ),
    ("date_diff", &["datediff"], sig_date_diff, invoke_date_diff),
    ("date_add", &[], sig_date_add, invoke_date_add),
    ("strftime", &[], sig_strftime, invoke_strftime),
    ("strptime", &[], sig_strptime, invoke_strptime),
    ("try_strptime", &[], sig_try_strptime, invoke_try_strptime),
    ("make_date", &[], sig_make_date, invoke_make_date),
    ("to_timestamp", &[], sig_to_timestamp, invoke_to_timestamp),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
    // Not constant-folded at plan time, so a prepared plan sees the time it runs at.
    r.add_scalar(volatile(
        "current_date",
        &["today"],
        sig_current_date,
        invoke_current_date,
    ));
    let now_aliases = &["current_timestamp", "get_current_timestamp"];
    r.add_scalar(volatile("now", now_aliases, sig_now, invoke_now));
}

// ---------------------------------------------------------------------------------------
// Parts
// ---------------------------------------------------------------------------------------

/// A date or time part, as named in `date_part`, `date_trunc` and `date_diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    DayOfWeek,
    IsoDayOfWeek,
    DayOfYear,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Epoch,
    IsoYear,
    YearWeek,
    Decade,
    Century,
    Millennium,
    Era,
}

const PART_NAMES: &str =
    "year, quarter, month, week, day, dayofweek, isodow, dayofyear, hour, minute, \
second, millisecond, microsecond, epoch, isoyear, yearweek, decade, century, millennium, era";

impl Part {
    fn parse(s: &str) -> Option<Part> {
        use Part::*;
        Some(match s.trim().to_lowercase().as_str() {
            "year" | "years" | "y" | "yr" | "yrs" => Year,
            "quarter" | "quarters" => Quarter,
            "month" | "months" | "mon" | "mons" => Month,
            "week" | "weeks" | "w" | "weekofyear" => Week,
            "day" | "days" | "d" | "dayofmonth" => Day,
            "dayofweek" | "dow" | "weekday" => DayOfWeek,
            "isodow" => IsoDayOfWeek,
            "dayofyear" | "doy" => DayOfYear,
            "hour" | "hours" | "h" | "hr" | "hrs" => Hour,
            "minute" | "minutes" | "m" | "min" | "mins" => Minute,
            "second" | "seconds" | "s" | "sec" | "secs" => Second,
            "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => Millisecond,
            "microsecond" | "microseconds" | "us" | "usec" | "usecs" => Microsecond,
            "epoch" => Epoch,
            "isoyear" => IsoYear,
            "yearweek" => YearWeek,
            "decade" | "decades" => Decade,
            "century" | "centuries" => Century,
            "millennium" | "millennia" | "millenniums" => Millennium,
            "era" => Era,
            _ => return None,
        })
    }

    /// `date_part` gives `DOUBLE` for the epoch and `BIGINT` otherwise.
    fn result_type(self) -> DataType {
        if self == Part::Epoch {
            DataType::Float64
        } else {
            DataType::Int64
        }
    }
}

/// The part named `s`, or an error listing the known parts.
fn named_part(func: &str, s: &str) -> Result<Part> {
    Part::parse(s).ok_or_else(|| {
        crate::schema_err!(
            "function `{func}`: unknown date part '{s}'; expected one of {PART_NAMES}"
        )
    })
}

/// The part named by a literal argument (`Ok(None)` when the argument is not a literal or
/// is NULL).
fn literal_part(func: &str, lits: &[Option<ScalarValue>], i: usize) -> Result<Option<Part>> {
    let lit = lits
        .get(i)
        .and_then(|l| l.as_ref())
        .and_then(|l| l.as_str());
    lit.map(|s| named_part(func, s)).transpose()
}

/// The part of a call, which must be a constant (`Ok(None)` when it is NULL).
fn const_part(func: &str, v: &ColumnarValue) -> Result<Option<Part>> {
    let Some(p) = Strs::new(v, func)?.as_const() else {
        return Err(crate::not_supported!(
            "`{func}` needs the date part as a constant string such as 'year', not a column"
        ));
    };
    p.map(|s| named_part(func, s)).transpose()
}

// ---------------------------------------------------------------------------------------
// Type helpers
// ---------------------------------------------------------------------------------------

fn is_date_or_timestamp(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _)
    )
}

/// The microsecond timestamp type a date or timestamp is worked on as (keeping the zone).
fn micros_type(t: &DataType) -> DataType {
    match t {
        DataType::Timestamp(_, tz) => DataType::Timestamp(TimeUnit::Microsecond, tz.clone()),
        _ => DataType::Timestamp(TimeUnit::Microsecond, None),
    }
}

fn tz_of(func: &str, t: &DataType) -> Result<Option<Tz>> {
    match t {
        DataType::Timestamp(_, Some(tz)) => Tz::from_str(tz)
            .map(Some)
            .map_err(|e| crate::compute_err!("`{func}`: unknown time zone `{tz}`: {e}")),
        _ => Ok(None),
    }
}

/// The wall-clock time of a microsecond timestamp in `tz` (UTC when `None`).
fn local(v: i64, tz: Option<&Tz>) -> Option<NaiveDateTime> {
    let utc = DateTime::from_timestamp_micros(v)?;
    Some(match tz {
        None => utc.naive_utc(),
        Some(tz) => utc.with_timezone(tz).naive_local(),
    })
}

/// The microsecond timestamp of a wall-clock time in `tz` (the earlier instant when the
/// time is ambiguous, an hour later when it falls in a gap).
fn from_local(t: NaiveDateTime, tz: Option<&Tz>) -> Option<i64> {
    match tz {
        None => Some(t.and_utc().timestamp_micros()),
        Some(tz) => tz
            .from_local_datetime(&t)
            .earliest()
            .or_else(|| tz.from_local_datetime(&(t + Duration::hours(1))).earliest())
            .map(|d| d.timestamp_micros()),
    }
}

fn out_of_range(func: &str, v: i64) -> Error {
    crate::compute_err!(
        "`{func}`: timestamp value {v} (microseconds since the epoch) is out of range"
    )
}

/// Microsecond timestamps with their zone and the zone's name.
type Micros<'a> = (
    Prims<'a, TimestampMicrosecondType>,
    Option<Tz>,
    Option<Arc<str>>,
);

/// A date or timestamp argument as microsecond timestamps, with its zone.
fn micros_arg<'a>(v: &'a ColumnarValue, func: &str) -> Result<Micros<'a>> {
    let dt = v.data_type();
    let tz_name = match &dt {
        DataType::Timestamp(_, tz) => tz.clone(),
        _ => None,
    };
    Ok((Prims::new(v, func)?, tz_of(func, &dt)?, tz_name))
}

// ---------------------------------------------------------------------------------------
// date_part and the one-part shorthands
// ---------------------------------------------------------------------------------------

/// An untyped NULL argument is read as a timestamp.
fn null_as_timestamp(t: &DataType) -> DataType {
    match t {
        DataType::Null => DataType::Timestamp(TimeUnit::Microsecond, None),
        t => t.clone(),
    }
}

fn check_extractable(func: &str, args: &[DataType], t: &DataType) -> Result<()> {
    let ok = is_date_or_timestamp(t)
        || matches!(
            t,
            DataType::Time32(_)
                | DataType::Time64(_)
                | DataType::Null
                | DataType::Interval(IntervalUnit::MonthDayNano)
        );
    if ok {
        Ok(())
    } else {
        Err(signature_error(func, "a DATE, TIME or TIMESTAMP", args))
    }
}

fn sig_date_part(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("date_part", args, 2, 2)?;
    if string_target(&args[0]).is_none() {
        return Err(signature_error(
            "date_part",
            "(VARCHAR part, DATE or TIMESTAMP)",
            args,
        ));
    }
    check_extractable("date_part", args, &args[1])?;
    let ret = literal_part("date_part", lits, 0)?.map_or(DataType::Int64, Part::result_type);
    let x = null_as_timestamp(&args[1]);
    Ok(Signature {
        args: vec![string_target(&args[0]).unwrap_or(DataType::Utf8), x],
        ret,
    })
}

fn invoke_date_part(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let x = arg(args, 1, "date_part")?;
    let shape = Shape::of(args);
    let a = x.to_array(shape.len)?;
    let out = match const_part("date_part", arg(args, 0, "date_part")?)? {
        Some(part) => extract("date_part", part, &a)?,
        None => arrow::array::new_null_array(&DataType::Int64, shape.len),
    };
    shape.wrap(out)
}

/// One Arrow date part as `Int32`.
fn kernel_part(func: &str, a: &ArrayRef, part: DatePart) -> Result<Int32Array> {
    let out = arrow_date_part(a.as_ref(), part).map_err(|e| {
        crate::compute_err!(
            "`{func}`: cannot extract {part} from {}: {e}",
            a.data_type()
        )
    })?;
    Ok(out.as_primitive::<Int32Type>().clone())
}

/// Extracts `part` of every value (`Int64`, or `Float64` for the epoch).
fn extract(func: &str, part: Part, a: &ArrayRef) -> Result<ArrayRef> {
    if matches!(a.data_type(), DataType::Interval(_)) {
        return extract_from_interval(func, part, a);
    }
    let simple = |p: DatePart| -> Result<ArrayRef> {
        Ok(cast(&kernel_part(func, a, p)?, &DataType::Int64)?)
    };
    let from_year = |f: fn(i64) -> i64| -> Result<ArrayRef> {
        let y = kernel_part(func, a, DatePart::Year)?;
        Ok(Arc::new(y.unary::<_, Int64Type>(|y| f(y as i64))))
    };
    Ok(match part {
        Part::Year => simple(DatePart::Year)?,
        Part::Quarter => simple(DatePart::Quarter)?,
        Part::Month => simple(DatePart::Month)?,
        Part::Week => simple(DatePart::Week)?,
        Part::Day => simple(DatePart::Day)?,
        Part::DayOfWeek => simple(DatePart::DayOfWeekSunday0)?,
        Part::IsoDayOfWeek => simple(DatePart::DayOfWeekMonday1)?,
        Part::DayOfYear => simple(DatePart::DayOfYear)?,
        Part::Hour => simple(DatePart::Hour)?,
        Part::Minute => simple(DatePart::Minute)?,
        Part::Second => simple(DatePart::Second)?,
        Part::IsoYear => simple(DatePart::YearISO)?,
        Part::Millisecond | Part::Microsecond => {
            // DuckDB counts the seconds too: millisecond of 01:02:03.5 is 3500.
            let (sub, scale) = if part == Part::Millisecond {
                (DatePart::Millisecond, 1_000)
            } else {
                (DatePart::Microsecond, 1_000_000)
            };
            let s = kernel_part(func, a, DatePart::Second)?;
            let f = kernel_part(func, a, sub)?;
            let out: Int64Array = binary(&s, &f, |s, f| s as i64 * scale + f as i64)?;
            Arc::new(out)
        }
        Part::YearWeek => {
            let y = kernel_part(func, a, DatePart::YearISO)?;
            let w = kernel_part(func, a, DatePart::Week)?;
            let out: Int64Array = binary(&y, &w, |y, w| y as i64 * 100 + w as i64)?;
            Arc::new(out)
        }
        Part::Decade => from_year(|y| y / 10)?,
        Part::Century => from_year(|y| {
            if y > 0 {
                (y - 1) / 100 + 1
            } else {
                -(-y / 100 + 1)
            }
        })?,
        Part::Millennium => from_year(|y| {
            if y > 0 {
                (y - 1) / 1000 + 1
            } else {
                -(-y / 1000 + 1)
            }
        })?,
        Part::Era => from_year(|y| i64::from(y > 0))?,
        Part::Epoch => epoch_seconds(func, a)?,
    })
}

/// A part of an interval, as DuckDB reads it: years and months from the months field
/// (`14 months` is year 1, month 2), days from the days field, time parts from the time,
/// and the epoch counting a year as 365.25 days and a month as 30.
fn extract_from_interval(func: &str, part: Part, a: &ArrayRef) -> Result<ArrayRef> {
    let iv = a.as_primitive::<arrow::datatypes::IntervalMonthDayNanoType>();
    const MINUTE: i64 = 60_000_000;
    if part == Part::Epoch {
        let out: Float64Array = iv.unary(|v| {
            let years = (v.months / 12) as f64 * 365.25 * 86_400.0;
            let months = (v.months % 12) as f64 * 30.0 * 86_400.0;
            years + months + v.days as f64 * 86_400.0 + (v.nanoseconds / 1000) as f64 / 1e6
        });
        return Ok(Arc::new(out));
    }
    let f: fn(IntervalMonthDayNano) -> i64 = match part {
        Part::Year => |v| (v.months / 12) as i64,
        Part::Month => |v| (v.months % 12) as i64,
        Part::Quarter => |v| (v.months % 12 / 3 + 1) as i64,
        Part::Decade => |v| (v.months / 120) as i64,
        Part::Century => |v| (v.months / 1200) as i64,
        Part::Millennium => |v| (v.months / 12_000) as i64,
        Part::Day => |v| v.days as i64,
        Part::Hour => |v| v.nanoseconds / 1000 / (60 * MINUTE),
        Part::Minute => |v| v.nanoseconds / 1000 % (60 * MINUTE) / MINUTE,
        Part::Second => |v| v.nanoseconds / 1000 % MINUTE / 1_000_000,
        Part::Millisecond => |v| v.nanoseconds / 1000 % MINUTE / 1000,
        Part::Microsecond => |v| v.nanoseconds / 1000 % MINUTE,
        other => {
            return Err(crate::compute_err!(
                "`{func}`: \"interval\" units \"{other:?}\" not recognized"
            ))
        }
    };
    let out: Int64Array = iv.unary(f);
    Ok(Arc::new(out))
}

/// Seconds since the epoch (or since midnight for a time of day) as `Float64`.
fn epoch_seconds(func: &str, a: &ArrayRef) -> Result<ArrayRef> {
    let micros = match a.data_type() {
        DataType::Time32(_) | DataType::Time64(_) => {
            cast(a, &DataType::Time64(TimeUnit::Microsecond))?
        }
        t if is_date_or_timestamp(t) => cast(a, &micros_type(t))?,
        other => {
            return Err(crate::compute_err!(
                "`{func}`: cannot take the epoch of a {other} value"
            ))
        }
    };
    let micros = cast(&micros, &DataType::Int64)?;
    let out: Float64Array = micros.as_primitive::<Int64Type>().unary(|v| v as f64 / 1e6);
    Ok(Arc::new(out))
}

/// `year(x)` and friends: one part, one argument.
fn one_part_sig(func: &str, args: &[DataType], part: Part) -> Result<Signature> {
    check_arity(func, args, 1, 1)?;
    check_extractable(func, args, &args[0])?;
    Ok(Signature {
        args: vec![null_as_timestamp(&args[0])],
        ret: part.result_type(),
    })
}

fn one_part(func: &str, args: &[ColumnarValue], part: Part) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, func)?.to_array(shape.len)?;
    shape.wrap(extract(func, part, &a)?)
}

/// Defines, for each one-part function, a module holding its `sig` and `invoke`.
macro_rules! part_fns {
    ($($name:ident => $part:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            pub(super) fn sig(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
                one_part_sig(stringify!($name), args, Part::$part)
            }

            pub(super) fn invoke(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
                one_part(stringify!($name), args, Part::$part)
            }
        }
    )*};
}

part_fns! {
    year => Year, quarter => Quarter, month => Month, week => Week, day => Day,
    dayofweek => DayOfWeek, isodow => IsoDayOfWeek, dayofyear => DayOfYear, hour => Hour,
    minute => Minute, second => Second, millisecond => Millisecond,
    microsecond => Microsecond, isoyear => IsoYear, yearweek => YearWeek, decade => Decade,
    century => Century, millennium => Millennium, era => Era, epoch => Epoch,
}

// ---------------------------------------------------------------------------------------
// epoch_ms, epoch_us, to_timestamp
// ---------------------------------------------------------------------------------------

/// `epoch_ms(BIGINT)` makes a timestamp from milliseconds; `epoch_ms(DATE or TIMESTAMP)`
/// gives milliseconds since the epoch.
fn sig_epoch_ms(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("epoch_ms", args, 1, 1)?;
    match &args[0] {
        t if is_date_or_timestamp(t) => Ok(Signature {
            args: vec![micros_type(t)],
            ret: DataType::Int64,
        }),
        t if int_target(t).is_some() => Ok(Signature {
            args: vec![DataType::Int64],
            ret: DataType::Timestamp(TimeUnit::Microsecond, None),
        }),
        _ => Err(signature_error(
            "epoch_ms",
            "(BIGINT milliseconds) or (TIMESTAMP)",
            args,
        )),
    }
}

fn invoke_epoch_ms(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let x = arg(args, 0, "epoch_ms")?;
    let shape = Shape::of(args);
    let a = x.to_array(shape.len)?;
    let out: ArrayRef = match a.data_type() {
        DataType::Timestamp(_, _) => {
            let v = cast(&a, &DataType::Int64)?;
            Arc::new(
                v.as_primitive::<Int64Type>()
                    .unary::<_, Int64Type>(|us| us.div_euclid(1000)),
            )
        }
        DataType::Int64 => {
            let ms = a.as_primitive::<Int64Type>();
            let out: TimestampMicrosecondArray = ms.try_unary(|v| {
                v.checked_mul(1000).ok_or_else(|| {
                    arrow::error::ArrowError::ComputeError(format!(
                        "`epoch_ms`: {v} milliseconds is out of range for a TIMESTAMP"
                    ))
                })
            })?;
            Arc::new(out)
        }
        other => return Err(crate::internal_err!("`epoch_ms` was invoked with {other}")),
    };
    shape.wrap(out)
}

fn sig_epoch_us(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("epoch_us", args, 1, 1)?;
    if !is_date_or_timestamp(&args[0]) {
        return Err(signature_error("epoch_us", "(TIMESTAMP)", args));
    }
    Ok(Signature {
        args: vec![micros_type(&args[0])],
        ret: DataType::Int64,
    })
}

fn invoke_epoch_us(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "epoch_us")?.to_array(shape.len)?;
    shape.wrap(cast(&a, &DataType::Int64)?)
}

fn sig_to_timestamp(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("to_timestamp", args, 1, 1)?;
    if !(crate::types::is_numeric(&args[0]) || args[0] == DataType::Null) {
        return Err(signature_error(
            "to_timestamp",
            "(DOUBLE seconds since the epoch)",
            args,
        ));
    }
    Ok(Signature {
        args: vec![DataType::Float64],
        ret: DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
    })
}

fn invoke_to_timestamp(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "to_timestamp")?.to_array(shape.len)?;
    let secs = a.as_primitive::<Float64Type>();
    let out: TimestampMicrosecondArray = secs.try_unary(|s| {
        let us = (s * 1e6).round();
        if us.is_finite() && us.abs() < 9.2e18 && DateTime::from_timestamp_micros(us as i64).is_some() {
            Ok(us as i64)
        } else {
            Err(arrow::error::ArrowError::ComputeError(format!(
                "`to_timestamp`: {s} seconds since the epoch is out of range for a TIMESTAMP WITH TIME ZONE"
            )))
        }
    })?;
    shape.wrap(Arc::new(out.with_timezone("UTC")))
}

// ---------------------------------------------------------------------------------------
// date_trunc
// ---------------------------------------------------------------------------------------

fn check_trunc_part(func: &str, part: Part) -> Result<()> {
    match part {
        Part::Epoch | Part::Era => Err(Error::Schema(format!(
            "function `{func}`: cannot truncate to '{}'; use year, quarter, month, week, day, hour, minute, second, \
             millisecond, microsecond, decade, century, millennium or isoyear",
            format!("{part:?}").to_lowercase()
        ))),
        _ => Ok(()),
    }
}

fn sig_date_trunc(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(VARCHAR part, DATE or TIMESTAMP)";
    check_arity("date_trunc", args, 2, 2)
        .map_err(|_| signature_error("date_trunc", expected, args))?;
    let Some(p) = string_target(&args[0]) else {
        return Err(signature_error("date_trunc", expected, args));
    };
    let t = match &args[1] {
        DataType::Null => DataType::Timestamp(TimeUnit::Microsecond, None),
        t if is_date_or_timestamp(t) => micros_type(t),
        _ => return Err(signature_error("date_trunc", expected, args)),
    };
    if let Some(part) = literal_part("date_trunc", lits, 0)? {
        check_trunc_part("date_trunc", part)?;
    }
    Ok(Signature {
        args: vec![p, t.clone()],
        ret: t,
    })
}

/// The start of the `part` period holding `t`.
fn trunc_naive(t: NaiveDateTime, part: Part) -> Option<NaiveDateTime> {
    let date = t.date();
    let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0);
    let ymd = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).and_then(day);
    match part {
        Part::Microsecond => Some(t),
        Part::Millisecond => t.with_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000),
        Part::Second => t.with_nanosecond(0),
        Part::Minute => date.and_hms_opt(t.hour(), t.minute(), 0),
        Part::Hour => date.and_hms_opt(t.hour(), 0, 0),
        Part::Day | Part::DayOfWeek | Part::IsoDayOfWeek | Part::DayOfYear => day(date),
        Part::Week | Part::YearWeek => {
            day(date - Duration::days(date.weekday().num_days_from_monday() as i64))
        }
        Part::Month => ymd(date.year(), date.month()),
        Part::Quarter => ymd(date.year(), (date.month() - 1) / 3 * 3 + 1),
        Part::Year => ymd(date.year(), 1),
        Part::Decade => ymd(date.year() / 10 * 10, 1),
        Part::Century => ymd(date.year() / 100 * 100, 1),
        Part::Millennium => ymd(date.year() / 1000 * 1000, 1),
        Part::IsoYear => {
            NaiveDate::from_isoywd_opt(date.iso_week().year(), 1, Weekday::Mon).and_then(day)
        }
        Part::Epoch | Part::Era => None,
    }
}

fn invoke_date_trunc(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "date_trunc";
    let shape = Shape::of(args);
    let x = arg(args, 1, F)?;
    let ret = x.data_type();
    let Some(part) = const_part(F, arg(args, 0, F)?)? else {
        return shape.wrap(arrow::array::new_null_array(&ret, shape.len));
    };
    check_trunc_part(F, part)?;
    let (_, tz, tz_name) = micros_arg(x, F)?;
    let a = x.to_array(shape.len)?;
    let a = a.as_primitive::<TimestampMicrosecondType>();
    const US_PER: [(Part, i64); 5] = [
        (Part::Microsecond, 1),
        (Part::Millisecond, 1_000),
        (Part::Second, 1_000_000),
        (Part::Minute, 60_000_000),
        (Part::Hour, 3_600_000_000),
    ];
    let fixed = US_PER
        .iter()
        .find(|(p, _)| *p == part)
        .map(|(_, u)| *u)
        .or((part == Part::Day).then_some(86_400_000_000));
    let out: TimestampMicrosecondArray = match (fixed, &tz) {
        // Fixed-length units of zone-less timestamps: plain arithmetic.
        (Some(unit), None) => a.unary(|v| v - v.rem_euclid(unit)),
        _ => a.try_unary(|v| {
            local(v, tz.as_ref())
                .and_then(|t| trunc_naive(t, part))
                .and_then(|t| from_local(t, tz.as_ref()))
                .ok_or_else(|| {
                    arrow::error::ArrowError::ComputeError(out_of_range(F, v).to_string())
                })
        })?,
    };
    shape.wrap(Arc::new(out.with_timezone_opt(tz_name)))
}

// ---------------------------------------------------------------------------------------
// date_diff
// ---------------------------------------------------------------------------------------

fn sig_date_diff(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(VARCHAR part, start DATE or TIMESTAMP, end DATE or TIMESTAMP)";
    check_arity("date_diff", args, 3, 3)
        .map_err(|_| signature_error("date_diff", expected, args))?;
    let Some(p) = string_target(&args[0]) else {
        return Err(signature_error("date_diff", expected, args));
    };
    let ok = |t: &DataType| is_date_or_timestamp(t) || t == &DataType::Null;
    if !ok(&args[1]) || !ok(&args[2]) {
        return Err(signature_error("date_diff", expected, args));
    }
    if let Some(part) = literal_part("date_diff", lits, 0)? {
        check_diff_part(part)?;
    }
    let tz = [&args[1], &args[2]].into_iter().find_map(|t| match t {
        DataType::Timestamp(_, Some(tz)) => Some(tz.clone()),
        _ => None,
    });
    let t = DataType::Timestamp(TimeUnit::Microsecond, tz);
    Ok(Signature {
        args: vec![p, t.clone(), t],
        ret: DataType::Int64,
    })
}

fn check_diff_part(part: Part) -> Result<()> {
    match part {
        Part::Era | Part::YearWeek => Err(Error::Schema(format!(
            "function `date_diff`: cannot count '{}' boundaries; use year, quarter, month, week, day, hour, minute, \
             second, millisecond, microsecond, decade, century, millennium or isoyear",
            format!("{part:?}").to_lowercase()
        ))),
        _ => Ok(()),
    }
}

/// The number of `part` boundaries between `a` and `b` (DuckDB's `date_diff`).
fn diff(part: Part, a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    let days = |t: NaiveDateTime| t.date().num_days_from_ce() as i64;
    let micros = |t: NaiveDateTime| t.and_utc().timestamp_micros();
    let secs = |t: NaiveDateTime| micros(t).div_euclid(1_000_000);
    let year = |t: NaiveDateTime| t.year() as i64;
    let months = |t: NaiveDateTime| year(t) * 12 + t.month0() as i64;
    match part {
        Part::Year => year(b) - year(a),
        Part::Quarter => (year(b) * 4 + t_quarter(b)) - (year(a) * 4 + t_quarter(a)),
        Part::Month => months(b) - months(a),
        Part::Day | Part::DayOfWeek | Part::IsoDayOfWeek | Part::DayOfYear => days(b) - days(a),
        Part::Week | Part::YearWeek => (days(b) - days(a)) / 7,
        Part::Decade => year(b) / 10 - year(a) / 10,
        Part::Century => year(b) / 100 - year(a) / 100,
        Part::Millennium => year(b) / 1000 - year(a) / 1000,
        Part::IsoYear => b.iso_week().year() as i64 - a.iso_week().year() as i64,
        Part::Hour => secs(b).div_euclid(3600) - secs(a).div_euclid(3600),
        Part::Minute => secs(b).div_euclid(60) - secs(a).div_euclid(60),
        Part::Second | Part::Epoch => secs(b) - secs(a),
        Part::Millisecond => micros(b).div_euclid(1000) - micros(a).div_euclid(1000),
        Part::Microsecond => micros(b) - micros(a),
        Part::Era => 0,
    }
}

fn t_quarter(t: NaiveDateTime) -> i64 {
    (t.month0() / 3) as i64
}

fn invoke_date_diff(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "date_diff";
    let shape = Shape::of(args);
    let Some(part) = const_part(F, arg(args, 0, F)?)? else {
        return shape.wrap(arrow::array::new_null_array(&DataType::Int64, shape.len));
    };
    check_diff_part(part)?;
    let (start, tz, _) = micros_arg(arg(args, 1, F)?, F)?;
    let (end, _, _) = micros_arg(arg(args, 2, F)?, F)?;
    let out = (0..shape.len)
        .map(|i| {
            let (Some(s), Some(e)) = (start.get(i), end.get(i)) else {
                return Ok(None);
            };
            let a = local(s, tz.as_ref()).ok_or_else(|| out_of_range(F, s))?;
            let b = local(e, tz.as_ref()).ok_or_else(|| out_of_range(F, e))?;
            Ok(Some(diff(part, a, b)))
        })
        .collect::<Result<Int64Array>>()?;
    shape.wrap(Arc::new(out))
}

// ---------------------------------------------------------------------------------------
// date_add
// ---------------------------------------------------------------------------------------

/// `date_add(DATE or TIMESTAMP, INTERVAL)` gives a timestamp (DuckDB: `TIMESTAMP` even for
/// a date); `date_add(DATE, INTEGER days)` gives a date.
fn sig_date_add(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(DATE or TIMESTAMP, INTERVAL) or (DATE, INTEGER days)";
    check_arity("date_add", args, 2, 2).map_err(|_| signature_error("date_add", expected, args))?;
    let interval = DataType::Interval(IntervalUnit::MonthDayNano);
    match (&args[0], &args[1]) {
        (t, DataType::Interval(_) | DataType::Null) if is_date_or_timestamp(t) => {
            let t = micros_type(t);
            Ok(Signature {
                args: vec![t.clone(), interval],
                ret: t,
            })
        }
        (DataType::Date32 | DataType::Date64, i) if i.is_integer() => Ok(Signature {
            args: vec![DataType::Date32, DataType::Int32],
            ret: DataType::Date32,
        }),
        _ => Err(signature_error("date_add", expected, args)),
    }
}

fn invoke_date_add(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "date_add";
    let x = arg(args, 0, F)?;
    let y = arg(args, 1, F)?;
    if x.data_type() == DataType::Date32 {
        let shape = Shape::of(args);
        let d = Prims::<Date32Type>::new(x, F)?;
        let n = Prims::<Int32Type>::new(y, F)?;
        let out = (0..shape.len)
            .map(|i| {
                let (Some(d), Some(n)) = (d.get(i), n.get(i)) else {
                    return Ok(None);
                };
                d.checked_add(n).map(Some).ok_or_else(|| {
                    crate::compute_err!("`{F}`: adding {n} days to a date overflows")
                })
            })
            .collect::<Result<Date32Array>>()?;
        return shape.wrap(Arc::new(out));
    }
    let out = arrow::compute::kernels::numeric::add(datum(x).as_ref(), datum(y).as_ref())
        .map_err(|e| crate::compute_err!("`{F}` failed: {e}"))?;
    wrap_like(args, out)
}

// ---------------------------------------------------------------------------------------
// strftime, strptime
// ---------------------------------------------------------------------------------------

fn sig_strftime(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(DATE or TIMESTAMP, VARCHAR format)";
    check_arity("strftime", args, 2, 2).map_err(|_| signature_error("strftime", expected, args))?;
    // DuckDB also accepts the format first.
    let (ti, fi) = if is_string(&args[0]) && !is_string(&args[1]) {
        (1, 0)
    } else {
        (0, 1)
    };
    let t = match &args[ti] {
        DataType::Null => DataType::Timestamp(TimeUnit::Microsecond, None),
        t if is_date_or_timestamp(t) => micros_type(t),
        _ => return Err(signature_error("strftime", expected, args)),
    };
    let f = string_target(&args[fi]).ok_or_else(|| signature_error("strftime", expected, args))?;
    let mut cast = vec![DataType::Null, DataType::Null];
    cast[ti] = t;
    cast[fi] = f;
    Ok(Signature {
        args: cast,
        ret: DataType::Utf8,
    })
}

/// Translates a DuckDB format string into chrono's: `%f` microseconds, `%g` milliseconds,
/// `%n` nanoseconds, `%c`/`%x`/`%X` in ISO form, `%z` as `+00` and `%Z` as the zone name.
/// For parsing, `.%f` (and `.%g`, `.%n`) accept any number of fraction digits.
fn translate_format(func: &str, fmt: &str, parsing: bool, tz_name: Option<&str>) -> Result<String> {
    let mut out = String::with_capacity(fmt.len() + 8);
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(spec) = chars.next() else {
            return Err(crate::compute_err!(
                "`{func}`: the format `{fmt}` ends with a lone '%'"
            ));
        };
        match spec {
            'f' | 'g' | 'n' if parsing && out.ends_with('.') => {
                out.pop();
                out.push_str("%.f");
            }
            'f' => out.push_str("%6f"),
            'g' => out.push_str("%3f"),
            'n' => out.push_str("%9f"),
            'c' => out.push_str("%Y-%m-%d %H:%M:%S"),
            'x' => out.push_str("%Y-%m-%d"),
            'X' => out.push_str("%H:%M:%S"),
            'z' if parsing => out.push_str("%z"),
            'z' => out.push_str(if tz_name.is_some() { "%:::z" } else { "+00" }),
            'Z' if parsing => {
                return Err(crate::not_supported!(
                    "`{func}`: parsing a time zone name (%Z)"
                ));
            }
            'Z' => out.push_str(&tz_name.unwrap_or("").replace('%', "%%")),
            '-' => match chars.next() {
                Some(n @ ('d' | 'm' | 'y' | 'H' | 'I' | 'M' | 'S' | 'j')) => {
                    out.push_str("%-");
                    out.push(n);
                }
                Some(n) => return Err(bad_specifier(func, fmt, &format!("%-{n}"))),
                None => return Err(bad_specifier(func, fmt, "%-")),
            },
            'a' | 'A' | 'w' | 'u' | 'd' | 'b' | 'B' | 'h' | 'm' | 'y' | 'Y' | 'H' | 'I' | 'p'
            | 'M' | 'S' | 'j' | 'U' | 'W' | 'V' | 'G' | 'T' | '%' => {
                out.push('%');
                out.push(spec);
            }
            other => return Err(bad_specifier(func, fmt, &format!("%{other}"))),
        }
    }
    Ok(out)
}

fn bad_specifier(func: &str, fmt: &str, spec: &str) -> Error {
    crate::compute_err!(
        "`{func}`: invalid format `{fmt}`: unrecognized specifier `{spec}`; see DuckDB's strftime format specifiers"
    )
}

/// Compiles a DuckDB format string into chrono items, rejecting unknown specifiers.
fn compile_format(
    func: &str,
    fmt: &str,
    parsing: bool,
    tz_name: Option<&str>,
) -> Result<Vec<Item<'static>>> {
    let translated = translate_format(func, fmt, parsing, tz_name)?;
    let items = StrftimeItems::new(&translated)
        .parse_to_owned()
        .map_err(|_| {
            crate::compute_err!("`{func}`: invalid format `{fmt}`: unrecognized specifier")
        })?;
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(crate::compute_err!(
            "`{func}`: invalid format `{fmt}`: unrecognized specifier"
        ));
    }
    Ok(items)
}

fn invoke_strftime(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "strftime";
    let shape = Shape::of(args);
    let (ti, fi) = if is_string(&arg(args, 0, F)?.data_type()) {
        (1, 0)
    } else {
        (0, 1)
    };
    let (ts, tz, tz_name) = micros_arg(arg(args, ti, F)?, F)?;
    let fmts = Strs::new(arg(args, fi, F)?, F)?;
    let fixed = match fmts.as_const() {
        Some(Some(f)) => Some(compile_format(F, f, false, tz_name.as_deref())?),
        _ => None,
    };
    let out = super::util::build_utf8(F, shape.len, |i, buf| {
        let (Some(v), Some(fmt)) = (ts.get(i), fmts.get(i)) else {
            return Ok(false);
        };
        let owned;
        let items = match &fixed {
            Some(items) => items,
            None => {
                owned = compile_format(F, fmt, false, tz_name.as_deref())?;
                &owned
            }
        };
        let fail = || crate::compute_err!("`{F}`: cannot format {v} with `{fmt}`");
        let written = match &tz {
            None => {
                let t = local(v, None).ok_or_else(|| out_of_range(F, v))?;
                write!(buf, "{}", t.format_with_items(items.iter()))
            }
            Some(tz) => {
                let t = DateTime::from_timestamp_micros(v)
                    .ok_or_else(|| out_of_range(F, v))?
                    .with_timezone(tz);
                write!(buf, "{}", t.format_with_items(items.iter()))
            }
        };
        written.map_err(|_| fail())?;
        Ok(true)
    })?;
    shape.wrap(out)
}

fn strptime_sig(func: &str, args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(VARCHAR, VARCHAR format)";
    check_arity(func, args, 2, 2).map_err(|_| signature_error(func, expected, args))?;
    let s = string_target(&args[0]).ok_or_else(|| signature_error(func, expected, args))?;
    let f = string_target(&args[1]).ok_or_else(|| signature_error(func, expected, args))?;
    // A format with an offset gives TIMESTAMP WITH TIME ZONE, as in DuckDB.
    let zoned = lits
        .get(1)
        .and_then(|l| l.as_ref())
        .and_then(|l| l.as_str())
        .is_some_and(|f| f.contains("%z"));
    Ok(Signature {
        args: vec![s, f],
        ret: DataType::Timestamp(TimeUnit::Microsecond, zoned.then(|| "UTC".into())),
    })
}

fn sig_strptime(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    strptime_sig("strptime", args, lits)
}

fn sig_try_strptime(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    strptime_sig("try_strptime", args, lits)
}

/// Parses `s` with `items` into microseconds since the epoch (UTC when an offset was
/// parsed). Missing date fields default to 1900-01-01 and missing time fields to zero,
/// as in DuckDB.
fn parse_timestamp(s: &str, items: &[Item<'static>]) -> Option<i64> {
    let mut p = Parsed::new();
    chrono::format::parse(&mut p, s, items.iter()).ok()?;
    let has_date = p.year().is_some() || p.year_mod_100().is_some() || p.isoyear().is_some();
    if !has_date && p.timestamp().is_none() {
        p.set_year(1900).ok()?;
    }
    let has_day = p.ordinal().is_some()
        || p.isoweek().is_some()
        || p.week_from_mon().is_some()
        || p.week_from_sun().is_some();
    if !has_day {
        if p.month().is_none() {
            p.set_month(1).ok()?;
        }
        if p.day().is_none() {
            p.set_day(1).ok()?;
        }
    }
    if p.hour_mod_12().is_none() {
        p.set_hour(0).ok()?;
    } else if p.hour_div_12().is_none() {
        p.set_ampm(false).ok()?;
    }
    if p.minute().is_none() {
        p.set_minute(0).ok()?;
    }
    let t = p.to_naive_date().ok()?.and_time(p.to_naive_time().ok()?);
    let t = match p.offset() {
        Some(off) => t - Duration::seconds(off as i64),
        None => t,
    };
    Some(t.and_utc().timestamp_micros())
}

fn strptime_impl(args: &[ColumnarValue], func: &str, lenient: bool) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let strs = Strs::new(arg(args, 0, func)?, func)?;
    let fmts = Strs::new(arg(args, 1, func)?, func)?;
    let zoned = fmts.as_const().flatten().is_some_and(|f| f.contains("%z"));
    let fixed = match fmts.as_const() {
        Some(Some(f)) => Some(compile_format(func, f, true, None)?),
        _ => None,
    };
    let out = (0..shape.len)
        .map(|i| {
            let (Some(s), Some(fmt)) = (strs.get(i), fmts.get(i)) else { return Ok(None) };
            let owned;
            let items = match &fixed {
                Some(items) => items,
                None => {
                    owned = compile_format(func, fmt, true, None)?;
                    &owned
                }
            };
            match parse_timestamp(s, items) {
                Some(v) => Ok(Some(v)),
                None if lenient => Ok(None),
                None => Err(crate::compute_err!(
                    "`{func}`: could not parse '{s}' according to the format `{fmt}`; use try_strptime to get NULL instead"
                )),
            }
        })
        .collect::<Result<TimestampMicrosecondArray>>()?;
    shape.wrap(Arc::new(out.with_timezone_opt(zoned.then_some("UTC"))))
}

fn invoke_strptime(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    strptime_impl(args, "strptime", false)
}

fn invoke_try_strptime(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    strptime_impl(args, "try_strptime", true)
}

// ---------------------------------------------------------------------------------------
// make_date, current_date, now
// ---------------------------------------------------------------------------------------

fn sig_make_date(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(BIGINT year, BIGINT month, BIGINT day)";
    check_arity("make_date", args, 3, 3)
        .map_err(|_| signature_error("make_date", expected, args))?;
    let cast = super::util::cast_all("make_date", args, expected, |_, t| int_target(t))?;
    Ok(Signature {
        args: cast,
        ret: DataType::Date32,
    })
}

fn invoke_make_date(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "make_date";
    let shape = Shape::of(args);
    let y = Prims::<Int64Type>::new(arg(args, 0, F)?, F)?;
    let m = Prims::<Int64Type>::new(arg(args, 1, F)?, F)?;
    let d = Prims::<Int64Type>::new(arg(args, 2, F)?, F)?;
    let out = (0..shape.len)
        .map(|i| {
            let (Some(y), Some(m), Some(d)) = (y.get(i), m.get(i), d.get(i)) else {
                return Ok(None);
            };
            let date = i32::try_from(y)
                .ok()
                .zip(u32::try_from(m).ok())
                .zip(u32::try_from(d).ok())
                .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d))
                .ok_or_else(|| crate::compute_err!("`{F}`: {y}-{m}-{d} is not a valid date"))?;
            Ok(Some(days_since_epoch(date)))
        })
        .collect::<Result<Date32Array>>()?;
    shape.wrap(Arc::new(out))
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - 719_163
}

fn sig_current_date(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("current_date", args, 0, 0)?;
    Ok(Signature::keep(args, DataType::Date32))
}

fn invoke_current_date(_: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    Ok(ColumnarValue::Scalar(ScalarValue::date32(
        days_since_epoch(Utc::now().date_naive()),
    )))
}

fn sig_now(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("now", args, 0, 0)?;
    Ok(Signature::keep(
        args,
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
    ))
}

fn invoke_now(_: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let now =
        TimestampMicrosecondArray::from(vec![Utc::now().timestamp_micros()]).with_timezone("UTC");
    Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
        Arc::new(now),
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::util::testing::{call, lit, null, scalar};

    fn s(v: &str) -> ColumnarValue {
        lit(v)
    }

    fn i(v: i64) -> ColumnarValue {
        lit(v)
    }

    fn typed(v: &str, t: DataType) -> ColumnarValue {
        let value = ScalarValue::from(v).cast_to(&t).unwrap();
        assert!(!value.is_null(), "bad test literal {v}");
        ColumnarValue::Scalar(value)
    }

    const US: DataType = DataType::Timestamp(TimeUnit::Microsecond, None);

    /// `YYYY-MM-DD` is a date; anything longer a timestamp (`HH:MM` gets `:00` seconds).
    fn t(v: &str) -> ColumnarValue {
        match v.len() {
            10 => typed(v, DataType::Date32),
            16 => typed(&format!("{v}:00"), US),
            _ => typed(v, US),
        }
    }

    fn zoned(v: &str, tz: &str) -> ColumnarValue {
        typed(
            v,
            DataType::Timestamp(TimeUnit::Microsecond, Some(tz.into())),
        )
    }

    fn int(name: &str, args: Vec<ColumnarValue>) -> i64 {
        scalar(name, args).as_i64().unwrap()
    }

    fn float(name: &str, args: Vec<ColumnarValue>) -> f64 {
        let out = scalar(name, args);
        assert_eq!(out.data_type(), &DataType::Float64);
        out.as_f64().unwrap()
    }

    /// Asserts the result's type and how it displays.
    #[track_caller]
    fn eq(name: &str, args: Vec<ColumnarValue>, ty: &DataType, want: &str) {
        let out = scalar(name, args);
        assert_eq!(
            (out.data_type(), out.to_display_string().as_str()),
            (ty, want),
            "`{name}`"
        );
    }

    fn err(name: &str, args: Vec<ColumnarValue>) -> String {
        call(name, args).unwrap_err().to_string()
    }

    #[test]
    fn date_part_matches_duckdb() {
        // (part, value, expected), verified with DuckDB 2.0.1.
        let cases = [
            ("year", "2024-03-15", 2024),
            ("YEARS", "2024-03-15", 2024),
            ("quarter", "2024-03-15", 1),
            ("week", "2024-01-01", 1),
            ("dow", "2024-03-17", 0),
            ("isodow", "2024-03-17", 7),
            ("doy", "2024-03-15", 75),
            ("second", "2024-03-15 01:02:03.5", 3),
            ("millisecond", "2024-03-15 01:02:03.5", 3500),
            ("microsecond", "2024-03-15 01:02:03.5", 3_500_000),
            ("minute", "2024-03-15 01:02:03.5", 2),
            ("hour", "2024-03-15", 0),
            ("decade", "2024-03-15", 202),
            ("century", "2024-03-15", 21),
            ("millennium", "2024-03-15", 3),
            ("yearweek", "2024-03-15", 202411),
            ("isoyear", "2024-01-01", 2024),
            ("era", "2024-03-15", 1),
        ];
        for (part, v, want) in cases {
            assert_eq!(int("date_part", vec![s(part), t(v)]), want, "{part} of {v}");
        }
        assert_eq!(int("extract", vec![s("month"), t("2024-03-15")]), 3);
        let epoch = float("date_part", vec![s("epoch"), t("2024-03-15 01:02:03.5")]);
        assert_eq!(epoch, 1710464523.5);
        assert_eq!(
            float("datepart", vec![s("epoch"), t("2024-03-15")]),
            1710460800.0
        );
        let e = err("date_part", vec![s("foo"), t("2024-03-15")]);
        assert!(e.contains("date_part") && e.contains("'foo'"), "{e}");
        assert!(call("date_part", vec![s("year"), i(3)]).is_err());
        // A zoned timestamp reads its fields in its own zone.
        let midnight = "2024-01-01T00:30:00+02:00";
        assert_eq!(int("hour", vec![zoned(midnight, "+02:00")]), 0);
        assert_eq!(int("hour", vec![zoned(midnight, "UTC")]), 22);
    }

    #[test]
    fn one_part_functions() {
        let cases = [
            ("year", "2024-03-15", 2024),
            ("month", "2024-03-15", 3),
            ("day", "2024-03-15", 15),
            ("quarter", "2024-03-15", 1),
            ("dayofweek", "2024-03-15", 5),
            ("dayofyear", "2024-03-15", 75),
            ("week", "2024-03-15", 11),
            ("hour", "2024-03-15 01:02:03.5", 1),
            ("minute", "2024-03-15 01:02:03.5", 2),
            ("second", "2024-03-15 01:02:03.5", 3),
            ("millisecond", "2024-01-01 00:00:01.5", 1500),
            ("century", "-0050-01-01", -1),
            ("decade", "-0050-01-01", -5),
            ("era", "-0050-01-01", 0),
            ("weekday", "2024-01-01", 1),
            ("isodow", "2024-01-07", 7),
            ("yearweek", "2024-01-01", 202401),
        ];
        for (f, v, want) in cases {
            let x = if v.starts_with('-') {
                typed(v, DataType::Date32)
            } else {
                t(v)
            };
            assert_eq!(int(f, vec![x]), want, "{f}({v})");
        }
        assert_eq!(
            float("epoch", vec![t("2024-01-01 00:00:01.5")]),
            1704067201.5
        );
        assert!(scalar("year", vec![null(DataType::Null)]).is_null());
        // Arrays of another timestamp unit.
        let ns = vec![Some(1_710_464_523_500_000_000), None];
        let ns = arrow::array::TimestampNanosecondArray::from(ns);
        let out = call("year", vec![ColumnarValue::Array(Arc::new(ns))]).unwrap();
        let out = out.to_array(1).unwrap();
        let years: Vec<_> = out.as_primitive::<Int64Type>().iter().collect();
        assert_eq!(years, vec![Some(2024), None]);
    }

    #[test]
    fn date_trunc_gives_timestamps() {
        let cases = [
            ("month", "2024-03-15", "2024-03-01T00:00:00"),
            ("week", "2024-03-15", "2024-03-11T00:00:00"),
            ("quarter", "2024-05-15", "2024-04-01T00:00:00"),
            ("hour", "2024-03-15 01:02:03", "2024-03-15T01:00:00"),
            ("decade", "2024-03-15", "2020-01-01T00:00:00"),
            ("century", "2001-03-15", "2000-01-01T00:00:00"),
            ("millennium", "2024-03-15", "2000-01-01T00:00:00"),
            ("second", "2024-03-15 01:02:03.7", "2024-03-15T01:02:03"),
            ("ms", "2024-03-15 01:02:03.7777", "2024-03-15T01:02:03.777"),
            ("day", "1969-12-31 23:59:59", "1969-12-31T00:00:00"),
            ("isoyear", "2024-03-15", "2024-01-01T00:00:00"),
            ("yearweek", "2024-03-15 10:11", "2024-03-11T00:00:00"),
        ];
        for (part, v, want) in cases {
            eq("date_trunc", vec![s(part), t(v)], &US, want);
        }
        // Zoned: truncated in its zone, the zone kept.
        let x = zoned("2024-01-01T00:30:00+02:00", "+02:00");
        let ty = DataType::Timestamp(TimeUnit::Microsecond, Some("+02:00".into()));
        eq(
            "datetrunc",
            vec![s("day"), x],
            &ty,
            "2024-01-01T00:00:00+02:00",
        );
        assert!(call("date_trunc", vec![s("epoch"), t("2024-03-15")]).is_err());
        assert!(call("date_trunc", vec![s("foo"), t("2024-03-15")]).is_err());
    }

    #[test]
    fn date_diff_counts_boundaries() {
        // (part, start, end, expected), verified with DuckDB 2.0.1.
        let cases = [
            ("day", "2024-01-01", "2024-03-01", 60),
            ("day", "2024-03-01", "2024-01-01", -60),
            ("month", "2024-01-31", "2024-02-01", 1),
            ("month", "2024-03-31", "2024-01-01", -2),
            ("year", "2023-12-31", "2024-01-01", 1),
            ("hour", "2024-01-01 10:59", "2024-01-01 11:01", 1),
            ("week", "2024-01-01", "2024-01-14", 1),
            ("week", "2024-01-07", "2024-01-08", 0),
            ("week", "2024-01-08", "2024-01-01", -1),
            ("week", "2024-01-01 12:00", "2024-01-08 11:00", 1),
            ("quarter", "2024-01-01", "2024-12-31", 3),
            ("minute", "2024-01-01 10:59:59", "2024-01-01 11:00:00", 1),
            (
                "second",
                "2024-01-01 10:59:59.9",
                "2024-01-01 11:00:00.1",
                1,
            ),
            ("day", "2024-01-01 23:59", "2024-01-02 00:01", 1),
            (
                "ms",
                "2024-01-01 00:00:00.0019",
                "2024-01-01 00:00:00.0031",
                2,
            ),
            ("decade", "2019-12-31", "2020-01-01", 1),
            ("microseconds", "2024-01-01", "2024-01-02", 86_400_000_000),
            ("hour", "1969-12-31 23:30", "1970-01-01 00:30", 1),
            (
                "second",
                "1969-12-31 23:59:59.5",
                "1970-01-01 00:00:00.5",
                1,
            ),
            ("epoch", "2024-01-01", "2024-01-02", 86400),
            ("hour", "2024-01-01", "2024-01-01 05:00", 5),
        ];
        for (part, a, b, want) in cases {
            assert_eq!(
                int("datediff", vec![s(part), t(a), t(b)]),
                want,
                "{part}: {a} to {b}"
            );
        }
        let e = err(
            "date_diff",
            vec![s("era"), t("2024-01-01"), t("2024-01-02")],
        );
        assert!(e.contains("date_diff") && e.contains("era"), "{e}");
    }

    #[test]
    fn date_add_intervals_and_days() {
        let month = ColumnarValue::Scalar(ScalarValue::interval(1, 0, 0));
        let day = ColumnarValue::Scalar(ScalarValue::interval(0, 1, 0));
        let hour = ColumnarValue::Scalar(ScalarValue::interval(0, 0, 3_600_000_000_000));
        eq(
            "date_add",
            vec![t("2024-01-31"), month.clone()],
            &US,
            "2024-02-29T00:00:00",
        );
        eq(
            "date_add",
            vec![t("2024-01-31 10:00"), day],
            &US,
            "2024-02-01T10:00:00",
        );
        eq(
            "date_add",
            vec![t("2024-01-31"), hour],
            &US,
            "2024-01-31T01:00:00",
        );
        eq(
            "date_add",
            vec![t("2024-01-31"), i(1)],
            &DataType::Date32,
            "2024-02-01",
        );
        assert!(call("date_add", vec![i(1), month]).is_err());
    }

    #[test]
    fn strftime_formats_like_duckdb() {
        let x = || t("2024-03-05 13:04:05.123456");
        let utf8 = &DataType::Utf8;
        eq(
            "strftime",
            vec![t("2024-03-05"), s("%Y/%m/%d")],
            utf8,
            "2024/03/05",
        );
        eq("strftime", vec![s("%Y"), t("2024-01-01")], utf8, "2024");
        let fmt = "%-m/%-d/%y %-I%p %j %-j %U %W %w %u %G %V %T";
        let want = "3/5/24 1PM 065 65 09 10 2 2 2024 10 13:04:05";
        eq("strftime", vec![x(), s(fmt)], utf8, want);
        let fmt = "%z|%Z|%%|%c|%x|%X|%f|%g|%n";
        let want = "+00||%|2024-03-05 13:04:05|2024-03-05|13:04:05|123456|123|123456000";
        eq("strftime", vec![x(), s(fmt)], utf8, want);
        for bad in ["%", "abc%q", "%e", "%-q"] {
            let e = err("strftime", vec![x(), s(bad)]);
            assert!(e.contains("strftime") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn strptime_parses_like_duckdb() {
        let cases = [
            (
                "2024-03-05 13:04:05",
                "%Y-%m-%d %H:%M:%S",
                "2024-03-05T13:04:05",
            ),
            ("2024-03-05", "%Y-%m-%d", "2024-03-05T00:00:00"),
            (
                "2024-01-01 12:00:00.5",
                "%Y-%m-%d %H:%M:%S.%f",
                "2024-01-01T12:00:00.500",
            ),
            (
                "2024-03-05 13:04:05.123",
                "%Y-%m-%d %H:%M:%S.%g",
                "2024-03-05T13:04:05.123",
            ),
            (
                "2024-03-05 01:04 PM",
                "%Y-%m-%d %I:%M %p",
                "2024-03-05T13:04:00",
            ),
            ("03/05/24", "%m/%d/%y", "2024-03-05T00:00:00"),
            ("12:00:00", "%H:%M:%S", "1900-01-01T12:00:00"),
        ];
        for (v, fmt, want) in cases {
            eq("strptime", vec![s(v), s(fmt)], &US, want);
        }
        let ty = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        let args = vec![s("2024-03-05T13:04:05+01:00"), s("%Y-%m-%dT%H:%M:%S%z")];
        eq("strptime", args, &ty, "2024-03-05T12:04:05Z");
        let e = err("strptime", vec![s("garbage"), s("%Y-%m-%d")]);
        assert!(
            e.contains("strptime") && e.contains("garbage") && e.contains("%Y-%m-%d"),
            "{e}"
        );
        eq(
            "try_strptime",
            vec![s("garbage"), s("%Y-%m-%d")],
            &US,
            "NULL",
        );
    }

    #[test]
    fn constructors_and_epochs() {
        let date = &DataType::Date32;
        eq("make_date", vec![i(2024), i(2), i(29)], date, "2024-02-29");
        let e = err("make_date", vec![i(2024), i(2), i(30)]);
        assert!(e.contains("make_date") && e.contains("2024-2-30"), "{e}");
        eq(
            "make_date",
            vec![null(DataType::Int64), i(1), i(1)],
            date,
            "NULL",
        );
        eq(
            "epoch_ms",
            vec![i(1_700_000_000_123)],
            &US,
            "2023-11-14T22:13:20.123",
        );
        eq("epoch_ms", vec![i(-1)], &US, "1969-12-31T23:59:59.999");
        assert_eq!(
            int("epoch_ms", vec![t("2024-01-01 00:00:00")]),
            1_704_067_200_000
        );
        assert_eq!(int("epoch_ms", vec![t("2024-01-01")]), 1_704_067_200_000);
        assert_eq!(
            int("epoch_us", vec![t("2024-01-01")]),
            1_704_067_200_000_000
        );
        let ty = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        eq(
            "to_timestamp",
            vec![lit(1_700_000_000.5f64)],
            &ty,
            "2023-11-14T22:13:20.500Z",
        );
        assert!(call("to_timestamp", vec![lit(f64::INFINITY)]).is_err());
    }

    #[test]
    fn current_time_functions_are_volatile() {
        assert!(crate::functions::is_volatile("current_date"));
        assert!(crate::functions::is_volatile("now"));
        assert_eq!(call("today", vec![]).unwrap().data_type(), DataType::Date32);
        let now = call("current_timestamp", vec![]).unwrap();
        assert!(int("year", vec![now]) >= 2024);
    }
}
