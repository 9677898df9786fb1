//! Data types: the qualified plan schema, scalar values, DuckDB's type coercion rules and
//! the Arrow layout of MAP.
//!
//! Quiver uses Arrow's [`DataType`](arrow::datatypes::DataType) directly; this module adds
//! what a query engine needs on top: a schema whose fields may carry a table qualifier
//! (`l.l_orderkey`), a one-value [`ScalarValue`] and the rules that decide which type two
//! operands meet at.

pub mod blob_text;
pub mod calendar;
mod coercion;
pub mod datetime_format;
pub mod datetime_parse;
mod interval_parse;
mod map;
mod nested_coercion;
mod qschema;
mod scalar;

pub use coercion::{
    arithmetic_result_type, comparison_type, is_nested, is_numeric, is_string, is_temporal,
    union_type, ArithmeticOp,
};
pub use interval_parse::parse_interval;
pub use map::{map_entries_field, map_entry_fields, map_key_value, map_type};
pub use nested_coercion::is_unnamed_struct;
pub use qschema::{QField, QSchema, QSchemaRef};
pub use scalar::ScalarValue;
