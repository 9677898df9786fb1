//! Calendar facts of a DATE or TIMESTAMP that DuckDB has functions for: `dayname` and
//! `monthname` (English names), `last_day` (the month's last date), `julian` (the Julian
//! day number, with the time as a fraction), and the nanosecond-precision parts `epoch_ns`
//! (nanoseconds since the epoch) and `nanosecond` (nanoseconds within the minute).
//! Infinite values give NULL.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Date32Array, Float64Array, Int64Array};
use arrow::datatypes::{
    DataType, Date32Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};

use super::util::{add_all, arg, build_utf8, check_arity, Entry, Shape};
use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::calendar::{
    checked_days, civil_from_days, days_in_month, is_infinite_date, is_infinite_timestamp,
};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[
    ("dayname", &[], sig_text, invoke_dayname),
    ("monthname", &[], sig_text, invoke_monthname),
    ("last_day", &[], sig_last_day, invoke_last_day),
    ("julian", &[], sig_julian, invoke_julian),
    ("epoch_ns", &[], sig_int, invoke_epoch_ns),
    ("nanosecond", &[], sig_int, invoke_nanosecond),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

const NANOS_PER_DAY: i128 = 86_400_000_000_000;

fn temporal_arg(name: &str, args: &[DataType]) -> Result<DataType> {
    let expected = "(DATE | TIMESTAMP)";
    check_arity(name, args, 1, 1).map_err(|_| signature_error(name, expected, args))?;
    match &args[0] {
        DataType::Date32 | DataType::Timestamp(_, _) => Ok(args[0].clone()),
        DataType::Date64 => Ok(DataType::Date32),
        DataType::Null => Ok(DataType::Timestamp(TimeUnit::Microsecond, None)),
        _ => Err(signature_error(name, expected, args)),
    }
}

macro_rules! sig {
    ($fn:ident, $ret:expr) => {
        fn $fn(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
            Ok(Signature {
                args: vec![temporal_arg("date function", args)?],
                ret: $ret,
            })
        }
    };
}

sig!(sig_text, DataType::Utf8);
sig!(sig_last_day, DataType::Date32);
sig!(sig_julian, DataType::Float64);
sig!(sig_int, DataType::Int64);

/// Every row as nanoseconds since the epoch (`None` for NULL and the infinities).
fn nanos(a: &ArrayRef) -> Vec<Option<i128>> {
    fn ticks<T: arrow::datatypes::ArrowPrimitiveType<Native = i64>>(
        a: &ArrayRef,
        per: i128,
    ) -> Vec<Option<i128>> {
        a.as_primitive::<T>()
            .iter()
            .map(|v| {
                v.filter(|v| !is_infinite_timestamp(*v))
                    .map(|v| i128::from(v) * per)
            })
            .collect()
    }
    match a.data_type() {
        DataType::Date32 => a
            .as_primitive::<Date32Type>()
            .iter()
            .map(|v| {
                v.filter(|d| !is_infinite_date(*d))
                    .map(|d| i128::from(d) * NANOS_PER_DAY)
            })
            .collect(),
        DataType::Timestamp(TimeUnit::Second, _) => ticks::<TimestampSecondType>(a, 1_000_000_000),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            ticks::<TimestampMillisecondType>(a, 1_000_000)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            ticks::<TimestampMicrosecondType>(a, 1_000)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => ticks::<TimestampNanosecondType>(a, 1),
        _ => vec![None; a.len()],
    }
}

fn rows(args: &[ColumnarValue], name: &str) -> Result<(Shape, Vec<Option<i128>>)> {
    let shape = Shape::of(args);
    let a = arg(args, 0, name)?.to_array(shape.len)?;
    Ok((shape, nanos(&a)))
}

fn day_of(n: i128) -> i64 {
    n.div_euclid(NANOS_PER_DAY) as i64
}

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn names(
    args: &[ColumnarValue],
    name: &str,
    pick: fn(i64) -> &'static str,
) -> Result<ColumnarValue> {
    let (shape, v) = rows(args, name)?;
    let out = build_utf8(name, shape.len, |i, buf| match v[i] {
        Some(n) => {
            buf.push_str(pick(day_of(n)));
            Ok(true)
        }
        None => Ok(false),
    })?;
    shape.wrap(out)
}

fn invoke_dayname(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    // 1970-01-01 was a Thursday.
    names(args, "dayname", |d| DAYS[(d + 4).rem_euclid(7) as usize])
}

fn invoke_monthname(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    names(args, "monthname", |d| {
        MONTHS[civil_from_days(d).1 as usize - 1]
    })
}

fn invoke_last_day(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, v) = rows(args, "last_day")?;
    let out: Date32Array = v
        .iter()
        .map(|n| {
            let (y, m, _) = civil_from_days(day_of((*n)?));
            checked_days(y, m, days_in_month(y, m)).map(|d| d as i32)
        })
        .collect();
    shape.wrap(Arc::new(out))
}

fn invoke_julian(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, v) = rows(args, "julian")?;
    // Julian day 2440588 is 1970-01-01.
    let out: Float64Array = v
        .iter()
        .map(|n| {
            let n = (*n)?;
            let day = day_of(n);
            let frac = (n - i128::from(day) * NANOS_PER_DAY) as f64 / NANOS_PER_DAY as f64;
            Some((day + 2_440_588) as f64 + frac)
        })
        .collect();
    shape.wrap(Arc::new(out))
}

fn invoke_epoch_ns(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, v) = rows(args, "epoch_ns")?;
    let out: Int64Array = v.iter().map(|n| i64::try_from((*n)?).ok()).collect();
    shape.wrap(Arc::new(out))
}

fn invoke_nanosecond(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, v) = rows(args, "nanosecond")?;
    let out: Int64Array = v
        .iter()
        .map(|n| Some((*n)?.rem_euclid(60_000_000_000) as i64))
        .collect();
    shape.wrap(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{lit, scalar};
    use super::*;

    fn date(s: &str) -> ColumnarValue {
        lit(ScalarValue::date32(
            crate::types::datetime_parse::parse_date(s).unwrap(),
        ))
    }

    #[test]
    fn calendar_facts() {
        let text = |f: &str, d: &str| scalar(f, vec![date(d)]).as_str().unwrap().to_string();
        assert_eq!(text("dayname", "2020-01-01"), "Wednesday");
        assert_eq!(text("monthname", "2020-03-01"), "March");
        assert_eq!(
            scalar("last_day", vec![date("2020-02-10")]),
            ScalarValue::date32(18_321)
        );
        assert_eq!(
            scalar("julian", vec![date("2020-01-01")]).as_f64(),
            Some(2_458_850.0)
        );
        assert_eq!(
            scalar("epoch_ns", vec![date("2020-01-01")]).as_i64(),
            Some(1_577_836_800_000_000_000)
        );
        assert!(scalar("dayname", vec![date("infinity")]).is_null());
    }
}
