//! Values between Python and Arrow: typed Python lists into Arrow columns (the Python side
//! infers the kind and turns dates into day and microsecond counts), and Arrow columns
//! back into Python objects for `rows()`, `to_dicts()` and `item()`.

use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::{DataType, TimeUnit};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::error::{conversion, IntoPy};

/// Days from 0001-01-01 (Python's ordinal 1) to 1970-01-01.
const EPOCH_ORDINAL: i64 = 719_163;

/// An Arrow column from Python values of one kind (`None` is NULL).
pub fn build_column(kind: &str, values: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    Ok(match kind {
        "null" => {
            let n = values.len()?;
            Arc::new(NullArray::new(n))
        }
        "bool" => Arc::new(BooleanArray::from(values.extract::<Vec<Option<bool>>>()?)),
        "int" => Arc::new(Int64Array::from(values.extract::<Vec<Option<i64>>>()?)),
        "float" => Arc::new(Float64Array::from(values.extract::<Vec<Option<f64>>>()?)),
        "str" => Arc::new(StringArray::from(values.extract::<Vec<Option<String>>>()?)),
        "date" => Arc::new(Date32Array::from(values.extract::<Vec<Option<i32>>>()?)),
        "datetime" => Arc::new(TimestampMicrosecondArray::from(
            values.extract::<Vec<Option<i64>>>()?,
        )),
        "datetime_utc" => Arc::new(
            TimestampMicrosecondArray::from(values.extract::<Vec<Option<i64>>>()?)
                .with_timezone("UTC"),
        ),
        other => {
            return Err(conversion(format!(
                "cannot build a column of kind `{other}`"
            )))
        }
    })
}

/// One Arrow value as a Python object.
pub fn value_to_py<'py>(py: Python<'py>, a: &dyn Array, i: usize) -> PyResult<Bound<'py, PyAny>> {
    if a.is_null(i) {
        return Ok(py.None().into_bound(py));
    }
    macro_rules! prim {
        ($t:ty) => {
            a.as_any()
                .downcast_ref::<$t>()
                .map(|x| -> PyResult<Bound<'py, PyAny>> {
                    Ok(x.value(i).into_pyobject(py)?.into_any())
                })
        };
    }
    let done =
        match a.data_type() {
            DataType::Boolean => a.as_any().downcast_ref::<BooleanArray>().map(|x| {
                Ok(pyo3::types::PyBool::new(py, x.value(i))
                    .to_owned()
                    .into_any())
            }),
            DataType::Int8 => prim!(Int8Array),
            DataType::Int16 => prim!(Int16Array),
            DataType::Int32 => prim!(Int32Array),
            DataType::Int64 => prim!(Int64Array),
            DataType::UInt8 => prim!(UInt8Array),
            DataType::UInt16 => prim!(UInt16Array),
            DataType::UInt32 => prim!(UInt32Array),
            DataType::UInt64 => prim!(UInt64Array),
            DataType::Float32 => prim!(Float32Array),
            DataType::Float64 => prim!(Float64Array),
            DataType::Utf8 => prim!(StringArray),
            DataType::LargeUtf8 => prim!(LargeStringArray),
            DataType::Utf8View => prim!(StringViewArray),
            DataType::Date32 => {
                let days = a.as_any().downcast_ref::<Date32Array>().map(|x| x.value(i));
                days.map(|d| {
                    py.import("datetime")?
                        .getattr("date")?
                        .call_method1("fromordinal", (i64::from(d) + EPOCH_ORDINAL,))
                })
            }
            DataType::Timestamp(unit, tz) => {
                let micros = match cast_to(a, &DataType::Int64)?
                    .as_any()
                    .downcast_ref::<Int64Array>()
                {
                    Some(x) => {
                        let v = x.value(i);
                        match unit {
                            TimeUnit::Second => v * 1_000_000,
                            TimeUnit::Millisecond => v * 1_000,
                            TimeUnit::Microsecond => v,
                            TimeUnit::Nanosecond => v / 1_000,
                        }
                    }
                    None => return Err(conversion("timestamp without values")),
                };
                let dt = py.import("datetime")?;
                let epoch = if tz.is_some() {
                    let utc = dt.getattr("timezone")?.getattr("utc")?;
                    dt.getattr("datetime")?
                        .call1((1970, 1, 1, 0, 0, 0, 0, utc))?
                } else {
                    dt.getattr("datetime")?.call1((1970, 1, 1))?
                };
                let kwargs = PyDict::new(py);
                kwargs.set_item("microseconds", micros)?;
                let delta = dt.getattr("timedelta")?.call((), Some(&kwargs))?;
                Some(epoch.call_method1("__add__", (delta,)))
            }
            // Integer sums are DECIMAL(38, 0) (DuckDB's HUGEINT): they read back as ints.
            DataType::Decimal128(_, 0) => a.as_any().downcast_ref::<Decimal128Array>().map(
                |x| -> PyResult<Bound<'py, PyAny>> { Ok(x.value(i).into_pyobject(py)?.into_any()) },
            ),
            DataType::Decimal128(_, _) => {
                let text = cast_to(a, &DataType::Utf8)?;
                let s = text
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .map(|x| x.value(i).to_string());
                s.map(|s| py.import("decimal")?.getattr("Decimal")?.call1((s,)))
            }
            DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _) => {
                let inner: Option<ArrayRef> = match a.data_type() {
                    DataType::List(_) => a.as_any().downcast_ref::<ListArray>().map(|x| x.value(i)),
                    DataType::LargeList(_) => a
                        .as_any()
                        .downcast_ref::<LargeListArray>()
                        .map(|x| x.value(i)),
                    _ => a
                        .as_any()
                        .downcast_ref::<FixedSizeListArray>()
                        .map(|x| x.value(i)),
                };
                inner.map(|v| column_to_list(py, v.as_ref()).map(|l| l.into_any()))
            }
            DataType::Struct(fields) => {
                let s = a.as_any().downcast_ref::<StructArray>();
                s.map(|s| {
                    let d = PyDict::new(py);
                    for (f, c) in fields.iter().zip(s.columns()) {
                        d.set_item(f.name(), value_to_py(py, c.as_ref(), i)?)?;
                    }
                    Ok(d.into_any())
                })
            }
            DataType::Null => Some(Ok(py.None().into_bound(py))),
            _ => {
                // Anything else (times, intervals, maps, ...) shows as its text.
                let text = cast_to(a, &DataType::Utf8)?;
                let s = text
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .map(|x| x.value(i).to_string());
                s.map(|s| -> PyResult<Bound<'py, PyAny>> { Ok(s.into_pyobject(py)?.into_any()) })
            }
        };
    match done {
        Some(r) => r,
        None => Err(conversion(format!(
            "cannot convert a value of type {} to Python",
            a.data_type()
        ))),
    }
}

fn cast_to(a: &dyn Array, to: &DataType) -> PyResult<ArrayRef> {
    arrow::compute::cast(&make_array(a.to_data()), to)
        .map_err(quiver_engine::Error::from)
        .py_err()
}

/// A whole column as a Python list.
pub fn column_to_list<'py>(py: Python<'py>, a: &dyn Array) -> PyResult<Bound<'py, PyList>> {
    let items = (0..a.len())
        .map(|i| value_to_py(py, a, i))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}
