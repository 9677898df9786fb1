//! DuckDB's text forms of DATE, TIME and TIMESTAMP values, read: the parsing behind
//! `'...'::DATE`, `TIMESTAMP '...'`, comparisons with string literals and inserts of
//! strings into temporal columns.
//!
//! What DuckDB accepts and Arrow's own cast does not: `infinity` / `inf`, `-infinity` /
//! `-inf` and `epoch` (any case); BC dates (`0044-03-15 (BC)`) and negative years; years past 9999; `/`, `\`
//! or a space as the date separator; one-digit months, days, hours and minutes; `24:00:00`
//! as a time; a date where a time or timestamp is wanted and a timestamp where a date or
//! time is wanted; `T` or a space between date and time; up to nine fraction digits
//! (truncated to the target's precision); and a trailing `Z`, UTC offset (`+02`,
//! `-05:30`) or zone name, which a TIMESTAMP ignores (as DuckDB does) and a TIMESTAMP
//! WITH TIME ZONE applies. Failures carry DuckDB's messages.

use std::str::FromStr;
use std::sync::Arc;

use arrow::array::timezone::Tz;
use arrow::array::{
    ArrayRef, AsArray, Date32Array, PrimitiveArray, StringArray, Time32MillisecondArray,
    Time32SecondArray, Time64MicrosecondArray, Time64NanosecondArray,
};
use arrow::datatypes::{
    DataType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use chrono::{NaiveDate, TimeZone};

use super::calendar::{
    checked_days, DATE_INFINITY, DATE_NEG_INFINITY, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY,
};
use crate::error::{Error, Result};

const NANOS_PER_SEC: i64 = 1_000_000_000;
const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SEC;

/// Why a string is not a date, time or timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// The text does not have the shape of one.
    Format,
    /// It has the shape, but a field is out of range (month 13, February 30, ...).
    Range,
}

/// A parsed timestamp: a point on the calendar or one of the infinities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedTimestamp {
    /// A date and time of day.
    Finite {
        /// Days since 1970-01-01.
        days: i64,
        /// Nanoseconds since midnight (up to a whole day for `24:00:00`).
        nanos: i64,
        /// A UTC offset written after the time, in seconds east of UTC.
        offset: Option<i64>,
        /// A zone name written after the time.
        zone: Option<String>,
    },
    /// `infinity`.
    Infinity,
    /// `-infinity`.
    NegInfinity,
}

/// A special word DuckDB accepts for dates and timestamps.
enum Special {
    Infinity,
    NegInfinity,
    Epoch,
}

fn special(s: &str) -> Option<Special> {
    if s.eq_ignore_ascii_case("infinity") || s.eq_ignore_ascii_case("inf") {
        Some(Special::Infinity)
    } else if s.eq_ignore_ascii_case("-infinity") || s.eq_ignore_ascii_case("-inf") {
        Some(Special::NegInfinity)
    } else if s.eq_ignore_ascii_case("epoch") {
        Some(Special::Epoch)
    } else {
        None
    }
}

/// One or two digits at `pos`.
fn one_or_two_digits(b: &[u8], pos: &mut usize) -> Option<u32> {
    let first = *b.get(*pos).filter(|c| c.is_ascii_digit())?;
    *pos += 1;
    let mut v = u32::from(first - b'0');
    if let Some(&c) = b.get(*pos).filter(|c| c.is_ascii_digit()) {
        v = v * 10 + u32::from(c - b'0');
        *pos += 1;
    }
    Some(v)
}

