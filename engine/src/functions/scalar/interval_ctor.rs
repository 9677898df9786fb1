//! Interval constructors, as in DuckDB: `to_years(n)`, `to_quarters`, `to_months`,
//! `to_decades`, `to_centuries`, `to_millennia` (months), `to_weeks`, `to_days` (days),
//! `to_hours`, `to_minutes`, `to_microseconds` (whole microseconds) and `to_seconds`,
//! `to_milliseconds` (fractional, rounded to the microsecond). Values that do not fit the
//! interval's fields are errors.

use std::sync::Arc;

use arrow::array::IntervalMonthDayNanoArray;
use arrow::datatypes::{DataType, Float64Type, Int64Type, IntervalMonthDayNano, IntervalUnit};

use super::util::{arg, cast_all, check_arity, def, int_target, Prims, Shape};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_numeric, ScalarValue};

/// Which field a constructor fills, and with how many of its units per input unit.
#[derive(Clone, Copy)]
enum Unit {
    Months(i64),
    Days(i64),
    Micros(i64),
    /// Fractional input, microseconds per unit.
    FracMicros(f64),
}

/// The constructors: name, field, and the unit's name in error messages.
const CONSTRUCTORS: &[(&str, Unit, &str)] = &[
    ("to_years", Unit::Months(12), "years"),
    ("to_quarters", Unit::Months(3), "quarters"),
    ("to_months", Unit::Months(1), "months"),
    ("to_decades", Unit::Months(120), "decades"),
    ("to_centuries", Unit::Months(1200), "centuries"),
    ("to_millennia", Unit::Months(12_000), "millennia"),
    ("to_weeks", Unit::Days(7), "weeks"),
    ("to_days", Unit::Days(1), "days"),
    ("to_hours", Unit::Micros(3_600_000_000), "hours"),
    ("to_minutes", Unit::Micros(60_000_000), "minutes"),
    ("to_microseconds", Unit::Micros(1), "microseconds"),
    ("to_seconds", Unit::FracMicros(1e6), "seconds"),
    ("to_milliseconds", Unit::FracMicros(1e3), "milliseconds"),
];

fn unit_of(name: &str) -> Result<(Unit, &'static str)> {
    CONSTRUCTORS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, u, label)| (*u, *label))
        .ok_or_else(|| crate::internal_err!("`{name}` is not an interval constructor"))
}

macro_rules! constructor {
    ($sig:ident, $invoke:ident, $name:literal) => {
        fn $sig(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
            signature($name, args)
        }
        fn $invoke(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
            build($name, args)
        }
    };
}

constructor!(sig_years, to_years, "to_years");
constructor!(sig_quarters, to_quarters, "to_quarters");
constructor!(sig_months, to_months, "to_months");
constructor!(sig_decades, to_decades, "to_decades");
constructor!(sig_centuries, to_centuries, "to_centuries");
constructor!(sig_millennia, to_millennia, "to_millennia");
constructor!(sig_weeks, to_weeks, "to_weeks");
constructor!(sig_days, to_days, "to_days");
constructor!(sig_hours, to_hours, "to_hours");
constructor!(sig_minutes, to_minutes, "to_minutes");
constructor!(sig_micros, to_microseconds, "to_microseconds");
constructor!(sig_seconds, to_seconds, "to_seconds");
constructor!(sig_millis, to_milliseconds, "to_milliseconds");

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(def("to_years", &[], sig_years, to_years));
    r.add_scalar(def("to_quarters", &[], sig_quarters, to_quarters));
    r.add_scalar(def("to_months", &[], sig_months, to_months));
    r.add_scalar(def("to_decades", &[], sig_decades, to_decades));
    r.add_scalar(def("to_centuries", &[], sig_centuries, to_centuries));
    r.add_scalar(def("to_millennia", &[], sig_millennia, to_millennia));
    r.add_scalar(def("to_weeks", &[], sig_weeks, to_weeks));
    r.add_scalar(def("to_days", &[], sig_days, to_days));
    r.add_scalar(def("to_hours", &[], sig_hours, to_hours));
    r.add_scalar(def("to_minutes", &[], sig_minutes, to_minutes));
    r.add_scalar(def("to_microseconds", &[], sig_micros, to_microseconds));
    r.add_scalar(def("to_seconds", &[], sig_seconds, to_seconds));
    r.add_scalar(def("to_milliseconds", &[], sig_millis, to_milliseconds));
}

