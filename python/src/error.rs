//! Engine errors as Python exceptions: one class per [`Error::category`], defined in
//! `quiver/exceptions.py` so Python code can subclass and document them.

use pyo3::prelude::*;
use pyo3::types::PyType;
use quiver_engine::Error;

/// The exception class name for an engine error category.
fn class_name(category: &str) -> &'static str {
    match category {
        "ColumnNotFound" => "ColumnNotFoundError",
        "Syntax" => "SQLSyntaxError",
        "TableNotFound" => "TableNotFoundError",
        "FunctionNotFound" => "FunctionNotFoundError",
        "Schema" => "SchemaError",
        "Compute" => "ComputeError",
        "Conversion" => "ConversionError",
        "Plan" => "PlanError",
        "InvalidData" => "InvalidDataError",
        "Io" => "QuiverIOError",
        "NotSupported" => "NotSupportedError",
        "Cancelled" => "CancelledError",
        _ => "InternalError",
    }
}

/// Raises `e` as its `quiver.exceptions` class, keeping the engine's message.
pub fn to_py(e: Error) -> PyErr {
    let name = class_name(e.category());
    let message = e.to_string();
    Python::attach(|py| {
        let class = py
            .import("quiver.exceptions")
            .and_then(|m| m.getattr(name))
            .and_then(|c| c.cast_into::<PyType>().map_err(PyErr::from));
        match class {
            Ok(class) => PyErr::from_type(class, message),
            Err(_) => pyo3::exceptions::PyRuntimeError::new_err(message),
        }
    })
}

/// `Result<T, Error>` into `PyResult<T>`.
pub trait IntoPy<T> {
    /// Converts the error.
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for quiver_engine::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// A conversion problem in the bindings themselves (a Python value Quiver cannot take).
pub fn conversion(message: impl Into<String>) -> PyErr {
    to_py(Error::Conversion(message.into()))
}
