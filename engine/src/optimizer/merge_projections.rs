//! Projection merging: a projection directly over another becomes one projection, and a
//! projection that passes its input through unchanged disappears.
//!
//! The frame API adds projections freely (renames, dropped join keys, `with_columns`);
//! this keeps the executed plan from evaluating a chain of them per morsel. Inner
//! expressions that compute something are only inlined where the outer projection uses
//! them once, so no work is duplicated.

use std::sync::Arc;

use super::utils::transform_up;
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::{Expr, Transformed, TreeNodeRecursion};
use crate::logical::*;

/// The rule.
pub struct MergeProjections;

fn is_identity(p: &Projection) -> bool {
    let input = p.input.schema();
    p.schema.as_ref() == input.as_ref()
        && p.exprs.len() == input.len()
        && p.exprs.iter().enumerate().all(|(i, e)| match e {
            Expr::Column(c) => {
                matches!(input.find(c.relation.as_deref(), &c.name), Ok(Some(j)) if j == i)
            }
            _ => false,
        })
}

fn trivial(e: &Expr) -> bool {
    matches!(e.unalias(), Expr::Column(_) | Expr::Literal(_))
}

fn merge(outer: &Projection, inner: &Projection) -> Option<Projection> {
    if inner
        .exprs
        .iter()
        .any(|e| e.contains_window() || e.contains_aggregate())
    {
        return None;
    }
    // How often the outer projection reads each inner output.
    let mut uses = vec![0usize; inner.exprs.len()];
    for e in &outer.exprs {
        e.visit(&mut |n| {
            if let Expr::Column(c) = n {
                if let Ok(Some(i)) = inner.schema.find(c.relation.as_deref(), &c.name) {
                    uses[i] += 1;
                }
            }
            TreeNodeRecursion::Continue
        });
    }
    if uses
        .iter()
        .zip(&inner.exprs)
        .any(|(u, e)| *u > 1 && !trivial(e))
    {
        return None;
    }
    let mut exprs = Vec::with_capacity(outer.exprs.len());
    for e in &outer.exprs {
        let name = e.output_name();
        let mut ok = true;
        let r: std::result::Result<Transformed<Expr>, std::convert::Infallible> =
            e.clone().transform_up(&mut |n| {
                if let Expr::Column(c) = &n {
                    match inner.schema.find(c.relation.as_deref(), &c.name) {
                        Ok(Some(i)) => {
                            return Ok(Transformed::yes(inner.exprs[i].unalias().clone()))
                        }
                        _ => ok = false,
                    }
                }
                Ok(Transformed::no(n))
            });
        let Ok(t) = r;
        if !ok {
            return None;
        }
        let new = t.data;
        // Keep a plain column as a column when the name is unchanged, so the output keeps
        // its qualifier-free form; otherwise name it as the outer projection did.
        exprs.push(
            if new.output_name() == name && matches!(new, Expr::Column(_)) {
                new
            } else {
                new.alias(name)
            },
        );
    }
    Some(Projection {
        exprs,
        input: inner.input.clone(),
        schema: outer.schema.clone(),
    })
}

impl OptimizerRule for MergeProjections {
    fn name(&self) -> &'static str {
        "merge_projections"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        transform_up(plan, &mut |node| {
            if let LogicalPlan::Projection(p) = node.as_ref() {
                if is_identity(p) {
                    return Ok(Transformed::yes(p.input.clone()));
                }
                if let LogicalPlan::Projection(inner) = p.input.as_ref() {
                    if let Some(m) = merge(p, inner) {
                        return Ok(Transformed::yes(Arc::new(LogicalPlan::Projection(m))));
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
    use crate::expr::lit;
    use crate::optimizer::utils::tests::*;

    fn rewrite(plan: &Arc<LogicalPlan>) -> Transformed<Arc<LogicalPlan>> {
        MergeProjections.rewrite(plan.clone()).unwrap()
    }

    fn check(plan: Arc<LogicalPlan>, want: &str) {
        let t = rewrite(&plan);
        assert_eq!(t.data.display_indent(), want);
        assert_same_results(&plan, &t.data, true);
    }

    #[test]
    fn stacked_projections_become_one() {
        let plan = abc(5)
            .project(vec![(c("a") + lit(1i64)).alias("x"), c("b")])
            .unwrap()
            .project(vec![(c("x") * lit(2i64)).alias("y"), c("b")])
            .unwrap()
            .build();
        check(plan, "Projection: (a + 1) * 2 AS y, b\n  TableScan: t\n");
    }

    #[test]
    fn renames_fold_into_the_expression() {
        let plan = abc(5)
            .project(vec![c("a").alias("z")])
            .unwrap()
            .project(vec![(c("z") + lit(1i64)).alias("w")])
            .unwrap()
            .build();
        check(plan, "Projection: a + 1 AS w\n  TableScan: t\n");
    }

    #[test]
    fn an_identity_projection_disappears() {
        check(
            abc(5)
                .project(vec![c("a"), c("b"), c("c")])
                .unwrap()
                .build(),
            "TableScan: t\n",
        );
    }

    #[test]
    fn a_reordering_projection_stays() {
        let plan = abc(5)
            .project(vec![c("b"), c("a"), c("c")])
            .unwrap()
            .build();
        assert!(!rewrite(&plan).changed);
    }

    #[test]
    fn computed_columns_used_twice_are_not_inlined() {
        let plan = abc(5)
            .project(vec![(c("a") + lit(1i64)).alias("x")])
            .unwrap()
            .project(vec![(c("x") * c("x")).alias("y")])
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert!(!t.changed, "{}", t.data.display_indent());
        assert_same_results(&plan, &t.data, true);
    }

    #[test]
    fn plain_columns_may_be_used_twice() {
        let plan = abc(5)
            .project(vec![c("a").alias("x"), c("b")])
            .unwrap()
            .project(vec![(c("x") * c("x")).alias("y"), c("b")])
            .unwrap()
            .build();
        check(plan, "Projection: a * a AS y, b\n  TableScan: t\n");
    }
}
