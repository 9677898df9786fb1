//! Result values as text, the way DuckDB's sqllogictest runner prints them (which is
//! DuckDB's cast to VARCHAR): `NULL`, `(empty)` for an empty string, `true`/`false`,
//! integers plain, floats in shortest round-trip form (`1.0`, `0.1`, `1e+20`), decimals
//! at their scale, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]`,
//! intervals `1 year 2 months 3 days 04:05:06`, lists `[1, 2]`, structs `{'a': 1}` and
//! maps `{k=v}`. Strings inside nested values are quoted only when DuckDB quotes them.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::*;
use arrow::util::display::{ArrayFormatter, FormatOptions};

/// Formats every row of the batches: one `Vec<String>` per row.
pub fn format_rows(batches: &[arrow::record_batch::RecordBatch]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for batch in batches {
        let columns = batch.columns();
        for row in 0..batch.num_rows() {
            rows.push(columns.iter().map(|c| format_value(c, row)).collect());
        }
    }
    rows
}

/// Formats one top-level value.
pub fn format_value(array: &ArrayRef, row: usize) -> String {
    if array.is_null(row) {
        return "NULL".into();
    }
    match array.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let s = string_at(array.as_ref(), row);
            if s.is_empty() {
                "(empty)".into()
            } else {
                s.replace('\0', "\\0")
            }
        }
        _ => {
            let mut out = String::new();
            write_value(array.as_ref(), row, &mut out, false);
            if out.is_empty() {
                // An empty BLOB, like an empty string.
                "(empty)".into()
            } else {
                out
            }
        }
    }
}

/// DuckDB's text for a non-NULL value, as its shell prints it (strings as they are).
pub fn display_value(array: &ArrayRef, row: usize) -> String {
    let mut out = String::new();
    write_value(array.as_ref(), row, &mut out, false);
    out
}

fn string_at(array: &dyn Array, row: usize) -> &str {
    match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row),
        DataType::LargeUtf8 => array.as_string::<i64>().value(row),
        DataType::Utf8View => array.as_string_view().value(row),
        _ => "",
    }
}

