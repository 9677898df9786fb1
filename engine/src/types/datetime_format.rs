//! DuckDB's text forms of DATE, TIME and TIMESTAMP values, written: what `::VARCHAR`,
//! `||` and string functions see. Years are padded to four digits, years before 1 read
//! `0044-03-15 (BC)` (the marker follows the date, also inside a timestamp:
//! `0044-03-15 (BC) 12:00:00`), the infinities read `infinity` / `-infinity`, and
//! fractions of a second keep only their significant digits (`10:00:00.5`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::{
    DataType, Date32Type, Time32MillisecondType, Time32SecondType, Time64MicrosecondType,
    Time64NanosecondType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};

use super::calendar::{
    civil_from_days, DATE_INFINITY, DATE_NEG_INFINITY, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY,
};
use crate::error::Result;

const NANOS_PER_DAY: i128 = 86_400_000_000_000;

/// A day count since 1970-01-01 as DuckDB writes a DATE.
pub fn format_date(days: i32) -> String {
    match days {
        DATE_INFINITY => "infinity".into(),
        DATE_NEG_INFINITY => "-infinity".into(),
        d => format_civil_days(i64::from(d)),
    }
}

fn format_civil_days(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    if year <= 0 {
        format!("{:04}-{month:02}-{day:02} (BC)", 1 - year)
    } else {
        format!("{year:04}-{month:02}-{day:02}")
    }
}

/// Nanoseconds since midnight as DuckDB writes a TIME (`24:00:00` stays as it is).
pub fn format_time(nanos: i128) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let frac = nanos.rem_euclid(1_000_000_000);
    let mut s = format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    );
    if frac != 0 {
        s.push('.');
        s.push_str(format!("{frac:09}").trim_end_matches('0'));
    }
    s
}

/// Ticks of `unit` since the epoch as DuckDB writes a TIMESTAMP.
pub fn format_timestamp(ticks: i64, unit: TimeUnit) -> String {
    match ticks {
        TIMESTAMP_INFINITY => "infinity".into(),
        TIMESTAMP_NEG_INFINITY => "-infinity".into(),
        t => {
            let nanos = i128::from(t) * nanos_per(unit);
            let days = nanos.div_euclid(NANOS_PER_DAY) as i64;
            format!(
                "{} {}",
                format_civil_days(days),
                format_time(nanos.rem_euclid(NANOS_PER_DAY))
            )
        }
    }
}

fn nanos_per(unit: TimeUnit) -> i128 {
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

/// Writes dates, times and timestamps as DuckDB does; `None` for other input types. A
/// timestamp with a zone is written in UTC with a `+00` suffix.
pub fn temporal_to_strings(a: &ArrayRef) -> Result<Option<ArrayRef>> {
    macro_rules! each {
        ($t:ty, $f:expr) => {{
            let p = a.as_primitive::<$t>();
            p.iter().map(|v| v.map($f)).collect::<StringArray>()
        }};
    }
    let out: StringArray = match a.data_type() {
        DataType::Date32 => each!(Date32Type, format_date),
        DataType::Timestamp(unit, tz) => {
            let suffix = if tz.is_some() { "+00" } else { "" };
            let unit = *unit;
            let f = move |v: i64| {
                let mut s = format_timestamp(v, unit);
                if !matches!(v, TIMESTAMP_INFINITY | TIMESTAMP_NEG_INFINITY) {
                    s.push_str(suffix);
                }
                s
            };
            match unit {
                TimeUnit::Second => each!(TimestampSecondType, f),
                TimeUnit::Millisecond => each!(TimestampMillisecondType, f),
                TimeUnit::Microsecond => each!(TimestampMicrosecondType, f),
                TimeUnit::Nanosecond => each!(TimestampNanosecondType, f),
            }
        }
        DataType::Time32(TimeUnit::Second) => each!(Time32SecondType, |v| format_time(
            i128::from(v) * 1_000_000_000
        )),
        DataType::Time32(_) => each!(Time32MillisecondType, |v| format_time(
            i128::from(v) * 1_000_000
        )),
        DataType::Time64(TimeUnit::Nanosecond) => {
            each!(Time64NanosecondType, |v| format_time(i128::from(v)))
        }
        DataType::Time64(_) => each!(Time64MicrosecondType, |v| format_time(
            i128::from(v) * 1_000
        )),
        _ => return Ok(None),
    };
    Ok(Some(Arc::new(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_duckdb() {
        assert_eq!(format_date(18_263), "2020-01-02");
        assert_eq!(format_date(-719_528), "0001-01-01 (BC)");
        assert_eq!(format_date(DATE_INFINITY), "infinity");
        assert_eq!(format_date(DATE_NEG_INFINITY), "-infinity");
        assert_eq!(
            format_timestamp(1_577_959_200_500_000, TimeUnit::Microsecond),
            "2020-01-02 10:00:00.5"
        );
        assert_eq!(
            format_timestamp(-62_135_596_800 - 86_400 * 366, TimeUnit::Second),
            "0001-01-01 (BC) 00:00:00"
        );
        assert_eq!(
            format_timestamp(TIMESTAMP_NEG_INFINITY, TimeUnit::Nanosecond),
            "-infinity"
        );
        assert_eq!(format_time(86_400_000_000_000), "24:00:00");
        assert_eq!(format_time(1_000), "00:00:00.000001");
    }

    #[test]
    fn casts_arrays() {
        let a: ArrayRef = Arc::new(arrow::array::Date32Array::from(vec![Some(0), None]));
        let s = temporal_to_strings(&a).unwrap().unwrap();
        let s = s.as_string::<i32>();
        assert_eq!((s.value(0), s.is_null(1)), ("1970-01-01", true));
        let i: ArrayRef = Arc::new(arrow::array::Int32Array::from(vec![1]));
        assert!(temporal_to_strings(&i).unwrap().is_none());
    }
}
