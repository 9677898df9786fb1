//! Physical plans: operators that execute a logical plan on the session's pool.
//!
//! The [`planner`] turns an optimized [`LogicalPlan`](crate::logical::LogicalPlan) into a
//! tree of [`ExecutionPlan`] operators (one per file in [`ops`]), with expressions resolved
//! into [`PhysicalExpr`]s. Operators are immutable and can run any number of times: each
//! run's state lives in the tasks that `execute` returns.

mod cast_error;
mod decimal_kernels;
pub mod expr;
mod interval_arith;
mod interval_cast;
mod nested_cast;
mod nested_compare;
mod nested_parse;
pub mod ops;
pub mod planner;

use std::fmt::{self, Write};
use std::sync::Arc;

use arrow::datatypes::SchemaRef;

use crate::error::Result;
use crate::exec::{ExecContext, Tasks};

pub use expr::PhysicalExpr;
pub use planner::create_physical_plan;

/// A physical operator.
pub trait ExecutionPlan: Send + Sync + fmt::Debug {
    /// The operator's name, e.g. `HashJoinExec`.
    fn name(&self) -> &'static str;

    /// One line describing the operator's parameters, for EXPLAIN.
    fn describe(&self) -> String;

    /// Output schema.
    fn schema(&self) -> SchemaRef;

    /// Inputs.
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>>;

    /// Starts the operator: runs what must run before output can flow (a hash table
    /// build, an aggregation) and returns the output as morsel tasks, in order.
    fn execute(&self, ctx: &ExecContext) -> Result<Tasks>;
}

/// EXPLAIN text of a physical plan: one line per operator, children indented.
pub fn display_physical(plan: &dyn ExecutionPlan) -> String {
    fn go(p: &dyn ExecutionPlan, depth: usize, out: &mut String) {
        let d = p.describe();
        let line = if d.is_empty() {
            p.name().to_string()
        } else {
            format!("{}: {d}", p.name())
        };
        let _ = writeln!(out, "{}{line}", "  ".repeat(depth));
        for c in p.children() {
            go(c.as_ref(), depth + 1, out);
        }
    }
    let mut out = String::new();
    go(plan, 0, &mut out);
    out
}

/// Runs a plan to completion and returns its batches in order.
pub fn collect(
    plan: &Arc<dyn ExecutionPlan>,
    ctx: &ExecContext,
) -> Result<Vec<arrow::record_batch::RecordBatch>> {
    plan.execute(ctx)?.collect(ctx)
}
