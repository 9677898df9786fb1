//! DuckDB-style messages for a failed CAST.
//!
//! arrow-rs reports a failed cast in its own words ("Cannot cast string 'x' to value of
//! Int32 type"). Users coming from DuckDB, and DuckDB's tests, expect its messages, which
//! name the offending value and the physical type: `Could not convert string 'abc' to
//! INT32`, `Type INT64 with value 300 can't be cast because the value is out of range for
//! the destination type UINT8`. When a cast fails we find the first value that does not
//! convert (a safe cast gives NULL where the strict one failed) and describe it.

use arrow::array::{Array, ArrayRef};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, TimeUnit};
use arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::error::Error;

/// DuckDB's physical type name, as its conversion errors print it.
pub fn physical_type_name(t: &DataType) -> String {
    match t {
        DataType::Boolean => "BOOL".into(),
        DataType::Int8 => "INT8".into(),
        DataType::Int16 => "INT16".into(),
        DataType::Int32 => "INT32".into(),
        DataType::Int64 => "INT64".into(),
        DataType::UInt8 => "UINT8".into(),
        DataType::UInt16 => "UINT16".into(),
        DataType::UInt32 => "UINT32".into(),
        DataType::UInt64 => "UINT64".into(),
        DataType::Float16 | DataType::Float32 => "FLOAT".into(),
        DataType::Float64 => "DOUBLE".into(),
        // HUGEINT is stored as DECIMAL(38,0).
        DataType::Decimal128(38, 0) => "INT128".into(),
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => format!("DECIMAL({p},{s})"),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "VARCHAR".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "BLOB".into(),
        DataType::Date32 | DataType::Date64 => "DATE".into(),
        DataType::Time32(_) | DataType::Time64(_) => "TIME".into(),
        DataType::Timestamp(TimeUnit::Nanosecond, None) => "TIMESTAMP_NS".into(),
        DataType::Timestamp(_, None) => "TIMESTAMP".into(),
        DataType::Timestamp(_, Some(_)) => "TIMESTAMP WITH TIME ZONE".into(),
        DataType::Interval(_) => "INTERVAL".into(),
        other => other.to_string().to_uppercase(),
    }
}

/// Describes why casting `input` to `to` failed, naming the first value that does not
/// convert. Falls back to `fallback` (arrow's own message) when no single value is to
/// blame.
pub fn describe_cast_failure(input: &ArrayRef, to: &DataType, fallback: &str) -> Error {
    let message = first_failing_value(input, to)
        .map(|value| value_message(input.data_type(), to, &value))
        .unwrap_or_else(|| {
            format!(
                "Could not cast {} to {}: {fallback}",
                physical_type_name(input.data_type()),
                physical_type_name(to)
            )
        });
    Error::Conversion(format!(
        "{message}; use TRY_CAST to get NULL for values that do not convert"
    ))
}

/// The display text of the first non-NULL value that a safe cast turns into NULL.
fn first_failing_value(input: &ArrayRef, to: &DataType) -> Option<String> {
    let safe = CastOptions {
        safe: true,
        format_options: FormatOptions::default(),
    };
    let converted = cast_with_options(input, to, &safe).ok()?;
    let row = (0..input.len()).find(|&i| input.is_valid(i) && converted.is_null(i))?;
    let formatter = ArrayFormatter::try_new(input.as_ref(), &FormatOptions::default()).ok()?;
    Some(formatter.value(row).to_string())
}

fn value_message(from: &DataType, to: &DataType, value: &str) -> String {
    let is_string = crate::types::is_string(from);
    let to_name = physical_type_name(to);
    match to {
        DataType::Date32 | DataType::Date64 if is_string => {
            format!("invalid date field format: \"{value}\", expected format is (YYYY-MM-DD)")
        }
        DataType::Timestamp(..) if is_string => format!(
            "invalid timestamp field format: \"{value}\", expected format is \
             (YYYY-MM-DD HH:MM[:SS[.US]][±HH[:MM[:SS]]| ZONE])"
        ),
        DataType::Time32(_) | DataType::Time64(_) if is_string => format!(
            "time field value out of range: \"{value}\", expected format is \
             ([YYYY-MM-DD ]HH:MM:SS[.MS])"
        ),
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..)
            if is_string && to_name != "INT128" =>
        {
            format!("Could not convert string \"{value}\" to {to_name}")
        }
        _ if is_string => format!("Could not convert string '{value}' to {to_name}"),
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..)
            if to_name != "INT128" =>
        {
            if is_decimal(from) && physical_type_name(from) != "INT128" {
                format!(
                    "Casting value \"{value}\" to type {to_name} failed: value is out of range!"
                )
            } else {
                format!("Could not cast value {value} to {to_name}")
            }
        }
        _ if is_decimal(from) && physical_type_name(from) != "INT128" => {
            format!("Failed to cast decimal value {value} to type {to_name}")
        }
        _ if from.is_numeric() => format!(
            "Type {} with value {value} can't be cast because the value is out of range for \
             the destination type {to_name}",
            physical_type_name(from)
        ),
        _ => format!(
            "Type {} with value '{value}' can't be cast to the destination type {to_name}",
            physical_type_name(from)
        ),
    }
}

fn is_decimal(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..)
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int64Array, StringArray};

    use super::*;

    fn message(input: ArrayRef, to: DataType) -> String {
        describe_cast_failure(&input, &to, "arrow").to_string()
    }

    #[test]
    fn names_the_first_bad_string() {
        let input: ArrayRef = Arc::new(StringArray::from(vec![Some("1"), None, Some("abc")]));
        let m = message(input, DataType::Int32);
        assert!(
            m.starts_with("Could not convert string 'abc' to INT32"),
            "{m}"
        );
    }

    #[test]
    fn out_of_range_integers_name_both_types() {
        let input: ArrayRef = Arc::new(Int64Array::from(vec![1, 300]));
        let m = message(input, DataType::UInt8);
        assert!(
            m.starts_with(
                "Type INT64 with value 300 can't be cast because the value is out of range \
                 for the destination type UINT8"
            ),
            "{m}"
        );
    }

    #[test]
    fn dates_show_the_expected_format() {
        let input: ArrayRef = Arc::new(StringArray::from(vec!["1900"]));
        let m = message(input, DataType::Date32);
        assert!(m.contains("invalid date field format: \"1900\""), "{m}");
    }
}
