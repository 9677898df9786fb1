//! The native module `quiver._quiver`: Python bindings over quiver-engine and quiver-sql.
//!
//! The classes here are thin wrappers; the `quiver` Python package around them gives the
//! Polars-style API (argument conventions, operators, `.str` / `.dt` namespaces).

mod convert;
mod error;
mod expr;
mod frame;
mod interchange;
mod job;
mod pipeline;
mod run;
mod sql;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _quiver(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<expr::PyExpr>()?;
    m.add_class::<frame::PyDataFrame>()?;
    m.add_class::<frame::PyLazyFrame>()?;
    m.add_class::<sql::PySqlContext>()?;
    m.add_class::<pipeline::PyRetryPolicy>()?;
    m.add_function(wrap_pyfunction!(pipeline::record_timing, m)?)?;
    m.add_function(wrap_pyfunction!(pipeline::timing_records, m)?)?;
    m.add_function(wrap_pyfunction!(pipeline::reset_timings, m)?)?;
    m.add_function(wrap_pyfunction!(job::run_job_file, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
