//! # quiver-benches
//!
//! Benchmarks for Quiver.
//!
//! - `benches/micro.rs`: criterion micro-benchmarks of the hot paths (filter, hash
//!   aggregation per key kind, hash join, sort, Parquet and CSV scans) on generated
//!   in-memory data: `cargo bench -p quiver-benches`.
//! - `compare.py`: the side-by-side comparison with DuckDB and Polars on the same files
//!   and thread count (TPC-H, h2o db-benchmark group-by and join), with answer checks,
//!   a Markdown table and a chart under `benches/results/`. It times Quiver with the
//!   `sql_bench` binary (SQL, in-process) and `tpch_frame` (the frame API).
//!
//! Timings are measurements, never assertions.

pub mod harness;
pub mod queries;
