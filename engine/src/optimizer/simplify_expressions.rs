//! Constant folding and boolean simplification.
//!
//! Sub-expressions without columns are evaluated once at planning time (`1 + 2` becomes
//! `3`, `DATE '1998-12-01' - INTERVAL 90 DAY` becomes a timestamp literal); `x AND TRUE`
//! becomes `x`, `NOT NOT x` becomes `x`, and a filter that is always true disappears.

use std::sync::Arc;

use arrow::datatypes::Schema;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use super::utils::transform_up;
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::{Expr, Operator, Transformed};
use crate::logical::*;
use crate::physical::planner::create_physical_expr;
use crate::types::{QSchema, ScalarValue};

/// The rule.
pub struct SimplifyExpressions;

fn is_bool(e: &Expr, v: bool) -> bool {
    matches!(e, Expr::Literal(s) if s.as_bool() == Some(v))
}

fn fold(e: &Expr) -> Option<ScalarValue> {
    let empty = QSchema::empty();
    let physical = create_physical_expr(e, &empty).ok()?;
    let one = RecordBatch::try_new_with_options(
        Arc::new(Schema::empty()),
        vec![],
        &RecordBatchOptions::new().with_row_count(Some(1)),
    )
    .ok()?;
    let array = physical.evaluate_to_array(&one).ok()?;
    ScalarValue::try_from_array(array).ok()
}

fn simplify_node(e: Expr) -> Transformed<Expr> {
    match e {
        Expr::Literal(_) | Expr::Column(_) | Expr::Alias(_, _) | Expr::Wildcard { .. } => {
            Transformed::no(e)
        }
        Expr::BinaryOp {
            left,
            op: Operator::And,
            right,
        } if is_bool(&left, true) => Transformed::yes(*right),
        Expr::BinaryOp {
            left,
            op: Operator::And,
            right,
        } if is_bool(&right, true) => Transformed::yes(*left),
        Expr::BinaryOp {
            left,
            op: Operator::And,
            right,
        } if is_bool(&left, false) || is_bool(&right, false) => {
            Transformed::yes(Expr::Literal(ScalarValue::from(false)))
        }
        Expr::BinaryOp {
            left,
            op: Operator::Or,
            right,
        } if is_bool(&left, false) => Transformed::yes(*right),
        Expr::BinaryOp {
            left,
            op: Operator::Or,
            right,
        } if is_bool(&right, false) => Transformed::yes(*left),
        Expr::BinaryOp {
            left,
            op: Operator::Or,
            right,
        } if is_bool(&left, true) || is_bool(&right, true) => {
            Transformed::yes(Expr::Literal(ScalarValue::from(true)))
        }
        // (A AND B) OR (A AND C) => A AND (B OR C): exposes join keys hidden in ORs
        // (TPC-H Q19) and filters once instead of twice.
        Expr::BinaryOp {
            left,
            op: Operator::Or,
            right,
        } => {
            let l = left.as_ref().clone().split_conjunction();
            let r = right.as_ref().clone().split_conjunction();
            let common: Vec<Expr> = l.iter().filter(|x| r.contains(x)).cloned().collect();
            if common.is_empty() {
                return Transformed::no(Expr::BinaryOp {
                    left,
                    op: Operator::Or,
                    right,
                });
            }
            let rest_l: Vec<Expr> = l.into_iter().filter(|x| !common.contains(x)).collect();
            let rest_r: Vec<Expr> = r.into_iter().filter(|x| !common.contains(x)).collect();
            let mut terms = common;
            // If one side is only the common part, the OR is implied by it.
            if let (Some(a), Some(b)) = (Expr::conjunction(rest_l), Expr::conjunction(rest_r)) {
                terms.push(a.or(b));
            }
            Transformed::yes(
                Expr::conjunction(terms).unwrap_or_else(|| Expr::Literal(ScalarValue::from(true))),
            )
        }
        Expr::Not(inner) if matches!(*inner, Expr::Not(_)) => match *inner {
            Expr::Not(x) => Transformed::yes(*x),
            other => Transformed::no(Expr::Not(Box::new(other))),
        },
        e if e.is_constant() && !matches!(e, Expr::Aggregate(_) | Expr::Window(_)) => {
            match fold(&e) {
                Some(v) => Transformed::yes(Expr::Literal(v)),
                None => Transformed::no(e),
            }
        }
        e => Transformed::no(e),
    }
}

