//! Calendar arithmetic on the raw counts Arrow stores (days since 1970-01-01 for `Date32`,
//! microseconds or nanoseconds since the epoch for timestamps), in the proleptic Gregorian
//! calendar DuckDB uses, over DuckDB's whole range (about 5.8 million years each side,
//! far past what chrono represents), with DuckDB's infinite dates and timestamps.
//!
//! DuckDB marks `infinity` / `-infinity` with the extreme values of the storage type:
//! `±i32::MAX` days for a DATE and `±i64::MAX` ticks for a TIMESTAMP; Quiver stores them
//! the same way, so the values survive a round trip through Arrow or DuckDB itself.

use std::sync::Arc;

/// The day count DuckDB uses for DATE `infinity`.
pub const DATE_INFINITY: i32 = i32::MAX;
/// The day count DuckDB uses for DATE `-infinity`.
pub const DATE_NEG_INFINITY: i32 = -i32::MAX;
/// The tick count DuckDB uses for TIMESTAMP `infinity` (in any unit).
pub const TIMESTAMP_INFINITY: i64 = i64::MAX;
/// The tick count DuckDB uses for TIMESTAMP `-infinity` (in any unit).
pub const TIMESTAMP_NEG_INFINITY: i64 = -i64::MAX;

/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The earliest valid date, 5877642-06-25 (BC), as days since the epoch.
pub const DATE_MIN_DAYS: i64 = -2_147_483_646;
/// The latest valid date, 5881580-07-10, as days since the epoch.
pub const DATE_MAX_DAYS: i64 = 2_147_483_646;

/// Whether `year` (astronomical numbering: 0 is 1 BC) is a leap year.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in `month` (1-12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a civil date (no range check; `month` 1-12, `day` 1-31).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Howard Hinnant's days_from_civil: years start in March so the leap day comes last.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The day count of a civil date if it exists and lies in DuckDB's DATE range.
pub fn checked_days(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if !(-6_000_000..=6_000_000).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    (DATE_MIN_DAYS..=DATE_MAX_DAYS)
        .contains(&days)
        .then_some(days)
}

/// Whether a DATE day count is `infinity` or `-infinity`.
pub fn is_infinite_date(days: i32) -> bool {
    days == DATE_INFINITY || days == DATE_NEG_INFINITY
}

/// Whether a TIMESTAMP tick count is `infinity` or `-infinity`.
pub fn is_infinite_timestamp(ticks: i64) -> bool {
    ticks == TIMESTAMP_INFINITY || ticks == TIMESTAMP_NEG_INFINITY
}

/// The microsecond timestamp of a date's midnight, if it fits.
pub fn date_to_micros(days: i64) -> Option<i64> {
    let v = days.checked_mul(MICROS_PER_DAY)?;
    (!is_infinite_timestamp(v)).then_some(v)
}

/// The date a microsecond timestamp falls on (rounding down before 1970).
pub fn micros_to_date(micros: i64) -> i64 {
    micros.div_euclid(MICROS_PER_DAY)
}

/// A date plus `months` (the day clamped to the new month's length, as DuckDB does:
/// January 31 plus a month is February 28 or 29) and then `days`; `None` past DuckDB's range.
pub fn add_months_days(days: i64, months: i64, add_days: i64) -> Option<i64> {
    let mut out = days;
    if months != 0 {
        let (y, m, d) = civil_from_days(days);
        let total = y
            .checked_mul(12)?
            .checked_add(i64::from(m) - 1)?
            .checked_add(months)?;
        let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        out = checked_days(y, m, d.min(days_in_month(y, m)))?;
    }
    let out = out.checked_add(add_days)?;
    (DATE_MIN_DAYS..=DATE_MAX_DAYS)
        .contains(&out)
        .then_some(out)
}

/// A microsecond timestamp plus an interval of `months`, `days` and `micros`, applied in
/// that order as DuckDB does; `None` when the result leaves the TIMESTAMP range.
pub fn add_interval_micros(ts: i64, months: i64, days: i64, micros: i64) -> Option<i64> {
    let date = micros_to_date(ts);
    let time = ts - date * MICROS_PER_DAY;
    let date = add_months_days(date, months, days)?;
    let v = date_to_micros(date)?
        .checked_add(time)?
        .checked_add(micros)?;
    (!is_infinite_timestamp(v)).then_some(v)
}

