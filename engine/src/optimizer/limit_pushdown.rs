//! Limit pushdown: `ORDER BY .. LIMIT k` becomes a top-k sort, and a limit over a plain
//! scan (possibly through projections and unions) stops the scan early.

use std::sync::Arc;

use super::utils::transform_up;
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::Transformed;
use crate::logical::*;

/// The rule.
pub struct LimitPushdown;

/// Pushes a row cap `n` below `plan` where that is safe; returns the new plan or `None`.
fn push_cap(plan: &Arc<LogicalPlan>, n: usize) -> Option<Arc<LogicalPlan>> {
    match plan.as_ref() {
        LogicalPlan::Sort(s) if s.fetch.is_none_or(|f| f > n) => Some(Arc::new(LogicalPlan::Sort(Sort { fetch: Some(n), ..s.clone() }))),
        LogicalPlan::TableScan(s) if s.filters.is_empty() && s.fetch.is_none_or(|f| f > n) => {
            Some(Arc::new(LogicalPlan::TableScan(TableScan { fetch: Some(n), ..s.clone() })))
        }
        LogicalPlan::Projection(p) => {
            let input = push_cap(&p.input, n)?;
            Some(Arc::new(LogicalPlan::Projection(Projection { input, ..p.clone() })))
        }
        LogicalPlan::SubqueryAlias(a) => {
            let input = push_cap(&a.input, n)?;
            Some(Arc::new(LogicalPlan::SubqueryAlias(SubqueryAlias { input, ..a.clone() })))
        }
        LogicalPlan::Union(u) => {
            let mut changed = false;
            let inputs = u
                .inputs
                .iter()
                .map(|i| match push_cap(i, n) {
                    Some(p) => {
                        changed = true;
                        p
                    }
                    None => i.clone(),
                })
                .collect();
            changed.then(|| Arc::new(LogicalPlan::Union(Union { inputs, schema: u.schema.clone() })))
        }
        _ => None,
    }
}

impl OptimizerRule for LimitPushdown {
    fn name(&self) -> &'static str {
        "limit_pushdown"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        transform_up(plan, &mut |node| {
            if let LogicalPlan::Limit(l) = node.as_ref() {
                if let Some(f) = l.fetch {
                    if let Some(input) = push_cap(&l.input, f.saturating_add(l.skip)) {
                        return Ok(Transformed::yes(Arc::new(LogicalPlan::Limit(Limit { input, ..l.clone() }))));
                    }
                }
            }
            Ok(Transformed::no(node))
        })
    }
}
