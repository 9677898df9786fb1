//! `quiver-slt`: a sqllogictest runner for DuckDB's test format, used to measure how much
//! of DuckDB's SQL behaviour Quiver reproduces (`../shared/conformance/duckdb`) and to run
//! our own SQL tests (`sql/tests/slt`).
//!
//! [`parser`] reads the record format and directives, [`runner`] executes the records of
//! a file against a fresh [`crate::SqlContext`], [`format`] prints result values the way
//! DuckDB does, [`compare`] checks them against the expected block and [`report`] counts
//! the outcomes (passed, failed, errored, skipped by reason, blocked) and renders them.
//!
//! ```no_run
//! use quiver_sql::slt::{discover, Runner, RunnerConfig};
//!
//! let files = discover(&["sql/tests/slt".into()], false).unwrap();
//! let summary = Runner::new(RunnerConfig::default()).run_files(&files, |f| println!("{}", f.line()));
//! println!("{}", summary.render(10));
//! ```

pub mod compare;
pub mod format;
pub mod parser;
pub mod report;
pub mod runner;

pub use parser::Script;
pub use report::{Counts, FileReport, RecordOutcome, Status, Summary};
pub use runner::{discover, install_quiet_panic_hook, Runner, RunnerConfig, TestFile};