/// Appends the text of `array[row]`; `nested` says whether it sits inside a list,
/// struct or map (where strings may need quotes).
fn write_value(array: &dyn Array, row: usize, out: &mut String, nested: bool) {
    if array.is_null(row) {
        out.push_str("NULL");
        return;
    }
    // Inside a list, struct or map DuckDB quotes any scalar's text that holds a special
    // character (`['2000-01-01 00:00:00']`, `['01:00:00']`), not only strings'.
    if nested
        && matches!(
            array.data_type(),
            DataType::Date32
                | DataType::Date64
                | DataType::Timestamp(_, _)
                | DataType::Time32(_)
                | DataType::Time64(_)
                | DataType::Interval(_)
                | DataType::Duration(_)
                | DataType::Binary
                | DataType::LargeBinary
                | DataType::BinaryView
                | DataType::FixedSizeBinary(_)
        )
    {
        let mut text = String::new();
        write_value(array, row, &mut text, false);
        write_nested_string(&text, out);
        return;
    }
    macro_rules! prim {
        ($t:ty) => {
            out.push_str(&array.as_primitive::<$t>().value(row).to_string())
        };
    }
    match array.data_type() {
        DataType::Null => out.push_str("NULL"),
        DataType::Boolean => out.push_str(if array.as_boolean().value(row) {
            "true"
        } else {
            "false"
        }),
        DataType::Int8 => prim!(Int8Type),
        DataType::Int16 => prim!(Int16Type),
        DataType::Int32 => prim!(Int32Type),
        DataType::Int64 => prim!(Int64Type),
        DataType::UInt8 => prim!(UInt8Type),
        DataType::UInt16 => prim!(UInt16Type),
        DataType::UInt32 => prim!(UInt32Type),
        DataType::UInt64 => prim!(UInt64Type),
        DataType::Float16 => out.push_str(&format_f32(
            array.as_primitive::<Float16Type>().value(row).to_f32(),
        )),
        DataType::Float32 => {
            out.push_str(&format_f32(array.as_primitive::<Float32Type>().value(row)))
        }
        DataType::Float64 => {
            out.push_str(&format_f64(array.as_primitive::<Float64Type>().value(row)))
        }
        DataType::Decimal32(_, s) => out.push_str(&format_decimal(
            array.as_primitive::<Decimal32Type>().value(row) as i128,
            *s,
        )),
        DataType::Decimal64(_, s) => out.push_str(&format_decimal(
            array.as_primitive::<Decimal64Type>().value(row) as i128,
            *s,
        )),
        DataType::Decimal128(_, s) => out.push_str(&format_decimal(
            array.as_primitive::<Decimal128Type>().value(row),
            *s,
        )),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let s = string_at(array, row);
            // DuckDB prints a NUL character as `\0`.
            let s = s.replace('\0', "\\0");
            if nested {
                write_nested_string(&s, out);
            } else {
                out.push_str(&s);
            }
        }
        DataType::Binary => write_blob(array.as_binary::<i32>().value(row), out),
        DataType::LargeBinary => write_blob(array.as_binary::<i64>().value(row), out),
        DataType::BinaryView => write_blob(array.as_binary_view().value(row), out),
        DataType::FixedSizeBinary(_) => write_blob(array.as_fixed_size_binary().value(row), out),
        DataType::Date32 => out.push_str(&quiver_engine::types::datetime_format::format_date(
            array.as_primitive::<Date32Type>().value(row),
        )),
        DataType::Date64 => out.push_str(&format_date(
            array
                .as_primitive::<Date64Type>()
                .value(row)
                .div_euclid(86_400_000),
        )),
        DataType::Timestamp(unit, tz) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row),
                TimeUnit::Millisecond => {
                    array.as_primitive::<TimestampMillisecondType>().value(row)
                }
                TimeUnit::Microsecond => {
                    array.as_primitive::<TimestampMicrosecondType>().value(row)
                }
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row),
            };
            let text = quiver_engine::types::datetime_format::format_timestamp(v, *unit);
            let finite = v != i64::MAX && v != -i64::MAX;
            out.push_str(&text);
            if tz.is_some() && finite {
                out.push_str("+00");
            }
        }
        DataType::Time32(unit) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<Time32SecondType>().value(row),
                _ => array.as_primitive::<Time32MillisecondType>().value(row),
            };
            out.push_str(&format_time(v as i128 * nanos_per(*unit)));
        }
        DataType::Time64(unit) => {
            let v = match unit {
                TimeUnit::Nanosecond => array.as_primitive::<Time64NanosecondType>().value(row),
                _ => array.as_primitive::<Time64MicrosecondType>().value(row),
            };
            out.push_str(&format_time(v as i128 * nanos_per(*unit)));
        }
        DataType::Interval(IntervalUnit::MonthDayNano) => {
            let v = array.as_primitive::<IntervalMonthDayNanoType>().value(row);
            out.push_str(&format_interval(
                v.months as i64,
                v.days as i64,
                v.nanoseconds as i128,
            ));
        }
        DataType::Interval(IntervalUnit::DayTime) => {
            let v = array.as_primitive::<IntervalDayTimeType>().value(row);
            out.push_str(&format_interval(
                0,
                v.days as i64,
                v.milliseconds as i128 * 1_000_000,
            ));
        }
        DataType::Interval(IntervalUnit::YearMonth) => out.push_str(&format_interval(
            array.as_primitive::<IntervalYearMonthType>().value(row) as i64,
            0,
            0,
        )),
        DataType::Duration(unit) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(row),
                TimeUnit::Millisecond => array.as_primitive::<DurationMillisecondType>().value(row),
                TimeUnit::Microsecond => array.as_primitive::<DurationMicrosecondType>().value(row),
                TimeUnit::Nanosecond => array.as_primitive::<DurationNanosecondType>().value(row),
            };
            out.push_str(&format_interval(0, 0, v as i128 * nanos_per(*unit)));
        }
        DataType::List(_) => write_list(&array.as_list::<i32>().value(row), out),
        DataType::LargeList(_) => write_list(&array.as_list::<i64>().value(row), out),
        DataType::FixedSizeList(_, _) => write_list(&array.as_fixed_size_list().value(row), out),
        DataType::Struct(fields) => {
            let s = array.as_struct();
            // An unnamed struct (a tuple) prints as `(1, a)`.
            let unnamed = quiver_engine::types::is_unnamed_struct(fields);
            out.push(if unnamed { '(' } else { '{' });
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if !unnamed {
                    out.push('\'');
                    out.push_str(&escape_quoted(field.name()));
                    out.push_str("': ");
                }
                write_value(s.column(i).as_ref(), row, out, true);
            }
            if unnamed && fields.len() == 1 {
                out.push(',');
            }
            out.push(if unnamed { ')' } else { '}' });
        }
        DataType::Map(_, _) => {
            let m = array.as_map();
            let entries = m.value(row);
            out.push('{');
            for i in 0..entries.len() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(entries.column(0).as_ref(), i, out, true);
                out.push('=');
                write_value(entries.column(1).as_ref(), i, out, true);
            }
            out.push('}');
        }
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let key = dict.normalized_keys().get(row).copied().unwrap_or(0);
            write_value(dict.values().as_ref(), key, out, nested);
        }
        _ => {
            let options = FormatOptions::default().with_null("NULL");
            match ArrayFormatter::try_new(array, &options) {
                Ok(f) => out.push_str(&f.value(row).to_string()),
                Err(e) => out.push_str(&format!("<unprintable: {e}>")),
            }
        }
    }
}

