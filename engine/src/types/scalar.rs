//! A single typed value, stored as a one-element Arrow array.
//!
//! Keeping the value in an array gives every Arrow type (decimals with their precision,
//! timestamps with zones, lists, structs) for free, and lets kernels take a literal as an
//! Arrow [`Scalar`](arrow::array::Scalar) without conversion.

use std::fmt;
use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::*;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::error::{Error, Result};

/// One value of any Arrow type (possibly NULL).
#[derive(Clone)]
pub struct ScalarValue {
    array: ArrayRef,
}

impl ScalarValue {
    /// Wraps a one-element array. Fails if the array does not hold exactly one value.
    pub fn try_from_array(array: ArrayRef) -> Result<Self> {
        if array.len() != 1 {
            return Err(crate::internal_err!(
                "a scalar needs a one-element array, got {} elements",
                array.len()
            ));
        }
        Ok(Self { array })
    }

    /// The value at `index` of `array`.
    pub fn from_array_at(array: &dyn Array, index: usize) -> Self {
        Self {
            array: array.slice(index, 1),
        }
    }

    /// A NULL of the given type.
    pub fn null(data_type: &DataType) -> Self {
        Self {
            array: new_null_array(data_type, 1),
        }
    }

    /// A `Utf8` value.
    pub fn utf8(v: impl AsRef<str>) -> Self {
        Self {
            array: Arc::new(StringArray::from(vec![v.as_ref()])),
        }
    }

    /// A `Decimal128(p, s)` value from its unscaled integer.
    pub fn decimal128(unscaled: i128, precision: u8, scale: i8) -> Result<Self> {
        let array =
            Decimal128Array::from(vec![unscaled]).with_precision_and_scale(precision, scale)?;
        Ok(Self {
            array: Arc::new(array),
        })
    }

    /// A `Date32` value from days since the epoch.
    pub fn date32(days: i32) -> Self {
        Self {
            array: Arc::new(Date32Array::from(vec![days])),
        }
    }

    /// An interval of months, days and nanoseconds.
    pub fn interval(months: i32, days: i32, nanos: i64) -> Self {
        Self {
            array: Arc::new(IntervalMonthDayNanoArray::from(vec![
                IntervalMonthDayNano::new(months, days, nanos),
            ])),
        }
    }

    /// The value's type.
    pub fn data_type(&self) -> &DataType {
        self.array.data_type()
    }

    /// Whether the value is NULL.
    pub fn is_null(&self) -> bool {
        self.array.is_null(0) || matches!(self.array.data_type(), DataType::Null)
    }

    /// The one-element array holding the value.
    pub fn as_array(&self) -> &ArrayRef {
        &self.array
    }

    /// The value repeated `len` times.
    pub fn to_array(&self, len: usize) -> Result<ArrayRef> {
        if len == 1 {
            return Ok(self.array.clone());
        }
        let indices = UInt32Array::from(vec![0u32; len]);
        Ok(arrow::compute::take(&self.array, &indices, None)?)
    }

    /// An Arrow scalar for kernels that broadcast.
    pub fn to_scalar(&self) -> Scalar<ArrayRef> {
        Scalar::new(self.array.clone())
    }

    /// Casts the value to another type.
    pub fn cast_to(&self, to: &DataType) -> Result<Self> {
        Ok(Self {
            array: arrow::compute::cast(&self.array, to)?,
        })
    }