/// Simplifies one expression.
pub fn simplify_expr(e: Expr) -> Transformed<Expr> {
    let name = e.output_name();
    let had_alias = matches!(e, Expr::Alias(_, _));
    let r: std::result::Result<Transformed<Expr>, std::convert::Infallible> =
        e.transform_up(&mut |n| Ok(simplify_node(n)));
    let Ok(mut t) = r;
    // Keep the output name a projection had before folding (`1 + 1` stays named `1 + 1`).
    if t.changed && !had_alias && t.data.output_name() != name {
        t.data = t.data.alias(name);
    }
    t
}

fn simplify_list(exprs: &[Expr], keep_names: bool) -> (Vec<Expr>, bool) {
    let mut changed = false;
    let out = exprs
        .iter()
        .map(|e| {
            let t = if keep_names {
                simplify_expr(e.clone())
            } else {
                let r: std::result::Result<Transformed<Expr>, std::convert::Infallible> =
                    e.clone().transform_up(&mut |n| Ok(simplify_node(n)));
                let Ok(t) = r;
                t
            };
            changed |= t.changed;
            t.data
        })
        .collect();
    (out, changed)
}

impl OptimizerRule for SimplifyExpressions {
    fn name(&self) -> &'static str {
        "simplify_expressions"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        transform_up(plan, &mut |node| {
            Ok(match node.as_ref() {
                LogicalPlan::Filter(f) => {
                    let (p, changed) = simplify_list(std::slice::from_ref(&f.predicate), false);
                    let p = p.into_iter().next().unwrap_or_else(|| f.predicate.clone());
                    if is_bool(&p, true) {
                        Transformed::yes(f.input.clone())
                    } else if changed {
                        Transformed::yes(Arc::new(LogicalPlan::Filter(Filter {
                            predicate: p,
                            input: f.input.clone(),
                        })))
                    } else {
                        Transformed::no(node)
                    }
                }
                LogicalPlan::Projection(p) => {
                    let (exprs, changed) = simplify_list(&p.exprs, true);
                    if changed {
                        Transformed::yes(Arc::new(LogicalPlan::Projection(Projection {
                            exprs,
                            ..p.clone()
                        })))
                    } else {
                        Transformed::no(node)
                    }
                }
                LogicalPlan::Join(j) => match &j.filter {
                    Some(f) => {
                        let (p, changed) = simplify_list(std::slice::from_ref(f), false);
                        if changed {
                            let filter = p.into_iter().next().filter(|p| !is_bool(p, true));
                            Transformed::yes(Arc::new(LogicalPlan::Join(Join {
                                filter,
                                ..j.clone()
                            })))
                        } else {
                            Transformed::no(node)
                        }
                    }
                    None => Transformed::no(node),
                },
                _ => Transformed::no(node),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit};

    #[test]
    fn folds_constants_and_keeps_names() {
        let t = simplify_expr(lit(1i64) + lit(2i64));
        assert_eq!(t.data.to_string(), "3 AS 1 + 2");
        let t = simplify_expr(col("a").and(lit(true)));
        assert_eq!(t.data.to_string(), "a AS a AND true");
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;
    use crate::expr::{lit, lit_null};
    use crate::optimizer::utils::tests::*;
    use arrow::datatypes::DataType;

    fn rewrite(plan: &Arc<LogicalPlan>) -> Transformed<Arc<LogicalPlan>> {
        SimplifyExpressions.rewrite(plan.clone()).unwrap()
    }

    fn check(plan: Arc<LogicalPlan>, want: &str) {
        let t = rewrite(&plan);
        assert_eq!(t.data.display_indent(), want);
        assert_same_results(&plan, &t.data, true);
        // A second run finds nothing left to do.
        assert!(
            !rewrite(&t.data).changed,
            "not idempotent:\n{}",
            t.data.display_indent()
        );
    }

    #[test]
    fn folds_constants_in_filters() {
        let plan = abc(10)
            .filter(c("a").gt(lit(1i64) + lit(2i64)))
            .unwrap()
            .build();
        check(plan, "Filter: a > 3\n  TableScan: t\n");
    }

    #[test]
    fn an_always_true_filter_disappears() {
        let plan = abc(10)
            .filter(lit(true).and(c("a").gt(lit(1i64)).or(lit(true))))
            .unwrap()
            .build();
        check(plan, "TableScan: t\n");
    }

    #[test]
    fn boolean_identities() {
        // (a > 1 AND true) OR false, AND NOT NOT b = 1  ->  a > 1 AND b = 1
        let p = c("a")
            .gt(lit(1i64))
            .and(lit(true))
            .or(lit(false))
            .and(c("b").eq(lit(1i64)).not().not());
        let plan = abc(10).filter(p).unwrap().build();
        check(plan, "Filter: (a > 1) AND (b = 1)\n  TableScan: t\n");
    }

    #[test]
    fn and_false_is_false_and_keeps_the_filter() {
        let plan = abc(10)
            .filter(c("a").gt(lit(1i64)).and(lit(false)))
            .unwrap()
            .build();
        check(plan.clone(), "Filter: false\n  TableScan: t\n");
        assert_eq!(run_unoptimized(&rewrite(&plan).data), Vec::<String>::new());
    }

    #[test]
    fn three_valued_logic_with_null_literals() {
        // NULL AND false is false; NULL OR true is true (DuckDB, Polars).
        let null = || lit_null(&DataType::Boolean);
        let plan = abc(10).filter(null().and(lit(false))).unwrap().build();
        check(plan, "Filter: false\n  TableScan: t\n");
        let plan = abc(10).filter(null().or(lit(true))).unwrap().build();
        check(plan, "TableScan: t\n");
        // NULL AND true is NULL: no rows, and the filter stays.
        let plan = abc(10).filter(null().and(lit(true))).unwrap().build();
        let t = rewrite(&plan);
        assert!(
            t.data.display_indent().starts_with("Filter: NULL\n"),
            "{}",
            t.data.display_indent()
        );
        assert_eq!(run_unoptimized(&t.data), Vec::<String>::new());
    }

    #[test]
    fn projections_keep_their_output_names() {
        let plan = abc(3)
            .project(vec![
                lit(1i64) + lit(1i64),
                c("a") * (lit(2i64) + lit(3i64)),
                c("b"),
            ])
            .unwrap()
            .build();
        check(
            plan.clone(),
            "Projection: 2 AS 1 + 1, a * 5 AS a * (2 + 3), b\n  TableScan: t\n",
        );
        let names: Vec<String> = rewrite(&plan)
            .data
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().to_string())
            .collect();
        assert_eq!(names, vec!["1 + 1", "a * (2 + 3)", "b"]);
    }

    #[test]
    fn a_constant_that_fails_is_left_for_execution() {
        let plan = abc(3)
            .project(vec![lit("abc").cast(DataType::Int64).alias("n")])
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert!(!t.changed);
        let s = crate::session::Session::with_threads(1).unwrap();
        let err = s.execute(plan).unwrap_err();
        assert_eq!(err.category(), "Conversion", "{err}");
    }

    #[test]
    fn division_by_zero_folds_to_null() {
        let plan = abc(2)
            .project(vec![
                (lit(1i64) / lit(0i64)).alias("q"),
                (lit(7i64).floor_div(lit(0i64))).alias("d"),
            ])
            .unwrap()
            .build();
        check(plan, "Projection: NULL AS q, NULL AS d\n  TableScan: t\n");
    }

    #[test]
    fn join_filter_of_true_is_dropped() {
        let (l, r) = lr();
        let plan = l
            .join(
                r,
                JoinType::Inner,
                vec![(q("l", "k"), q("r", "k"))],
                Some(lit(true).and(lit(true))),
            )
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert_eq!(
            t.data.display_indent(),
            "Join(Inner): on=[l.k = r.k]\n  TableScan: l\n  TableScan: r\n"
        );
        assert_same_results(&plan, &t.data, false);
    }
}
