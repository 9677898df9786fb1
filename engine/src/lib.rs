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

pub mod catalog;
pub mod error;
pub mod exec;
pub mod expr;
pub mod frame;
pub mod functions;
pub mod io;
pub mod logical;
pub mod optimizer;
pub mod physical;
pub mod pipeline;
pub mod session;
pub mod types;

pub use error::{Error, Result};

pub use frame::{DataFrame, LazyFrame};
pub use session::Session;

/// The names most programs need: `use quiver_engine::prelude::*;`.
pub mod prelude {
    pub use crate::error::{Error, Result};
    pub use crate::expr::builders::date;
    pub use crate::expr::builders::{aggregate, call, window_fn};
    pub use crate::expr::{col, cols, len, lit, lit_null, when, Expr, SortExpr};
    pub use crate::frame::{
        DataFrame, GroupBy, IntoColumn, JoinArgs, JoinHow, LazyFrame, SortOptions,
    };
    pub use crate::io::CsvOptions;
    pub use crate::session::Session;
    pub use arrow::datatypes::DataType;
}
