//! The logical optimizer: rules that rewrite a plan into a cheaper equivalent.
//!
//! A rule has a name and a `rewrite` that returns the plan, changed or not; the driver runs
//! every rule in order, repeatedly, until nothing changes (or a pass limit is hit). One rule
//! per file. Type coercion is not in the list: the plan builder applies it to every
//! expression it accepts, so plans are well typed from the start.

mod build_side;
mod common_subexpr;
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
    /// Optimizes a plan. Common subexpression elimination and projection pushdown run once
    /// at the end, after the plan's shape has settled.
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
        let plan = common_subexpr::CommonSubexprEliminate.rewrite(plan)?.data;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{lit, SortExpr};
    use crate::optimizer::utils::tests::*;

    #[test]
    fn rules_run_in_a_fixed_order() {
        assert_eq!(
            Optimizer::default().rule_names(),
            vec![
                "simplify_expressions",
                "predicate_pushdown",
                "limit_pushdown",
                "build_side",
                "merge_projections"
            ]
        );
    }

    #[test]
    fn a_small_pipeline_end_to_end() {
        // Cross join + filter -> hash join with pushed-down filters, the smaller (estimated)
        // input on the build side (its restoring projection merged away), top-k.
        let (l, r) = lr();
        let plan = l
            .cross_join(r)
            .unwrap()
            .filter(
                q("l", "k")
                    .eq(q("r", "k"))
                    .and(q("r", "y").eq(lit("p")))
                    .and(q("l", "x").gt(lit(1i64) + lit(1i64))),
            )
            .unwrap()
            .project(vec![q("l", "x"), q("r", "y")])
            .unwrap()
            .sort(vec![SortExpr::desc(c("x"))])
            .unwrap()
            .limit(0, Some(3))
            .build();
        let optimized = optimize(plan.clone()).unwrap();
        assert_eq!(
            optimized.display_indent(),
            "Limit: skip=0 fetch=3\n\
             \x20 Sort: x DESC fetch=3\n\
             \x20   Projection: l.x, r.y\n\
             \x20     Join(Inner): on=[r.k = l.k]\n\
             \x20       Filter: r.y = 'p'\n\
             \x20         TableScan: r filters=[r.y = 'p']\n\
             \x20       Filter: l.x > 2\n\
             \x20         TableScan: l filters=[l.x > 2]\n"
        );
        assert_same_results(&plan, &optimized, true);
        // Optimizing again changes nothing.
        assert_eq!(
            optimize(optimized.clone()).unwrap().display_indent(),
            optimized.display_indent()
        );
    }
}
