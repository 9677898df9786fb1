//! # quiver-datasets
//!
//! Data for Quiver's examples, tests and benchmarks: the TPC-H generator (built on the
//! `tpchgen` crates, whose output is identical to the reference `dbgen`, so the official
//! answers apply), the generators of the h2o.ai db-benchmark's group-by and join data,
//! and the small sample data checked in under `datasets/sample/`. `quiver datagen`
//! (the SQL shell's subcommand) writes any of them to Parquet or CSV files.

pub mod h2o;
pub mod output;
pub mod rng;
pub mod tpch;

use std::path::PathBuf;

/// The folder of the checked-in sample data (`datasets/sample`).
pub fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample")
}
