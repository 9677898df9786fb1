//! `DataFrame` and `LazyFrame` for Python: wrappers over the engine's frames. The Python
//! layer (`quiver/frame.py`) adds Polars' argument conventions on top.

use std::sync::Arc;

use arrow::array::{new_empty_array, Array, ArrayRef};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList};
use quiver_engine::frame::{JoinArgs, JoinHow};
use quiver_engine::io::{self, CsvOptions, CsvWriteOptions, ParquetWriteOptions, WriteOptions};
use quiver_engine::prelude::*;

use crate::convert::{build_column, column_to_list, value_to_py};
use crate::error::{conversion, IntoPy};
use crate::expr::{frame_sort_keys, PyExpr};

/// Polars' name for an Arrow type (`Int64`, `String`, `Datetime(us)`, ...).
pub fn dtype_name(t: &DataType) -> String {
    match t {
        DataType::Boolean => "Boolean".into(),
        DataType::Int8 => "Int8".into(),
        DataType::Int16 => "Int16".into(),
        DataType::Int32 => "Int32".into(),
        DataType::Int64 => "Int64".into(),
        DataType::UInt8 => "UInt8".into(),
        DataType::UInt16 => "UInt16".into(),
        DataType::UInt32 => "UInt32".into(),
        DataType::UInt64 => "UInt64".into(),
        DataType::Float16 => "Float16".into(),
        DataType::Float32 => "Float32".into(),
        DataType::Float64 => "Float64".into(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "String".into(),
        DataType::Date32 | DataType::Date64 => "Date".into(),
        DataType::Timestamp(unit, tz) => {
            let u = match unit {
                TimeUnit::Second => "s",
                TimeUnit::Millisecond => "ms",
                TimeUnit::Microsecond => "us",
                TimeUnit::Nanosecond => "ns",
            };
            match tz {
                Some(tz) => format!("Datetime({u}, {tz})"),
                None => format!("Datetime({u})"),
            }
        }
        DataType::Decimal128(p, s) => format!("Decimal({p}, {s})"),
        DataType::List(f) | DataType::LargeList(f) => {
            format!("List({})", dtype_name(f.data_type()))
        }
        DataType::Null => "Null".into(),
        other => other.to_string(),
    }
}

fn schema_pairs(schema: &Schema) -> Vec<(String, String)> {
    schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), dtype_name(f.data_type())))
        .collect()
}

fn exprs(list: Vec<PyExpr>) -> Vec<Expr> {
    list.into_iter().map(|e| e.inner).collect()
}

/// An eager table.
#[pyclass(name = "DataFrame", module = "quiver._quiver", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyDataFrame {
    pub inner: DataFrame,
}

impl PyDataFrame {
    fn one_batch(&self) -> PyResult<RecordBatch> {
        self.inner.to_batch().py_err()
    }
}

#[pymethods]
impl PyDataFrame {
    /// A frame from named columns, each `(kind, values)` (see `convert::build_column`).
    #[staticmethod]
    fn from_columns(columns: Vec<(String, String, Bound<'_, PyAny>)>) -> PyResult<Self> {
        let mut fields = vec![];
        let mut arrays: Vec<ArrayRef> = vec![];
        for (name, kind, values) in columns {
            let a = build_column(&kind, &values)?;
            fields.push(Field::new(name, a.data_type().clone(), true));
            arrays.push(a);
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = if arrays.is_empty() {
            RecordBatch::new_empty(schema.clone())
        } else {
            RecordBatch::try_new(schema.clone(), arrays)
                .map_err(quiver_engine::Error::from)
                .py_err()?
        };
        Ok(Self {
            inner: DataFrame::try_new(schema, vec![batch]).py_err()?,
        })
    }

    /// A frame from any object exporting `__arrow_c_stream__`.
    #[staticmethod]
    fn from_arrow(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            inner: crate::interchange::import_stream(obj)?,
        })
    }