fn write_list(values: &ArrayRef, out: &mut String) {
    out.push('[');
    for i in 0..values.len() {
        if i > 0 {
            out.push_str(", ");
        }
        write_value(values.as_ref(), i, out, true);
    }
    out.push(']');
}

/// A string inside a list, struct or map: quoted when empty, padded with spaces, equal to
/// `NULL` (any case) or holding one of `,[]{}=:'"\()`.
fn write_nested_string(s: &str, out: &mut String) {
    let needs_quotes = s.is_empty()
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.eq_ignore_ascii_case("null")
        || s.chars().any(|c| ",[]{}=:'\"\\()".contains(c));
    if needs_quotes {
        out.push('\'');
        out.push_str(&escape_quoted(s));
        out.push('\'');
    } else {
        out.push_str(s);
    }
}

fn escape_quoted(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

fn write_blob(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        if (0x20..=0x7e).contains(&b) && b != b'\\' && b != b'\'' {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\x{b:02X}"));
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

/// A double in DuckDB's (and Python's `repr`) shortest round-trip form.
pub fn format_f64(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    shortest_to_duckdb(&format!("{v:e}"))
}

/// A float in DuckDB's shortest round-trip form.
pub fn format_f32(v: f32) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    shortest_to_duckdb(&format!("{v:e}"))
}

/// Turns Rust's shortest scientific form (`-1.25e3`) into DuckDB's: positional for
/// exponents in -4..16 (`-1250.0`), else `1.25e+20` / `1e-07`.
fn shortest_to_duckdb(sci: &str) -> String {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            let (int, frac) = if digits.len() > int_len {
                (digits[..int_len].to_string(), digits[int_len..].to_string())
            } else {
                (
                    format!("{digits}{}", "0".repeat(int_len - digits.len())),
                    "0".to_string(),
                )
            };
            format!("{sign}{int}.{frac}")
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exp.abs())
    }
}

