//! Reading interval text as DuckDB does: `'1 year 2 months'`, `'3 days 04:05:06.5'`,
//! `'-1 day 10:00'`, `'1 h 30 m'`, `'2 days ago'`, `'0.5 month'`.
//!
//! An interval is a list of `number unit` pairs and at most one `[-]HH:MM[:SS[.f]]` time,
//! optionally followed by `ago` (which negates everything). Fractions follow DuckDB:
//! fractional years round to whole months, a fraction of a month becomes days (30 to a
//! month) and a fraction of a day becomes time.

use arrow::datatypes::IntervalMonthDayNano;

const DAY_NANOS: f64 = 86_400e9;

/// Parses interval text; `None` when it is not an interval DuckDB would accept.
pub fn parse_interval(text: &str) -> Option<IntervalMonthDayNano> {
    let mut months: i64 = 0;
    let mut days: i64 = 0;
    let mut nanos: i128 = 0;
    let mut words: Vec<String> = vec![];
    // Split numbers glued to units ("30m", "2days") into separate words.
    for w in text.split_whitespace() {
        let w = w.to_ascii_lowercase();
        let split = w
            .char_indices()
            .find(|&(i, c)| i > 0 && c.is_ascii_alphabetic() && !w[..i].contains(':'))
            .map(|(i, _)| i);
        match split {
            Some(i) if w[..i].parse::<f64>().is_ok() => {
                words.push(w[..i].to_string());
                words.push(w[i..].to_string());
            }
            _ => words.push(w),
        }
    }
    if words.is_empty() {
        return None;
    }
    let mut negate = false;
    if words.last().map(String::as_str) == Some("ago") {
        negate = true;
        words.pop();
    }
    let mut i = 0;
    let mut saw_time = false;
    while i < words.len() {
        let w = &words[i];
        if w.contains(':') {
            if saw_time {
                return None;
            }
            saw_time = true;
            nanos += parse_time(w)?;
            i += 1;
            continue;
        }
        let n: f64 = w.parse().ok()?;
        if !n.is_finite() {
            return None;
        }
        let unit = words.get(i + 1)?;
        let whole = n.trunc();
        let fraction = n.fract();
        let time = |scale: f64| -> i128 { (n * scale).round() as i128 };
        match unit.as_str() {
            "millennium" | "millennia" | "millenniums" => months += (n * 12_000.0).round() as i64,
            "century" | "centuries" => months += (n * 1200.0).round() as i64,
            "decade" | "decades" => months += (n * 120.0).round() as i64,
            "year" | "years" | "y" | "yr" | "yrs" => months += (n * 12.0).round() as i64,
            "quarter" | "quarters" => months += (n * 3.0).round() as i64,
            "month" | "months" | "mon" | "mons" => {
                months += whole as i64;
                let d = fraction * 30.0;
                days += d.trunc() as i64;
                nanos += (d.fract() * DAY_NANOS).round() as i128;
            }
            "week" | "weeks" | "w" => {
                let d = n * 7.0;
                days += d.trunc() as i64;
                nanos += (d.fract() * DAY_NANOS).round() as i128;
            }
            "day" | "days" | "d" => {
                days += whole as i64;
                nanos += (fraction * DAY_NANOS).round() as i128;
            }
            "hour" | "hours" | "h" | "hr" | "hrs" => nanos += time(3.6e12),
            "minute" | "minutes" | "m" | "min" | "mins" => nanos += time(6e10),
            "second" | "seconds" | "s" | "sec" | "secs" => nanos += time(1e9),
            "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => nanos += time(1e6),
            "microsecond" | "microseconds" | "us" | "usec" | "usecs" => nanos += time(1e3),
            _ => return None,
        }
        i += 2;
    }
    if negate {
        months = -months;
        days = -days;
        nanos = -nanos;
    }
    Some(IntervalMonthDayNano::new(
        i32::try_from(months).ok()?,
        i32::try_from(days).ok()?,
        i64::try_from(nanos).ok()?,
    ))
}

/// `[-]HH:MM[:SS[.fraction]]` as nanoseconds.
fn parse_time(w: &str) -> Option<i128> {
    let (negative, w) = match w.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, w.strip_prefix('+').unwrap_or(w)),
    };
    let parts: Vec<&str> = w.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let hours: i128 = parts[0].parse().ok()?;
    let minutes: i128 = parts[1].parse().ok()?;
    let seconds: f64 = match parts.get(2) {
        Some(s) => s.parse().ok()?,
        None => 0.0,
    };
    if !(0.0..60.0).contains(&seconds) {
        return None;
    }
    let total =
        hours * 3_600_000_000_000 + minutes * 60_000_000_000 + (seconds * 1e9).round() as i128;
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(months: i32, days: i32, nanos: i64) -> Option<IntervalMonthDayNano> {
        Some(IntervalMonthDayNano::new(months, days, nanos))
    }

    #[test]
    fn reads_duckdb_interval_text() {
        assert_eq!(parse_interval("1 year 2 months"), iv(14, 0, 0));
        assert_eq!(
            parse_interval("5 months 7 days 12:34:56.789012"),
            iv(5, 7, 45_296_789_012_000)
        );
        assert_eq!(parse_interval("1:2:3"), iv(0, 0, 3_723_000_000_000));
        assert_eq!(
            parse_interval("-1 day 10:00"),
            iv(0, -1, 36_000_000_000_000)
        );
        assert_eq!(parse_interval("2 days ago"), iv(0, -2, 0));
        assert_eq!(parse_interval("1 h 30 m"), iv(0, 0, 5_400_000_000_000));
        assert_eq!(parse_interval("30m"), iv(0, 0, 1_800_000_000_000));
        assert_eq!(parse_interval("0.05 year"), iv(1, 0, 0));
        assert_eq!(parse_interval("0.5 week"), iv(0, 3, 43_200_000_000_000));
    }

    #[test]
    fn rejects_what_duckdb_rejects() {
        assert_eq!(parse_interval("abc"), None);
        assert_eq!(parse_interval("1 fortnight"), None);
        assert_eq!(parse_interval("P1Y2M"), None);
        assert_eq!(parse_interval(""), None);
    }
}