/// A date at the start of `b` (after spaces): `[-]Y+<sep>M[M]<sep>D[D][ (BC)]` with `sep` one
/// of `-`, `/`, `\` or a space. Returns the day count and the position after it; a digit
/// right after the day is a format error.
fn date_prefix(b: &[u8]) -> std::result::Result<(i64, usize), ParseError> {
    let mut pos = 0;
    while b.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    let negative = b.get(pos) == Some(&b'-');
    if negative {
        pos += 1;
    }
    if !b.get(pos).is_some_and(u8::is_ascii_digit) {
        return Err(ParseError::Format);
    }
    let mut year: i64 = 0;
    while let Some(&c) = b.get(pos).filter(|c| c.is_ascii_digit()) {
        if year >= 100_000_000 {
            return Err(ParseError::Format);
        }
        year = year * 10 + i64::from(c - b'0');
        pos += 1;
    }
    if negative {
        year = -year;
    }
    let sep = *b.get(pos).ok_or(ParseError::Format)?;
    if !matches!(sep, b'-' | b'/' | b'\\' | b' ') {
        return Err(ParseError::Format);
    }
    pos += 1;
    let month = one_or_two_digits(b, &mut pos).ok_or(ParseError::Format)?;
    if b.get(pos) != Some(&sep) {
        return Err(ParseError::Format);
    }
    pos += 1;
    let day = one_or_two_digits(b, &mut pos).ok_or(ParseError::Format)?;
    let rest = &b[pos..];
    if rest.len() >= 5
        && rest[0].is_ascii_whitespace()
        && rest[1] == b'('
        && rest[2].eq_ignore_ascii_case(&b'b')
        && rest[3].eq_ignore_ascii_case(&b'c')
        && rest[4] == b')'
    {
        if negative || year == 0 {
            return Err(ParseError::Format);
        }
        year = 1 - year;
        pos += 5;
    }
    if b.get(pos).is_some_and(u8::is_ascii_digit) {
        return Err(ParseError::Format);
    }
    let days = checked_days(year, month, day).ok_or(ParseError::Range)?;
    Ok((days, pos))
}

/// A time of day at the start of `b` (after spaces): `H+:M[M][:S[S][.fraction]]`. Returns
/// nanoseconds since midnight and the position after it. Hours may reach 24 only for
/// `24:00:00` exactly.
fn time_prefix(b: &[u8]) -> std::result::Result<(i64, usize), ParseError> {
    let mut pos = 0;
    while b.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    if !b.get(pos).is_some_and(u8::is_ascii_digit) {
        return Err(ParseError::Format);
    }
    let mut hour: i64 = 0;
    let mut digits = 0;
    while let Some(&c) = b.get(pos).filter(|c| c.is_ascii_digit()) {
        digits += 1;
        if digits > 9 {
            return Err(ParseError::Format);
        }
        hour = hour * 10 + i64::from(c - b'0');
        pos += 1;
    }
    if b.get(pos) != Some(&b':') {
        return Err(ParseError::Format);
    }
    pos += 1;
    let minute = i64::from(one_or_two_digits(b, &mut pos).ok_or(ParseError::Format)?);
    let mut second = 0;
    let mut fraction = 0;
    if b.get(pos) == Some(&b':') {
        pos += 1;
        second = i64::from(one_or_two_digits(b, &mut pos).ok_or(ParseError::Format)?);
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            let mut scale = NANOS_PER_SEC / 10;
            while let Some(&c) = b.get(pos).filter(|c| c.is_ascii_digit()) {
                fraction += i64::from(c - b'0') * scale;
                scale /= 10;
                pos += 1;
            }
        }
    }
    if minute >= 60 || second >= 60 {
        return Err(ParseError::Range);
    }
    let nanos = ((hour * 60 + minute) * 60 + second) * NANOS_PER_SEC + fraction;
    if nanos > NANOS_PER_DAY {
        return Err(ParseError::Range);
    }
    Ok((nanos, pos))
}