/// A decimal's unscaled value at its scale (`12345`, 2 -> `123.45`).
pub fn format_decimal(value: i128, scale: i8) -> String {
    if scale <= 0 {
        let mut s = value.to_string();
        s.push_str(&"0".repeat((-scale) as usize));
        return s;
    }
    let scale = scale as usize;
    let digits = value.unsigned_abs().to_string();
    let digits = if digits.len() <= scale {
        format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
    } else {
        digits
    };
    let (int, frac) = digits.split_at(digits.len() - scale);
    format!("{}{int}.{frac}", if value < 0 { "-" } else { "" })
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (`0045-03-15 (BC)` before year 1).
pub fn format_date(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if year <= 0 {
        format!("{:04}-{month:02}-{day:02} (BC)", 1 - year)
    } else {
        format!("{year:04}-{month:02}-{day:02}")
    }
}

/// Nanoseconds since the epoch as `YYYY-MM-DD HH:MM:SS[.fraction]`.
pub fn format_timestamp(nanos: i128) -> String {
    let day = 86_400_000_000_000i128;
    let days = nanos.div_euclid(day) as i64;
    let time = format_time(nanos.rem_euclid(day));
    let date = format_date(days);
    format!("{date} {time}")
}

/// Nanoseconds since midnight as `HH:MM:SS[.fraction]` (trailing zeros trimmed).
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
        let f = format!("{frac:09}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

/// DuckDB's interval text: `1 year 2 months 3 days 04:05:06.5`, `00:00:00` when zero.
pub fn format_interval(months: i64, days: i64, nanos: i128) -> String {
    let mut parts = Vec::new();
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n.abs() == 1 { "" } else { "s" });
    let (years, months) = (months / 12, months % 12);
    if years != 0 {
        parts.push(plural(years, "year"));
    }
    if months != 0 {
        parts.push(plural(months, "month"));
    }
    if days != 0 {
        parts.push(plural(days, "day"));
    }
    let micros = nanos / 1000;
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        let micros = micros.abs();
        let secs = micros / 1_000_000;
        let mut t = format!(
            "{sign}{:02}:{:02}:{:02}",
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        );
        let frac = micros % 1_000_000;
        if frac != 0 {
            t.push('.');
            t.push_str(format!("{frac:06}").trim_end_matches('0'));
        }
        parts.push(t);
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow::array::{ListArray, StringArray, StructArray};
    use arrow::datatypes::{Field, Int32Type};

    #[test]
    fn floats_like_duckdb() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e20, "1e+20"),
            (1e-7, "1e-07"),
            (123456789.123, "123456789.123"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (-0.0, "-0.0"),
            (1.2345678901234568e16, "1.2345678901234568e+16"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (0.00001234, "1.234e-05"),
            (9999999999999998.0, "9999999999999998.0"),
        ];
        for (v, want) in cases {
            assert_eq!(format_f64(v), want, "{v}");
        }
        assert_eq!(format_f32(123456789.0), "123456790.0");
        assert_eq!(format_f32(0.1), "0.1");
    }

    #[test]
    fn decimals_dates_intervals() {
        assert_eq!(format_decimal(1234560, 4), "123.4560");
        assert_eq!(format_decimal(-50, 2), "-0.50");
        assert_eq!(format_decimal(5, 2), "0.05");
        assert_eq!(format_date(18263), "2020-01-02");
        assert_eq!(
            format_timestamp(1_577_934_245_123_000_000),
            "2020-01-02 03:04:05.123"
        );
        assert_eq!(
            format_interval(38, 1, 90_000_000_001_000),
            "3 years 2 months 1 day 25:00:00.000001"
        );
        assert_eq!(format_interval(-1, -2, 0), "-1 month -2 days");
        assert_eq!(format_interval(0, 0, -7_200_000_000_000), "-02:00:00");
        assert_eq!(format_interval(0, 0, 0), "00:00:00");
    }

    #[test]
    fn nested_values() {
        let list: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), Some(2), None]),
        ]));
        assert_eq!(format_value(&list, 0), "[1, 2, NULL]");
        let strings: ArrayRef = Arc::new(StringArray::from(vec!["x", "", "c,d"]));
        let s: ArrayRef = Arc::new(StructArray::from(vec![(
            Arc::new(Field::new("a", DataType::Utf8, true)),
            strings.clone(),
        )]));
        assert_eq!(format_value(&s, 0), "{'a': x}");
        assert_eq!(format_value(&s, 1), "{'a': ''}");
        assert_eq!(format_value(&s, 2), "{'a': 'c,d'}");
        assert_eq!(format_value(&strings, 1), "(empty)");
    }
}
