//! Aggregate functions and their grouped accumulators.
//!
//! The hash aggregate operator gives each group a dense id (`u32`) and calls an accumulator
//! with a batch of values and the group id of each row, so one typed loop updates a whole
//! batch. Each worker thread keeps its own accumulators; at the end they are merged with
//! [`GroupsAccumulator::merge`] (the other accumulator's group `g` becomes this one's group
//! `group_map[g]`). Merging preserves input order: `self` holds rows from before `other`.

use std::any::Any;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;

use super::{FunctionRegistry, SignatureFn};
use crate::error::Result;
use crate::types::ScalarValue;

/// What an accumulator is created with.
#[derive(Debug, Clone)]
pub struct AggregateArgs {
    /// The argument types (after the signature's casts).
    pub arg_types: Vec<DataType>,
    /// Literal argument values (`None` for column arguments), e.g. the 0.9 of
    /// `quantile_cont(x, 0.9)` or the separator of `string_agg(x, ', ')`.
    pub literal_args: Vec<Option<ScalarValue>>,
    /// The return type decided by the signature.
    pub return_type: DataType,
    /// Whether an ORDER BY was given: then the operator appends one extra argument, a
    /// `Binary` array of row-encoded sort keys that compare bytewise in the wanted order.
    pub ordered: bool,
}

/// Per-group aggregate state for many groups at once.
pub trait GroupsAccumulator: Send + Any {
    /// Adds rows: `values` are the argument arrays (all of one batch's length), `groups` the
    /// group id of each row; ids are below `num_groups`, and new ids may appear in any call.
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()>;

    /// Folds another accumulator of the same kind into this one: `other`'s group `g` is
    /// this one's group `group_map[g]`; `num_groups` is this accumulator's new group count.
    fn merge(&mut self, other: Box<dyn GroupsAccumulator>, group_map: &[u32], num_groups: usize) -> Result<()>;

    /// The final value of every group, `num_groups` of them, in group id order.
    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef>;

    /// Approximate memory held, in bytes.
    fn size(&self) -> usize;

    /// For downcasting in `merge`.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// An aggregate function's definition.
pub struct AggregateFunctionDef {
    /// The canonical name, lower case.
    pub name: &'static str,
    /// Other names it answers to.
    pub aliases: &'static [&'static str],
    /// Argument checking, casts and the return type.
    pub signature: SignatureFn,
    /// Creates an empty accumulator.
    pub create: fn(&AggregateArgs) -> Result<Box<dyn GroupsAccumulator>>,
}

impl std::fmt::Debug for AggregateFunctionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AggregateFunctionDef").field("name", &self.name).finish()
    }
}

pub(super) fn register_all(_r: &mut FunctionRegistry) {}
