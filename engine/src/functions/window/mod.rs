//! Ranking and navigation window functions (`row_number`, `rank`, `lag`, ...).
//!
//! Aggregates used as window functions (`sum(x) OVER (..)`) come from the aggregate
//! registry; this module holds the functions that only exist over windows.

use arrow::array::ArrayRef;

use super::{FunctionRegistry, SignatureFn};
use crate::error::Result;
use crate::types::ScalarValue;

/// One partition, sorted by the window's ORDER BY, as a window function sees it.
pub struct WindowPartition<'a> {
    /// The argument arrays, restricted to the partition, in window order.
    pub args: &'a [ArrayRef],
    /// Literal argument values (`None` for column arguments).
    pub literal_args: &'a [Option<ScalarValue>],
    /// For each row, the index of the first row of its peer group (rows equal on the
    /// ORDER BY keys); all zero when there is no ORDER BY.
    pub peer_start: &'a [usize],
    /// Skip NULLs (`IGNORE NULLS`).
    pub ignore_nulls: bool,
}

/// A ranking or navigation function's definition.
pub struct WindowFunctionDef {
    /// The canonical name, lower case.
    pub name: &'static str,
    /// Other names it answers to.
    pub aliases: &'static [&'static str],
    /// Argument checking, casts and the return type.
    pub signature: SignatureFn,
    /// Computes one value per row of a partition.
    pub evaluate: fn(&WindowPartition<'_>, &arrow::datatypes::DataType) -> Result<ArrayRef>,
}

impl std::fmt::Debug for WindowFunctionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowFunctionDef").field("name", &self.name).finish()
    }
}

pub(super) fn register_all(_r: &mut FunctionRegistry) {}
