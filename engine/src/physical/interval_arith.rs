//! Arithmetic arrow-rs has no kernel for: TIME ± INTERVAL, TIME - TIME and
//! INTERVAL * integer, with DuckDB's semantics.
//!
//! A TIME moves by the interval's time part only and wraps around midnight (DuckDB ignores
//! the months and days of the interval). Multiplying an interval scales each of its
//! fields.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, IntervalMonthDayNanoArray, Time64MicrosecondArray};
use arrow::datatypes::{
    DataType, Int64Type, IntervalMonthDayNano, IntervalMonthDayNanoType, TimeUnit,
};

use super::expr::cast_array;
use crate::error::{Error, Result};
use crate::expr::Operator;
use crate::functions::ColumnarValue;

const DAY_MICROS: i64 = 86_400_000_000;

fn is_time(t: &DataType) -> bool {
    matches!(t, DataType::Time32(_) | DataType::Time64(_))
}

/// Whether `l op r` is one of this module's operations.
pub fn handles(l: &DataType, op: Operator, r: &DataType) -> bool {
    let interval = |t: &DataType| matches!(t, DataType::Interval(_));
    match op {
        Operator::Plus => (is_time(l) && interval(r)) || (interval(l) && is_time(r)),
        Operator::Minus => is_time(l) && (interval(r) || is_time(r)),
        Operator::Multiply => (interval(l) && r.is_integer()) || (l.is_integer() && interval(r)),
        _ => false,
    }
}

/// Computes `l op r` over `n` rows.
pub fn evaluate(l: &ColumnarValue, op: Operator, r: &ColumnarValue, n: usize) -> Result<ArrayRef> {
    let (la, ra) = (l.to_array(n)?, r.to_array(n)?);
    match op {
        Operator::Multiply => {
            let (iv, k) = if matches!(la.data_type(), DataType::Interval(_)) {
                (la, ra)
            } else {
                (ra, la)
            };
            let iv = intervals(&iv)?;
            let k = cast_array(&k, &DataType::Int64, false)?;
            let k = k.as_primitive::<Int64Type>();
            let out: IntervalMonthDayNanoArray = iv
                .iter()
                .zip(k.iter())
                .map(|(v, k)| match (v, k) {
                    (Some(v), Some(k)) => scale(v, k).map(Some),
                    _ => Ok(None),
                })
                .collect::<Result<_>>()?;
            Ok(Arc::new(out))
        }
        Operator::Minus if is_time(ra.data_type()) => {
            let (a, b) = (micros(&la)?, micros(&ra)?);
            let out: IntervalMonthDayNanoArray = a
                .iter()
                .zip(b.iter())
                .map(|(a, b)| Some(IntervalMonthDayNano::new(0, 0, (a? - b?) * 1000)))
                .collect();
            Ok(Arc::new(out))
        }
        _ => {
            let (time, iv) = if is_time(la.data_type()) {
                (la, ra)
            } else {
                (ra, la)
            };
            let sign = if op == Operator::Minus { -1 } else { 1 };
            let (t, iv) = (micros(&time)?, intervals(&iv)?);
            let out: Time64MicrosecondArray = t
                .iter()
                .zip(iv.iter())
                .map(|(t, v)| {
                    let shift = (v?.nanoseconds / 1000).rem_euclid(DAY_MICROS) * sign;
                    Some((t? + shift).rem_euclid(DAY_MICROS))
                })
                .collect();
            let out: ArrayRef = Arc::new(out);
            cast_array(&out, time.data_type(), false)
        }
    }
}

fn micros(a: &ArrayRef) -> Result<Time64MicrosecondArray> {
    let a = cast_array(a, &DataType::Time64(TimeUnit::Microsecond), false)?;
    Ok(a.as_primitive().clone())
}

fn intervals(a: &ArrayRef) -> Result<IntervalMonthDayNanoArray> {
    let a = cast_array(
        a,
        &DataType::Interval(arrow::datatypes::IntervalUnit::MonthDayNano),
        false,
    )?;
    Ok(a.as_primitive::<IntervalMonthDayNanoType>().clone())
}

fn scale(v: IntervalMonthDayNano, k: i64) -> Result<IntervalMonthDayNano> {
    let overflow =
        || Error::Compute("Out of Range Error: overflow in interval multiplication".into());
    let k32 = i32::try_from(k).map_err(|_| overflow())?;
    Ok(IntervalMonthDayNano::new(
        v.months.checked_mul(k32).ok_or_else(overflow)?,
        v.days.checked_mul(k32).ok_or_else(overflow)?,
        v.nanoseconds.checked_mul(k).ok_or_else(overflow)?,
    ))
}

#[cfg(test)]
mod tests {
    use arrow::array::Int64Array;

    use super::*;
    use crate::types::ScalarValue;

    #[test]
    fn time_wraps_around_midnight() {
        let t: ArrayRef = Arc::new(Time64MicrosecondArray::from(vec![23 * 3_600_000_000]));
        let iv = ColumnarValue::Scalar(ScalarValue::interval(0, 1, 2 * 3_600_000_000_000));
        let out = evaluate(&ColumnarValue::Array(t), Operator::Plus, &iv, 1).unwrap();
        assert_eq!(
            out.as_primitive::<arrow::datatypes::Time64MicrosecondType>()
                .value(0),
            3_600_000_000
        );
    }

    #[test]
    fn intervals_scale_fieldwise() {
        let iv = ColumnarValue::Scalar(ScalarValue::interval(1, 2, 3));
        let k = ColumnarValue::Array(Arc::new(Int64Array::from(vec![3])));
        let out = evaluate(&iv, Operator::Multiply, &k, 1).unwrap();
        assert_eq!(
            out.as_primitive::<IntervalMonthDayNanoType>().value(0),
            IntervalMonthDayNano::new(3, 6, 9)
        );
    }
}