/// A UTC offset `±HH[[:]MM[[:]SS]]` at the start of `b`, in seconds, with its length.
fn utc_offset(b: &[u8]) -> Option<(i64, usize)> {
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let two = |p: usize| -> Option<i64> {
        let (h, l) = (*b.get(p)?, *b.get(p + 1)?);
        (h.is_ascii_digit() && l.is_ascii_digit()).then(|| i64::from((h - b'0') * 10 + l - b'0'))
    };
    let hours = two(1)?;
    let mut pos = 3;
    let mut secs = hours * 3600;
    for unit in [60, 1] {
        let p = if b.get(pos) == Some(&b':') {
            pos + 1
        } else {
            pos
        };
        match two(p) {
            Some(v) => {
                secs += v * unit;
                pos = p + 2;
            }
            None => break,
        }
    }
    Some((sign * secs, pos))
}

/// What may follow a time: spaces, `Z`, a UTC offset or a zone name, spaces.
fn time_suffix(rest: &[u8]) -> std::result::Result<(Option<i64>, Option<String>), ParseError> {
    let mut pos = 0;
    let skip_spaces = |pos: &mut usize| {
        while rest.get(*pos).is_some_and(u8::is_ascii_whitespace) {
            *pos += 1;
        }
    };
    skip_spaces(&mut pos);
    let mut offset = None;
    let mut zone = None;
    if rest.get(pos) == Some(&b'Z') && !rest.get(pos + 1).is_some_and(u8::is_ascii_alphabetic) {
        pos += 1;
        offset = Some(0);
    } else if let Some((secs, len)) = utc_offset(&rest[pos..]) {
        pos += len;
        offset = Some(secs);
    } else if rest.get(pos).is_some_and(u8::is_ascii_alphabetic) {
        let start = pos;
        while rest
            .get(pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"/_+-".contains(c))
        {
            pos += 1;
        }
        zone = Some(String::from_utf8_lossy(&rest[start..pos]).into_owned());
    }
    skip_spaces(&mut pos);
    if pos < rest.len() {
        return Err(ParseError::Format);
    }
    Ok((offset, zone))
}

/// Parses a DATE as DuckDB does: a date alone, else a timestamp's date.
pub fn parse_date(s: &str) -> std::result::Result<i32, ParseError> {
    match special(s.trim()) {
        Some(Special::Infinity) => return Ok(DATE_INFINITY),
        Some(Special::NegInfinity) => return Ok(DATE_NEG_INFINITY),
        Some(Special::Epoch) => return Ok(0),
        None => {}
    }
    let b = s.as_bytes();
    match date_prefix(b) {
        Ok((days, pos)) if b[pos..].iter().all(u8::is_ascii_whitespace) => Ok(days as i32),
        Err(ParseError::Range) => Err(ParseError::Range),
        _ => match parse_timestamp(s) {
            Ok(ParsedTimestamp::Finite { days, .. }) => Ok(days as i32),
            Ok(ParsedTimestamp::Infinity) => Ok(DATE_INFINITY),
            Ok(ParsedTimestamp::NegInfinity) => Ok(DATE_NEG_INFINITY),
            Err(_) => Err(ParseError::Format),
        },
    }
}

/// Parses a TIMESTAMP as DuckDB does: a date, optionally followed by `T` or a space and a
/// time, optionally followed by `Z`, a UTC offset or a zone name.
pub fn parse_timestamp(s: &str) -> std::result::Result<ParsedTimestamp, ParseError> {
    match special(s.trim()) {
        Some(Special::Infinity) => return Ok(ParsedTimestamp::Infinity),
        Some(Special::NegInfinity) => return Ok(ParsedTimestamp::NegInfinity),
        Some(Special::Epoch) => {
            return Ok(ParsedTimestamp::Finite {
                days: 0,
                nanos: 0,
                offset: None,
                zone: None,
            })
        }
        None => {}
    }
    let b = s.as_bytes();
    let (days, mut pos) = date_prefix(b)?;
    let finite = |nanos, offset, zone| ParsedTimestamp::Finite {
        days,
        nanos,
        offset,
        zone,
    };
    if b[pos..].iter().all(u8::is_ascii_whitespace) {
        return Ok(finite(0, None, None));
    }
    if matches!(b[pos], b' ' | b'T') {
        pos += 1;
    }
    let (nanos, len) = time_prefix(&b[pos..])?;
    let (offset, zone) = time_suffix(&b[pos + len..])?;
    Ok(finite(nanos, offset, zone))
}

