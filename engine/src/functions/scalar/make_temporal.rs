//! Building times and timestamps from parts or epoch counts, as DuckDB does:
//! `make_time(hour, minute, seconds)`, `make_timestamp(year, month, day, hour, minute,
//! seconds)` and `make_timestamp(micros)`, `make_timestamp_ms(millis)` and
//! `make_timestamp_ns(nanos)`. Seconds are a DOUBLE (fractions rounded to the
//! microsecond); parts out of range are errors with DuckDB's messages.

use std::sync::Arc;

use arrow::array::{Time64MicrosecondArray, TimestampMicrosecondArray, TimestampNanosecondArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type, TimeUnit};

use super::util::{add_all, arg, cast_all, check_arity, int_target, Entry, Prims, Shape};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::calendar::{checked_days, date_to_micros, is_infinite_timestamp};
use crate::types::{is_numeric, ScalarValue};

const FUNCTIONS: &[Entry] = &[
    ("make_time", &[], sig_make_time, invoke_make_time),
    (
        "make_timestamp",
        &[],
        sig_make_timestamp,
        invoke_make_timestamp,
    ),
    (
        "make_timestamp_ms",
        &[],
        sig_epoch_ms,
        invoke_make_timestamp_ms,
    ),
    (
        "make_timestamp_ns",
        &[],
        sig_epoch_ns,
        invoke_make_timestamp_ns,
    ),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

const MICROS: DataType = DataType::Timestamp(TimeUnit::Microsecond, None);

/// Integer parts, the last one (seconds) a DOUBLE.
fn parts(name: &str, args: &[DataType], n: usize, expected: &str) -> Result<Vec<DataType>> {
    check_arity(name, args, n, n).map_err(|_| signature_error(name, expected, args))?;
    cast_all(name, args, expected, |i, t| {
        if i + 1 == n {
            (is_numeric(t) || matches!(t, DataType::Null)).then_some(DataType::Float64)
        } else {
            int_target(t)
        }
    })
}

fn sig_make_time(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    Ok(Signature {
        args: parts(
            "make_time",
            args,
            3,
            "(BIGINT hour, BIGINT minute, DOUBLE seconds)",
        )?,
        ret: DataType::Time64(TimeUnit::Microsecond),
    })
}

fn sig_make_timestamp(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(BIGINT micros) or (BIGINT year, BIGINT month, BIGINT day, BIGINT hour, BIGINT minute, DOUBLE seconds)";
    let args = if args.len() == 1 {
        cast_all("make_timestamp", args, expected, |_, t| int_target(t))?
    } else {
        parts("make_timestamp", args, 6, expected)?
    };
    Ok(Signature { args, ret: MICROS })
}

fn sig_epoch(name: &str, args: &[DataType], ret: DataType) -> Result<Signature> {
    check_arity(name, args, 1, 1).map_err(|_| signature_error(name, "(BIGINT)", args))?;
    let cast = cast_all(name, args, "(BIGINT)", |_, t| int_target(t))?;
    Ok(Signature { args: cast, ret })
}

fn sig_epoch_ms(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    sig_epoch("make_timestamp_ms", args, MICROS)
}

fn sig_epoch_ns(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    sig_epoch(
        "make_timestamp_ns",
        args,
        DataType::Timestamp(TimeUnit::Nanosecond, None),
    )
}

/// Microseconds since midnight of a time of day; DuckDB accepts hour 24 and second 60.
fn time_micros(hour: i64, minute: i64, seconds: f64) -> Result<i64> {
    let bad = || Error::Compute(format!("Time out of range: {hour}:{minute}:{seconds:.6}"));
    if !(0..=24).contains(&hour) || !(0..60).contains(&minute) {
        return Err(bad());
    }
    if !(0.0..=60.0).contains(&seconds) {
        return Err(bad());
    }
    let whole = seconds.trunc() as i64;
    let micros = ((seconds - seconds.trunc()) * 1e6).round() as i64;
    let total = ((hour * 60 + minute) * 60 + whole) * 1_000_000 + micros;
    if hour == 24 && total != 24 * 3_600_000_000 {
        return Err(bad());
    }
    Ok(total)
}

fn invoke_make_time(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "make_time";
    let shape = Shape::of(args);
    let h = Prims::<Int64Type>::new(arg(args, 0, F)?, F)?;
    let m = Prims::<Int64Type>::new(arg(args, 1, F)?, F)?;
    let s = Prims::<Float64Type>::new(arg(args, 2, F)?, F)?;
    let out = (0..shape.len)
        .map(|i| match (h.get(i), m.get(i), s.get(i)) {
            (Some(h), Some(m), Some(s)) => time_micros(h, m, s).map(Some),
            _ => Ok(None),
        })
        .collect::<Result<Time64MicrosecondArray>>()?;
    shape.wrap(Arc::new(out))
}

fn from_parts(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: f64) -> Result<i64> {
    let days = u32::try_from(mo)
        .ok()
        .zip(u32::try_from(d).ok())
        .and_then(|(mo, d)| checked_days(y, mo, d))
        .ok_or_else(|| Error::Compute(format!("Date out of range: {y}-{mo}-{d}")))?;
    let time = time_micros(h, mi, s)?;
    date_to_micros(days)
        .and_then(|v| v.checked_add(time))
        .filter(|v| !is_infinite_timestamp(*v))
        .ok_or_else(|| Error::Compute("Date and time not in timestamp range".into()))
}

fn epoch_error() -> Error {
    Error::Compute("Timestamp microseconds out of range".into())
}

fn invoke_make_timestamp(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "make_timestamp";
    let shape = Shape::of(args);
    if args.len() == 1 {
        let v = Prims::<Int64Type>::new(arg(args, 0, F)?, F)?;
        let out = (0..shape.len)
            .map(|i| match v.get(i) {
                Some(v) if is_infinite_timestamp(v) || v == i64::MIN => Err(epoch_error()),
                v => Ok(v),
            })
            .collect::<Result<TimestampMicrosecondArray>>()?;
        return shape.wrap(Arc::new(out));
    }
    let ints = (0..5)
        .map(|k| Prims::<Int64Type>::new(arg(args, k, F)?, F))
        .collect::<Result<Vec<_>>>()?;
    let secs = Prims::<Float64Type>::new(arg(args, 5, F)?, F)?;
    let out = (0..shape.len)
        .map(|i| {
            let p: Option<Vec<i64>> = ints.iter().map(|a| a.get(i)).collect();
            match (p, secs.get(i)) {
                (Some(p), Some(s)) => from_parts(p[0], p[1], p[2], p[3], p[4], s).map(Some),
                _ => Ok(None),
            }
        })
        .collect::<Result<TimestampMicrosecondArray>>()?;
    shape.wrap(Arc::new(out))
}

fn invoke_make_timestamp_ms(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "make_timestamp_ms";
    let shape = Shape::of(args);
    let v = Prims::<Int64Type>::new(arg(args, 0, F)?, F)?;
    let out = (0..shape.len)
        .map(|i| match v.get(i) {
            Some(v) => v
                .checked_mul(1000)
                .filter(|v| !is_infinite_timestamp(*v))
                .map(Some)
                .ok_or_else(epoch_error),
            None => Ok(None),
        })
        .collect::<Result<TimestampMicrosecondArray>>()?;
    shape.wrap(Arc::new(out))
}

fn invoke_make_timestamp_ns(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "make_timestamp_ns";
    let shape = Shape::of(args);
    let v = Prims::<Int64Type>::new(arg(args, 0, F)?, F)?;
    let out = (0..shape.len)
        .map(|i| match v.get(i) {
            Some(v) if is_infinite_timestamp(v) || v == i64::MIN => Err(epoch_error()),
            v => Ok(v),
        })
        .collect::<Result<TimestampNanosecondArray>>()?;
    shape.wrap(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_from_parts() {
        assert_eq!(time_micros(12, 41, 46.123456).unwrap(), 45_706_123_456);
        assert_eq!(time_micros(24, 0, 0.0).unwrap(), 86_400_000_000);
        assert!(time_micros(25, 0, 0.0).is_err());
        assert!(time_micros(0, 0, -1.0).is_err());
        assert_eq!(from_parts(1970, 1, 1, 0, 0, 60.0).unwrap(), 60_000_000);
        assert!(from_parts(1992, 2, 30, 0, 0, 0.0).is_err());
        assert!(from_parts(294_247, 1, 10, 4, 0, 54.775807).is_err());
    }
}
