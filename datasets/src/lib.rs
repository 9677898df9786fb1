//! # quiver-datasets
//!
//! Data for Quiver's examples, tests and benchmarks: the TPC-H generator (built on the
//! `tpchgen` crates, whose output is identical to the reference `dbgen`, so the official
//! answers apply) and the small sample data checked in under `datasets/sample/`.

pub mod tpch;

use std::path::PathBuf;

/// The folder of the checked-in sample data (`datasets/sample`).
pub fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample")
}