/// Parses a TIME as DuckDB does: a time of day (a trailing offset or zone is ignored),
/// else a timestamp's time of day. Returns nanoseconds since midnight.
pub fn parse_time(s: &str) -> std::result::Result<i64, ParseError> {
    let b = s.as_bytes();
    if let Ok((nanos, len)) = time_prefix(b) {
        if time_suffix(&b[len..]).is_ok() {
            return Ok(nanos);
        }
    }
    match parse_timestamp(s) {
        Ok(ParsedTimestamp::Finite { nanos, .. }) => Ok(nanos),
        _ => Err(ParseError::Range),
    }
}

fn date_error(s: &str, e: ParseError) -> Error {
    match e {
        ParseError::Format => Error::Compute(format!(
            "invalid date field format: \"{s}\", expected format is (YYYY-MM-DD)"
        )),
        ParseError::Range => Error::Compute(format!(
            "date field value out of range: \"{s}\", expected format is (YYYY-MM-DD)"
        )),
    }
}

fn timestamp_error(s: &str, e: ParseError) -> Error {
    let kind = match e {
        ParseError::Format => "invalid timestamp field format",
        ParseError::Range => "timestamp field value out of range",
    };
    Error::Compute(format!(
        "{kind}: \"{s}\", expected format is (YYYY-MM-DD HH:MM[:SS[.US]][±HH[:MM[:SS]]| ZONE])"
    ))
}

fn time_error(s: &str) -> Error {
    Error::Compute(format!(
        "time field value out of range: \"{s}\", expected format is ([YYYY-MM-DD ]HH:MM:SS[.MS])"
    ))
}

