//! # quiver-benches
//!
//! Benchmarks for Quiver. `tpch_frame` runs TPC-H queries through the frame API on Parquet
//! files; `compare_tpch_frame.py` runs the same queries on the same files with DuckDB and
//! Polars at the same thread count and prints the ratios. Timings are measurements, never
//! assertions.

pub mod queries;
