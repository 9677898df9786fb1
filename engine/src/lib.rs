//! # quiver-engine
//!
//! The query core of Quiver: Arrow-backed logical plans, an optimizer, morsel-driven
//! parallel execution on the session's own rayon pool, file IO and the Polars-style Rust
//! frame API. The SQL front end (`quiver-sql`) and the Python package build on it.
//!
//! ```text
//! SQL text --sqlparser(DuckDbDialect)--> AST --sql::planner--> LogicalPlan <--builder-- LazyFrame API
//!                                                               |
//!                                                   optimizer (rules, fixed point)
//!                                                               |
//!                                                   physical planner -> operator tree
//!                                                               |
//!                                     exec: pipelines of morsels on the engine's rayon pool
//!                                                               |
//!                                                 Vec<RecordBatch> / streaming sink
//! ```

pub mod error;
pub mod expr;
pub mod functions;
pub mod logical;
pub mod optimizer;
pub mod types;

pub use error::{Error, Result};