/// Nanoseconds in one tick of `unit`.
fn nanos_per(unit: TimeUnit) -> i128 {
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

/// The instant of a wall-clock time in a named zone, in nanoseconds since the epoch.
fn zoned_nanos(days: i64, nanos: i64, zone: &str) -> Option<i128> {
    if zone.eq_ignore_ascii_case("utc") || zone.eq_ignore_ascii_case("gmt") {
        return Some(i128::from(days) * i128::from(NANOS_PER_DAY) + i128::from(nanos));
    }
    let tz = Tz::from_str(zone).ok()?;
    let date = NaiveDate::from_ymd_opt(1970, 1, 1)?
        .checked_add_signed(chrono::Duration::try_days(days)?)?;
    let local = date.and_hms_opt(0, 0, 0)? + chrono::Duration::nanoseconds(nanos);
    let instant = tz.from_local_datetime(&local).earliest()?;
    let utc = instant.naive_utc().and_utc();
    Some(
        i128::from(utc.timestamp()) * i128::from(NANOS_PER_SEC)
            + i128::from(utc.timestamp_subsec_nanos()),
    )
}

/// A parsed timestamp as ticks of `unit`: offsets and zones apply only when `zoned` (the
/// target is a TIMESTAMP WITH TIME ZONE); sub-tick digits are truncated toward zero.
pub fn timestamp_ticks(p: &ParsedTimestamp, unit: TimeUnit, zoned: bool) -> Option<i64> {
    let (days, nanos, offset, zone) = match p {
        ParsedTimestamp::Infinity => return Some(TIMESTAMP_INFINITY),
        ParsedTimestamp::NegInfinity => return Some(TIMESTAMP_NEG_INFINITY),
        ParsedTimestamp::Finite {
            days,
            nanos,
            offset,
            zone,
        } => (*days, *nanos, *offset, zone.as_deref()),
    };
    let local = i128::from(days) * i128::from(NANOS_PER_DAY) + i128::from(nanos);
    let total = match (zoned, offset, zone) {
        (true, Some(off), _) => local - i128::from(off) * i128::from(NANOS_PER_SEC),
        (true, None, Some(z)) => zoned_nanos(days, nanos, z)?,
        _ => local,
    };
    let ticks = total / nanos_per(unit);
    // The infinities' codes are not valid finite values; neither is anything wider.
    let ticks = i64::try_from(ticks).ok()?;
    (ticks != TIMESTAMP_INFINITY && ticks != TIMESTAMP_NEG_INFINITY && ticks != i64::MIN)
        .then_some(ticks)
}

/// Casts strings to a DATE, TIME or TIMESTAMP type with DuckDB's parsing; `None` when `to`
/// is not one of those. Under `try_cast` a string that does not parse becomes NULL.
pub fn cast_strings(a: &ArrayRef, to: &DataType, try_cast: bool) -> Result<Option<ArrayRef>> {
    if !matches!(
        to,
        DataType::Date32 | DataType::Timestamp(_, _) | DataType::Time32(_) | DataType::Time64(_)
    ) {
        return Ok(None);
    }
    let s = arrow::compute::cast(a, &DataType::Utf8)?;
    let s: &StringArray = s.as_string::<i32>();
    // One row: NULL stays NULL, a failure is an error unless this is a TRY_CAST.
    fn each<T>(
        s: &StringArray,
        try_cast: bool,
        f: impl Fn(&str) -> std::result::Result<T, Error>,
    ) -> Result<Vec<Option<T>>> {
        s.iter()
            .map(|v| match v {
                None => Ok(None),
                Some(v) => match f(v) {
                    Ok(x) => Ok(Some(x)),
                    Err(_) if try_cast => Ok(None),
                    Err(e) => Err(e),
                },
            })
            .collect()
    }
    let out: ArrayRef = match to {
        DataType::Date32 => Arc::new(Date32Array::from(each(s, try_cast, |v| {
            parse_date(v).map_err(|e| date_error(v, e))
        })?)),
        DataType::Timestamp(unit, tz) => {
            let zoned = tz.is_some();
            let ticks = each(s, try_cast, |v| {
                let p = parse_timestamp(v).map_err(|e| timestamp_error(v, e))?;
                timestamp_ticks(&p, *unit, zoned)
                    .ok_or_else(|| timestamp_error(v, ParseError::Range))
            })?;
            let arr: ArrayRef = match unit {
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
            // The ticks are already UTC: label them with the zone rather than cast (a cast
            // would shift them, and overflow on the infinities).
            match tz {
                Some(tz) => with_zone(&arr, tz.clone()),
                None => arr,
            }
        }
        DataType::Time32(unit) | DataType::Time64(unit) => {
            let nanos = each(s, try_cast, |v| parse_time(v).map_err(|_| time_error(v)))?;
            let per = nanos_per(*unit) as i64;
            let ticks = nanos.into_iter().map(|n| n.map(|n| n / per));
            match (to, unit) {
                (DataType::Time32(_), TimeUnit::Second) => Arc::new(
                    ticks
                        .map(|t| t.map(|t| t as i32))
                        .collect::<Time32SecondArray>(),
                ),
                (DataType::Time32(_), _) => Arc::new(
                    ticks
                        .map(|t| t.map(|t| t as i32))
                        .collect::<Time32MillisecondArray>(),
                ),
                (_, TimeUnit::Nanosecond) => Arc::new(ticks.collect::<Time64NanosecondArray>()),
                _ => Arc::new(ticks.collect::<Time64MicrosecondArray>()),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// A timestamp array labelled with a time zone, values unchanged.
pub(crate) fn with_zone(a: &ArrayRef, tz: Arc<str>) -> ArrayRef {
    macro_rules! label {
        ($t:ty) => {
            Arc::new(a.as_primitive::<$t>().clone().with_timezone(tz))
        };
    }
    match a.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => label!(TimestampSecondType),
        DataType::Timestamp(TimeUnit::Millisecond, _) => label!(TimestampMillisecondType),
        DataType::Timestamp(TimeUnit::Microsecond, _) => label!(TimestampMicrosecondType),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => label!(TimestampNanosecondType),
        _ => a.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> i64 {
        timestamp_ticks(&parse_timestamp(s).unwrap(), TimeUnit::Microsecond, false).unwrap()
    }

    #[test]
    fn dates_in_duckdb_forms() {
        assert_eq!(parse_date("2020-01-02"), Ok(18_263));
        assert_eq!(parse_date(" 2020/1/2 "), Ok(18_263));
        assert_eq!(parse_date("-infinity"), Ok(DATE_NEG_INFINITY));
        assert_eq!(parse_date("INFINITY"), Ok(DATE_INFINITY));
        assert_eq!(parse_date("-Inf"), Ok(DATE_NEG_INFINITY));
        assert_eq!(parse_date("epoch"), Ok(0));
        assert_eq!(parse_date("0001-01-01 (BC)"), Ok(-719_528));
        assert_eq!(parse_date("0000-01-01"), Ok(-719_528));
        assert_eq!(parse_date("2020-01-02T10:00:00"), Ok(18_263));
        assert_eq!(parse_date("2020-01-02 garbage"), Err(ParseError::Format));
        assert_eq!(parse_date("2020-01-02x"), Err(ParseError::Format));
        assert_eq!(parse_date("20200102"), Err(ParseError::Format));
        assert_eq!(parse_date("2019-02-29"), Err(ParseError::Range));
        assert_eq!(parse_date("5877642-06-24 (BC)"), Err(ParseError::Range));
    }

    #[test]
    fn timestamps_in_duckdb_forms() {
        assert_eq!(ts("1970-01-01"), 0);
        assert_eq!(ts("1970-01-01 00:00:01.5"), 1_500_000);
        assert_eq!(ts("1970-01-01T00:00:01.1234567"), 1_123_456);
        assert_eq!(ts("1970-01-02 24:00:00"), 2 * 86_400_000_000);
        // A TIMESTAMP ignores offsets and zones; a TIMESTAMPTZ applies them.
        assert_eq!(ts("1970-01-01 02:00:00+02"), 7_200_000_000);
        assert_eq!(ts("1970-01-01 02:00:00 XYZ"), 7_200_000_000);
        let p = parse_timestamp("1970-01-01 02:00:00+02:30").unwrap();
        assert_eq!(timestamp_ticks(&p, TimeUnit::Second, true), Some(-1_800));
        assert_eq!(ts("infinity"), TIMESTAMP_INFINITY);
        assert!(parse_timestamp("2020-01-02 10").is_err());
        assert!(parse_timestamp("2020-01-02 10:00:60").is_err());
        assert!(parse_timestamp("2020-01-02 10:00:00 (BC)").is_err());
        assert_eq!(
            parse_timestamp("2020-01-02 (BC) 10:00:00")
                .map(|p| matches!(p, ParsedTimestamp::Finite { .. })),
            Ok(true)
        );
    }

    #[test]
    fn times_in_duckdb_forms() {
        assert_eq!(parse_time("24:00:00"), Ok(NANOS_PER_DAY));
        assert_eq!(parse_time("1:2:3"), Ok(3_723 * NANOS_PER_SEC));
        assert_eq!(parse_time("10:00"), Ok(36_000 * NANOS_PER_SEC));
        assert_eq!(parse_time("10:00:00+02"), Ok(36_000 * NANOS_PER_SEC));
        assert_eq!(parse_time("2020-01-02"), Ok(0));
        assert!(parse_time("24:00:01").is_err());
        assert!(parse_time("allballs").is_err());
    }
}