    /// Stacks frames with the same column names and types.
    #[staticmethod]
    fn concat(frames: Vec<PyDataFrame>) -> PyResult<Self> {
        let Some(first) = frames.first() else {
            return Err(conversion("concat needs at least one frame"));
        };
        let schema = first.inner.schema().clone();
        let mut batches = vec![];
        for f in &frames {
            let s = f.inner.schema();
            let same = s.fields().len() == schema.fields().len()
                && s.fields()
                    .iter()
                    .zip(schema.fields())
                    .all(|(a, b)| a.name() == b.name() && a.data_type() == b.data_type());
            if !same {
                return Err(crate::error::to_py(quiver_engine::Error::Schema(format!(
                    "cannot concat frames with different schemas: {} and {}",
                    s, schema
                ))));
            }
            for b in f.inner.batches() {
                batches.push(
                    RecordBatch::try_new(schema.clone(), b.columns().to_vec())
                        .map_err(quiver_engine::Error::from)
                        .py_err()?,
                );
            }
        }
        Ok(Self {
            inner: DataFrame::try_new(schema, batches).py_err()?,
        })
    }

    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // A requested schema is a hint (the protocol lets producers ignore it).
        let _ = requested_schema;
        crate::interchange::export_stream(py, &self.inner)
    }

    #[getter]
    fn height(&self) -> usize {
        self.inner.height()
    }

    #[getter]
    fn width(&self) -> usize {
        self.inner.width()
    }

    #[getter]
    fn columns(&self) -> Vec<String> {
        self.inner.columns()
    }

    /// `(name, type name)` per column.
    fn schema(&self) -> Vec<(String, String)> {
        schema_pairs(self.inner.schema())
    }

    /// Each column as a Python list.
    fn to_lists<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyList>>> {
        let batch = self.one_batch()?;
        batch
            .columns()
            .iter()
            .map(|c| column_to_list(py, c.as_ref()))
            .collect()
    }

    /// One value.
    fn value<'py>(
        &self,
        py: Python<'py>,
        row: usize,
        column: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let batch = self.one_batch()?;
        if row >= batch.num_rows() || column >= batch.num_columns() {
            return Err(pyo3::exceptions::PyIndexError::new_err(format!(
                "row {row}, column {column} is outside a frame of shape ({}, {})",
                batch.num_rows(),
                batch.num_columns()
            )));
        }
        value_to_py(py, batch.column(column).as_ref(), row)
    }

    /// Rows `offset .. offset + len` (clamped).
    fn slice(&self, offset: usize, len: usize) -> PyResult<Self> {
        let batch = self.one_batch()?;
        let offset = offset.min(batch.num_rows());
        let len = len.min(batch.num_rows() - offset);
        Ok(Self {
            inner: DataFrame::try_new(self.inner.schema().clone(), vec![batch.slice(offset, len)])
                .py_err()?,
        })
    }

    /// Columns by position.
    fn select_indices(&self, indices: Vec<usize>) -> PyResult<Self> {
        let batch = self
            .one_batch()?
            .project(&indices)
            .map_err(quiver_engine::Error::from)
            .py_err()?;
        Ok(Self {
            inner: DataFrame::try_new(batch.schema(), vec![batch]).py_err()?,
        })
    }

    fn lazy(&self) -> PyLazyFrame {
        PyLazyFrame {
            inner: self.inner.lazy(),
        }
    }

    /// The aligned text table (`rows` rows; the caller slices long frames).
    fn to_pretty(&self) -> PyResult<String> {
        if self.inner.batches().is_empty() || self.inner.height() == 0 {
            let empty: Vec<ArrayRef> = self
                .inner
                .schema()
                .fields()
                .iter()
                .map(|f| new_empty_array(f.data_type()))
                .collect();
            let batch = RecordBatch::try_new(self.inner.schema().clone(), empty)
                .map_err(quiver_engine::Error::from)
                .py_err()?;
            return Ok(arrow::util::pretty::pretty_format_batches(&[batch])
                .map_err(quiver_engine::Error::from)
                .py_err()?
                .to_string());
        }
        self.inner.to_pretty_string().py_err()
    }

    /// Each value as display text, per column (for the HTML table).
    fn to_text(&self) -> PyResult<Vec<Vec<String>>> {
        let batch = self.one_batch()?;
        let opts = arrow::util::display::FormatOptions::default().with_null("null");
        batch
            .columns()
            .iter()
            .map(|c| {
                let f = arrow::util::display::ArrayFormatter::try_new(c.as_ref(), &opts)
                    .map_err(quiver_engine::Error::from)
                    .py_err()?;
                Ok((0..c.len()).map(|i| f.value(i).to_string()).collect())
            })
            .collect()
    }

    fn write_csv(
        &self,
        py: Python<'_>,
        path: &str,
        include_header: bool,
        separator: &str,
    ) -> PyResult<()> {
        let delimiter = *separator.as_bytes().first().unwrap_or(&b',');
        let options = CsvWriteOptions {
            has_header: include_header,
            delimiter,
            ..Default::default()
        };
        let df = self.inner.clone();
        py.detach(|| io::write_csv(path, df.schema(), df.batches(), &options))
            .py_err()
            .map(|_| ())
    }

    fn write_parquet(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        let df = self.inner.clone();
        py.detach(|| {
            io::write_parquet(
                path,
                df.schema(),
                df.batches(),
                &ParquetWriteOptions::default(),
            )
        })
        .py_err()
        .map(|_| ())
    }

    fn write_ndjson(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        let df = self.inner.clone();
        py.detach(|| io::write_ndjson(path, df.schema(), df.batches(), &WriteOptions::default()))
            .py_err()
            .map(|_| ())
    }

    fn write_ipc(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        let df = self.inner.clone();
        py.detach(|| io::write_ipc(path, df.schema(), df.batches(), &WriteOptions::default()))
            .py_err()
            .map(|_| ())
    }
}

