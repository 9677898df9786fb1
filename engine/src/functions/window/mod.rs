//! Window functions: the ranking and navigation functions (`row_number`, `rank`, `lag`,
//! ...) and the evaluation of ordinary aggregates over window frames (`sum(x) OVER (..)`).
//!
//! The window operator sorts its input by (partition keys, ORDER BY keys) once and hands
//! each function a [`WindowInput`]: the argument arrays in that window order, the partition
//! boundaries, the peer groups (rows equal on the ORDER BY keys) and, for functions that
//! respect frames, each row's frame. A function computes one value per row, in window
//! order, over all partitions at once, so there is no per-partition overhead for inputs
//! with many small partitions. Ranking functions live in [`ranking`], navigation functions
//! in [`navigation`], and aggregates over frames in [`framed`].

pub mod framed;
mod navigation;
mod ranking;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;

use super::{FunctionRegistry, SignatureFn};
use crate::error::Result;
use crate::types::ScalarValue;

/// Each row's frame, as half-open ranges `start[i]..end[i]` of positions in window order.
///
/// Frames never leave their row's partition, and both `start` and `end` are non-decreasing
/// within a partition, with `start[i] <= end[i]` (an empty frame has `start == end`).
#[derive(Debug, Clone, Copy)]
pub struct FrameBounds<'a> {
    /// The first position of each row's frame.
    pub start: &'a [u32],
    /// One past the last position of each row's frame.
    pub end: &'a [u32],
}

/// What a window function sees: every partition, each sorted by the window's ORDER BY,
/// laid out one after the other ("window order").
#[derive(Debug, Clone, Copy)]
pub struct WindowInput<'a> {
    /// The argument arrays, in window order (all of length [`WindowInput::num_rows`]).
    pub args: &'a [ArrayRef],
    /// Literal argument values (`None` for column arguments).
    pub literal_args: &'a [Option<ScalarValue>],
    /// Partition boundaries: partition `p` is the positions `partitions[p]..partitions[p + 1]`.
    pub partitions: &'a [u32],
    /// For each position, the first position of its peer group (rows equal on the ORDER BY
    /// keys); the partition's start for every row when there is no ORDER BY.
    pub peer_start: &'a [u32],
    /// For each position, one past the last position of its peer group.
    pub peer_end: &'a [u32],
    /// Each row's frame; given to functions whose definition sets `uses_frame`.
    pub frame: Option<FrameBounds<'a>>,
    /// Skip NULLs (`IGNORE NULLS`).
    pub ignore_nulls: bool,
}

impl WindowInput<'_> {
    /// The number of rows over all partitions.
    pub fn num_rows(&self) -> usize {
        self.peer_start.len()
    }

    /// The partitions as `(start, end)` position pairs.
    pub fn partition_ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.partitions
            .windows(2)
            .map(|w| (w[0] as usize, w[1] as usize))
    }

    /// The frame bounds, or an internal error if the operator did not compute them.
    pub fn frame_bounds(&self, name: &str) -> Result<FrameBounds<'_>> {
        self.frame.ok_or_else(|| {
            crate::internal_err!("window function `{name}` needs frame bounds, but none were given")
        })
    }
}

/// A ranking or navigation function's definition.
pub struct WindowFunctionDef {
    /// The canonical name, lower case.
    pub name: &'static str,
    /// Other names it answers to.
    pub aliases: &'static [&'static str],
    /// Argument checking, casts and the return type.
    pub signature: SignatureFn,
    /// Whether the function reads the frame ([`WindowInput::frame`]); those that do not
    /// (ranking functions, `lag`, `lead`) ignore any frame clause, as in DuckDB.
    pub uses_frame: bool,
    /// Whether `IGNORE NULLS` applies to the function.
    pub supports_ignore_nulls: bool,
    /// Computes one value per row, in window order; the result has the return type given.
    pub evaluate: EvaluateFn,
}

/// Computes a window function: one value per row of the input, in window order, of the
/// return type given.
pub type EvaluateFn = fn(&WindowInput<'_>, &DataType) -> Result<ArrayRef>;

impl std::fmt::Debug for WindowFunctionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowFunctionDef")
            .field("name", &self.name)
            .finish()
    }
}

pub(super) fn register_all(r: &mut FunctionRegistry) {
    ranking::register(r);
    navigation::register(r);
}

/// Whether `t` is an integer type (or NULL), as taken by offsets and bucket counts.
fn is_integer_like(t: &DataType) -> bool {
    t.is_integer() || matches!(t, DataType::Null)
}

#[cfg(test)]
pub(crate) mod test_util {
    //! Builds [`WindowInput`]s for unit tests.

    use super::*;

    /// Owned data behind a [`WindowInput`].
    pub struct Owned {
        pub args: Vec<ArrayRef>,
        pub literal_args: Vec<Option<ScalarValue>>,
        pub partitions: Vec<u32>,
        pub peer_start: Vec<u32>,
        pub peer_end: Vec<u32>,
        pub frame: Option<(Vec<u32>, Vec<u32>)>,
        pub ignore_nulls: bool,
    }

    impl Owned {
        /// Partitions of the given sizes; `peer_keys` gives each row's ORDER BY value
        /// (equal adjacent values are peers).
        pub fn new(args: Vec<ArrayRef>, sizes: &[u32], peer_keys: &[i64]) -> Self {
            let mut partitions = vec![0];
            for s in sizes {
                partitions.push(partitions.last().copied().unwrap_or(0) + s);
            }
            let n = peer_keys.len();
            let mut peer_start = vec![0u32; n];
            let mut peer_end = vec![0u32; n];
            for w in partitions.windows(2) {
                let (ps, pe) = (w[0] as usize, w[1] as usize);
                for i in ps..pe {
                    peer_start[i] = if i > ps && peer_keys[i] == peer_keys[i - 1] {
                        peer_start[i - 1]
                    } else {
                        i as u32
                    };
                }
                for i in (ps..pe).rev() {
                    peer_end[i] = if i + 1 < pe && peer_keys[i] == peer_keys[i + 1] {
                        peer_end[i + 1]
                    } else {
                        i as u32 + 1
                    };
                }
            }
            let literal_args = vec![None; args.len()];
            Self {
                args,
                literal_args,
                partitions,
                peer_start,
                peer_end,
                frame: None,
                ignore_nulls: false,
            }
        }

        /// The borrowed input.
        pub fn input(&self) -> WindowInput<'_> {
            WindowInput {
                args: &self.args,
                literal_args: &self.literal_args,
                partitions: &self.partitions,
                peer_start: &self.peer_start,
                peer_end: &self.peer_end,
                frame: self
                    .frame
                    .as_ref()
                    .map(|(s, e)| FrameBounds { start: s, end: e }),
                ignore_nulls: self.ignore_nulls,
            }
        }
    }
}
