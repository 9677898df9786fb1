//! # quiver-sql
//!
//! SQL in DuckDB's dialect for Quiver. `sqlparser` (with its DuckDB dialect) parses the
//! text; the [`planner`] binds names against the catalog and lowers each statement to the
//! engine's `LogicalPlan`, so SQL and the frame API share one optimizer and one executor.
//! [`SqlContext`] is the entry point; the `quiver` shell, its batch jobs (`quiver run`,
//! [`jobs`]) and the `quiver-slt` conformance runner are built on it.

pub mod context;
pub(crate) mod duckdb_tokens;
pub mod errors;
pub mod jobs;
pub mod planner;
pub mod shell;
pub mod slt;
pub mod types;

pub use context::{QueryResult, SqlContext};
pub use sqlparser;
