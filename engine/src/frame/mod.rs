//! The Rust user API, modelled on Polars: lazy [`LazyFrame`] pipelines that build a
//! logical plan, and the eager [`DataFrame`] that `collect()` returns.
//!
//! ```
//! use quiver_engine::prelude::*;
//!
//! let df = DataFrame::from_columns(vec![
//!     ("city", vec!["a", "b", "a"].into_column()),
//!     ("sales", vec![10i64, 20, 30].into_column()),
//! ])?;
//! let out = df
//!     .lazy()
//!     .filter(col("sales").gt(lit(5i64)))
//!     .group_by([col("city")])
//!     .agg([col("sales").sum().alias("total")])
//!     .sort(["city"], SortOptions::default())
//!     .collect()?;
//! assert_eq!(out.height(), 2);
//! # Ok::<(), quiver_engine::Error>(())
//! ```

mod dataframe;
mod join;
mod lazy;

pub use dataframe::{DataFrame, IntoColumn};
pub use join::{JoinArgs, JoinHow};
pub use lazy::{GroupBy, LazyFrame, SortOptions};
