//! The Arrow PyCapsule interface: frames export `__arrow_c_stream__` (read by pyarrow,
//! Polars, DuckDB, ...) and import any object that exports it.

#![allow(unsafe_code)] // the C stream interface hands raw pointers across the FFI boundary

use arrow::datatypes::SchemaRef;
use arrow::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow::record_batch::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use quiver_engine::DataFrame;

use crate::error::{conversion, IntoPy};

const STREAM: &std::ffi::CStr = c"arrow_array_stream";

/// A capsule holding an `ArrowArrayStream` over the frame's batches.
pub fn export_stream<'py>(py: Python<'py>, df: &DataFrame) -> PyResult<Bound<'py, PyCapsule>> {
    let schema: SchemaRef = df.schema().clone();
    let batches: Vec<Result<RecordBatch, arrow::error::ArrowError>> =
        df.batches().iter().cloned().map(Ok).collect();
    let reader = RecordBatchIterator::new(batches, schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    // The capsule's destructor drops the stream, which releases it unless a consumer
    // already moved it out (the protocol's ownership rule).
    PyCapsule::new_with_value(py, stream, STREAM)
}

/// Reads every batch from an object with `__arrow_c_stream__`.
pub fn import_stream(obj: &Bound<'_, PyAny>) -> PyResult<DataFrame> {
    if !obj.hasattr("__arrow_c_stream__")? {
        return Err(conversion(format!(
            "cannot read a `{}`: it does not export Arrow data (`__arrow_c_stream__`)",
            obj.get_type().name()?
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: the capsule named `arrow_array_stream` holds an `ArrowArrayStream`; `from_raw`
    // moves it out and leaves a released stream behind, as the protocol requires.
    let reader = unsafe { RecordBatchStreamReader::from_raw(ptr.as_ptr().cast()) }
        .map_err(quiver_engine::Error::from)
        .py_err()?;
    let schema = reader.schema();
    let batches = reader
        .collect::<Result<Vec<RecordBatch>, _>>()
        .map_err(quiver_engine::Error::from)
        .py_err()?;
    DataFrame::try_new(schema, batches).py_err()
}