    /// The value as an `i64`, if it is a non-null integer (or an integral float/decimal).
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_null() {
            return None;
        }
        let c = arrow::compute::cast(&self.array, &DataType::Int64).ok()?;
        let c = c.as_primitive_opt::<Int64Type>()?;
        c.is_valid(0).then(|| c.value(0))
    }

    /// The value as an `f64`, if it is a non-null number.
    pub fn as_f64(&self) -> Option<f64> {
        if self.is_null() {
            return None;
        }
        let c = arrow::compute::cast(&self.array, &DataType::Float64).ok()?;
        let c = c.as_primitive_opt::<Float64Type>()?;
        c.is_valid(0).then(|| c.value(0))
    }

    /// The value as a string slice, if it is a non-null string.
    pub fn as_str(&self) -> Option<&str> {
        if self.is_null() {
            return None;
        }
        match self.array.data_type() {
            DataType::Utf8 => Some(self.array.as_string::<i32>().value(0)),
            DataType::LargeUtf8 => Some(self.array.as_string::<i64>().value(0)),
            DataType::Utf8View => Some(self.array.as_string_view().value(0)),
            _ => None,
        }
    }

    /// The value as a bool, if it is a non-null boolean.
    pub fn as_bool(&self) -> Option<bool> {
        if self.is_null() {
            return None;
        }
        self.array.as_boolean_opt().map(|b| b.value(0))
    }

    /// Renders the value as SQL would show it (strings unquoted, NULL as `NULL`).
    pub fn to_display_string(&self) -> String {
        if self.is_null() {
            return "NULL".to_string();
        }
        let opts = FormatOptions::default().with_null("NULL");
        match ArrayFormatter::try_new(self.array.as_ref(), &opts) {
            Ok(f) => f.value(0).to_string(),
            Err(_) => format!("{:?}", self.array),
        }
    }
}

impl fmt::Debug for ScalarValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.to_display_string(), self.data_type())
    }
}

impl fmt::Display for ScalarValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            return f.write_str("NULL");
        }
        match self.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                write!(f, "'{}'", self.to_display_string().replace('\'', "''"))
            }
            DataType::Date32 | DataType::Date64 => write!(f, "DATE '{}'", self.to_display_string()),
            DataType::Timestamp(_, _) => write!(f, "TIMESTAMP '{}'", self.to_display_string()),
            DataType::Interval(_) => write!(f, "INTERVAL '{}'", self.to_display_string()),
            _ => f.write_str(&self.to_display_string()),
        }
    }
}

impl PartialEq for ScalarValue {
    fn eq(&self, other: &Self) -> bool {
        self.array.to_data() == other.array.to_data()
    }
}

macro_rules! scalar_from_native {
    ($native:ty, $array:ty) => {
        impl From<$native> for ScalarValue {
            fn from(v: $native) -> Self {
                Self {
                    array: Arc::new(<$array>::from(vec![v])),
                }
            }
        }
        impl From<Option<$native>> for ScalarValue {
            fn from(v: Option<$native>) -> Self {
                Self {
                    array: Arc::new(<$array>::from(vec![v])),
                }
            }
        }
    };
}

scalar_from_native!(bool, BooleanArray);
scalar_from_native!(i8, Int8Array);
scalar_from_native!(i16, Int16Array);
scalar_from_native!(i32, Int32Array);
scalar_from_native!(i64, Int64Array);
scalar_from_native!(u8, UInt8Array);
scalar_from_native!(u16, UInt16Array);
scalar_from_native!(u32, UInt32Array);
scalar_from_native!(u64, UInt64Array);
scalar_from_native!(f32, Float32Array);
scalar_from_native!(f64, Float64Array);

impl From<&str> for ScalarValue {
    fn from(v: &str) -> Self {
        ScalarValue::utf8(v)
    }
}

impl From<String> for ScalarValue {
    fn from(v: String) -> Self {
        ScalarValue::utf8(v)
    }
}

impl TryFrom<ArrayRef> for ScalarValue {
    type Error = Error;
    fn try_from(array: ArrayRef) -> Result<Self> {
        ScalarValue::try_from_array(array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_render_and_convert() {
        let v = ScalarValue::from(42i64);
        assert_eq!(v.as_i64(), Some(42));
        assert_eq!(v.to_string(), "42");
        assert_eq!(ScalarValue::from("it's").to_string(), "'it''s'");
        let d = ScalarValue::decimal128(12345, 10, 2).unwrap();
        assert_eq!(d.to_display_string(), "123.45");
        assert_eq!(d.as_f64(), Some(123.45));
        assert!(ScalarValue::null(&DataType::Int32).is_null());
        assert_eq!(v.to_array(3).unwrap().len(), 3);
        assert_eq!(ScalarValue::date32(0).to_string(), "DATE '1970-01-01'");
    }
}