fn signature(name: &str, args: &[DataType]) -> Result<Signature> {
    let (unit, _) = unit_of(name)?;
    let fractional = matches!(unit, Unit::FracMicros(_));
    let expected = if fractional { "(DOUBLE)" } else { "(BIGINT)" };
    check_arity(name, args, 1, 1).map_err(|_| signature_error(name, expected, args))?;
    let cast = cast_all(name, args, expected, |_, t| {
        if fractional {
            (is_numeric(t) || matches!(t, DataType::Null)).then_some(DataType::Float64)
        } else {
            int_target(t)
        }
    })?;
    Ok(Signature {
        args: cast,
        ret: DataType::Interval(IntervalUnit::MonthDayNano),
    })
}

fn build(name: &str, args: &[ColumnarValue]) -> Result<ColumnarValue> {
    let (unit, label) = unit_of(name)?;
    let shape = Shape::of(args);
    let v = arg(args, 0, name)?;
    let out_of_range = |n: &dyn std::fmt::Display| {
        Error::Compute(format!(
            "Interval value {n} {label} out of range (overflow)"
        ))
    };
    let out: IntervalMonthDayNanoArray = match unit {
        Unit::FracMicros(per) => {
            let x = Prims::<Float64Type>::new(v, name)?;
            (0..shape.len)
                .map(|i| {
                    let Some(x) = x.get(i) else { return Ok(None) };
                    let micros = (x * per).round();
                    if !micros.is_finite() || micros.abs() >= (i64::MAX / 1000) as f64 {
                        return Err(out_of_range(&x));
                    }
                    Ok(Some(IntervalMonthDayNano::new(0, 0, micros as i64 * 1000)))
                })
                .collect::<Result<_>>()?
        }
        _ => {
            let x = Prims::<Int64Type>::new(v, name)?;
            (0..shape.len)
                .map(|i| {
                    let Some(n) = x.get(i) else { return Ok(None) };
                    let iv = match unit {
                        Unit::Months(k) => n
                            .checked_mul(k)
                            .and_then(|m| i32::try_from(m).ok())
                            .map(|m| IntervalMonthDayNano::new(m, 0, 0)),
                        Unit::Days(k) => n
                            .checked_mul(k)
                            .and_then(|d| i32::try_from(d).ok())
                            .map(|d| IntervalMonthDayNano::new(0, d, 0)),
                        Unit::Micros(k) => n
                            .checked_mul(k)
                            .and_then(|us| us.checked_mul(1000))
                            .map(|ns| IntervalMonthDayNano::new(0, 0, ns)),
                        Unit::FracMicros(_) => None,
                    };
                    iv.map(Some).ok_or_else(|| out_of_range(&n))
                })
                .collect::<Result<_>>()?
        }
    };
    shape.wrap(Arc::new(out))
}

/// The constructor for `INTERVAL (expr) <unit>`, by DuckDB's unit names.
pub fn constructor_for_unit(unit: &str) -> Option<&'static str> {
    Some(match unit.to_lowercase().trim_end_matches('s') {
        "millennium" | "millennia" => "to_millennia",
        "century" | "centurie" => "to_centuries",
        "decade" => "to_decades",
        "year" | "y" | "yr" => "to_years",
        "quarter" => "to_quarters",
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

#[cfg(test)]
mod tests {
    use super::super::util::testing::{call, lit, scalar};
    use super::*;

    #[test]
    fn builds_intervals() {
        assert_eq!(
            scalar("to_years", vec![lit(2i64)]),
            ScalarValue::interval(24, 0, 0)
        );
        assert_eq!(
            scalar("to_weeks", vec![lit(2i64)]),
            ScalarValue::interval(0, 14, 0)
        );
        assert_eq!(
            scalar("to_seconds", vec![lit(1.5f64)]),
            ScalarValue::interval(0, 0, 1_500_000_000)
        );
        assert!(call("to_years", vec![lit(2_147_483_647i64)]).is_err());
    }
}
