//! Interval constructors: `to_years(n)`, `to_months`, `to_weeks`, `to_days`, `to_hours`,
//! `to_minutes`, `to_seconds`, `to_milliseconds`, `to_microseconds`, and through them
//! `INTERVAL (expr) DAY` with a non-constant amount.
//!
//! Each builds an Arrow `IntervalMonthDayNano` holding the amount in the one field DuckDB
//! keeps it in (months, days or a time part), so `to_days(40)` stays 40 days rather than
//! becoming a month and ten days.

use std::sync::Arc;

use arrow::array::{AsArray, IntervalMonthDayNanoArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type, IntervalMonthDayNano, IntervalUnit};

use super::util::{add_all, check_arity, wrap_like, Entry};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::physical::expr::cast_array;
use crate::types::ScalarValue;

/// Which field of the interval an amount goes to, and how many of that field's units one
/// step is.
#[derive(Clone, Copy)]
enum Unit {
    Months(i64),
    Days(i64),
    Nanos(f64),
}

const INTERVAL: DataType = DataType::Interval(IntervalUnit::MonthDayNano);

const FUNCTIONS: &[Entry] = &[
    ("to_years", &[], sig_whole, |a, _| {
        build(a, "to_years", Unit::Months(12))
    }),
    ("to_months", &[], sig_whole, |a, _| {
        build(a, "to_months", Unit::Months(1))
    }),
    ("to_weeks", &[], sig_whole, |a, _| {
        build(a, "to_weeks", Unit::Days(7))
    }),
    ("to_days", &[], sig_whole, |a, _| {
        build(a, "to_days", Unit::Days(1))
    }),
    ("to_hours", &[], sig_whole, |a, _| {
        build(a, "to_hours", Unit::Nanos(3.6e12))
    }),
    ("to_minutes", &[], sig_whole, |a, _| {
        build(a, "to_minutes", Unit::Nanos(6e10))
    }),
    ("to_seconds", &[], sig_fraction, |a, _| {
        build(a, "to_seconds", Unit::Nanos(1e9))
    }),
    ("to_milliseconds", &[], sig_fraction, |a, _| {
        build(a, "to_milliseconds", Unit::Nanos(1e6))
    }),
    ("to_microseconds", &[], sig_whole, |a, _| {
        build(a, "to_microseconds", Unit::Nanos(1e3))
    }),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

/// The constructor for `INTERVAL (expr) <unit>`, by DuckDB's unit names.
pub fn constructor_for_unit(unit: &str) -> Option<&'static str> {
    Some(match unit.to_lowercase().trim_end_matches('s') {
        "year" | "y" | "yr" => "to_years",
        "month" | "mon" => "to_months",
        "week" | "w" => "to_weeks",
        "day" | "d" => "to_days",
        "hour" | "h" | "hr" => "to_hours",
        "minute" | "min" | "m" => "to_minutes",
        "second" | "sec" => "to_seconds",
        "millisecond" | "ms" | "msec" => "to_milliseconds",
        "microsecond" | "usec" | "u" => "to_microseconds",
        _ => return None,
    })
}

fn sig(args: &[DataType], target: DataType, expected: &str) -> Result<Signature> {
    check_arity("to_days", args, 1, 1)?;
    if !(args[0].is_numeric() || args[0] == DataType::Null) {
        return Err(signature_error("to_days", expected, args));
    }
    Ok(Signature {
        args: vec![target],
        ret: INTERVAL,
    })
}

fn sig_whole(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    sig(args, DataType::Int64, "(BIGINT)")
}

fn sig_fraction(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    sig(args, DataType::Float64, "(DOUBLE)")
}

fn build(args: &[ColumnarValue], func: &str, unit: Unit) -> Result<ColumnarValue> {
    let input = args[0].to_array(1)?;
    let input = if matches!(unit, Unit::Nanos(_)) {
        cast_array(&input, &DataType::Float64, false)?
    } else {
        cast_array(&input, &DataType::Int64, false)?
    };
    let overflow = || {
        Error::Compute(format!(
            "Out of Range Error: interval value is out of range in {func}"
        ))
    };
    let out: IntervalMonthDayNanoArray = match unit {
        Unit::Months(k) | Unit::Days(k) => {
            let values = input.as_primitive::<Int64Type>();
            values
                .iter()
                .map(|v| {
                    v.map(|n| {
                        let n = n
                            .checked_mul(k)
                            .and_then(|n| i32::try_from(n).ok())
                            .ok_or_else(overflow)?;
                        Ok(match unit {
                            Unit::Months(_) => IntervalMonthDayNano::new(n, 0, 0),
                            _ => IntervalMonthDayNano::new(0, n, 0),
                        })
                    })
                    .transpose()
                })
                .collect::<Result<_>>()?
        }
        Unit::Nanos(k) => {
            let values = input.as_primitive::<Float64Type>();
            values
                .iter()
                .map(|v| {
                    v.map(|n| {
                        let nanos = (n * k).round();
                        if !nanos.is_finite() || nanos.abs() >= i64::MAX as f64 {
                            return Err(overflow());
                        }
                        Ok(IntervalMonthDayNano::new(0, 0, nanos as i64))
                    })
                    .transpose()
                })
                .collect::<Result<_>>()?
        }
    };
    wrap_like(args, Arc::new(out))
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, Int64Array};

    use super::*;

    #[test]
    fn days_stay_days_and_hours_become_nanoseconds() {
        let input = ColumnarValue::Array(Arc::new(Int64Array::from(vec![Some(40), None])));
        let days = build(&[input.clone()], "to_days", Unit::Days(1))
            .unwrap()
            .into_array(2)
            .unwrap();
        let days = days.as_primitive::<arrow::datatypes::IntervalMonthDayNanoType>();
        assert_eq!(days.value(0), IntervalMonthDayNano::new(0, 40, 0));
        assert!(days.is_null(1));
        let hours = build(&[input], "to_hours", Unit::Nanos(3.6e12))
            .unwrap()
            .into_array(2)
            .unwrap();
        let hours = hours.as_primitive::<arrow::datatypes::IntervalMonthDayNanoType>();
        assert_eq!(
            hours.value(0),
            IntervalMonthDayNano::new(0, 0, 40 * 3_600_000_000_000)
        );
    }

    #[test]
    fn knows_duckdb_unit_names() {
        assert_eq!(constructor_for_unit("DAYS"), Some("to_days"));
        assert_eq!(constructor_for_unit("minute"), Some("to_minutes"));
        assert_eq!(constructor_for_unit("fortnight"), None);
    }
}