/// Casts between DATE and TIMESTAMP keeping the infinities infinite (Arrow's own cast
/// would overflow on them); `None` for any other pair of types. A timestamp becomes the
/// date it falls on (rounding down before 1970), a date its midnight.
pub fn cast_date_timestamp(
    a: &arrow::array::ArrayRef,
    to: &arrow::datatypes::DataType,
) -> crate::error::Result<Option<arrow::array::ArrayRef>> {
    use arrow::array::{Array, AsArray, Date32Array, PrimitiveArray};
    use arrow::datatypes::{
        DataType, Date32Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
        TimestampNanosecondType, TimestampSecondType,
    };
    let per_day = |unit: &TimeUnit| -> i64 {
        match unit {
            TimeUnit::Second => 86_400,
            TimeUnit::Millisecond => 86_400_000,
            TimeUnit::Microsecond => MICROS_PER_DAY,
            TimeUnit::Nanosecond => MICROS_PER_DAY * 1000,
        }
    };
    match (a.data_type(), to) {
        (DataType::Date32, DataType::Timestamp(unit, tz)) => {
            let d = a.as_primitive::<Date32Type>();
            let has_infinite = d.iter().flatten().any(is_infinite_date);
            if !has_infinite {
                return Ok(None);
            }
            let per = per_day(unit);
            let ticks: Vec<Option<i64>> = d
                .iter()
                .map(|v| {
                    v.map(|v| match v {
                        DATE_INFINITY => TIMESTAMP_INFINITY,
                        DATE_NEG_INFINITY => TIMESTAMP_NEG_INFINITY,
                        v => i64::from(v).saturating_mul(per),
                    })
                })
                .collect();
            let arr: arrow::array::ArrayRef = match unit {
                TimeUnit::Second => Arc::new(PrimitiveArray::<TimestampSecondType>::from(ticks)),
                TimeUnit::Millisecond => {
                    Arc::new(PrimitiveArray::<TimestampMillisecondType>::from(ticks))
                }
                TimeUnit::Microsecond => {
                    Arc::new(PrimitiveArray::<TimestampMicrosecondType>::from(ticks))
                }
                TimeUnit::Nanosecond => {
                    Arc::new(PrimitiveArray::<TimestampNanosecondType>::from(ticks))
                }
            };
            Ok(Some(match tz {
                Some(tz) => super::datetime_parse::with_zone(&arr, tz.clone()),
                None => arr,
            }))
        }
        (DataType::Timestamp(unit, _), DataType::Date32) => {
            let a = arrow::compute::cast(a, &DataType::Timestamp(*unit, None))?;
            let per = per_day(unit);
            macro_rules! days {
                ($t:ty) => {
                    a.as_primitive::<$t>()
                        .iter()
                        .map(|v| {
                            v.map(|v| match v {
                                TIMESTAMP_INFINITY => DATE_INFINITY,
                                TIMESTAMP_NEG_INFINITY => DATE_NEG_INFINITY,
                                v => v.div_euclid(per) as i32,
                            })
                        })
                        .collect::<Date32Array>()
                };
            }
            let out = match unit {
                TimeUnit::Second => days!(TimestampSecondType),
                TimeUnit::Millisecond => days!(TimestampMillisecondType),
                TimeUnit::Microsecond => days!(TimestampMicrosecondType),
                TimeUnit::Nanosecond => days!(TimestampNanosecondType),
            };
            Ok(Some(Arc::new(out)))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_over_the_whole_range() {
        for days in [
            DATE_MIN_DAYS,
            -719_528,
            -1,
            0,
            18_262,
            DATE_MAX_DAYS,
            -2_000_000_000,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{days}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(DATE_MIN_DAYS), (-5_877_641, 6, 25));
        assert_eq!(civil_from_days(DATE_MAX_DAYS), (5_881_580, 7, 10));
    }

    #[test]
    fn checked_days_rejects_impossible_dates() {
        assert_eq!(checked_days(2020, 2, 29), Some(18_321));
        assert_eq!(checked_days(2019, 2, 29), None);
        assert_eq!(checked_days(2019, 13, 1), None);
        assert_eq!(checked_days(5_881_580, 7, 11), None);
        assert!(is_infinite_date(DATE_NEG_INFINITY));
        // 2020-01-31 + 1 month = 2020-02-29; + 1 month 1 day = 2020-03-01.
        let jan31 = checked_days(2020, 1, 31).unwrap();
        assert_eq!(add_months_days(jan31, 1, 0), checked_days(2020, 2, 29));
        assert_eq!(add_months_days(jan31, 1, 1), checked_days(2020, 3, 1));
        assert_eq!(add_months_days(jan31, -13, 0), checked_days(2018, 12, 31));
        assert_eq!(add_months_days(0, 2_000_000_000, 0), None);
        assert_eq!(add_interval_micros(-1, 0, 1, 1), Some(MICROS_PER_DAY));
        assert!(!is_infinite_timestamp(0));
    }
}
