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
        LogicalPlan::Sort(s) if s.fetch.is_none_or(|f| f > n) => {
            Some(Arc::new(LogicalPlan::Sort(Sort {
                fetch: Some(n),
                ..s.clone()
            })))
        }
        LogicalPlan::TableScan(s) if s.filters.is_empty() && s.fetch.is_none_or(|f| f > n) => {
            Some(Arc::new(LogicalPlan::TableScan(TableScan {
                fetch: Some(n),
                ..s.clone()
            })))
        }
        LogicalPlan::Projection(p) => {
            let input = push_cap(&p.input, n)?;
            Some(Arc::new(LogicalPlan::Projection(Projection {
                input,
                ..p.clone()
            })))
        }
        LogicalPlan::SubqueryAlias(a) => {
            let input = push_cap(&a.input, n)?;
            Some(Arc::new(LogicalPlan::SubqueryAlias(SubqueryAlias {
                input,
                ..a.clone()
            })))
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
            changed.then(|| {
                Arc::new(LogicalPlan::Union(Union {
                    inputs,
                    schema: u.schema.clone(),
                }))
            })
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
                        return Ok(Transformed::yes(Arc::new(LogicalPlan::Limit(Limit {
                            input,
                            ..l.clone()
                        }))));
                    }
                }
            }
            Ok(Transformed::no(node))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{lit, SortExpr};
    use crate::optimizer::utils::tests::*;

    fn rewrite(plan: &Arc<LogicalPlan>) -> Transformed<Arc<LogicalPlan>> {
        LimitPushdown.rewrite(plan.clone()).unwrap()
    }

    fn check(plan: Arc<LogicalPlan>, want: &str) {
        let t = rewrite(&plan);
        assert_eq!(t.data.display_indent(), want);
        assert_same_results(&plan, &t.data, true);
        assert!(
            !rewrite(&t.data).changed,
            "not idempotent:\n{}",
            t.data.display_indent()
        );
    }

    fn unchanged(plan: Arc<LogicalPlan>) {
        let t = rewrite(&plan);
        assert!(!t.changed, "{}", t.data.display_indent());
        assert_same_results(&plan, &t.data, true);
    }

    #[test]
    fn order_by_limit_becomes_top_k() {
        let plan = abc(20)
            .sort(vec![SortExpr::desc(c("b")), SortExpr::asc(c("a"))])
            .unwrap()
            .limit(0, Some(5))
            .build();
        check(
            plan,
            "Limit: skip=0 fetch=5\n  Sort: b DESC, a fetch=5\n    TableScan: t\n",
        );
    }

    #[test]
    fn top_k_covers_the_offset() {
        let plan = abc(20)
            .sort(vec![SortExpr::asc(c("c"))])
            .unwrap()
            .limit(3, Some(4))
            .build();
        check(
            plan,
            "Limit: skip=3 fetch=4\n  Sort: c fetch=7\n    TableScan: t\n",
        );
    }

    #[test]
    fn a_limit_over_a_projection_stops_the_scan_early() {
        let plan = abc(20)
            .project(vec![c("a")])
            .unwrap()
            .limit(2, Some(3))
            .build();
        check(
            plan,
            "Limit: skip=2 fetch=3\n  Projection: a\n    TableScan: t fetch=5\n",
        );
    }

    #[test]
    fn into_every_union_input() {
        let plan = abc(20)
            .union(abc(3).build())
            .unwrap()
            .limit(0, Some(4))
            .build();
        check(
            plan,
            "Limit: skip=0 fetch=4\n  Union\n    TableScan: t fetch=4\n    TableScan: t fetch=4\n",
        );
    }

    #[test]
    fn not_past_filters_aggregates_or_distinct() {
        unchanged(
            abc(20)
                .filter(c("a").gt(lit(3i64)))
                .unwrap()
                .limit(0, Some(5))
                .build(),
        );
        unchanged(
            abc(20)
                .aggregate(vec![c("b")], vec![c("a").sum()])
                .unwrap()
                .limit(0, Some(1))
                .build(),
        );
        unchanged(
            abc(20)
                .project(vec![c("b")])
                .unwrap()
                .distinct()
                .limit(0, Some(2))
                .build(),
        );
        // An offset without a fetch caps nothing.
        unchanged(
            abc(20)
                .sort(vec![SortExpr::asc(c("a"))])
                .unwrap()
                .limit(5, None)
                .build(),
        );
    }

    #[test]
    fn a_scan_with_pushed_filters_is_not_capped() {
        // After predicate pushdown the scan carries its filters (and the filter stays above).
        let plan = abc(20)
            .filter(c("a").gt(lit(3i64)))
            .unwrap()
            .limit(0, Some(5))
            .build();
        let optimized = crate::optimizer::optimize(plan.clone()).unwrap();
        assert_eq!(
            optimized.display_indent(),
            "Limit: skip=0 fetch=5\n  Filter: a > 3\n    TableScan: t filters=[a > 3]\n"
        );
        assert_same_results(&plan, &optimized, true);
    }

    #[test]
    fn a_smaller_existing_top_k_is_kept() {
        let top3 = Arc::new(LogicalPlan::Sort(Sort {
            exprs: vec![SortExpr::asc(c("a"))],
            input: abc(20).build(),
            fetch: Some(3),
        }));
        unchanged(LogicalPlanBuilder::from(top3).limit(0, Some(10)).build());
    }
}
