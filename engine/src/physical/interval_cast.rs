//! Casting strings to intervals with DuckDB's interval syntax (see
//! [`crate::types::parse_interval`]); Arrow's own parser knows neither `HH:MM:SS` parts
//! nor DuckDB's unit abbreviations.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, IntervalMonthDayNanoArray};
use arrow::datatypes::{DataType, IntervalUnit};

use crate::error::{Error, Result};
use crate::types::parse_interval;

/// Whether `from -> to` is a cast this module does.
pub fn handles(from: &DataType, to: &DataType) -> bool {
    crate::types::is_string(from) && *to == DataType::Interval(IntervalUnit::MonthDayNano)
}

/// Parses every string; a string that is not an interval is an error, or NULL for TRY_CAST.
pub fn cast(input: &ArrayRef, try_cast: bool) -> Result<ArrayRef> {
    let strings = arrow::compute::cast(input, &DataType::Utf8)?;
    let out: IntervalMonthDayNanoArray = strings
        .as_string::<i32>()
        .iter()
        .map(|s| match s {
            None => Ok(None),
            Some(s) => match parse_interval(s) {
                Some(v) => Ok(Some(v)),
                None if try_cast => Ok(None),
                None => Err(Error::Conversion(format!(
                    "Could not convert string '{s}' to INTERVAL; use TRY_CAST to get NULL for values that do not convert"
                ))),
            },
        })
        .collect::<Result<_>>()?;
    Ok(Arc::new(out))
}