/// Writes `df` to `path` as `format` (`parquet`, `csv`, `ndjson`, `ipc`), atomically.
fn write_frame(
    df: &DataFrame,
    format: &str,
    path: &str,
    include_header: bool,
    separator: u8,
) -> quiver_engine::Result<()> {
    let (schema, batches) = (df.schema(), df.batches());
    match format {
        "parquet" => io::write_parquet(path, schema, batches, &ParquetWriteOptions::default()),
        "csv" => io::write_csv(
            path,
            schema,
            batches,
            &CsvWriteOptions {
                has_header: include_header,
                delimiter: separator,
                ..Default::default()
            },
        ),
        "ndjson" => io::write_ndjson(path, schema, batches, &WriteOptions::default()),
        "ipc" => io::write_ipc(path, schema, batches, &WriteOptions::default()),
        other => {
            return Err(quiver_engine::Error::NotSupported(format!(
                "cannot write the `{other}` format; expected parquet, csv, ndjson or ipc"
            )))
        }
    }
    .map(|_| ())
}

/// A lazy query.
#[pyclass(name = "LazyFrame", module = "quiver._quiver", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyLazyFrame {
    pub inner: LazyFrame,
}

impl From<LazyFrame> for PyLazyFrame {
    fn from(inner: LazyFrame) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl PyLazyFrame {
    #[staticmethod]
    #[pyo3(signature = (path, has_header=None, separator=None))]
    fn scan_csv(path: &str, has_header: Option<bool>, separator: Option<String>) -> Self {
        let options = CsvOptions {
            has_header,
            delimiter: separator.and_then(|s| s.as_bytes().first().copied()),
            ..Default::default()
        };
        LazyFrame::scan_csv(path, options).into()
    }

    #[staticmethod]
    fn scan_parquet(path: &str) -> Self {
        LazyFrame::scan_parquet(path).into()
    }

    #[staticmethod]
    fn scan_ndjson(path: &str) -> Self {
        LazyFrame::scan_ndjson(path).into()
    }

    #[staticmethod]
    fn scan_ipc(path: &str) -> Self {
        LazyFrame::scan_ipc(path).into()
    }

    fn select(&self, exprs_: Vec<PyExpr>) -> Self {
        self.inner.clone().select(exprs(exprs_)).into()
    }

    fn with_columns(&self, exprs_: Vec<PyExpr>) -> Self {
        self.inner.clone().with_columns(exprs(exprs_)).into()
    }

    fn filter(&self, predicate: PyExpr) -> Self {
        self.inner.clone().filter(predicate.inner).into()
    }

    fn group_by_agg(&self, keys: Vec<PyExpr>, aggs: Vec<PyExpr>) -> Self {
        self.inner
            .clone()
            .group_by(exprs(keys))
            .agg(exprs(aggs))
            .into()
    }

    fn sort(&self, by: Vec<PyExpr>, descending: Vec<bool>, nulls_last: bool) -> Self {
        self.inner
            .clone()
            .sort_by(frame_sort_keys(by, descending, nulls_last))
            .into()
    }

    fn slice(&self, offset: usize, len: usize) -> Self {
        self.inner.clone().slice(offset, len).into()
    }

    fn unique(&self) -> Self {
        self.inner.clone().unique().into()
    }

    fn drop(&self, names: Vec<String>) -> Self {
        self.inner.clone().drop(names).into()
    }

    fn rename(&self, pairs: Vec<(String, String)>) -> Self {
        let old: Vec<&str> = pairs.iter().map(|(a, _)| a.as_str()).collect();
        let new: Vec<&str> = pairs.iter().map(|(_, b)| b.as_str()).collect();
        self.inner.clone().rename(&old, &new).into()
    }

    fn explode(&self, column: &str) -> Self {
        self.inner.clone().explode(column).into()
    }

    fn join(
        &self,
        other: PyLazyFrame,
        left_on: Vec<PyExpr>,
        right_on: Vec<PyExpr>,
        how: &str,
        suffix: &str,
    ) -> PyResult<Self> {
        let how = match how {
            "inner" => JoinHow::Inner,
            "left" => JoinHow::Left,
            "right" => JoinHow::Right,
            "full" | "outer" => JoinHow::Full,
            "semi" => JoinHow::Semi,
            "anti" => JoinHow::Anti,
            "cross" => JoinHow::Cross,
            other => {
                return Err(conversion(format!(
                    "unknown join type `{other}`; expected inner, left, right, full, semi, anti or cross"
                )))
            }
        };
        let mut args = JoinArgs::new(how);
        args.suffix = suffix.to_string();
        Ok(self
            .inner
            .clone()
            .join(other.inner, exprs(left_on), exprs(right_on), args)
            .into())
    }

    fn schema(&self) -> PyResult<Vec<(String, String)>> {
        Ok(schema_pairs(&self.inner.schema().py_err()?.clone()))
    }

    fn explain(&self, py: Python<'_>) -> PyResult<String> {
        let lf = self.inner.clone();
        py.detach(|| lf.explain()).py_err()
    }

    /// The rows of `self`, then those of `others` (columns by position, widened).
    fn union(&self, others: Vec<PyLazyFrame>) -> Self {
        let mut lf = self.inner.clone();
        for o in others {
            lf = lf.union(o.inner);
        }
        lf.into()
    }

    /// Runs the query and writes its result to `path` as `format`, atomically (nothing
    /// is left at `path` if the query or the write fails or is interrupted).
    #[pyo3(signature = (format, path, include_header=true, separator=","))]
    fn sink(
        &self,
        py: Python<'_>,
        format: String,
        path: String,
        include_header: bool,
        separator: &str,
    ) -> PyResult<()> {
        let delimiter = *separator.as_bytes().first().unwrap_or(&b',');
        let session = self.inner.session().with_own_cancel_flag();
        let lf = self.inner.clone().with_session(&session);
        crate::run::run(py, &session, move || {
            let df = lf.collect()?;
            write_frame(&df, &format, &path, include_header, delimiter)
        })
    }

    /// Runs the query with the GIL released; Ctrl-C cancels it.
    fn collect(&self, py: Python<'_>) -> PyResult<PyDataFrame> {
        let session = self.inner.session().with_own_cancel_flag();
        let lf = self.inner.clone().with_session(&session);
        let df = crate::run::run(py, &session, move || lf.collect())?;
        Ok(PyDataFrame { inner: df })
    }
}
