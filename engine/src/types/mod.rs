//! Data types: the qualified plan schema, scalar values and DuckDB's type coercion rules.
//!
//! Quiver uses Arrow's [`DataType`](arrow::datatypes::DataType) directly; this module adds
//! what a query engine needs on top: a schema whose fields may carry a table qualifier
//! (`l.l_orderkey`), a one-value [`ScalarValue`] and the rules that decide which type two
//! operands meet at.

mod coercion;
mod nested_coercion;
mod qschema;
mod scalar;

pub use coercion::{
    arithmetic_result_type, comparison_type, is_nested, is_numeric, is_string, is_temporal,
    union_type, ArithmeticOp,
};
pub use nested_coercion::is_unnamed_struct;
pub use qschema::{QField, QSchema, QSchemaRef};
pub use scalar::ScalarValue;
