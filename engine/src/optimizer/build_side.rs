//! Build side selection: a hash join builds its table on the right input, so for inner
//! joins the smaller input (by estimate) goes to the right. The swap is invisible above:
//! a projection restores the original column order.

use std::sync::Arc;

use super::utils::{column_at, transform_up};
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::Transformed;
use crate::logical::*;

/// The rule.
pub struct BuildSide;

impl OptimizerRule for BuildSide {
    fn name(&self) -> &'static str {
        "build_side"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        transform_up(plan, &mut |node| {
            let LogicalPlan::Join(j) = node.as_ref() else {
                return Ok(Transformed::no(node));
            };
            if j.join_type != JoinType::Inner || j.on.is_empty() {
                return Ok(Transformed::no(node));
            }
            let (Some(l), Some(r)) = (j.left.estimated_rows(), j.right.estimated_rows()) else {
                return Ok(Transformed::no(node));
            };
            // Swap only on a clear difference, so the rule cannot flip back and forth.
            if r <= l.saturating_mul(2) {
                return Ok(Transformed::no(node));
            }
            let swapped = LogicalPlanBuilder::from(j.right.clone())
                .join_detailed(
                    j.left.clone(),
                    JoinType::Inner,
                    j.on.iter().map(|(a, b)| (b.clone(), a.clone())).collect(),
                    j.filter.clone(),
                    j.null_equals_null,
                )?
                .build();
            let (nl, nr) = (j.left.schema().len(), j.right.schema().len());
            let s = swapped.schema().clone();
            let exprs = (0..nl).map(|i| column_at(&s, nr + i)).chain((0..nr).map(|i| column_at(&s, i))).collect();
            let restored = LogicalPlanBuilder::from(swapped).project(exprs)?.build();
            Ok(Transformed::yes(restored))
        })
    }
}
