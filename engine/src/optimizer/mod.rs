//! The logical optimizer: rules that rewrite a plan into a cheaper equivalent.
//!
//! A rule has a name and a `rewrite` that returns the plan, changed or not; the driver runs
//! every rule in order, repeatedly, until nothing changes (or a pass limit is hit). One rule
//! per file. Type coercion is not in the list: the plan builder applies it to every
//! expression it accepts, so plans are well typed from the start.

mod build_side;
mod limit_pushdown;
mod merge_projections;
mod predicate_pushdown;
mod projection_pushdown;
mod simplify_expressions;
pub mod type_coercion;
mod utils;

use std::sync::Arc;

use crate::error::Result;
use crate::expr::Transformed;
use crate::logical::LogicalPlan;

pub use simplify_expressions::simplify_expr;

/// A plan rewrite.
pub trait OptimizerRule: Send + Sync {
    /// The rule's name, as shown by EXPLAIN VERBOSE-style traces.
    fn name(&self) -> &'static str;
    /// Rewrites the whole plan.
    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>>;
}

/// Runs the rules to a fixed point.
pub struct Optimizer {
    rules: Vec<Box<dyn OptimizerRule>>,
    max_passes: usize,
}

impl Default for Optimizer {
    fn default() -> Self {
        Self {
            rules: vec![
                Box::new(simplify_expressions::SimplifyExpressions),
                Box::new(predicate_pushdown::PredicatePushdown),
                Box::new(limit_pushdown::LimitPushdown),
                Box::new(build_side::BuildSide),
                Box::new(merge_projections::MergeProjections),
            ],
            max_passes: 8,
        }
    }
}

impl Optimizer {
    /// Optimizes a plan. Projection pushdown runs once at the end, after the plan's shape
    /// has settled.
    pub fn optimize(&self, plan: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
        let mut plan = plan;
        for _ in 0..self.max_passes {
            let mut changed = false;
            for rule in &self.rules {
                let t = rule.rewrite(plan)?;
                changed |= t.changed;
                plan = t.data;
            }
            if !changed {
                break;
            }
        }
        let plan = projection_pushdown::ProjectionPushdown.rewrite(plan)?.data;
        // Pushdown leaves projections that may now stack or pass everything through.
        Ok(merge_projections::MergeProjections.rewrite(plan)?.data)
    }

    /// The rule names, in order.
    pub fn rule_names(&self) -> Vec<&'static str> {
        self.rules.iter().map(|r| r.name()).collect()
    }
}

/// Optimizes with the default rules.
pub fn optimize(plan: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
    Optimizer::default().optimize(plan)
}
